"""What one refresh pulls from each source: the plan of requests and the client that runs it.

The Dagster assets, the sample generator and the tests all pull through these functions, so the
bundled sample is a recording of exactly the requests a live refresh makes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from ingest import articles, feeds, gdelt, lda, usaspending
from ingest.config import Settings
from ingest.landing import (
    ANALYST_ARTICLES,
    FEED_ENTRIES,
    GDELT_ARTICLES,
    LDA_CONSTANTS,
    LDA_CONTRIBUTIONS,
    LDA_FILINGS,
    USASPENDING_AWARDS,
    RawTable,
)
from ingest.transport import FetchedPage, Transport
from ingest.watchlist import Watchlist

T = TypeVar("T")


def each(
    requests: Iterable[T], fetch: Callable[[T], Iterator[FetchedPage]]
) -> Iterator[FetchedPage]:
    """The pages of every request of a plan, in plan order, fetched lazily."""
    for request in requests:
        yield from fetch(request)


@dataclass(frozen=True)
class Pull:
    """One source's pull for a refresh: the raw table it lands in, the parameters recorded in the
    load ledger, and the pages (fetched lazily, in plan order)."""

    table: RawTable
    parameters: dict[str, Any]
    pages: Iterator[FetchedPage]


def pull_lda(
    transport: Transport,
    settings: Settings,
    years: tuple[int, int],
    periods: list[tuple[int, str]] | None = None,
) -> Pull:
    """Every filing of every filing period of ``years`` (or of the ``periods`` given)."""
    client = lda.LdaClient(transport, settings.lda_api_url)
    periods = lda.filing_periods(years) if periods is None else periods
    return Pull(
        LDA_FILINGS,
        {
            "mode": "periods",
            "years": list(years),
            "periods": len(periods),
            "filing_periods": [f"{year} {period}" for year, period in periods],
            "base_url": settings.lda_api_url,
        },
        each(periods, lambda period: client.iter_filings(*period)),
    )


def pull_lda_contributions(
    transport: Transport, settings: Settings, years: tuple[int, int]
) -> Pull:
    """Every LD-203 contribution report of the years' two periods (mid-year, year-end)."""
    client = lda.LdaClient(transport, settings.lda_api_url)
    periods = lda.contribution_periods(years)
    return Pull(
        LDA_CONTRIBUTIONS,
        {
            "mode": "periods",
            "years": list(years),
            "filing_periods": [f"{year} {period}" for year, period in periods],
            "base_url": settings.lda_api_url,
        },
        each(periods, lambda period: client.iter_contributions(*period)),
    )


def pull_lda_constants(transport: Transport, settings: Settings) -> Pull:
    """The LDA's reference lists (filing types, issue codes, government entities)."""
    client = lda.LdaClient(transport, settings.lda_api_url)
    return Pull(
        LDA_CONSTANTS,
        {"lists": list(lda.CONSTANT_LISTS), "base_url": settings.lda_api_url},
        each(lda.CONSTANT_LISTS, client.iter_constants),
    )


LDA_MODES = ("auto", "periods", "incremental")
DEFAULT_REPULL_DAYS = 30


def lda_watermark(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """The latest posting time among the filings in ``raw.lda_filings``: what earlier successful
    loads merged (a failed or quarantined load merges nothing, so it cannot move the watermark).
    Posting times in the future (bad data) are ignored."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where schema_name = 'raw' "
        "and table_name = 'lda_filings'"
    ).fetchone()
    if not exists or not exists[0]:
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
    client = lda.LdaClient(transport, settings.lda_api_url)
    return Pull(
        LDA_FILINGS,
        {
            "mode": "incremental",
            "watermark": watermark.isoformat(),
            "posted_after": posted_after.isoformat(),
            "base_url": settings.lda_api_url,
        },
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


def pull_usaspending(
    transport: Transport, settings: Settings, watchlist: Watchlist, years: tuple[int, int]
) -> Pull:
    client = usaspending.UsaspendingClient(transport, settings.usaspending_api_url)
    queries = usaspending.award_queries(watchlist, years)
    return Pull(
        USASPENDING_AWARDS,
        {
            "years": list(years),
            "queries": len(queries),
            "agencies": [a.toptier_code for a in watchlist.agencies],
            "companies": [c.name for c in watchlist.companies],
            "base_url": settings.usaspending_api_url,
        },
        each(queries, client.iter_awards),
    )


def pull_gdelt(
    transport: Transport, settings: Settings, watchlist: Watchlist, years: tuple[int, int]
) -> Pull:
    client = gdelt.GdeltClient(transport, settings.gdelt_api_url)
    queries = gdelt.article_queries(watchlist, years)
    return Pull(
        GDELT_ARTICLES,
        {
            "years": list(years),
            "queries": len(queries),
            "topics": list(watchlist.topics),
            "base_url": settings.gdelt_api_url,
        },
        each(queries, client.iter_articles),
    )


# The analyst article list bundled with the sample (written by ``ingest.sample.generate``).
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
        ANALYST_ARTICLES,
        {"files": [str(path) for path in paths]},
        articles.iter_article_files(paths),
    )


def pull_feeds(transport: Transport, watchlist: Watchlist) -> Pull:
    """Every entry of every feed in the watchlist's ``feeds`` section."""
    client = feeds.FeedClient(transport)
    return Pull(
        FEED_ENTRIES,
        {"feeds": [feed.url for feed in watchlist.feeds]},
        client.iter_feeds(watchlist.feeds),
    )
