"""What one refresh pulls from each source: the plan of requests and the client that runs it.

The Dagster assets, the sample generator and the tests all pull through these functions, so the
bundled sample is a recording of exactly the requests a live refresh makes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ingest import gdelt, lda, usaspending
from ingest.config import Settings
from ingest.landing import GDELT_ARTICLES, LDA_FILINGS, USASPENDING_AWARDS, RawTable
from ingest.transport import FetchedPage, Transport
from ingest.watchlist import Watchlist


@dataclass(frozen=True)
class Pull:
    """One source's pull for a refresh: the raw table it lands in, the parameters recorded in the
    load ledger, and the pages (fetched lazily, in plan order)."""

    table: RawTable
    parameters: dict[str, Any]
    pages: Iterator[FetchedPage]


def pull_lda(transport: Transport, settings: Settings, years: tuple[int, int]) -> Pull:
    client = lda.LdaClient(transport, settings.lda_api_url)
    periods = lda.filing_periods(years)

    def pages() -> Iterator[FetchedPage]:
        for filing_year, filing_period in periods:
            yield from client.iter_filings(filing_year, filing_period)

    return Pull(
        LDA_FILINGS,
        {"years": list(years), "periods": len(periods), "base_url": settings.lda_api_url},
        pages(),
    )


def pull_usaspending(
    transport: Transport, settings: Settings, watchlist: Watchlist, years: tuple[int, int]
) -> Pull:
    client = usaspending.UsaspendingClient(transport, settings.usaspending_api_url)
    queries = usaspending.award_queries(watchlist, years)

    def pages() -> Iterator[FetchedPage]:
        for query in queries:
            yield from client.iter_awards(query)

    return Pull(
        USASPENDING_AWARDS,
        {
            "years": list(years),
            "queries": len(queries),
            "agencies": [a.toptier_code for a in watchlist.agencies],
            "companies": [c.name for c in watchlist.companies],
            "base_url": settings.usaspending_api_url,
        },
        pages(),
    )


def pull_gdelt(
    transport: Transport, settings: Settings, watchlist: Watchlist, years: tuple[int, int]
) -> Pull:
    client = gdelt.GdeltClient(transport, settings.gdelt_api_url)
    queries = gdelt.article_queries(watchlist, years)

    def pages() -> Iterator[FetchedPage]:
        for query in queries:
            yield from client.iter_articles(query)

    return Pull(
        GDELT_ARTICLES,
        {
            "years": list(years),
            "queries": len(queries),
            "topics": list(watchlist.topics),
            "base_url": settings.gdelt_api_url,
        },
        pages(),
    )
