"""A fake of the USAspending API v2 (award and transaction searches, recipient profiles, the
toptier agency list) over a list of awards, answering as the real API does for the requests the
clients make: limits, the 50,000-record window, keyset paging, 422s for invalid requests.

Simplifications, so nobody mistakes it for the API's full behaviour: in ``spending_by_award``, a
``time_period`` of ``action_date`` matches an award with an action (transaction) dated in it,
``last_modified_date`` its ``Last Modified Date``, ``date_signed`` and ``new_awards_only`` its
``Base Obligation Date``; in ``spending_by_transaction`` it matches the action date.
``recipient_search_text`` is a case-insensitive phrase-prefix at a word start of the recipient or
parent recipient name (or an exact UEI); filters it does not implement are a 400 naming them,
never silently ignored. The toptier agency list carries the bundled agency codes and names with
null money figures; recipient profiles carry names, UEIs and parents, with empty locations and
zero totals.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.fakes.app import Reply, json_reply
from tests.sample.model import AwardFact

# ============================================================================================
# USAspending


USASPENDING_SEARCH_PATH = "/api/v2/search/spending_by_award/"
USASPENDING_TRANSACTION_PATH = "/api/v2/search/spending_by_transaction/"
USASPENDING_TOPTIER_PATH = "/api/v2/references/toptier_agencies/"
USASPENDING_RECIPIENT = re.compile(r"^/api/v2/recipient/([0-9a-f-]+-[CPR])/?$")
AWARD_TYPE_GROUPS: dict[str, tuple[str, ...]] = {
    "contracts": ("A", "B", "C", "D"),
    "idvs": ("IDV_A", "IDV_B", "IDV_B_A", "IDV_B_B", "IDV_B_C", "IDV_C", "IDV_D", "IDV_E"),
    "grants": ("02", "03", "04", "05"),
    "direct_payments": ("06", "10"),
    "loans": ("07", "08"),
    "other_financial_assistance": ("09", "11", "-1"),
}
DATE_TYPES = ("action_date", "date_signed", "last_modified_date", "new_awards_only")
EARLIEST_START = dt.date(2007, 10, 1)
MAX_LIMIT = 100
MAX_RECORD_WINDOW = 50_000
IMPLEMENTED_FILTERS = ("award_type_codes", "time_period", "agencies", "recipient_search_text")
# Filters the API's advanced search takes, which this fake does not implement (a 400 here);
# any other name is not a filter at all: the API ignores it, says so in ``messages`` and
# answers without it.
OTHER_API_FILTERS = (
    "keywords",
    "description",
    "place_of_performance_scope",
    "place_of_performance_locations",
    "recipient_scope",
    "recipient_locations",
    "recipient_type_names",
    "award_ids",
    "award_amounts",
    "program_numbers",
    "naics_codes",
    "tas_codes",
    "psc_codes",
    "contract_pricing_type_codes",
    "set_aside_type_codes",
    "extent_competed_type_codes",
    "treasury_account_components",
    "object_class",
    "program_activity",
    "program_activities",
    "def_codes",
)
# Every search answer carries this notice (the API's words, trailing space included).
EARLIEST_DATE_NOTICE = (
    "For searches, time period start and end dates are currently limited to an earliest date "
    "of 2007-10-01.  For data going back to 2000-10-01, use either the Custom Award Download "
    "feature on the website or one of our download or bulk_download API endpoints as listed on "
    "https://api.usaspending.gov/docs/endpoints. "
)


def search_messages(filters: Any) -> list[str]:
    """The ``messages`` of a search answer: the earliest-date notice, and the API's note on
    request filters it did not use (their names printed as a Python set)."""
    messages = [EARLIEST_DATE_NOTICE]
    if isinstance(filters, dict):
        ignored = {
            k for k in filters if k not in IMPLEMENTED_FILTERS and k not in OTHER_API_FILTERS
        }
        if ignored:
            messages.append(
                f"The following filters from the request were not used: {ignored}. See "
                "https://api.usaspending.gov/docs/endpoints for a list of appropriate filters"
            )
    return messages


class _Invalid(Exception):
    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


def _word_prefix(term: str, text: str) -> bool:
    return re.search(r"(?<![a-z0-9])" + re.escape(term), text) is not None


@dataclass(frozen=True)
class _Search:
    codes: frozenset[str]
    periods: list[tuple[dt.date, dt.date, str]]  # start, end, date_type
    agencies: list[dict[str, Any]]
    recipients: list[str]


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def recipient_profiles(awards: Sequence[AwardFact]) -> dict[str, dict[str, Any]]:
    """The ``GET /api/v2/recipient/<id>/`` answer of every child recipient of ``awards``: its
    first name, other names it was spelled with, UEI and parent."""
    profiles: dict[str, dict[str, Any]] = {}
    for fact in awards:
        row = fact.row
        recipient_id = str(row.get("recipient_id") or "")
        if not recipient_id.endswith("-C"):
            continue
        profile = profiles.get(recipient_id)
        if profile is None:
            digest = uuid.uuid5(uuid.NAMESPACE_URL, "parent:" + fact.parent_recipient_name)
            parent_id = f"{digest}-P"
            parent = {
                "parent_id": parent_id,
                "parent_duns": None,
                "parent_uei": fact.parent_uei,
                "parent_name": fact.parent_recipient_name,
            }
            profiles[recipient_id] = {
                "name": row.get("Recipient Name"),
                "alternate_names": [],
                "duns": None,
                "uei": row.get("Recipient UEI"),
                "recipient_id": recipient_id,
                "recipient_level": "C",
                "parent_id": parent_id,
                "parent_name": fact.parent_recipient_name,
                "parent_duns": None,
                "parent_uei": fact.parent_uei,
                "parents": [parent],
                "business_types": [],
                "location": {},
                "total_transaction_amount": 0,
                "total_transactions": 0,
                "total_face_value_loan_amount": 0,
                "total_face_value_loan_transactions": 0,
            }
        elif row.get("Recipient Name") not in (profile["name"], *profile["alternate_names"]):
            profile["alternate_names"].append(row.get("Recipient Name"))
    return profiles


def toptier_agency_rows(agencies: Sequence[dict[str, str]]) -> list[dict[str, Any]]:
    """``/api/v2/references/toptier_agencies/`` rows for ``agencies`` (toptier_code,
    abbreviation, agency_name), money figures null."""
    rows = []
    for number, agency in enumerate(agencies, start=1):
        name = agency["agency_name"]
        rows.append(
            {
                "agency_id": number,
                "toptier_code": agency["toptier_code"],
                "abbreviation": agency.get("abbreviation") or None,
                "agency_name": name,
                "congressional_justification_url": None,
                "active_fy": None,
                "active_fq": None,
                "outlay_amount": None,
                "obligated_amount": None,
                "budget_authority_amount": None,
                "current_total_budget_authority_amount": None,
                "percentage_of_total_budget_authority": None,
                "agency_slug": re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-"),
            }
        )
    return rows


def transaction_row(fact: AwardFact, action: dict[str, Any]) -> dict[str, Any]:
    """One ``spending_by_transaction`` row: an action of ``fact`` with its award's fields."""
    row = fact.row
    return {
        "Award ID": row.get("Award ID"),
        "Mod": action.get("Mod"),
        "Action Date": action.get("Action Date"),
        "Action Type": action.get("Action Type"),
        "Transaction Amount": action.get("Transaction Amount"),
        "Transaction Description": action.get("Transaction Description"),
        "Award Type": row.get("Contract Award Type"),
        "Recipient Name": row.get("Recipient Name"),
        "Recipient UEI": row.get("Recipient UEI"),
        "Awarding Agency": row.get("Awarding Agency"),
        "Awarding Sub Agency": row.get("Awarding Sub Agency"),
        "Funding Agency": row.get("Funding Agency"),
        "Funding Sub Agency": row.get("Funding Sub Agency"),
        "Last Date to Order": row.get("Last Date to Order"),
        "Primary Place of Performance": row.get("Primary Place of Performance"),
        "NAICS": row.get("NAICS"),
        "PSC": row.get("PSC"),
        # the award's disaster emergency fund codes: a list, empty when none
        "def_codes": list(row.get("def_codes") or []),
        # an integer, as the API sent it in 2026 (its older contract example shows a string)
        "internal_id": row.get("internal_id"),
        "generated_internal_id": row.get("generated_internal_id"),
    }


class FakeUsaspendingApi:
    """``POST /api/v2/search/spending_by_award/`` over a list of ``AwardFact``.

    Rows are ordered by the ``sort`` field, then by the award's ``internal_id`` (both in the
    asked ``order``; awards without a sort value last), as the real API sorts its Elasticsearch
    index (the sort field, then ``award_id``). Two ways to page, as the real API:

    - page numbers: ``page`` and ``limit``, while ``page * limit`` stays within
      ``max_record_window`` (50,000); past it, a 422 asking for keyset paging;
    - keyset (Elasticsearch ``search_after``): with ``last_record_sort_value`` and
      ``last_record_unique_id`` (both, as ``page_metadata`` gave them), the ``limit`` rows
      strictly after that (sort value, internal id) position; ``page`` is then only echoed
      back, and the window does not apply.

    Every answer's ``page_metadata`` carries the last row's ``internal_id`` and sort value (as a
    string). Simplifications: the real API fails with a 500 when only one keyset field is given
    (the fake: a 422 with the same words); keyset paging over an object-valued sort field
    (``NAICS``, ``PSC``) is a 400 here; a last row without a sort value gives
    ``last_record_sort_value: null``, from which keyset paging cannot continue.
    """

    def __init__(
        self,
        awards: Sequence[AwardFact],
        max_record_window: int = MAX_RECORD_WINDOW,
        toptier_agencies: Sequence[dict[str, str]] = (),
    ) -> None:
        self.awards = list(awards)
        # Lowered by tests so that crossing it does not take 50,000 awards.
        self.max_record_window = max_record_window
        self.toptier_agencies = toptier_agency_rows(toptier_agencies)
        self.recipients = recipient_profiles(self.awards)

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        route = path.rstrip("/")
        searches = {
            USASPENDING_SEARCH_PATH.rstrip("/"): self._search,
            USASPENDING_TRANSACTION_PATH.rstrip("/"): self._search_transactions,
        }
        recipient = USASPENDING_RECIPIENT.match(path)
        if route == USASPENDING_TOPTIER_PATH.rstrip("/") or recipient:
            if method.upper() != "GET":
                return json_reply(405, {"detail": f'Method "{method.upper()}" not allowed.'})
            if recipient is None:
                return json_reply(200, {"results": self.toptier_agencies})
            profile = self.recipients.get(recipient.group(1))
            if profile is None:
                return json_reply(404, {"detail": "Recipient not found"})
            return json_reply(200, profile)
        if route not in searches:
            return json_reply(404, {"detail": "Not Found"})
        if method.upper() != "POST":
            return json_reply(405, {"detail": f'Method "{method.upper()}" not allowed.'})
        try:
            payload = json.loads(body or b"")
        except ValueError as exc:
            return json_reply(400, {"detail": f"JSON parse error - {exc}"})
        try:
            return json_reply(200, searches[route](payload))
        except _Invalid as exc:
            return json_reply(exc.status, {"detail": exc.detail})

    # -- validation ------------------------------------------------------------------------

    @staticmethod
    def _boundedint_param(payload: dict[str, Any], key: str, default: int, top: int | None) -> int:
        value = payload.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _Invalid(
                422, f"Invalid value in '{key}'. '{value}' is not a valid type (integer)"
            )
        if value < 1:
            raise _Invalid(422, f"Field '{key}' value '{value}' is below min '1'")
        if top is not None and value > top:
            raise _Invalid(422, f"Field '{key}' value '{value}' is above max '{top}'")
        return value

    def _parse_filters(self, filters: Any) -> _Search:
        if not isinstance(filters, dict):
            raise _Invalid(422, "Missing value: 'filters' is a required field")
        unknown = [k for k in filters if k in OTHER_API_FILTERS]
        if unknown:
            raise _Invalid(400, f"the fake USAspending API does not implement filters {unknown}")
        codes = filters.get("award_type_codes")
        if not isinstance(codes, list) or not codes:
            raise _Invalid(422, "Missing value: 'filters|award_type_codes' is a required field")
        groups = {g for g, members in AWARD_TYPE_GROUPS.items() for c in codes if c in members}
        every = [c for members in AWARD_TYPE_GROUPS.values() for c in members]
        bad = [c for c in codes if c not in every]
        if bad:
            raise _Invalid(
                422, f"Field 'filters|award_type_codes' is outside valid values {every}: {bad}"
            )
        if len(groups) > 1:
            raise _Invalid(
                422,
                f"'award_type_codes' must only contain types from one group, got {sorted(groups)}",
            )
        periods: list[tuple[dt.date, dt.date, str]] = []
        for item in filters.get("time_period") or []:
            if not isinstance(item, dict):
                raise _Invalid(422, "Field 'filters|time_period' must be a list of objects")
            try:
                start = dt.date.fromisoformat(str(item.get("start_date")))
                end = dt.date.fromisoformat(str(item.get("end_date")))
            except ValueError:
                raise _Invalid(
                    422, f"Field 'filters|time_period' has an invalid date: {item}"
                ) from None
            if start < EARLIEST_START:
                raise _Invalid(
                    422,
                    f"Field 'filters|time_period|start_date' value '{start}' is below min "
                    f"'{EARLIEST_START}'",
                )
            date_type = item.get("date_type", "action_date")
            if date_type not in DATE_TYPES:
                raise _Invalid(
                    422,
                    f"Field 'filters|time_period|date_type' is outside valid values "
                    f"{list(DATE_TYPES)}",
                )
            periods.append((start, end, str(date_type)))
        agencies = filters.get("agencies") or []
        for agency in agencies:
            if (
                not isinstance(agency, dict)
                or agency.get("type") not in ("awarding", "funding")
                or agency.get("tier") not in ("toptier", "subtier")
                or not agency.get("name")
            ):
                raise _Invalid(422, f"Field 'filters|agencies' has an invalid object: {agency}")
        recipients = filters.get("recipient_search_text") or []
        if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
            raise _Invalid(422, "Field 'filters|recipient_search_text' must be a list of strings")
        return _Search(frozenset(codes), periods, list(agencies), list(recipients))

    # -- matching --------------------------------------------------------------------------

    @staticmethod
    def _agency_match(fact: AwardFact, agency: dict[str, Any]) -> bool:
        prefix = "Awarding" if agency["type"] == "awarding" else "Funding"
        if agency["tier"] == "toptier":
            return fact.row.get(f"{prefix} Agency") == agency["name"]
        if fact.row.get(f"{prefix} Sub Agency") != agency["name"]:
            return False
        toptier = agency.get("toptier_name")
        return not toptier or fact.row.get(f"{prefix} Agency") == toptier

    @staticmethod
    def _recipient_match(fact: AwardFact, text: str) -> bool:
        term = text.strip().lower()
        names = [str(fact.row.get("Recipient Name") or ""), fact.parent_recipient_name or ""]
        if len(term) >= 2 and term.startswith('"') and term.endswith('"'):
            exact = term[1:-1]
            return any(name.lower() == exact for name in names)
        ids = [str(fact.row.get("Recipient UEI") or ""), fact.parent_uei or ""]
        if any(term == i.lower() for i in ids if i):
            return True
        return any(_word_prefix(term, name.lower()) for name in names)

    def _matches(self, fact: AwardFact, search: _Search) -> bool:
        if fact.award_type_code not in search.codes:
            return False
        if search.periods and not any(
            self._in_period(fact, start, end, date_type) for start, end, date_type in search.periods
        ):
            return False
        return self._in_scope(fact, search)

    @staticmethod
    def _in_period(fact: AwardFact, start: dt.date, end: dt.date, date_type: str) -> bool:
        if date_type == "action_date" and fact.transactions:
            days = [_day(t.get("Action Date")) for t in fact.transactions]
        elif date_type == "last_modified_date":
            days = [_day(fact.row.get("Last Modified Date"))]
        else:
            days = [_day(fact.row.get("Base Obligation Date"))]
        return any(day is not None and start <= day <= end for day in days)

    def _in_scope(self, fact: AwardFact, search: _Search) -> bool:
        """The award type, agency and recipient filters (everything but the dates)."""
        if fact.award_type_code not in search.codes:
            return False
        if search.agencies and not any(self._agency_match(fact, a) for a in search.agencies):
            return False
        return not search.recipients or any(
            self._recipient_match(fact, r) for r in search.recipients
        )

    # -- keyset paging ---------------------------------------------------------------------

    @staticmethod
    def _tiebreak(row: dict[str, Any]) -> tuple[int, str]:
        """The order among rows with the same sort value: the internal id (the real API's
        ``award_id`` tie-breaker), then the generated id should an internal id be missing."""
        internal_id = row.get("internal_id")
        number = internal_id if isinstance(internal_id, int) else -1
        return number, str(row["generated_internal_id"])

    @staticmethod
    def _keyset(payload: dict[str, Any]) -> tuple[str, int] | None:
        """``(last_record_sort_value, last_record_unique_id)`` of a keyset request, or None."""
        value = payload.get("last_record_sort_value")
        unique_id = payload.get("last_record_unique_id")
        if value is None and unique_id is None:
            return None
        if value is None or unique_id is None:
            raise _Invalid(
                422,
                "Using search_after functionality in Elasticsearch requires both "
                "last_record_sort_value and last_record_unique_id.",
            )
        if not isinstance(unique_id, int) or isinstance(unique_id, bool):
            raise _Invalid(
                422,
                f"Invalid value in 'last_record_unique_id'. '{unique_id}' is not a valid type "
                "(integer)",
            )
        if not isinstance(value, str):
            raise _Invalid(
                422,
                f"Invalid value in 'last_record_sort_value'. '{value}' is not a valid type (text)",
            )
        return value, unique_id

    def _rows_after(
        self,
        present: list[dict[str, Any]],
        sort: str,
        order: str,
        after: tuple[str, int],
    ) -> list[dict[str, Any]]:
        """The rows of ``present`` (ordered, all with a sort value) strictly after the keyset."""
        text, unique_id = after
        values = [row[sort] for row in present]
        if any(isinstance(v, dict | list | bool) for v in values):
            raise _Invalid(
                400,
                f"the fake USAspending API does not implement keyset paging sorted by '{sort}'",
            )
        bound: Any = text
        if values and all(isinstance(v, int | float) for v in values):
            try:
                bound = float(text)
            except ValueError:
                raise _Invalid(
                    400,
                    f"last_record_sort_value '{text}' is not a number, as '{sort}' values are",
                ) from None
        elif not all(isinstance(v, str) for v in values):
            raise _Invalid(400, f"the fake USAspending API cannot compare '{sort}' values")
        position = (bound, unique_id)

        def beyond(row: dict[str, Any]) -> bool:
            key = (row[sort], self._tiebreak(row)[0])
            return key < position if order == "desc" else key > position

        return [row for row in present if beyond(row)]

    # -- the search ------------------------------------------------------------------------

    def _request(
        self, payload: Any, default_sort: str | None
    ) -> tuple[_Search, list[Any], int, int, str, str]:
        """The parts both searches validate alike: filters, fields, limit, page, sort, order."""
        if not isinstance(payload, dict):
            raise _Invalid(400, "the request body must be a JSON object")
        search = self._parse_filters(payload.get("filters"))
        fields = payload.get("fields")
        if not isinstance(fields, list) or not fields:
            raise _Invalid(422, "Missing value: 'fields' is a required field")
        limit = self._boundedint_param(payload, "limit", 10, MAX_LIMIT)
        page = self._boundedint_param(payload, "page", 1, None)
        sort = payload.get("sort", default_sort or fields[0])
        if not isinstance(sort, str) or sort not in fields:
            raise _Invalid(422, f"Sort value '{sort}' not found in requested fields: {fields}")
        order = payload.get("order", "desc")
        if order not in ("asc", "desc"):
            raise _Invalid(422, "Field 'order' is outside valid values ['asc', 'desc']")
        return search, fields, limit, page, sort, order

    def _search(self, payload: Any) -> dict[str, Any]:
        search, fields, limit, page, sort, order = self._request(payload, None)
        after = self._keyset(payload)
        if after is None and page * limit > self.max_record_window:
            raise _Invalid(
                422,
                f"Page #{page} with limit {limit} is over the maximum result limit "
                f"{self.max_record_window}. Use last_record_unique_id and last_record_sort_value "
                "to page further, or narrow the filters.",
            )
        matched = [f.row for f in self.awards if self._matches(f, search)]

        def sort_value(row: dict[str, Any]) -> Any:
            value = row.get(sort)
            return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value

        present = [r for r in matched if sort_value(r) is not None]
        absent = [r for r in matched if sort_value(r) is None]
        present.sort(key=lambda r: (sort_value(r), *self._tiebreak(r)), reverse=order == "desc")
        absent.sort(key=self._tiebreak, reverse=order == "desc")
        if after is None:
            ordered = present + absent  # missing values last, as Elasticsearch sorts them
            start = (page - 1) * limit
            rows = ordered[start : start + limit]
            has_next = start + limit < len(ordered)
        else:
            remaining = self._rows_after(present, sort, order, after) + absent
            rows = remaining[:limit]
            has_next = len(remaining) > limit
        results = []
        for row in rows:
            projected: dict[str, Any] = {"internal_id": row.get("internal_id")}
            for name in fields:
                projected[name] = row.get(name)
            projected["generated_internal_id"] = row["generated_internal_id"]
            results.append(projected)
        last = rows[-1] if rows else None
        return {
            "spending_level": "awards",
            "limit": limit,
            "results": results,
            "page_metadata": {
                "page": page,
                "hasNext": has_next,
                # the API names no position after the last page: a null id and the text "None"
                "last_record_unique_id": (
                    last.get("internal_id") if last is not None and has_next else None
                ),
                "last_record_sort_value": (
                    str(last.get(sort)) if last is not None and has_next else "None"
                ),
            },
            "messages": search_messages(payload.get("filters")),
        }

    # -- transactions ----------------------------------------------------------------------

    def _search_transactions(self, payload: Any) -> dict[str, Any]:
        """``spending_by_transaction``: one row per action of a matching award dated in the
        window; page numbers only (no keyset paging), within the record window."""
        search, fields, limit, page, sort, order = self._request(payload, "Transaction Amount")
        if "last_record_unique_id" in payload or "last_record_sort_value" in payload:
            raise _Invalid(400, "spending_by_transaction does not page by keyset")
        if page * limit > self.max_record_window:
            raise _Invalid(
                422,
                f"Page #{page} with limit {limit} is over the maximum result limit "
                f"{self.max_record_window}. Narrow the filters.",
            )
        rows: list[dict[str, Any]] = []
        for fact in self.awards:
            if not self._in_scope(fact, search):
                continue
            for action in fact.transactions:
                day = _day(action.get("Action Date"))
                if search.periods and not any(
                    day is not None and start <= day <= end for start, end, _ in search.periods
                ):
                    continue
                rows.append(transaction_row(fact, action))

        def order_key(row: dict[str, Any]) -> tuple[Any, ...]:
            value = row.get(sort)
            if isinstance(value, dict | list):
                value = json.dumps(value, sort_keys=True)
            tiebreak = (row["generated_internal_id"], row["Mod"], row["Action Date"])
            return (value is None, value if value is not None else 0, *tiebreak)

        rows.sort(key=order_key, reverse=order == "desc")
        start = (page - 1) * limit
        chosen = rows[start : start + limit]
        has_next = start + limit < len(rows)
        results = []
        for row in chosen:
            projected = {name: row.get(name) for name in fields}
            projected["internal_id"] = row["internal_id"]
            projected["generated_internal_id"] = row["generated_internal_id"]
            results.append(projected)
        return {
            "limit": limit,
            "results": results,
            "page_metadata": {
                "page": page,
                "hasNext": has_next,
                "hasPrevious": page > 1,
                "next": page + 1 if has_next else None,
                "previous": page - 1 if page > 1 else None,
            },
            "messages": search_messages(payload.get("filters")),
        }
