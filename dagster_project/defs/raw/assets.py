"""The raw source assets. Their keys equal the dbt source tables (``raw.<table>``)."""

from __future__ import annotations

import duckdb

from dagster_project.defs.raw.factory import build_raw_asset
from dagster_project.defs.resources import SourcesResource
from ingest.landing import (
    ANALYST_ARTICLES,
    FEED_ENTRIES,
    GDELT_ARTICLES,
    LDA_CONSTANTS,
    LDA_CONTRIBUTIONS,
    LDA_FILINGS,
    USASPENDING_AWARDS,
)
from ingest.pulls import (
    Pull,
    plan_lda_pull,
    pull_analyst_articles,
    pull_feeds,
    pull_gdelt,
    pull_lda_constants,
    pull_lda_contributions,
    pull_usaspending,
)


def _lda(sources: SourcesResource, con: duckdb.DuckDBPyConnection) -> Pull:
    return plan_lda_pull(
        con,
        sources.transport(),
        sources.settings(),
        sources.year_range(),
        mode=sources.lda_mode,
        repull_days=sources.lda_repull_days,
    )


def _lda_contributions(sources: SourcesResource, _con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_lda_contributions(sources.transport(), sources.settings(), sources.year_range())


def _lda_constants(sources: SourcesResource, _con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_lda_constants(sources.transport(), sources.settings())


def _usaspending(sources: SourcesResource, _con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_usaspending(
        sources.transport(), sources.settings(), sources.watchlist(), sources.year_range()
    )


def _gdelt(sources: SourcesResource, _con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_gdelt(
        sources.transport(), sources.settings(), sources.watchlist(), sources.year_range()
    )


def _analyst_articles(sources: SourcesResource, _con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_analyst_articles(sources.settings())


def _feeds(sources: SourcesResource, _con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_feeds(sources.transport(), sources.watchlist())


lda_filings = build_raw_asset(
    LDA_FILINGS,
    _lda,
    "Senate Lobbying Disclosure Act filings (LD-1 registrations, LD-2 quarterly reports and their "
    "amendments), one row per filing_uuid, the API's JSON kept as fetched. Pulled whole per "
    "filing year and quarter from GET /filings/ on a first load; after that, incrementally: "
    "every filing posted since the watermark less a re-pull window (config sources.lda_mode, "
    "sources.lda_repull_days). API: https://lda.gov/api/redoc/v1/",
)

lda_contributions = build_raw_asset(
    LDA_CONTRIBUTIONS,
    _lda_contributions,
    "Senate LDA LD-203 reports of political contributions (FECA, honorary, meeting, presidential "
    "library and inaugural expenses) by registrants and their lobbyists, one row per "
    "filing_uuid, the API's JSON kept as fetched. Pulled per filing year and half-year period "
    "from GET /contributions/. API: https://lda.gov/api/redoc/v1/",
)

lda_constants = build_raw_asset(
    LDA_CONSTANTS,
    _lda_constants,
    "The LDA's reference lists (filing types, general issue codes, government entities) from "
    "GET /constants/filing/<list>/, one row per list with its items as fetched. The dbt seeds "
    "in dbt_models/seeds/reference are the bundled copy used where the API's lists are absent. "
    "API: https://lda.gov/api/redoc/v1/",
)

usaspending_awards = build_raw_asset(
    USASPENDING_AWARDS,
    _usaspending,
    "Federal contract awards (types A-D) from USAspending POST /api/v2/search/spending_by_award/, "
    "one row per generated_internal_id, for each watchlist agency and company, quarter by "
    "quarter. API: https://api.usaspending.gov/docs/endpoints",
)

gdelt_articles = build_raw_asset(
    GDELT_ARTICLES,
    _gdelt,
    "News article metadata (URL, title, date, publisher domain) from the GDELT DOC 2.0 API in "
    "ArtList mode, for the watchlist's companies, agencies and topics, month by month. API: "
    "https://blog.gdeltproject.org/gdelt-doc-2-0-api-debuts/",
)

analyst_articles = build_raw_asset(
    ANALYST_ARTICLES,
    _analyst_articles,
    "An analyst's own article list: the rows of the CSV or JSON Lines files named in "
    "INFLUENCE_ARTICLE_FILES (url, title, published, publisher, optional description), one row "
    "per url, each kept as written with its file name and row number. In sample mode, the list "
    "bundled with the sample.",
)

feed_entries = build_raw_asset(
    FEED_ENTRIES,
    _feeds,
    "Entries of the RSS 2.0 and Atom feeds listed in the watchlist's feeds section, parsed by "
    "feedparser (https://feedparser.readthedocs.io/), one row per entry link, with the feed "
    "each came from.",
)

RAW_ASSETS = [
    lda_filings,
    lda_contributions,
    lda_constants,
    usaspending_awards,
    gdelt_articles,
    analyst_articles,
    feed_entries,
]
