"""USAspending API v2 client: contract awards and IDVs (``POST /api/v2/search/spending_by_award/``),
their transactions (``POST /api/v2/search/spending_by_transaction/``), recipients
(``GET /api/v2/recipient/<id>/``) and the toptier agency list
(``GET /api/v2/references/toptier_agencies/``)."""

from __future__ import annotations

import ast
import datetime as dt
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ingest.errors import IngestError, MalformedPageError, SourceHTTPError
from ingest.transport import FetchedPage, Request, Transport
from ingest.usaspending_archive import archive_agencies
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
    # IDVs have no End Date: an IDV's ordering period ends on its last date to order (null on
    # contract awards, which the API answers without complaint)
    "Last Date to Order",
    "Award Amount",
    "Total Outlays",
    "Contract Award Type",
    "NAICS",
    "PSC",
    "generated_internal_id",
)

# The fields asked of spending_by_transaction: one row per award action (modification). The
# endpoint states the awarding and funding agencies by name only (its field list has no agency
# codes); staging maps the names to codes through the agency reference. Place of performance,
# NAICS, PSC and disaster emergency fund codes (def_codes) come free in the same call.
TRANSACTION_FIELDS: tuple[str, ...] = (
    "Award ID",
    "Mod",
    "Action Date",
    "Action Type",
    "Transaction Amount",
    "Transaction Description",
    "Award Type",
    "Recipient Name",
    "Recipient UEI",
    "Awarding Agency",
    "Awarding Sub Agency",
    "Funding Agency",
    "Funding Sub Agency",
    "Last Date to Order",
    "Primary Place of Performance",
    "NAICS",
    "PSC",
    "def_codes",
    "internal_id",
    "generated_internal_id",
)

CONTRACT_TYPE_CODES: tuple[str, ...] = ("A", "B", "C", "D")
IDV_TYPE_CODES: tuple[str, ...] = (
    "IDV_A",
    "IDV_B",
    "IDV_B_A",
    "IDV_B_B",
    "IDV_B_C",
    "IDV_C",
    "IDV_D",
    "IDV_E",
)
# The API takes award type codes of one group per search (mixing groups is a 422).
AWARD_GROUPS: dict[str, tuple[str, ...]] = {
    "contracts": CONTRACT_TYPE_CODES,
    "idvs": IDV_TYPE_CODES,
}
DATE_TYPES = ("action_date", "date_signed", "last_modified_date", "new_awards_only")

log = logging.getLogger(__name__)

SOURCE = "usaspending"
SEARCH_PATH = "/api/v2/search/spending_by_award/"
TRANSACTION_PATH = "/api/v2/search/spending_by_transaction/"
RECIPIENT_PATH = "/api/v2/recipient/{recipient_id}/"
TOPTIER_AGENCIES_PATH = "/api/v2/references/toptier_agencies/"
# Transactions are asked oldest first, so a page-number walk over a window is stable.
TRANSACTION_SORT = "Action Date"
TRANSACTION_ORDER = "asc"
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


@dataclass(frozen=True)
class TransactionQuery:
    """One ``spending_by_transaction`` search: a scope (agency or recipient filters), an award
    type group and an inclusive action-date window, which the client slices further when the
    window holds more transactions than the API's record window lets it page through."""

    label: str
    scope: dict[str, Any]
    group: str
    start: dt.date
    end: dt.date

    def __post_init__(self) -> None:
        if self.group not in AWARD_GROUPS:
            raise ValueError(f"unknown award type group {self.group!r}")
        if self.end < self.start:
            raise ValueError(f"TransactionQuery {self.label!r}: end {self.end} is before start")
        if self.start < EARLIEST_START:
            raise ValueError(
                f"TransactionQuery {self.label!r}: USAspending has nothing before {EARLIEST_START}"
            )

    def filters(self, start: dt.date, end: dt.date) -> dict[str, Any]:
        return {
            "award_type_codes": list(AWARD_GROUPS[self.group]),
            # spending_by_transaction filters on the transaction's own action date
            "time_period": [{"start_date": start.isoformat(), "end_date": end.isoformat()}],
            **self.scope,
        }


def _time_period(start: dt.date, end: dt.date, date_type: str) -> list[dict[str, str]]:
    if date_type not in DATE_TYPES:
        raise ValueError(f"date_type must be one of {DATE_TYPES}, got {date_type!r}")
    return [{"start_date": start.isoformat(), "end_date": end.isoformat(), "date_type": date_type}]


def search_scopes(watchlist: Watchlist, archive: bool = False) -> list[tuple[str, dict[str, Any]]]:
    """``(label, filters)`` of every watched scope: each agency by toptier code (the awarding
    toptier agency, or only its listed sub-agencies when the watchlist says ``pull: subtiers``)
    and each company by its ``recipient_search`` terms. Agencies are named in the filters as
    the API requires; the watchlist's codes are what the warehouse joins on.

    With ``archive``, the agencies that the Award Data Archive loads (every ``pull: toptier`` or
    ``subtiers`` agency, ``ingest.usaspending_archive.archive_agencies``) are left out.
    """
    from_archive = {a.toptier_code for a in archive_agencies(watchlist)} if archive else set()
    scopes: list[tuple[str, dict[str, Any]]] = []
    for agency in watchlist.agencies:
        if agency.toptier_code in from_archive:
            continue
        name = agency.abbreviation or agency.name
        if agency.pull == "subtiers":
            for sub in agency.subtiers:
                filter_ = {
                    "type": "awarding",
                    "tier": "subtier",
                    "name": sub.name,
                    "toptier_name": agency.name,
                }
                label = f"agency {sub.abbreviation or sub.name} ({sub.code})"
                scopes.append((label, {"agencies": [filter_]}))
        else:
            filter_ = {"type": "awarding", "tier": "toptier", "name": agency.name}
            scopes.append((f"agency {name} ({agency.toptier_code})", {"agencies": [filter_]}))
    for company in watchlist.companies:
        terms = list(dict.fromkeys((*company.recipient_search, *company.ueis)))
        if terms:
            scopes.append((f"company {company.name}", {"recipient_search_text": terms}))
    return scopes


def _award_searches(
    watchlist: Watchlist,
    groups: tuple[str, ...],
    windows: list[tuple[str, dt.date, dt.date]],
    date_type: str,
) -> list[AwardQuery]:
    """One search per award type group, watched scope and ``(label, start, end)`` window."""
    return [
        AwardQuery(
            f"{label} {group} {window}",
            {
                "award_type_codes": list(AWARD_GROUPS[group]),
                "time_period": _time_period(start, end, date_type),
                **scope,
            },
        )
        for group in groups
        for label, scope in search_scopes(watchlist)
        for window, start, end in windows
    ]


def award_queries(
    watchlist: Watchlist,
    years: tuple[int, int],
    groups: tuple[str, ...] = tuple(AWARD_GROUPS),
) -> list[AwardQuery]:
    """The award searches of a full refresh: every watched scope (``search_scopes``) in every
    calendar quarter of ``years`` (by action date), once per award type group (contracts A-D,
    IDVs), since the API takes one group per search.

    Quarters wholly before 2007-10-01 are left out (USAspending has nothing earlier); a company
    without ``recipient_search`` terms is not searched in USAspending.
    """
    return _award_searches(watchlist, groups, calendar_quarters(years), "action_date")


def modified_award_queries(
    watchlist: Watchlist,
    since: dt.date,
    until: dt.date,
    groups: tuple[str, ...] = tuple(AWARD_GROUPS),
) -> list[AwardQuery]:
    """The award searches of an incremental refresh: every watched scope's awards whose
    ``last_modified_date`` falls between ``since`` and ``until`` (inclusive)."""
    if until < since:
        raise ValueError(f"modified window {since}..{until} is not in order")
    window = [(f"modified {since}..{until}", since, until)]
    return _award_searches(watchlist, groups, window, "last_modified_date")


def transaction_queries(
    watchlist: Watchlist,
    years: tuple[int, int],
    groups: tuple[str, ...] = tuple(AWARD_GROUPS),
    archive: bool = False,
) -> list[TransactionQuery]:
    """The transaction searches of a full refresh: every watched scope, award type group and
    calendar quarter of ``years`` (by action date); with ``archive``, the archive's agencies
    are left out (``search_scopes``)."""
    return [
        TransactionQuery(f"{label} {group} {quarter}", scope, group, start, end)
        for group in groups
        for label, scope in search_scopes(watchlist, archive)
        for quarter, start, end in calendar_quarters(years)
    ]


def recent_transaction_queries(
    watchlist: Watchlist,
    since: dt.date,
    until: dt.date,
    groups: tuple[str, ...] = tuple(AWARD_GROUPS),
    archive: bool = False,
) -> list[TransactionQuery]:
    """The transaction searches of an incremental refresh: every action dated ``since`` ..
    ``until`` (the API filters transactions by action date only); ``archive`` as in
    ``transaction_queries``."""
    since = max(since, EARLIEST_START)
    return [
        TransactionQuery(f"{label} {group} actions {since}..{until}", scope, group, since, until)
        for group in groups
        for label, scope in search_scopes(watchlist, archive)
    ]


# The API's words when a request names a filter the endpoint does not use (misspelt, or valid
# on another endpoint): it then answers as if the filter were absent, i.e. with national results.
UNUSED_FILTERS = re.compile(
    r"The following filters from the request were not used:\s*(\{.*?\}|\[.*?\]|\S+)"
)


class UnusedFilterError(IngestError):
    """The API said it ignored filters of the request: its results are not what was asked."""

    def __init__(self, page: str, filters: list[str], message: str) -> None:
        self.page = page
        self.filters = filters
        super().__init__(
            SOURCE,
            f"{page}: the API did not use the filter(s) {', '.join(filters)} and answered "
            f"without them (its message: {message!r}); the results would not be the ones asked "
            "for",
        )


def unused_filters(message: str) -> list[str] | None:
    """The filter names an "unused filters" message lists (the API prints a Python set,
    ``{'keyword_search'}``), or None when ``message`` is another notice (such as the
    2007-10-01 earliest-date notice every search answer carries)."""
    match = UNUSED_FILTERS.search(message)
    if match is None:
        return None
    listed = match.group(1)
    try:
        names = ast.literal_eval(listed)
    except (ValueError, SyntaxError):
        names = re.findall(r"[A-Za-z_][A-Za-z0-9_]*", listed)
    if isinstance(names, str):
        names = [names]
    return sorted(str(name) for name in names) or [listed]


def check_messages(data: Any, page: str) -> None:
    """Raise ``UnusedFilterError`` when the answer's ``messages`` say a filter went unused;
    other messages are notices and are logged at debug level."""
    messages = data.get("messages") if isinstance(data, dict) else None
    if not isinstance(messages, list):
        return
    for message in messages:
        if not isinstance(message, str):
            continue
        filters = unused_filters(message)
        if filters is not None:
            raise UnusedFilterError(page, filters, message)
        log.debug("[%s] %s: API notice: %s", SOURCE, page, message)


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
    check_messages(data, page)
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


class WindowOverflowError(IngestError):
    """More transactions in one day than the API lets a search page through."""


class TransactionClient:
    """Pages through ``spending_by_transaction`` by page number. That endpoint has no keyset
    paging, so a window whose transactions do not fit in the record window (``page * limit``
    up to 50,000) is split in two halves by action date, down to a single day; pages of a window
    are only passed on once the whole window has been read, so nothing is yielded twice."""

    record_window: int = MAX_RECORD_WINDOW  # a class attribute so tests can lower it

    def __init__(self, transport: Transport, base_url: str, limit: int = MAX_LIMIT) -> None:
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.limit = limit

    def request(self, query: TransactionQuery, start: dt.date, end: dt.date, page: int) -> Request:
        body = {
            "filters": query.filters(start, end),
            "fields": list(TRANSACTION_FIELDS),
            "limit": self.limit,
            "page": page,
            "sort": TRANSACTION_SORT,
            "order": TRANSACTION_ORDER,
        }
        return Request(SOURCE, "POST", self.base_url + TRANSACTION_PATH, json_body=body)

    def iter_transactions(self, query: TransactionQuery) -> Iterator[FetchedPage]:
        """Every page of transactions of ``query``; labels name the query and the window."""
        yield from self._window(query, query.start, query.end)

    def _window(
        self, query: TransactionQuery, start: dt.date, end: dt.date
    ) -> Iterator[FetchedPage]:
        pages: list[FetchedPage] = []
        page = 1
        while True:
            if page * self.limit > self.record_window:
                if start == end:
                    raise WindowOverflowError(
                        SOURCE,
                        f"{query.label}: more than {self.record_window} transactions dated "
                        f"{start}, which spending_by_transaction cannot page past; narrow the "
                        "watchlist scope",
                    )
                middle = start + (end - start) // 2
                log.info(
                    "[%s] %s: more than %d transactions in %s..%s; splitting at %s",
                    SOURCE,
                    query.label,
                    self.record_window,
                    start,
                    end,
                    middle,
                )
                yield from self._window(query, start, middle)
                yield from self._window(query, middle + dt.timedelta(days=1), end)
                return
            request = self.request(query, start, end, page)
            label = f"{request.label} [{query.label} window {start}..{end}]"
            # the same page shape as the awards search's (results, page_metadata.hasNext, rows
            # naming their award); rows missing Mod or Action Date are left for landing to
            # quarantine one by one
            has_next, results = parse_awards_page(self.transport.send(request).json(), label)
            pages.append(FetchedPage(SOURCE, label, results))
            if not has_next:
                break
            page += 1
        yield from pages


def recipient_request(base_url: str, recipient_id: str) -> Request:
    path = RECIPIENT_PATH.format(recipient_id=recipient_id)
    return Request(SOURCE, "GET", base_url.rstrip("/") + path)


def iter_recipients(
    transport: Transport, base_url: str, recipient_ids: Iterable[str]
) -> Iterator[FetchedPage]:
    """One page per recipient profile (``GET /api/v2/recipient/<id>/``): its name, UEI, parent
    (``parent_uei``, ``parent_name``) and alternate names. A recipient the API no longer knows
    (404) yields an empty page and a warning: the awards that name it are kept as they are."""
    for recipient_id in recipient_ids:
        request = recipient_request(base_url, recipient_id)
        try:
            data = transport.send(request).json()
        except SourceHTTPError as exc:
            if exc.status != 404:
                raise
            log.warning("[%s] recipient %s: not found (404); skipped", SOURCE, recipient_id)
            yield FetchedPage(SOURCE, request.label, [])
            continue
        if not isinstance(data, dict):
            raise MalformedPageError(SOURCE, request.label, "a recipient profile is not an object")
        if data.get("recipient_id") != recipient_id:
            raise MalformedPageError(
                SOURCE,
                request.label,
                f"asked for recipient {recipient_id}, got {data.get('recipient_id')!r}",
            )
        yield FetchedPage(SOURCE, request.label, [data])


def iter_toptier_agencies(transport: Transport, base_url: str) -> Iterator[FetchedPage]:
    """The toptier agency list (``GET /api/v2/references/toptier_agencies/``), one page: the
    agencies with spending data, each with ``toptier_code``, ``abbreviation``, ``agency_name``."""
    request = Request(SOURCE, "GET", base_url.rstrip("/") + TOPTIER_AGENCIES_PATH)
    data = transport.send(request).json()
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list) or not results:
        raise MalformedPageError(SOURCE, request.label, "no results list of agencies")
    for i, row in enumerate(results):
        if not isinstance(row, dict) or not isinstance(row.get("toptier_code"), str):
            raise MalformedPageError(SOURCE, request.label, f"results[{i}] has no toptier_code")
    yield FetchedPage(SOURCE, request.label, results)
