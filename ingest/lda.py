"""Senate LDA API client: every filing of a filing period (``GET /filings/``) and every LD-203
contribution report of a half year (``GET /contributions/``).

The LDA is pulled whole per filing period (every registrant, every client). Paging follows DRF's
``next`` links, which are absolute URLs on whatever host answered (after a redirect: the new host).

The API silently ignores query parameters it does not know, so a misspelt or dropped filter would
return the whole database instead of one quarter. The client checks every filing it receives
against the filter and checks the reported ``count`` against what paging delivered.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from ingest.errors import MalformedPageError, SourceBlockedError
from ingest.transport import FetchedPage, Request, Response, Transport

SOURCE = "lda"
log = logging.getLogger(__name__)

PERIODS: tuple[str, ...] = ("first_quarter", "second_quarter", "third_quarter", "fourth_quarter")
# Before the Honest Leadership and Open Government Act (reports from 2008 on are quarterly),
# LD-2 reports covered half years.
HALF_YEAR_PERIODS: tuple[str, ...] = ("mid_year", "year_end")
FIRST_QUARTERLY_YEAR = 2008

MAX_PAGE_SIZE = 25  # the API's maximum; larger values are silently reduced
# About 12,000-25,000 filings are posted per quarter. A count far above that means the period
# filter was ignored and the whole database (well over a million filings) is being paged.
MAX_PLAUSIBLE_PERIOD_COUNT = 200_000
# An incremental pull covers days to weeks of postings; a count in the millions means the
# posting-date filter was ignored.
MAX_PLAUSIBLE_INCREMENT_COUNT = 500_000

# LD-203 contribution reports: registrants and each of their lobbyists file one per half year,
# since the mid-year 2008 report (HLOGA).
CONTRIBUTION_PERIODS: tuple[str, ...] = ("mid_year", "year_end")
FIRST_CONTRIBUTION_YEAR = 2008
# Tens of thousands of LD-203 reports are posted per half year; a count far above that means the
# year/period filter was ignored and the whole database is being paged.
MAX_PLAUSIBLE_CONTRIBUTION_COUNT = 200_000


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def filing_periods(years: tuple[int, int]) -> list[tuple[int, str]]:
    """Every (filing_year, filing_period) of the inclusive year range, in order.

    Years from 2008 on have four quarters; earlier years the two half-year periods.
    """
    first, last = years
    if first > last:
        raise ValueError(f"filing years {years} are not in order")
    out: list[tuple[int, str]] = []
    for year in range(first, last + 1):
        periods = PERIODS if year >= FIRST_QUARTERLY_YEAR else HALF_YEAR_PERIODS
        out.extend((year, period) for period in periods)
    return out


def contribution_periods(years: tuple[int, int]) -> list[tuple[int, str]]:
    """Every (filing_year, filing_period) of LD-203 reports in the inclusive year range, in order.

    Years before 2008 have no LD-203 reports and are left out.
    """
    first, last = years
    if first > last:
        raise ValueError(f"filing years {years} are not in order")
    return [
        (year, period)
        for year in range(max(first, FIRST_CONTRIBUTION_YEAR), last + 1)
        for period in CONTRIBUTION_PERIODS
    ]


def _posted_date(filing: dict[str, Any]) -> dt.date | None:
    value = filing.get("dt_posted")
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None  # the expectations suite reports unparsable posting dates


def parse_filings_page(
    data: Any,
    page: str,
    filing_year: int | None = None,
    filing_period: str | None = None,
    posted_after: dt.date | None = None,
) -> tuple[int, str | None, list[dict[str, Any]]]:
    """Validate one DRF page of ``/filings/`` or ``/contributions/`` (LD-203 reports, which
    carry the same ``filing_uuid``, ``filing_year``, ``filing_period`` and ``dt_posted``) and
    return ``(count, next, results)``.

    Raises ``MalformedPageError`` naming the page and what is wrong, including a filing whose
    ``filing_year`` / ``filing_period`` / posting date contradicts the filter that was asked for.
    """

    def bad(reason: str) -> MalformedPageError:
        return MalformedPageError(SOURCE, page, reason)

    if not isinstance(data, dict):
        raise bad(f"expected a JSON object with count/next/results, got {type(data).__name__}")
    missing = [key for key in ("count", "next", "results") if key not in data]
    if missing:
        raise bad(f"missing {', '.join(missing)} (keys: {sorted(data)[:10]})")
    count, next_url, results = data["count"], data["next"], data["results"]
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise bad(f"count is not a non-negative integer: {count!r}")
    if next_url is not None and (not isinstance(next_url, str) or not next_url):
        raise bad(f"next is neither null nor a URL: {next_url!r}")
    if not isinstance(results, list):
        raise bad(f"results is not a list but {type(results).__name__}")
    for i, filing in enumerate(results):
        if not isinstance(filing, dict):
            raise bad(f"results[{i}] is not an object but {type(filing).__name__}")
        uuid = filing.get("filing_uuid")
        if not isinstance(uuid, str) or not uuid:
            raise bad(f"results[{i}] has no filing_uuid")
        if filing_year is not None and filing.get("filing_year") != filing_year:
            raise bad(
                f"filing {uuid} has filing_year {filing.get('filing_year')!r} but "
                f"filing_year={filing_year} was asked: the API ignored the filter"
            )
        if filing_period is not None and filing.get("filing_period") != filing_period:
            raise bad(
                f"filing {uuid} has filing_period {filing.get('filing_period')!r} but "
                f"filing_period={filing_period} was asked: the API ignored the filter"
            )
        if posted_after is not None:
            posted = _posted_date(filing)
            if posted is not None and posted < posted_after:
                raise bad(
                    f"filing {uuid} was posted {posted} but filing_dt_posted_after="
                    f"{posted_after} was asked: the API ignored the filter"
                )
    if len(results) > count:
        raise bad(f"{len(results)} results but count says {count}")
    if next_url is not None and not results:
        raise bad("an empty page that still links to a next page")
    return count, next_url, results


# The constants lists the warehouse keeps (``GET constants/filing/<name>/``) and the field that keys
# their items. Constants do not count toward the API's rate limit.
CONSTANT_LISTS: dict[str, str] = {
    "filingtypes": "value",
    "lobbyingactivityissues": "value",
    "governmententities": "id",
}


def parse_constants(data: Any, page: str, name: str) -> list[dict[str, Any]]:
    """Validate a constants list (a JSON list, or a DRF page of one) and return its items."""
    key = CONSTANT_LISTS[name]
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        data = data["results"]
    if not isinstance(data, list) or not data:
        raise MalformedPageError(SOURCE, page, f"constants {name}: expected a non-empty list")
    for i, item in enumerate(data):
        if not isinstance(item, dict) or item.get(key) in (None, "") or not item.get("name"):
            raise MalformedPageError(
                SOURCE, page, f"constants {name}: item {i} has no {key!r} and name: {item!r}"
            )
    return data


class LdaClient:
    """Pages through ``/filings/`` one filing period at a time, and through ``/contributions/``
    one half year at a time."""

    def __init__(
        self,
        transport: Transport,
        base_url: str,
        page_size: int = MAX_PAGE_SIZE,
        fallback_base_url: str | None = None,
    ) -> None:
        if page_size < 1:
            raise ValueError("page_size must be positive")
        self.transport = transport
        self.base_url = _slash(base_url)
        self.page_size = page_size
        # tried once, for the rest of the client's life, when a bot wall refuses base_url
        self.fallback_base_url = _slash(fallback_base_url) if fallback_base_url else None
        self.answered_by: str | None = None  # the origin of the last answer (after redirects)
        self.fell_back_from: str | None = None  # the base URL a bot wall refused, if one did

    def _send(self, request: Request) -> Response:
        """Send ``request``; on a bot wall, switch to the fallback host once and send it there.

        The switch holds for every later request of this client (the ``next`` links the other
        host writes point at itself). A second bot wall, or one without a fallback, is raised.
        """
        try:
            response = self.transport.send(request)
        except SourceBlockedError as blocked:
            fallback = self.fallback_base_url
            if fallback is None or not request.url.startswith(self.base_url):
                raise
            self.fallback_base_url = None
            moved = Request(
                request.source,
                request.method,
                fallback + request.url.removeprefix(self.base_url),
                request.params,
                request.json_body,
            )
            log.warning(
                "[lda] %s; trying the other official host once: %s", blocked.detail, fallback
            )
            self.fell_back_from, self.base_url = self.base_url, fallback
            try:
                response = self.transport.send(moved)
            except SourceBlockedError as again:
                raise SourceBlockedError(
                    SOURCE,
                    moved.label,
                    again.status,
                    f"both official hosts refused this client: {blocked.detail}; and then "
                    f"{again.detail}",
                ) from None
        self.answered_by = response.answered_by
        return response

    def filings_request(self, filing_year: int, filing_period: str) -> Request:
        """The first page's request for one filing period."""
        return Request(
            SOURCE,
            "GET",
            self.base_url + "filings/",
            params={
                "filing_year": str(filing_year),
                "filing_period": filing_period,
                "page_size": str(self.page_size),
                "ordering": "dt_posted",
            },
        )

    def constants_request(self, name: str) -> Request:
        return Request(SOURCE, "GET", f"{self.base_url}constants/filing/{name}/")

    def iter_constants(self, name: str) -> Iterator[FetchedPage]:
        """One constants list as one record: ``{"constant_list": name, "items": [...]}`` with the
        items exactly as the API sent them."""
        if name not in CONSTANT_LISTS:
            raise ValueError(f"unknown constants list {name!r}")
        request = self.constants_request(name)
        items = parse_constants(self._send(request).json(), request.label, name)
        yield FetchedPage(SOURCE, request.label, [{"constant_list": name, "items": items}])

    def iter_filings(self, filing_year: int, filing_period: str) -> Iterator[FetchedPage]:
        """Yield every page of filings of ``filing_year`` / ``filing_period``.

        Follows ``next`` until it is null. The page size is whatever the server applied (it
        reduces sizes above 25 silently and echoes the asked size in ``next``), so the client
        never computes page numbers itself. Raises ``MalformedPageError`` on a page of the wrong
        shape, on filings outside the filter, on a paging loop, and when paging ends with fewer
        or more filings than the API's ``count``.
        """
        if filing_period not in PERIODS + HALF_YEAR_PERIODS:
            raise ValueError(f"unknown filing_period {filing_period!r}")
        yield from self._pages(
            self.filings_request(filing_year, filing_period),
            filing_year=filing_year,
            filing_period=filing_period,
            max_count=MAX_PLAUSIBLE_PERIOD_COUNT,
        )

    def posted_after_request(self, posted_after: dt.date) -> Request:
        """The first page's request for every filing posted on or after a date."""
        return Request(
            SOURCE,
            "GET",
            self.base_url + "filings/",
            params={
                "filing_dt_posted_after": posted_after.isoformat(),
                "page_size": str(self.page_size),
                "ordering": "dt_posted",
            },
        )

    def iter_posted_after(self, posted_after: dt.date) -> Iterator[FetchedPage]:
        """Yield every page of filings posted on or after ``posted_after``, any year or period:
        new reports and the late amendments of old ones. The same guards as ``iter_filings``."""
        yield from self._pages(
            self.posted_after_request(posted_after),
            posted_after=posted_after,
            max_count=MAX_PLAUSIBLE_INCREMENT_COUNT,
        )

    def contributions_request(self, filing_year: int, filing_period: str) -> Request:
        """The first page's request for the LD-203 reports of one half year."""
        return Request(
            SOURCE,
            "GET",
            self.base_url + "contributions/",
            params={
                "filing_year": str(filing_year),
                "filing_period": filing_period,
                "page_size": str(self.page_size),
                "ordering": "dt_posted",
            },
        )

    def iter_contributions(self, filing_year: int, filing_period: str) -> Iterator[FetchedPage]:
        """Yield every page of LD-203 reports of ``filing_year`` / ``filing_period``
        (``mid_year`` or ``year_end``), organisations' and lobbyists' alike, amendments included.

        The same paging and guards as ``iter_filings``: a report of another year or period than
        asked means the API ignored the filter.
        """
        if filing_period not in CONTRIBUTION_PERIODS:
            raise ValueError(
                f"unknown LD-203 filing_period {filing_period!r} "
                f"(one of {', '.join(CONTRIBUTION_PERIODS)})"
            )
        yield from self._pages(
            self.contributions_request(filing_year, filing_period),
            filing_year=filing_year,
            filing_period=filing_period,
            max_count=MAX_PLAUSIBLE_CONTRIBUTION_COUNT,
        )

    def _pages(
        self,
        request: Request,
        *,
        max_count: int,
        filing_year: int | None = None,
        filing_period: str | None = None,
        posted_after: dt.date | None = None,
    ) -> Iterator[FetchedPage]:
        seen_urls: set[str] = set()
        received = 0
        first_count: int | None = None
        while True:
            seen_urls.add(request.full_url())
            response = self._send(request)
            label = response.request.label  # on the fallback host after a bot wall
            count, next_url, results = parse_filings_page(
                response.json(), label, filing_year, filing_period, posted_after
            )
            if first_count is None:
                first_count = count
                if count > max_count:
                    raise MalformedPageError(
                        SOURCE,
                        label,
                        f"count {count} is implausible for this query (more than "
                        f"{max_count}): the API probably ignored the filter",
                    )
            received += len(results)
            if received > count:
                raise MalformedPageError(
                    SOURCE,
                    label,
                    f"paging has delivered {received} filings, more than the API's count {count}",
                )
            yield FetchedPage(SOURCE, label, results, expected_records=count)
            if next_url is None:
                if received != count:
                    raise MalformedPageError(
                        SOURCE,
                        label,
                        f"paging ended after {received} filings but the API reports count "
                        f"{count} (first page said {first_count})",
                    )
                return
            request = Request(SOURCE, "GET", next_url)
            if request.full_url() in seen_urls:
                raise MalformedPageError(
                    SOURCE, label, f"next links back to a page already fetched: {next_url}"
                )
