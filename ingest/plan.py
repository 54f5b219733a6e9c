"""An estimate of what a refresh will fetch, made before it fetches anything.

``influence refresh --plan`` prints it, and ``influence refresh`` asks for confirmation when it
is long (``dagster_project/cli.py``). For each source it gives the requests (or the archive's bulk
files) the pull will make and the time the APIs' rate limits imply for them
(``ingest.http.default_intervals``).

The plan is made by the pulls' own code: each source's pull is built, exactly as a refresh builds
it (``SourceSpec.pull``), over a transport that refuses to send anything, so its parameters (the
filing periods, the search queries, the GDELT term groups, the incremental mode and watermark)
are those of the pull that would run. Pulls fetch lazily, so building one sends no request. What
is only known once pages arrive (how many pages a period or a query has, which LEIs a name
search finds) is estimated from the source's last successful load in the same mode
(``audit.load_ledger.pages``), or else bounded below by one page per request and said to be
"at least".
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from ingest import gdelt, usaspending_archive
from ingest.config import Settings
from ingest.http import default_intervals
from ingest.pulls import Pull, PullOptions, RunContext, archive_loaded_files
from ingest.sources import SOURCES, SourceSpec
from ingest.transport import Request, Response
from ingest.watchlist import Watchlist

EXACT = "exact"
ABOUT = "about"  # expected from the last load of the same mode
AT_LEAST = "at least"
BOUNDS = (EXACT, ABOUT, AT_LEAST)


@dataclass(frozen=True)
class SourceEstimate:
    """What one source's pull will fetch and how long its API's rate limit makes that take."""

    source: str  # the raw table, e.g. raw.lda_filings
    requests: int  # HTTP requests (pages, listings, downloads)
    bound: str  # EXACT, ABOUT (from the last load) or AT_LEAST (a lower bound)
    seconds: float  # the time the API's minimum interval implies for ``requests``
    basis: str  # how the figure was reached
    files: int | None = None  # bulk files among the requests (the Award Data Archive)

    def __post_init__(self) -> None:
        if self.bound not in BOUNDS:
            raise ValueError(f"bound must be one of {BOUNDS}, got {self.bound!r}")

    @property
    def fetches(self) -> str:
        what = f"{self.requests:,} request{'s' if self.requests != 1 else ''}"
        if self.files is not None:
            what = f"{self.files:,} file{'s' if self.files != 1 else ''} + {what}"
        return what if self.bound == EXACT else f"{self.bound} {what}"


class PlanningTransport:
    """A transport that refuses every request: the plan is made before the pull, offline."""

    def send(self, request: Request) -> Response:
        raise RuntimeError(f"the refresh plan makes no requests, yet {request.label} was asked")

    def close(self) -> None:
        pass


def _last_load(
    con: duckdb.DuckDBPyConnection, table: str, mode: str | None
) -> tuple[int, dict[str, Any]] | None:
    """``(pages, parameters)`` of the table's last successful load whose parameters' ``mode``
    is ``mode`` (None: loads that record no mode), or None."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'audit' "
        "and table_name = 'load_ledger'"
    ).fetchone()
    if not exists or not exists[0]:
        return None
    rows = con.execute(
        """
        select pages, parameters from audit.load_ledger
        where raw_table = ? and status = 'succeeded' and pages is not null
        order by started_at desc
        """,
        [table],
    ).fetchall()
    for pages, raw in rows:
        parameters = json.loads(raw) if isinstance(raw, str) else raw
        if not isinstance(parameters, dict):
            parameters = {}
        if parameters.get("mode") == mode:
            return int(pages), parameters
    return None


def _requests_recorded(parameters: dict[str, Any]) -> int | None:
    """How many requests of its plan a load's parameters say it made (periods, queries)."""
    for key in ("periods", "queries", "filing_periods", "lists", "feeds", "recipients"):
        value = parameters.get(key)
        if isinstance(value, bool):
            continue
        if isinstance(value, int):
            return value
        if isinstance(value, list):
            return len(value)
    return None


@dataclass(frozen=True)
class _Planned:
    """A source's plan before its time is reckoned: requests, bound, basis."""

    requests: int
    bound: str
    basis: str
    files: int | None = None


def _paged(
    con: duckdb.DuckDBPyConnection,
    table: str,
    mode: str | None,
    requests: int,
    what: str,
) -> _Planned:
    """``requests`` requests of ``what`` (e.g. "4 filing periods"), each paged: the pages per
    request of the last load in the same mode, else one page each (at least)."""
    last = _last_load(con, table, mode)
    if requests == 0:
        return _Planned(0, EXACT, f"{what}: nothing to fetch")
    if last is None:
        return _Planned(requests, AT_LEAST, f"{what} x pages: 1 page each (no earlier load)")
    pages, parameters = last
    before = _requests_recorded(parameters)
    if before:
        per_request = pages / before
        expected = max(requests, round(per_request * requests))
        basis = f"{what} x {per_request:,.1f} pages ({pages:,} pages for {before:,} last time)"
    else:
        expected = max(requests, pages)
        basis = f"{what} x pages: {pages:,} pages last time"
    return _Planned(expected, ABOUT, basis)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# --------------------------------------------------------------------------------------------
# Each source's plan, from the parameters of the pull a refresh would build


@dataclass(frozen=True)
class _Context:
    settings: Settings
    watchlist: Watchlist
    years: tuple[int, int]
    con: duckdb.DuckDBPyConnection
    table: str  # the raw table, qualified


def _lda_filings(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    if parameters.get("mode") == "incremental":
        last = _last_load(ctx.con, ctx.table, "incremental")
        what = f"filings posted since {parameters['posted_after']} (watermark less re-pull)"
        if last is None:
            return _Planned(1, AT_LEAST, f"{what}: 1 page at least (no earlier incremental load)")
        return _Planned(max(1, last[0]), ABOUT, f"{what}: {last[0]:,} pages last time")
    periods = int(parameters["periods"])
    return _paged(ctx.con, ctx.table, "periods", periods, _count(periods, "filing period"))


def _lda_contributions(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    periods = len(parameters["filing_periods"])
    return _paged(ctx.con, ctx.table, "periods", periods, _count(periods, "half-year period"))


def _one_per(key: str, one: str) -> Callable[[_Context, dict[str, Any]], _Planned]:
    """A source asked one request per item of its parameters' ``key`` (a list or a count)."""

    def planned(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
        value = parameters.get(key)
        n = len(value) if isinstance(value, list) else int(value or 0)
        return _Planned(n, EXACT, f"{_count(n, one)}, 1 request each")

    return planned


def _usaspending_search(what: str) -> Callable[[_Context, dict[str, Any]], _Planned]:
    def planned(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
        mode = parameters["mode"]
        queries = int(parameters["queries"])
        window = (
            "quarter"
            if mode == "full"
            else f"window {parameters['since']}..{parameters['until']} (incremental)"
        )
        label = f"{_count(queries, 'search', 'searches')} ({what}: scope x group x {window})"
        return _paged(ctx.con, ctx.table, mode, queries, label)

    return planned


def _usaspending_recipients(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    n = int(parameters["recipients"])
    return _Planned(
        n,
        AT_LEAST,
        f"{_count(n, 'known child recipient')} without a profile, 1 request each; this "
        "refresh's new awards add more",
    )


def _gdelt_articles(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    max_chars = int(parameters["max_query_chars"])
    groups = gdelt.estimate_requests(ctx.watchlist, ctx.years, max_chars)
    what = f"{_count(groups, 'term group')}, +1 per {gdelt.MAX_RECORDS} articles"
    last = _last_load(ctx.con, ctx.table, None)
    if last is None:
        return _Planned(groups, AT_LEAST, f"{what} (no earlier load)")
    pages, before = last
    if before.get("years") != list(ctx.years):
        return _Planned(groups, AT_LEAST, f"{what} (last load: other years)")
    return _Planned(max(groups, pages), ABOUT, f"{what}: {pages:,} requests last time")


def _at_least_or_last(ctx: _Context, lower: int, basis: str, extra: int = 0) -> _Planned:
    """``lower`` requests at least, or about as many as the last load's pages (+ ``extra``
    requests that yield no page) when that is more."""
    last = _last_load(ctx.con, ctx.table, None)
    if last is None or last[0] + extra <= lower:
        return _Planned(lower, AT_LEAST, basis)
    return _Planned(last[0] + extra, ABOUT, f"{basis}: {last[0]:,} pages last time")


def _edgar_submissions(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    ciks = len({cik for c in ctx.watchlist.companies for cik in c.ciks})
    return _at_least_or_last(
        ctx,
        1 + ciks,
        f"company_tickers.json + 1 per CIK: {_count(ciks, 'listed CIK')}, + those whose "
        "ticker title matches a watched name",
        extra=1,
    )


def _gleif(relationships: bool) -> Callable[[_Context, dict[str, Any]], _Planned]:
    def planned(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
        leis = sum(len(v) for v in parameters["leis"].values())
        searches = len(parameters["legal_names_searched"])
        what = "relationship" if relationships else "LEI record"
        return _at_least_or_last(
            ctx,
            leis + searches,
            f"{_count(leis, 'listed LEI')} + {_count(searches, 'name search', 'name searches')}"
            f", + linked parents' and children's {what}s",
        )

    return planned


def _analyst_articles(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    return _Planned(0, EXACT, f"{_count(len(parameters['files']), 'local file')}, no request")


def _watchlist_sections(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    return _Planned(0, EXACT, "the watchlist file, no request")


def _archive(ctx: _Context, parameters: dict[str, Any]) -> _Planned:
    """The Award Data Archive: one listing of agencies, one listing per agency and fiscal year,
    and the files ``choose_files`` would take given the ledger's earlier loads, assuming the
    archive lists every fiscal year's Full file and a Delta file stamped today."""
    agencies = usaspending_archive.archive_agencies(ctx.watchlist)
    if not agencies:
        return _Planned(0, EXACT, "no watched agency is loaded from the archive")
    fiscal_years = usaspending_archive.fiscal_years(ctx.years)
    states = (
        {}
        if ctx.settings.is_sample
        else usaspending_archive.agency_states(archive_loaded_files(ctx.con))
    )
    today = dt.datetime.now(dt.UTC).date().strftime("%Y%m%d")
    fulls = deltas = 0
    for agency in agencies:
        code = agency.toptier_code
        listed = [
            usaspending_archive.MonthlyFile(
                code,
                usaspending_archive.FULL,
                year,
                f"FY{year}_{code}_Contracts_Full_{today}.zip",
                "",
                today,
            )
            for year in fiscal_years
        ]
        listed.append(
            usaspending_archive.MonthlyFile(
                code,
                usaspending_archive.DELTA,
                None,
                f"FY(All)_{code}_Contracts_Delta_{today}.zip",
                "",
                today,
            )
        )
        state = states.get(code, usaspending_archive.AgencyState())
        for choice in usaspending_archive.choose_files(listed, fiscal_years, state):
            if choice.file.kind == usaspending_archive.FULL:
                fulls += 1
            else:
                deltas += 1
    listings = 1 + len(agencies) * len(fiscal_years)
    files = fulls + deltas
    parts = []
    if fulls:
        parts.append(f"{_count(fulls, 'Full file')}")
    if deltas:
        parts.append(f"{_count(deltas, 'Delta file')} (changes since the last load)")
    chosen = " + ".join(parts) or "no file newer than the last load"
    return _Planned(
        listings + files,
        AT_LEAST,
        f"{_count(len(agencies), 'agency', 'agencies')} x "
        f"{_count(len(fiscal_years), 'fiscal year')}: {chosen}; "
        f"{_count(listings, 'listing request')}; download time not counted",
        files=files,
    )


PLANNERS: dict[str, Callable[[_Context, dict[str, Any]], _Planned]] = {
    "lda_filings": _lda_filings,
    "lda_contributions": _lda_contributions,
    "lda_constants": _one_per("lists", "list"),
    "usaspending_awards": _usaspending_search("awards"),
    "usaspending_transactions": _usaspending_search("award actions"),
    "usaspending_archive_transactions": _archive,
    "usaspending_recipients": _usaspending_recipients,
    "usaspending_toptier_agencies": lambda ctx, p: _Planned(1, EXACT, "the agency list"),
    "gdelt_articles": _gdelt_articles,
    "feed_entries": _one_per("feeds", "feed"),
    "analyst_articles": _analyst_articles,
    "watchlist_sections": _watchlist_sections,
    "edgar_submissions": _edgar_submissions,
    "gleif_lei_records": _gleif(relationships=False),
    "gleif_relationships": _gleif(relationships=True),
}


def _pull_parameters(pull: Pull) -> dict[str, Any]:
    """The pull's parameters; its lazy pages are closed unread."""
    for lazy in (pull.pages, pull.files):
        close = getattr(lazy, "close", None)
        if close is not None:
            close()
    return dict(pull.parameters)


def estimate(
    settings: Settings,
    watchlist: Watchlist,
    years: tuple[int, int],
    con: duckdb.DuckDBPyConnection | None,
    options: PullOptions | None = None,
    sources: Sequence[SourceSpec] = SOURCES,
) -> list[SourceEstimate]:
    """One estimate per source of ``sources`` (default ``ingest.sources.SOURCES``), in load
    order, for a refresh of ``years`` with ``watchlist``; ``con`` is the warehouse (read-only is
    enough) whose watermarks and ledger the pulls would read, None for a first refresh. No
    request is sent. In sample mode the bundled recordings answer without a rate limit: the
    time is 0."""
    intervals = default_intervals(
        settings.lda_api_key is not None, settings.lda_requests_per_minute
    )
    with closing(duckdb.connect()) as empty:
        run = RunContext(
            transport=PlanningTransport(),
            settings=settings,
            years=years,
            watchlist=watchlist,
            con=con if con is not None else empty,
            options=options or PullOptions(),
        )
        out = []
        for spec in sources:
            planner = PLANNERS.get(spec.name)
            if planner is None:
                out.append(
                    SourceEstimate(spec.table.qualified, 0, AT_LEAST, 0.0, "no estimate for it")
                )
                continue
            ctx = _Context(settings, watchlist, years, run.con, spec.table.qualified)
            planned = planner(ctx, _pull_parameters(spec.pull(run)))
            interval = 0.0 if settings.is_sample else intervals.get(spec.api, 0.0)
            if settings.is_sample:
                rate = "sample: no rate limit"
            elif interval:
                rate = f"{interval:g} s/request"
            else:
                rate = "no rate limit"
            out.append(
                SourceEstimate(
                    spec.table.qualified,
                    planned.requests,
                    planned.bound,
                    planned.requests * interval,
                    f"{planned.basis}; {rate}",
                    planned.files,
                )
            )
    return out


def total_bound(estimates: Sequence[SourceEstimate]) -> str:
    bounds = {e.bound for e in estimates if e.requests}
    return AT_LEAST if AT_LEAST in bounds else ABOUT if ABOUT in bounds else EXACT


def total_seconds(estimates: Sequence[SourceEstimate]) -> float:
    return sum(e.seconds for e in estimates)


def duration(seconds: float) -> str:
    """``0 s``, ``45 s``, ``12 min``, ``3 h 05 min``."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _timed(bound: str, seconds: float) -> str:
    """The time, with its bound; no wait (no rate limit, or nothing to fetch) is just 0 s."""
    return duration(seconds) if bound == EXACT or seconds == 0 else f"{bound} {duration(seconds)}"


def plan_lines(estimates: Sequence[SourceEstimate]) -> list[str]:
    """The plan as a table: one line per source (fetches, time, basis) and a total."""
    requests = sum(e.requests for e in estimates)
    bound = total_bound(estimates)
    rows = [(e.source, e.fetches, _timed(e.bound, e.seconds), e.basis) for e in estimates] + [
        (
            "total",
            f"{requests:,} requests" if bound == EXACT else f"{bound} {requests:,} requests",
            _timed(bound, total_seconds(estimates)),
            "at the APIs' rate limits, one source after another",
        )
    ]
    header = ("source", "fetches", "time", "basis")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(3)]
    return [
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in [header, *rows]
    ]


def plan_warehouse(build: Path, published: Path) -> Path | None:
    """The database a plan reads (the build database a refresh writes, else the published
    file), or None before the first refresh."""
    for path in (build, published):
        if path.exists():
            return path
    return None
