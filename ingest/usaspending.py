"""USAspending API v2 client: contract awards (``POST /api/v2/search/spending_by_award/``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ingest.errors import IngestError, MalformedPageError
from ingest.transport import FetchedPage, Request, Transport
from ingest.watchlist import Watchlist

# The fields asked of spending_by_award: enough to key, date, price and attribute each award.
AWARD_FIELDS: tuple[str, ...] = (
    "Award ID",
    "Recipient Name",
    "Recipient UEI",
    "recipient_id",
    "Awarding Agency",
    "Awarding Agency Code",
    "Awarding Sub Agency",
    "Awarding Sub Agency Code",
    "Funding Agency",
    "Funding Agency Code",
    "Funding Sub Agency",
    "Funding Sub Agency Code",
    "Description",
    "Base Obligation Date",
    "Last Modified Date",
    "Start Date",
    "End Date",
    "Award Amount",
    "Total Outlays",
    "Contract Award Type",
    "NAICS",
    "PSC",
    "generated_internal_id",
)

CONTRACT_TYPE_CODES: tuple[str, ...] = ("A", "B", "C", "D")

SOURCE = "usaspending"
SEARCH_PATH = "/api/v2/search/spending_by_award/"
MAX_LIMIT = 100
# page * limit may not pass this many records (the API answers 422 and asks for keyset paging).
MAX_RECORD_WINDOW = 50_000
SORT_FIELD = "Award Amount"
SORT_ORDER = "desc"
# USAspending holds no awards before fiscal year 2008; earlier start dates are a 422.
EARLIEST_START = dt.date(2007, 10, 1)


@dataclass(frozen=True)
class Keyset:
    """A keyset page's start: just after this (sort value, internal id) position, as the previous
    page's ``page_metadata.last_record_sort_value`` / ``last_record_unique_id`` gave it."""

    sort_value: str
    unique_id: int


@dataclass(frozen=True)
class AwardQuery:
    """One ``spending_by_award`` search: a label for logs and errors, and the API's filters."""

    label: str
    filters: dict[str, Any]


def calendar_quarters(years: tuple[int, int]) -> list[tuple[str, dt.date, dt.date]]:
    """``(label, first day, last day)`` of every calendar quarter of the inclusive year range,
    starting no earlier than USAspending's first date (2007-10-01)."""
    first, last = years
    if first > last:
        raise ValueError(f"years {years} are not in order")
    quarters = []
    for year in range(first, last + 1):
        for q in range(4):
            start = dt.date(year, 3 * q + 1, 1)
            end = (
                dt.date(year, 3 * q + 4, 1) - dt.timedelta(days=1)
                if q < 3
                else dt.date(year, 12, 31)
            )
            if end < EARLIEST_START:
                continue
            quarters.append((f"{year}-Q{q + 1}", max(start, EARLIEST_START), end))
    return quarters


def award_queries(watchlist: Watchlist, years: tuple[int, int]) -> list[AwardQuery]:
    """The contract searches of a refresh: every watched agency (as awarding toptier agency) and
    every watched company (by its ``recipient_search`` terms) in every calendar quarter.

    Quarters wholly before 2007-10-01 are left out (USAspending has nothing earlier); a company
    without ``recipient_search`` terms is not searched in USAspending.
    """
    quarters = calendar_quarters(years)
    queries: list[AwardQuery] = []

    def base(start: dt.date, end: dt.date) -> dict[str, Any]:
        return {
            "award_type_codes": list(CONTRACT_TYPE_CODES),
            "time_period": [
                {
                    "start_date": start.isoformat(),
                    "end_date": end.isoformat(),
                    "date_type": "action_date",
                }
            ],
        }

    for agency in watchlist.agencies:
        for quarter, start, end in quarters:
            filters = base(start, end)
            filters["agencies"] = [{"type": "awarding", "tier": "toptier", "name": agency.name}]
            name = agency.abbreviation or agency.name
            queries.append(AwardQuery(f"agency {name} ({agency.toptier_code}) {quarter}", filters))
    for company in watchlist.companies:
        if not company.recipient_search:
            continue
        for quarter, start, end in quarters:
            filters = base(start, end)
            filters["recipient_search_text"] = list(company.recipient_search)
            queries.append(AwardQuery(f"company {company.name} {quarter}", filters))
    return queries


def parse_awards_page(data: Any, page: str) -> tuple[bool, list[dict[str, Any]]]:
    """Validate one ``spending_by_award`` answer and return ``(has_next, results)``."""

    def bad(reason: str) -> MalformedPageError:
        return MalformedPageError(SOURCE, page, reason)

    if not isinstance(data, dict):
        raise bad(f"expected a JSON object with results/page_metadata, got {type(data).__name__}")
    results = data.get("results")
    if not isinstance(results, list):
        raise bad(f"results is missing or not a list (keys: {sorted(data)[:10]})")
    metadata = data.get("page_metadata")
    if not isinstance(metadata, dict):
        raise bad("page_metadata is missing or not an object")
    has_next = metadata.get("hasNext")
    if not isinstance(has_next, bool):
        raise bad(f"page_metadata.hasNext is not a boolean: {has_next!r}")
    for i, row in enumerate(results):
        if not isinstance(row, dict):
            raise bad(f"results[{i}] is not an object but {type(row).__name__}")
        key = row.get("generated_internal_id")
        if not isinstance(key, str) or not key:
            raise bad(f"results[{i}] has no generated_internal_id")
    if has_next and not results:
        raise bad("an empty page that says hasNext")
    return has_next, results


def next_keyset(data: dict[str, Any], page: str, query: AwardQuery, window: int) -> Keyset:
    """The keyset to ask the page after ``page`` with, from its (validated) ``page_metadata``.

    Missing values (absent, null, or the ``"None"`` the API writes for a null sort value) are an
    ``IngestError`` naming the query: past the record window there is no other way to page on.
    Values of the wrong type are a ``MalformedPageError``.
    """
    metadata = data["page_metadata"]
    unique_id = metadata.get("last_record_unique_id")
    sort_value = metadata.get("last_record_sort_value")
    if unique_id is None or sort_value in (None, "", "None"):
        raise IngestError(
            SOURCE,
            f"{query.label}: cannot page past {page}: its page_metadata lacks the keyset "
            f"(last_record_unique_id={unique_id!r}, last_record_sort_value={sort_value!r}) "
            f"that paging beyond the {window}-record window of page numbers needs; narrow the "
            "query (a shorter time window)",
        )
    if not isinstance(unique_id, int) or isinstance(unique_id, bool):
        raise MalformedPageError(
            SOURCE, page, f"page_metadata.last_record_unique_id is not an integer: {unique_id!r}"
        )
    if not isinstance(sort_value, str):
        raise MalformedPageError(
            SOURCE, page, f"page_metadata.last_record_sort_value is not a string: {sort_value!r}"
        )
    return Keyset(sort_value, unique_id)


class UsaspendingClient:
    """Pages through ``spending_by_award`` (``limit`` up to 100): by page number while
    ``page * limit`` stays within the API's record window, then by keyset.

    Keyset requests carry ``last_record_sort_value`` and ``last_record_unique_id`` from the
    previous page's ``page_metadata`` and no ``page``: the API answers them with the rows after
    that position in the sort order (the sort field, then the award's internal id) and ignores
    ``page`` (it only echoes it back, 1 by default), so sending one would only mislead whoever
    reads the request. Page labels say which keyset a page was asked after.
    """

    # page * limit may not pass this many records. A class attribute so tests can lower it.
    record_window: int = MAX_RECORD_WINDOW

    def __init__(self, transport: Transport, base_url: str, limit: int = MAX_LIMIT) -> None:
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.limit = limit

    def _body(self, query: AwardQuery) -> dict[str, Any]:
        return {
            "filters": query.filters,
            "fields": list(AWARD_FIELDS),
            "limit": self.limit,
        }

    def awards_request(self, query: AwardQuery, page: int) -> Request:
        """Page ``page`` by page number (``page * limit`` within the record window)."""
        body = self._body(query)
        body.update({"page": page, "sort": SORT_FIELD, "order": SORT_ORDER})
        return Request(SOURCE, "POST", self.base_url + SEARCH_PATH, json_body=body)

    def keyset_request(self, query: AwardQuery, after: Keyset) -> Request:
        """The ``limit`` awards after ``after`` in the sort order (keyset paging, no ``page``)."""
        body = self._body(query)
        body.update(
            {
                "sort": SORT_FIELD,
                "order": SORT_ORDER,
                "last_record_sort_value": after.sort_value,
                "last_record_unique_id": after.unique_id,
            }
        )
        return Request(SOURCE, "POST", self.base_url + SEARCH_PATH, json_body=body)

    def iter_awards(self, query: AwardQuery) -> Iterator[FetchedPage]:
        """Yield every page of awards matching ``query``, while ``page_metadata.hasNext``.

        Pages are asked by number while ``page * limit <= record_window`` (50,000), then by
        keyset from the last page's ``page_metadata``. Page labels are the request label
        followed by the query label (POST requests to one URL differ only by their bodies);
        keyset pages also name their page number and keyset. A keyset page whose keyset does
        not advance is a ``MalformedPageError``; a page without the keyset needed to go on is an
        ``IngestError`` naming the query.
        """
        page = 1
        after: Keyset | None = None
        seen: set[int] = set()  # page_metadata.last_record_unique_id of every page so far
        while True:
            if after is None:
                request = self.awards_request(query, page)
                label = f"{request.label} [{query.label}]"
            else:
                request = self.keyset_request(query, after)
                label = (
                    f"{request.label} (keyset page {page} after last_record_sort_value="
                    f"{after.sort_value!r}, last_record_unique_id={after.unique_id}) "
                    f"[{query.label}]"
                )
            data = self.transport.send(request).json()
            has_next, results = parse_awards_page(data, label)
            next_after: Keyset | None = None
            if has_next and (after is not None or (page + 1) * self.limit > self.record_window):
                next_after = next_keyset(data, label, query, self.record_window)
                if after is not None and next_after.unique_id in seen:
                    # The same position again (or an earlier one: a server that ignores the
                    # keyset answers page 1 again): paging on would loop or repeat awards.
                    which = (
                        "the one this page was asked after"
                        if next_after.unique_id == after.unique_id
                        else "an earlier page's"
                    )
                    raise MalformedPageError(
                        SOURCE,
                        label,
                        f"keyset paging does not advance: page_metadata.last_record_unique_id "
                        f"{next_after.unique_id} is {which}",
                    )
            last_id = data["page_metadata"].get("last_record_unique_id")
            if isinstance(last_id, int):
                seen.add(last_id)
            yield FetchedPage(SOURCE, label, results)
            if not has_next:
                return
            page += 1
            after = next_after
