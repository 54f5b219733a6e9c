"""What one refresh pulls from each source: the plan of requests and the client that runs it.

The Dagster assets, the sample generator and the tests all pull through these functions, so the
bundled sample is a recording of exactly the requests a live refresh makes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from ingest import articles, edgar, feeds, gdelt, gleif, lda, usaspending, usaspending_archive
from ingest.config import ConfigError, Settings
from ingest.landing import RawTable
from ingest.progress import ProgressObserver
from ingest.transport import FetchedPage, Transport
from ingest.watchlist import Watchlist, section_records

T = TypeVar("T")


def each(
    requests: Iterable[T], fetch: Callable[[T], Iterator[FetchedPage]]
) -> Iterator[FetchedPage]:
    """The pages of every request of a plan, in plan order, fetched lazily; each page says which
    request of the plan it answers (for progress)."""
    plan = list(requests)
    for number, request in enumerate(plan, start=1):
        for page in fetch(request):
            yield replace(page, request=(number, len(plan)))


@dataclass(frozen=True)
class Pull:
    """One source's pull for a refresh: the parameters recorded in the load ledger and the pages
    (fetched lazily, in plan order). Where it lands is the source's declaration
    (``ingest.sources``)."""

    parameters: dict[str, Any]
    pages: Iterator[FetchedPage]
    # bulk files landed by DuckDB itself (the Award Data Archive's CSVs), fetched lazily, each
    # with the query that reads it (``ArchiveFile.select_sql``); None: the pull is pages only
    files: Iterator[usaspending_archive.ArchiveFile] | None = None


@dataclass(frozen=True)
class PullOptions:
    """How the sources with an incremental mode are pulled this run."""

    # LDA: "auto" (incremental from the watermark when there is one, else by filing period),
    # "periods" (every filing of the years: a backfill) or "incremental".
    lda_mode: str = "auto"
    lda_repull_days: int = 30  # how far before the watermark an incremental pull starts again
    # USAspending: "auto" (incremental from the watermark when there is one, else every quarter
    # of the years), "full" or "incremental"; awards by last-modified date, transactions by
    # action date, each from its own watermark less the re-pull window.
    usaspending_mode: str = "auto"
    usaspending_repull_days: int = 45


@dataclass(frozen=True)
class RunContext:
    """What a source's pull may use: the run's one transport (one HTTP session and rate limiter
    for every source of the run), its settings, years and watchlist, the warehouse (where an
    incremental pull finds its watermark), the pull options and who watches its progress."""

    transport: Transport
    settings: Settings
    years: tuple[int, int]
    watchlist: Watchlist
    con: duckdb.DuckDBPyConnection
    options: PullOptions = field(default_factory=PullOptions)
    # told of each page as it arrives (``ingest.progress.observe``); None: nobody watches
    progress: ProgressObserver | None = None


def _lda_client(transport: Transport, settings: Settings) -> lda.LdaClient:
    return lda.LdaClient(
        transport,
        settings.lda_api_url,
        # the bundled sample has no bot wall, and no other host to try
        fallback_base_url=None if settings.is_sample else settings.lda_fallback_api_url,
    )


def _lda_parameters(settings: Settings, **parameters: Any) -> dict[str, Any]:
    """A pull's ledger parameters with the base URL; in sample mode ``answered_by`` says the
    bundled sample answered (its recordings replay whatever base URL is configured)."""
    out: dict[str, Any] = {**parameters, "base_url": settings.lda_api_url}
    if settings.is_sample:
        out["answered_by"] = SAMPLE_ANSWERED_BY
    return out


SAMPLE_ANSWERED_BY = "the bundled sample"


def _recording_host(
    client: lda.LdaClient, parameters: dict[str, Any], pages: Iterator[FetchedPage]
) -> Iterator[FetchedPage]:
    """The pages, noting in the ledger's ``parameters`` which host answered (``answered_by``:
    the origin after redirects and any fallback from a bot wall; the bundled sample in sample
    mode) and whether the client fell back to the other official host (``refused_by_bot_wall``:
    the base URL that refused it)."""
    for page in pages:
        if parameters.get("answered_by") != SAMPLE_ANSWERED_BY:
            parameters["answered_by"] = client.answered_by
        if client.fell_back_from is not None:
            parameters["refused_by_bot_wall"] = client.fell_back_from
        yield page


def _lda_pull(
    client: lda.LdaClient, parameters: dict[str, Any], pages: Iterator[FetchedPage]
) -> Pull:
    return Pull(parameters, _recording_host(client, parameters, pages))


def pull_lda(
    transport: Transport,
    settings: Settings,
    years: tuple[int, int],
    periods: list[tuple[int, str]] | None = None,
) -> Pull:
    """Every filing of every filing period of ``years`` (or of the ``periods`` given)."""
    client = _lda_client(transport, settings)
    periods = lda.filing_periods(years) if periods is None else periods
    return _lda_pull(
        client,
        _lda_parameters(
            settings,
            mode="periods",
            years=list(years),
            periods=len(periods),
            filing_periods=[f"{year} {period}" for year, period in periods],
        ),
        each(periods, lambda period: client.iter_filings(*period)),
    )


def pull_lda_contributions(
    transport: Transport, settings: Settings, years: tuple[int, int]
) -> Pull:
    """Every LD-203 contribution report of the years' two periods (mid-year, year-end)."""
    client = _lda_client(transport, settings)
    periods = lda.contribution_periods(years)
    return _lda_pull(
        client,
        _lda_parameters(
            settings,
            mode="periods",
            years=list(years),
            filing_periods=[f"{year} {period}" for year, period in periods],
        ),
        each(periods, lambda period: client.iter_contributions(*period)),
    )


def pull_lda_constants(transport: Transport, settings: Settings) -> Pull:
    """The LDA's reference lists (filing types, issue codes, government entities)."""
    client = _lda_client(transport, settings)
    return _lda_pull(
        client,
        _lda_parameters(settings, lists=list(lda.CONSTANT_LISTS)),
        each(lda.CONSTANT_LISTS, client.iter_constants),
    )


LDA_MODES = ("auto", "periods", "incremental")
DEFAULT_REPULL_DAYS = 30


def _table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """Whether ``raw.<name>`` exists (a source that never loaded has no table yet): a table, or
    a columnar table's view (``ingest.landing.ensure_schema``)."""
    row = con.execute(
        """
        select count(*) from (
            select table_name as name from duckdb_tables() where schema_name = 'raw'
            union all
            select view_name from duckdb_views() where schema_name = 'raw'
        ) where name = ?
        """,
        [name],
    ).fetchone()
    return bool(row and row[0])


def lda_watermark(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest posting time among the filings in ``raw.lda_filings``: what earlier successful
    loads merged (a failed or quarantined load merges nothing, so it cannot move the watermark).
    Posting times in the future (bad data) are ignored. A record quarantined alone is not here:
    the other records of its load move the watermark past it, and it is fetched again only
    within the re-pull window (``lda_repull_days``) or by a pull of its filing period."""
    if not _table_exists(con, "lda_filings"):
        return None
    row = con.execute(
        """
        select max(posted) from (
            select try_cast(record->>'$.dt_posted' as timestamptz) as posted
            from raw.lda_filings
        )
        where posted <= now() + interval 1 day
        """
    ).fetchone()
    return row[0] if row and row[0] is not None else None


def pull_lda_posted_after(
    transport: Transport, settings: Settings, posted_after: dt.date, watermark: dt.datetime
) -> Pull:
    client = _lda_client(transport, settings)
    return _lda_pull(
        client,
        _lda_parameters(
            settings,
            mode="incremental",
            watermark=watermark.isoformat(),
            posted_after=posted_after.isoformat(),
        ),
        client.iter_posted_after(posted_after),
    )


def plan_lda_pull(
    con: duckdb.DuckDBPyConnection,
    transport: Transport,
    settings: Settings,
    years: tuple[int, int],
    mode: str = "auto",
    repull_days: int = DEFAULT_REPULL_DAYS,
) -> Pull:
    """Choose how to pull the LDA this time.

    - ``periods``: every filing of every filing period of ``years`` (a first load, a backfill,
      and always for the bundled sample, which is recorded by period);
    - ``incremental``: every filing posted since the watermark less ``repull_days``, so that
      late amendments and filings posted out of order are caught again;
    - ``auto``: incremental when the warehouse has a watermark and the source is live, else
      periods.
    """
    if mode not in LDA_MODES:
        raise ValueError(f"LDA pull mode must be one of {LDA_MODES}, got {mode!r}")
    if repull_days < 0:
        raise ValueError(f"the re-pull window must not be negative, got {repull_days} days")
    watermark = None if mode == "periods" else lda_watermark(con)
    incremental = mode == "incremental" or (
        mode == "auto" and watermark is not None and not settings.is_sample
    )
    if incremental:
        if watermark is None:
            raise ValueError(
                "an incremental LDA pull needs a watermark, and raw.lda_filings is empty: "
                "load by periods first"
            )
        posted_after = watermark.date() - dt.timedelta(days=repull_days)
        return pull_lda_posted_after(transport, settings, posted_after, watermark)
    return pull_lda(transport, settings, years)


USASPENDING_MODES = ("auto", "full", "incremental")


def usaspending_watermark(con: duckdb.DuckDBPyConnection, table: RawTable) -> dt.date | None:
    """The latest date merged so far: awards' ``Last Modified Date`` (in
    ``raw.usaspending_awards``) or transactions' ``Action Date`` (``raw.usaspending_transactions``).
    Dates after tomorrow (bad data) are ignored; a failed or quarantined load merges nothing, so
    it cannot move the watermark."""
    field = {
        "usaspending_awards": "Last Modified Date",
        "usaspending_transactions": "Action Date",
    }[table.name]
    if not _table_exists(con, table.name):
        return None
    row = con.execute(
        f"""
        select max(day) from (
            select try_cast(left(record->>'$."{field}"', 10) as date) as day
            from {table.qualified}
        )
        where day <= current_date + 1
        """
    ).fetchone()
    return row[0] if row and row[0] is not None else None


@dataclass(frozen=True)
class UsaspendingPlan:
    """How USAspending is pulled this time: ``full`` (every quarter of the years) or
    ``incremental`` (from the watermark less the re-pull window up to today)."""

    mode: str
    watermark: dt.date | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def parameters(self) -> dict[str, Any]:
        if self.mode == "full":
            return {"mode": "full"}
        assert self.watermark and self.since and self.until
        return {
            "mode": "incremental",
            "watermark": self.watermark.isoformat(),
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
        }


def plan_usaspending(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    settings: Settings,
    mode: str = "auto",
    repull_days: int = DEFAULT_REPULL_DAYS,
    today: dt.date | None = None,
) -> UsaspendingPlan:
    """``auto``: incremental when the table has a watermark and the source is live (the bundled
    sample is recorded quarter by quarter), else full. ``incremental`` asks for awards modified
    (or transactions dated) since the watermark less ``repull_days``: USAspending loads agency
    submissions late, so the window catches what arrived after the last refresh."""
    if mode not in USASPENDING_MODES:
        raise ValueError(f"USAspending pull mode must be one of {USASPENDING_MODES}, got {mode!r}")
    if repull_days < 0:
        raise ValueError(f"the re-pull window must not be negative, got {repull_days} days")
    watermark = None if mode == "full" else usaspending_watermark(con, table)
    incremental = mode == "incremental" or (
        mode == "auto" and watermark is not None and not settings.is_sample
    )
    if not incremental:
        return UsaspendingPlan("full")
    if watermark is None:
        raise ValueError(
            f"an incremental USAspending pull needs a watermark, and {table.qualified} is empty: "
            "load in full first"
        )
    today = today or dt.datetime.now(dt.UTC).date()
    since = watermark - dt.timedelta(days=repull_days)
    return UsaspendingPlan("incremental", watermark, since, max(today, watermark))


def _usaspending_parameters(
    plan: UsaspendingPlan,
    queries: int,
    settings: Settings,
    watchlist: Watchlist,
    years: tuple[int, int],
) -> dict[str, Any]:
    """What the load ledger records of a USAspending pull."""
    return {
        **plan.parameters(),
        "queries": queries,
        "years": list(years),
        "agencies": [a.toptier_code for a in watchlist.agencies],
        "companies": [c.name for c in watchlist.companies],
        "groups": list(usaspending.AWARD_GROUPS),
        "base_url": settings.usaspending_api_url,
    }


def pull_usaspending(
    transport: Transport,
    settings: Settings,
    watchlist: Watchlist,
    years: tuple[int, int],
    plan: UsaspendingPlan | None = None,
) -> Pull:
    """Contract awards and IDVs of every watched agency and company: by quarter of the years, or
    (incremental) those modified since the plan's start."""
    plan = plan or UsaspendingPlan("full")
    client = usaspending.UsaspendingClient(transport, settings.usaspending_api_url)
    if plan.mode == "full":
        queries = usaspending.award_queries(watchlist, years)
    else:
        assert plan.since and plan.until
        queries = usaspending.modified_award_queries(watchlist, plan.since, plan.until)
    return Pull(
        _usaspending_parameters(plan, len(queries), settings, watchlist, years),
        each(queries, client.iter_awards),
    )


def pull_usaspending_transactions(
    transport: Transport,
    settings: Settings,
    watchlist: Watchlist,
    years: tuple[int, int],
    plan: UsaspendingPlan | None = None,
    archive: bool = False,
) -> Pull:
    """Every award action (modification) of the watched scopes, by quarter of action date (or,
    incremental, dated since the plan's start), so obligations land in the quarter they were
    made. With ``archive``, the agencies the Award Data Archive loads
    (``usaspending_archive.archive_agencies``) are left out: only the companies are searched."""
    plan = plan or UsaspendingPlan("full")
    client = usaspending.TransactionClient(transport, settings.usaspending_api_url)
    if plan.mode == "full":
        queries = usaspending.transaction_queries(watchlist, years, archive=archive)
    else:
        assert plan.since and plan.until
        queries = usaspending.recent_transaction_queries(
            watchlist, plan.since, plan.until, archive=archive
        )
    return Pull(
        _usaspending_parameters(plan, len(queries), settings, watchlist, years),
        each(queries, client.iter_transactions),
    )


ARCHIVE_TABLE = "raw.usaspending_archive_transactions"


def archive_loaded_files(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The archive files (``MonthlyFile.ledger_entry``) that earlier successful loads of
    ``raw.usaspending_archive_transactions`` landed, from the load ledger's parameters."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'audit' "
        "and table_name = 'load_ledger'"
    ).fetchone()
    if not exists or not exists[0]:
        return []
    rows = con.execute(
        "select parameters from audit.load_ledger where raw_table = ? and status = 'succeeded'",
        [ARCHIVE_TABLE],
    ).fetchall()
    entries: list[dict[str, Any]] = []
    for (parameters,) in rows:
        data = json.loads(parameters) if isinstance(parameters, str) else parameters
        files = data.get("files") if isinstance(data, dict) else None
        entries.extend(f for f in files or [] if isinstance(f, dict))
    return entries


def pull_usaspending_archive(
    con: duckdb.DuckDBPyConnection,
    transport: Transport,
    settings: Settings,
    watchlist: Watchlist,
    years: tuple[int, int],
    work_dir: Path | None = None,
) -> Pull:
    """The contract actions of every watched agency from the Award Data Archive: the Full file
    of each fiscal year of ``years`` never loaded, then the agency's Delta file when it is newer
    than what was loaded (``usaspending_archive.choose_files``); rows dated in ``years``, of the
    listed sub-agencies for ``pull: subtiers``. The sample is always a first load. The ledger's
    ``files`` names every file and stamp loaded (filled in as the listing is read)."""
    client = usaspending_archive.ArchiveClient(transport, settings.usaspending_api_url)
    states = (
        {} if settings.is_sample else usaspending_archive.agency_states(archive_loaded_files(con))
    )
    parameters: dict[str, Any] = {
        "years": list(years),
        "fiscal_years": usaspending_archive.fiscal_years(years),
        "agencies": [a.toptier_code for a in usaspending_archive.archive_agencies(watchlist)],
        "base_url": settings.usaspending_api_url,
    }
    if settings.is_sample:
        parameters["answered_by"] = SAMPLE_ANSWERED_BY

    def files() -> Iterator[usaspending_archive.ArchiveFile]:
        plan = usaspending_archive.plan_archive(client, watchlist, years, states)
        parameters["files"] = plan.ledger()
        yield from usaspending_archive.iter_archive_files(client, plan, years, work_dir)

    return Pull(parameters, iter(()), files())


def child_recipients_to_fetch(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Child recipients (``recipient_id`` ending ``-C``) named by loaded awards whose profile
    (parent UEI and name) is not in ``raw.usaspending_recipients`` yet, in order."""
    if not _table_exists(con, "usaspending_awards"):
        return []
    known = (
        "select recipient_id from raw.usaspending_recipients"
        if _table_exists(con, "usaspending_recipients")
        else "select null::varchar as recipient_id where false"
    )
    rows = con.execute(
        f"""
        select distinct record->>'$.recipient_id' as recipient_id
        from raw.usaspending_awards
        where record->>'$.recipient_id' like '%-C'
          and record->>'$.recipient_id' not in ({known})
        order by recipient_id
        """
    ).fetchall()
    return [r[0] for r in rows]


def pull_usaspending_recipients(
    transport: Transport, settings: Settings, recipient_ids: list[str]
) -> Pull:
    """The profiles of the given recipients: UEI, parent UEI, parent name, alternate names."""
    return Pull(
        {"recipients": len(recipient_ids), "base_url": settings.usaspending_api_url},
        # one request per recipient: the plan whose progress is shown
        each(
            recipient_ids,
            lambda recipient: usaspending.iter_recipients(
                transport, settings.usaspending_api_url, [recipient]
            ),
        ),
    )


def pull_usaspending_toptier_agencies(transport: Transport, settings: Settings) -> Pull:
    """USAspending's toptier agency list (codes, abbreviations, names)."""
    return Pull(
        {"base_url": settings.usaspending_api_url},
        usaspending.iter_toptier_agencies(transport, settings.usaspending_api_url),
    )


def pull_gdelt(
    transport: Transport, settings: Settings, watchlist: Watchlist, years: tuple[int, int]
) -> Pull:
    """The watchlist's news terms packed into term groups, each searched over the whole range
    and narrowed only where GDELT's 250 cap is reached (``ingest.gdelt``). The ledger records
    the groups' queries."""
    client = gdelt.GdeltClient(transport, settings.gdelt_api_url)
    max_query_chars = settings.gdelt_max_query_chars or gdelt.MAX_QUERY_CHARS
    queries = gdelt.article_queries(watchlist, years, max_query_chars)
    return Pull(
        {
            "years": list(years),
            "queries": [query.query for query in queries],
            "max_query_chars": max_query_chars,
            "topics": list(watchlist.topics),
            "base_url": settings.gdelt_api_url,
        },
        each(queries, client.iter_articles),
    )


def pull_edgar_submissions(transport: Transport, settings: Settings, watchlist: Watchlist) -> Pull:
    """The EDGAR submissions of the watched companies: company_tickers.json first (to find the
    companies whose title matches a watched name), then one submissions body per CIK in scope.
    The ledger's parameters record the CIKs pulled."""
    parameters: dict[str, Any] = {
        "files_url": settings.edgar_files_url,
        "data_url": settings.edgar_data_url,
    }
    if settings.is_sample:
        parameters["answered_by"] = SAMPLE_ANSWERED_BY

    def pages() -> Iterator[FetchedPage]:
        if not settings.is_sample and not settings.edgar_user_agent:
            raise ConfigError(
                "EDGAR_USER_AGENT is not set: the SEC answers only requests whose User-Agent "
                "names who asks with a contact e-mail address (e.g. 'Jane Doe jane@example.org')"
            )
        client = edgar.EdgarClient(transport, settings.edgar_files_url, settings.edgar_data_url)
        ciks = edgar.companies_in_scope(watchlist, client.company_tickers())
        parameters["ciks"] = ciks
        yield from client.iter_submissions(ciks)

    return Pull(parameters, pages())


def _gleif_pull(
    transport: Transport, settings: Settings, watchlist: Watchlist, relationships: bool
) -> Pull:
    """GLEIF's records (or relationship records) of the watched companies' LEIs: the watchlist's
    ``leis``, else the records that its ``legal_names`` (or the company's name) name exactly."""
    client = gleif.GleifClient(transport, settings.gleif_api_url)
    companies = watchlist.companies
    parameters: dict[str, Any] = {
        "companies": [c.name for c in companies],
        "leis": {c.name: list(c.leis) for c in companies if c.leis},
        "legal_names_searched": [
            name for c in companies if not c.leis for name in (c.legal_names or (c.name,))
        ],
        "base_url": settings.gleif_api_url,
    }

    def pages() -> Iterator[FetchedPage]:
        entities = [client.watched(company) for company in companies]
        # what the searches found, for the load ledger (recorded once the pages are fetched)
        parameters["leis_found"] = {e.company: list(e.leis) for e in entities if e.found}
        if relationships:
            yield from client.iter_relationships(entities)
        else:
            yield from client.iter_lei_records(entities)

    return Pull(parameters, pages())


def pull_gleif_lei_records(transport: Transport, settings: Settings, watchlist: Watchlist) -> Pull:
    """The LEI records of the watched companies, their parents and their subsidiaries."""
    return _gleif_pull(transport, settings, watchlist, relationships=False)


def pull_gleif_relationships(
    transport: Transport, settings: Settings, watchlist: Watchlist
) -> Pull:
    """The accounting-consolidation relationship records (with their periods) between the watched
    companies and their parents and subsidiaries."""
    return _gleif_pull(transport, settings, watchlist, relationships=True)


# The analyst article list bundled with the sample (written by ``tests.sample.generate``).
SAMPLE_ARTICLE_FILE = Path("analyst") / "articles.csv"


def article_files(settings: Settings) -> tuple[Path, ...]:
    """The analyst's article files: ``INFLUENCE_ARTICLE_FILES`` when live, the bundled list in
    sample mode (the sample is a fixed, offline data set)."""
    if settings.is_sample:
        return (settings.sample_dir / SAMPLE_ARTICLE_FILE,)
    return settings.article_files


def pull_analyst_articles(settings: Settings) -> Pull:
    """Every row of the analyst's article files (none configured: an empty load)."""
    paths = article_files(settings)
    return Pull(
        {"files": [str(path) for path in paths]},
        articles.iter_article_files(paths),
    )


def pull_feeds(transport: Transport, watchlist: Watchlist) -> Pull:
    """Every entry of every feed in the watchlist's ``feeds`` section."""
    client = feeds.FeedClient(transport)
    return Pull(
        {"feeds": [feed.url for feed in watchlist.feeds]},
        client.iter_feeds(watchlist.feeds),
    )


def pull_watchlist(settings: Settings, watchlist: Watchlist) -> Pull:
    """The run's watchlist (companies, agencies, topics), one record per section: no request."""
    return Pull(
        {"watchlist": str(settings.watchlist)},
        iter(
            [
                FetchedPage(
                    "watchlist", f"watchlist {settings.watchlist}", section_records(watchlist)
                )
            ]
        ),
    )
