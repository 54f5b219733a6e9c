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
# USAspending holds no awards before fiscal year 2008; earlier start dates are a 422.
EARLIEST_START = dt.date(2007, 10, 1)


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


class UsaspendingClient:
    """Pages through ``spending_by_award`` (page-number paging, ``limit`` up to 100)."""

    def __init__(self, transport: Transport, base_url: str, limit: int = MAX_LIMIT) -> None:
        if not 1 <= limit <= MAX_LIMIT:
            raise ValueError(f"limit must be between 1 and {MAX_LIMIT}, got {limit}")
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.limit = limit

    def awards_request(self, query: AwardQuery, page: int) -> Request:
        return Request(
            SOURCE,
            "POST",
            self.base_url + SEARCH_PATH,
            json_body={
                "filters": query.filters,
                "fields": list(AWARD_FIELDS),
                "limit": self.limit,
                "page": page,
                "sort": "Award Amount",
                "order": "desc",
            },
        )

    def iter_awards(self, query: AwardQuery) -> Iterator[FetchedPage]:
        """Yield every page of awards matching ``query``, while ``page_metadata.hasNext``.

        Page labels are the request label followed by the query label (POST requests to one
        URL differ only by their bodies). A query matching more than 50,000 awards raises
        ``IngestError``: slice it into shorter windows.
        """
        page = 1
        while True:
            request = self.awards_request(query, page)
            label = f"{request.label} [{query.label}]"
            response = self.transport.send(request)
            has_next, results = parse_awards_page(response.json(), label)
            yield FetchedPage(SOURCE, label, results)
            if not has_next:
                return
            page += 1
            if page * self.limit > MAX_RECORD_WINDOW:
                raise IngestError(
                    SOURCE,
                    f"{query.label} matches more than {MAX_RECORD_WINDOW} awards, beyond what "
                    "page-number paging reaches; narrow the query (a shorter time window)",
                )
