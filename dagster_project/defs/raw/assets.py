"""The raw source assets. Their keys equal the dbt source tables (``raw.<table>``)."""

from __future__ import annotations

import dagster as dg
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
    USASPENDING_RECIPIENTS,
    USASPENDING_TOPTIER_AGENCIES,
    USASPENDING_TRANSACTIONS,
    RawTable,
)
from ingest.pulls import (
    Pull,
    UsaspendingPlan,
    child_recipients_to_fetch,
    plan_lda_pull,
    plan_usaspending,
    pull_analyst_articles,
    pull_feeds,
    pull_gdelt,
    pull_lda_constants,
    pull_lda_contributions,
    pull_usaspending,
    pull_usaspending_recipients,
    pull_usaspending_toptier_agencies,
    pull_usaspending_transactions,
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


def _usaspending_plan(
    sources: SourcesResource, con: duckdb.DuckDBPyConnection, table: RawTable
) -> UsaspendingPlan:
    return plan_usaspending(
        con,
        table,
        sources.settings(),
        mode=sources.usaspending_mode,
        repull_days=sources.usaspending_repull_days,
    )


def _usaspending(sources: SourcesResource, con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_usaspending(
        sources.transport(),
        sources.settings(),
        sources.watchlist(),
        sources.year_range(),
        _usaspending_plan(sources, con, USASPENDING_AWARDS),
    )


def _usaspending_transactions(sources: SourcesResource, con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_usaspending_transactions(
        sources.transport(),
        sources.settings(),
        sources.watchlist(),
        sources.year_range(),
        _usaspending_plan(sources, con, USASPENDING_TRANSACTIONS),
    )


def _usaspending_recipients(sources: SourcesResource, con: duckdb.DuckDBPyConnection) -> Pull:
    return pull_usaspending_recipients(
        sources.transport(), sources.settings(), child_recipients_to_fetch(con)
    )


def _usaspending_toptier_agencies(
    sources: SourcesResource, _con: duckdb.DuckDBPyConnection
) -> Pull:
    return pull_usaspending_toptier_agencies(sources.transport(), sources.settings())


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
    "Federal contract awards (types A-D) and IDVs (IDV_A-IDV_E, searched as their own group) "
    "from USAspending POST /api/v2/search/spending_by_award/, one row per generated_internal_id, "
    "for each watchlist agency and company: every quarter of the years on a first load, then "
    "those modified since the watermark less a re-pull window (sources.usaspending_mode, "
    "sources.usaspending_repull_days). Keyset paging past 50,000 records. API: "
    "https://api.usaspending.gov/docs/endpoints",
)

usaspending_transactions = build_raw_asset(
    USASPENDING_TRANSACTIONS,
    _usaspending_transactions,
    "Award actions (the base award and each modification) from USAspending POST "
    "/api/v2/search/spending_by_transaction/, one row per award + modification + action date, "
    "for the same scopes as the awards, by quarter of action date (then incrementally), windows "
    "split when they pass the endpoint's 50,000-record limit. Obligations are dated by these "
    "actions. API: https://api.usaspending.gov/docs/endpoints",
)

usaspending_recipients = build_raw_asset(
    USASPENDING_RECIPIENTS,
    _usaspending_recipients,
    "Recipient profiles from USAspending GET /api/v2/recipient/<recipient_id>/ for every child "
    "recipient the loaded awards name and the table does not hold yet: UEI, parent UEI and "
    "parent name (the parent roll-up), alternate names. API: "
    "https://api.usaspending.gov/docs/endpoints",
    deps=[dg.AssetKey(["raw", USASPENDING_AWARDS.name])],
)

usaspending_toptier_agencies = build_raw_asset(
    USASPENDING_TOPTIER_AGENCIES,
    _usaspending_toptier_agencies,
    "USAspending's toptier agency list from GET /api/v2/references/toptier_agencies/ (toptier "
    "code, abbreviation, name), one row per toptier_code; dim_agency prefers it to the bundled "
    "seed copy. API: https://api.usaspending.gov/docs/endpoints",
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
    usaspending_transactions,
    usaspending_recipients,
    usaspending_toptier_agencies,
    gdelt_articles,
    analyst_articles,
    feed_entries,
]
