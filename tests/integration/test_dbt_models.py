"""The dbt project against a real DuckDB file holding the sample universe.

Raw tables are filled straight from ``build_universe()`` (no HTTP, no validation: those have their
own tests), then the real ``dbt build`` runs every model, data test and unit test, and the marts
must answer the five questions of ``shared/reference/case-facts.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest
import yaml

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.articles import read_article_file
from ingest.config import DEFAULT_WATCHLIST, load_settings
from ingest.dbt_cli import run_dbt
from ingest.feeds import FeedClient
from ingest.load import run_load
from ingest.pulls import pull_gdelt, pull_watchlist
from ingest.sample.replay import SampleTransport
from ingest.sources import GDELT_ARTICLES, SOURCES, WATCHLIST_SECTIONS, raw_tables
from ingest.watchlist import load_watchlist, section_records
from tests.fakes.gdelt import FakeGdeltApi
from tests.fakes.gleif import FakeGleifApi
from tests.fakes.usaspending import recipient_profiles, toptier_agency_rows, transaction_row
from tests.sample import universe_edgar
from tests.sample.constants import bundled_constants, bundled_toptier_agencies
from tests.sample.generate import write_analyst_list
from tests.sample.universe import build_universe
from tests.sample.universe_gleif import GLEIF_RECORDS, GLEIF_RELATIONSHIPS
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer
from tests.support.readme_queries import readme_blocks

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def sample_feed_entries() -> list[dict[str, Any]]:
    """The records of the watchlist's feeds, read by the client from the bundled recordings."""
    pages = FeedClient(SampleTransport()).iter_feeds(load_watchlist().feeds)
    return [record for page in pages for record in page.records]


def write_raw_tables(path: Path) -> dict[str, int]:
    """Create ``raw.*`` with the landing code's schema and insert every record of the universe,
    serialised as landing serialises it (no HTTP, no validation: those have their own tests).
    Returns the rows written per table."""
    universe = build_universe()
    gleif = FakeGleifApi(GLEIF_RECORDS, GLEIF_RELATIONSHIPS)
    analyst_file = path.parent / "analyst" / "articles.csv"
    write_analyst_list(analyst_file)
    records: dict[str, list[dict[str, Any]]] = {
        "lda_filings": universe.lda_filings,
        "lda_contributions": universe.lda_contributions,
        "lda_constants": [
            {"constant_list": name, "items": items} for name, items in bundled_constants().items()
        ],
        "usaspending_awards": [award.row for award in universe.awards],
        "usaspending_transactions": [
            transaction_row(award, action)
            for award in universe.awards
            for action in award.transactions
        ],
        # every action of the universe is written above in the search API's shape, so the
        # archive's door stays empty here (tests/integration/test_usaspending_archive_dbt.py
        # builds it)
        "usaspending_archive_transactions": [],
        "usaspending_recipients": list(recipient_profiles(universe.awards).values()),
        "usaspending_toptier_agencies": toptier_agency_rows(bundled_toptier_agencies()),
        "gdelt_articles": universe.articles,
        "feed_entries": sample_feed_entries(),
        "analyst_articles": read_article_file(analyst_file).records,
        "watchlist_sections": section_records(load_watchlist()),
        "edgar_submissions": list(universe_edgar.SUBMISSIONS.values()),
        "gleif_lei_records": gleif.lei_record_objects(),
        "gleif_relationships": gleif.relationship_objects(),
    }
    loaded_at = dt.datetime.now(dt.UTC)
    con = duckdb.connect(str(path))
    try:
        landing.ensure_schema(con, raw_tables())
        for spec in SOURCES:
            rows = []
            for record in records[spec.name]:
                text = landing.serialize_record(record)
                digest = hashlib.sha256(text.encode()).hexdigest()
                rows.append((spec.table.key_of(record), text, digest, "test", loaded_at))
            if not rows:
                continue
            # one bulk insert per table (row by row took most of this helper's time)
            frame = pd.DataFrame(rows, columns=["key", "record", "hash", "load_id", "loaded_at"])
            con.register("raw_rows", frame)
            try:
                con.execute(
                    f"insert into {spec.table.qualified} "
                    "select key, record::json, hash, load_id, loaded_at from raw_rows"
                )
            finally:
                con.unregister("raw_rows")
    finally:
        con.close()
    # the tables written (the archive's, left empty, is not among them)
    return {table: len(rows) for table, rows in records.items() if rows}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    work = tmp_path_factory.mktemp("dbt")
    warehouse = work / "warehouse.duckdb"
    counts = write_raw_tables(warehouse)
    assert all(counts.values()), counts
    result = run_dbt(["build"], warehouse, work, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    yield warehouse, work


@pytest.fixture
def con(built: tuple[Path, Path]) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(built[0]), read_only=True)
    yield connection
    connection.close()


def test_build_passes_without_errors_or_warnings(built: tuple[Path, Path]) -> None:
    run_results = json.loads((built[1] / "target" / "run_results.json").read_text())
    # exposures are documentation (the README's queries): dbt lists them as no-op
    statuses = {
        r["unique_id"]: r["status"]
        for r in run_results["results"]
        if not r["unique_id"].startswith("exposure.")
    }
    assert statuses
    assert set(statuses.values()) <= {"success", "pass"}, {
        k: v for k, v in statuses.items() if v not in ("success", "pass")
    }


@pytest.fixture(scope="module")
def docs(built: tuple[Path, Path]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The dbt docs site's data, built by the real `dbt docs generate`: (manifest, catalog)."""
    warehouse, work = built
    result = run_dbt(["docs", "generate"], warehouse, work, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:]
    assert (work / "target" / "index.html").is_file()
    manifest = json.loads((work / "target" / "manifest.json").read_text())
    catalog = json.loads((work / "target" / "catalog.json").read_text())
    return manifest, catalog


def test_docs_generate(docs: tuple[dict[str, Any], dict[str, Any]]) -> None:
    assert "model.influence_warehouse.company_agency_quarter" in docs[1]["nodes"]
    assert "model.influence_warehouse.company_profile" in docs[1]["nodes"]


def test_docs_describe_every_model_seed_and_column(
    docs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest, catalog = docs
    undescribed = []
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")]
    assert len(nodes) > 40
    for node in nodes:
        if not node["description"].strip():
            undescribed.append(node["name"])
        # every column the built table has, not only those the YAML lists
        for column in catalog["nodes"][node["unique_id"]]["columns"]:
            documented = node["columns"].get(column.lower(), {}).get("description", "")
            if not documented.strip():
                undescribed.append(f"{node['name']}.{column}")
    assert undescribed == []


def test_exposures_cover_every_table_the_readme_queries(
    docs: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    manifest = docs[0]
    exposed = {
        manifest["nodes"][uid]["name"]
        for exposure in manifest["exposures"].values()
        for uid in exposure["depends_on"]["nodes"]
    }
    queried = {
        table
        for sql, _ in readme_blocks().values()
        for table in re.findall(r"\b(?:marts|intermediate|evaluation)\.(\w+)", sql)
    }
    assert queried, "no README query found"
    assert queried <= exposed, queried - exposed


def test_source_freshness_runs_on_freshly_landed_tables(built: tuple[Path, Path]) -> None:
    warehouse, work = built
    result = run_dbt(["source", "freshness"], warehouse, work)
    sources = json.loads((work / "target" / "sources.json").read_text())["results"]
    statuses = {r["unique_id"].rsplit(".", 1)[-1]: r["status"] for r in sources}
    # every raw table but those whose rows change on no schedule (freshness: null)
    assert set(statuses) == {spec.name for spec in SOURCES} - {
        "lda_constants",
        "usaspending_recipients",
        "analyst_articles",
        "watchlist_sections",
    }
    # the archive's table is left empty here (write_raw_tables): an empty source is stale,
    # and said so; every landed one is fresh
    assert statuses.pop("usaspending_archive_transactions") == "error"
    assert set(statuses.values()) == {"pass"}, statuses
    assert result.returncode == 1, result.stdout[-4000:]


# 1. Amazon's lobbying spend per quarter of 2018, Q3 = 3,630,000, counted once.
def test_amazon_2018_quarterly_spend_counted_once(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select quarter, lobbying_spend, spend_basis, outside_firm_income
        from marts.company_quarter_lobbying
        where company_id = 'amazon' and year = 2018
        order by quarter
        """
    ).fetchall()
    by_quarter = {q: (spend, basis, outside) for q, spend, basis, outside in rows}
    assert set(by_quarter) == {1, 2, 3, 4}
    spend, basis, outside = by_quarter[3]
    assert spend == Decimal("3630000.00")
    assert basis == "self_filed_expenses"
    # outside firms also reported income from Amazon that quarter: it is not added
    assert outside is not None and outside > 0
    assert all(b == "self_filed_expenses" for _, b, _ in by_quarter.values())


# 2. The Q3 2018 issues Amazon lobbied on include "facial recognition technology".
def test_amazon_q3_2018_issues_include_facial_recognition(
    con: duckdb.DuckDBPyConnection,
) -> None:
    descriptions = [
        d
        for (d,) in con.execute(
            """
            select description
            from marts.fct_lobbying_issues
            where company_id = 'amazon' and year = 2018 and quarter = 3
            """
        ).fetchall()
    ]
    assert any("facial recognition technology" in (d or "").lower() for d in descriptions)


# 3. The agencies Amazon lobbied in 2018, resolved to codes, DHS (070) among them.
def test_amazon_2018_lobbied_agencies_include_dhs(con: duckdb.DuckDBPyConnection) -> None:
    codes = {
        code
        for (code,) in con.execute(
            """
            select distinct agency_code
            from marts.company_agency_quarter
            where company_id = 'amazon' and year = 2018 and reports_naming_agency > 0
            """
        ).fetchall()
    }
    assert "070" in codes


# 4. Contract obligations to Amazon by awarding agency and quarter; none from ICE in 2018.
def test_amazon_contracts_by_agency_and_quarter(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select awarding_toptier_code, awarding_subtier_code, obligation_year,
            obligation_quarter, sum(award_amount) as obligations
        from marts.fct_contract_awards
        where company_id = 'amazon'
        group by all
        """
    ).fetchall()
    assert rows
    assert not [r for r in rows if r[1] == "7012" and r[2] == 2018]
    ice_2018 = con.execute(
        """
        select count(*)
        from marts.company_agency_quarter
        where company_id = 'amazon' and agency_code = '7012' and year = 2018
            and contract_awards_count > 0
        """
    ).fetchone()
    assert ice_2018 == (0,)


# 5. The news about Amazon and ICE in October 2018, dated, with publisher domains.
def test_october_2018_news_mentions_amazon_and_ice(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select company.seen_date, company.domain, company.title
        from marts.fct_news_mentions as company
        inner join marts.fct_news_mentions as agency
            on company.url = agency.url
        where company.company_id = 'amazon'
            and agency.agency_code = '7012'
            and company.seen_date between date '2018-10-01' and date '2018-10-31'
        order by company.seen_at
        """
    ).fetchall()
    assert rows
    assert all(domain for _, domain, _ in rows)


def test_one_article_per_canonical_url_across_the_three_inputs(
    con: duckdb.DuckDBPyConnection,
) -> None:
    inputs = dict(
        con.execute(
            """
            select url, inputs from marts.fct_news_articles
            where url in (
                'https://www.engadget.com/2018/10/23/amazon-facial-recognition-pitch-ice',
                'https://www.washingtonpost.com/technology/2018/10/23/'
                    || 'amazon-courted-immigration-customs-enforcement-face-matching'
            )
            """
        ).fetchall()
    )
    # the feed's link with utm_* and the analyst's with utm_term and fbclid are GDELT's articles
    assert sorted(inputs.values()) == [["analyst", "gdelt"], ["feeds", "gdelt"]]
    # every link of every input is in exactly one article
    counts = con.execute(
        """
        select
            (select count(*) from staging.stg_gdelt__articles)
            + (select count(*) from staging.stg_feeds__entries)
            + (select count(*) from staging.stg_analyst__articles),
            (select count(*) from (select unnest(source_urls) from marts.fct_news_articles)),
            (select count(*) from marts.fct_news_articles),
            (select count(distinct url) from marts.fct_news_articles)
        """
    ).fetchone()
    assert counts is not None
    linked, unnested, articles, distinct = counts
    assert linked == unnested
    assert articles == distinct < linked


def test_feed_and_analyst_articles_are_tagged_from_title_and_description(
    con: duckdb.DuckDBPyConnection,
) -> None:
    def tags(url_part: str) -> set[tuple[str, str, bool, bool]]:
        rows = con.execute(
            """
            select entity_type, coalesce(company_id, agency_code, topic_id),
                   is_in_title, is_in_description
            from marts.fct_news_mentions where url like '%' || ? || '%'
            """,
            [url_part],
        ).fetchall()
        return set(rows)

    # ICE and DHS only in the description
    assert {("agency", "7012", False, True), ("agency", "070", False, True)} <= tags(
        "amazon-rekognition-government-pitch-explained"
    )
    # Amazon Web Services only in the description of an analyst's article
    assert ("company", "amazon", False, True) in tags("dhs-cloud-migration-review")
    # "Ice storm", "black ice", "the Amazon river", "the Amazon rainforest": nothing
    assert tags("ice-storm-power-internet-outages") == set()
    assert tags("brazil-drought-amazon-river-barges") == set()
    assert tags("amazon-rainforest-satellite-deforestation") == set()


# Everything in a filing reaches staging: each nested list of the API's filing object is unpacked
# whole (the sample lists few or no foreign entities, affiliated organizations or convictions, so
# the counts are compared with the raw JSON rather than asserted to be positive).
def test_every_nested_list_of_a_filing_reaches_staging(con: duckdb.DuckDBPyConnection) -> None:
    for field, model in (
        ("foreign_entities", "stg_lda__foreign_entities"),
        ("affiliated_organizations", "stg_lda__affiliated_organizations"),
        ("conviction_disclosures", "stg_lda__conviction_disclosures"),
    ):
        raw = con.execute(
            f"select coalesce(sum(json_array_length(record, '$.{field}')), 0) from raw.lda_filings"
        ).fetchone()
        staged = con.execute(f"select count(*) from staging.{model}").fetchone()
        assert staged == raw, (model, staged, raw)


def test_registrants_and_clients_one_row_each_from_their_latest_filing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    for entity, model in (("registrant", "stg_lda__registrants"), ("client", "stg_lda__clients")):
        raw_ids = con.execute(
            f"select count(distinct record ->> '$.{entity}.id') from raw.lda_filings"
        ).fetchone()
        rows = con.execute(f"select count(*) from staging.{model}").fetchone()
        assert rows == raw_ids, (model, rows, raw_ids)
    # the name kept is the one on the latest filing (ties to the greatest uuid)
    stale = con.execute(
        """
        with latest as (
            select client_id, arg_max(client_name, (posted_at, filing_uuid)) as client_name
            from staging.stg_lda__filings
            group by client_id
        )
        select count(*) from latest
        join staging.stg_lda__clients using (client_id)
        where latest.client_name is distinct from stg_lda__clients.client_name
        """
    ).fetchone()
    assert stale == (0,)


def test_lobbying_dimensions_cover_the_reports_and_resolve_amazon(
    con: duckdb.DuckDBPyConnection,
) -> None:
    orphans = con.execute(
        """
        select count(*) from marts.fct_lobbying_reports as reports
        left join marts.dim_lobbying_client as clients using (client_id)
        left join marts.dim_lobbying_registrant as registrants
            on reports.registrant_id = registrants.registrant_id
        where clients.client_id is null or registrants.registrant_id is null
        """
    ).fetchone()
    assert orphans == (0,)
    # Amazon files for itself: its registrant is a company, and every client record named like it
    # resolves to it; the outside firms representing it are no company.
    amazon_registrants = con.execute(
        """
        select distinct registrants.company_id, registrants.is_self_filer
        from marts.fct_lobbying_reports as reports
        join marts.dim_lobbying_registrant as registrants using (registrant_id)
        where reports.company_id = 'amazon'
        """
    ).fetchall()
    assert ("amazon", True) in amazon_registrants
    assert {(company, self_filer) for company, self_filer in amazon_registrants} <= {
        ("amazon", True),
        (None, False),
    }


def test_report_versions_chain_up_to_the_current_report(con: duckdb.DuckDBPyConnection) -> None:
    versions = con.execute("select count(*) from marts.fct_lobbying_report_versions").fetchone()
    reports_filings = con.execute(
        "select count(*) from staging.stg_lda__filings where not is_registration"
    ).fetchone()
    assert versions == reports_filings
    broken = con.execute(
        """
        with chained as (
            select
                *,
                lead(valid_from) over (partition by report_id order by version_number)
                    as next_valid_from
            from marts.fct_lobbying_report_versions
        )
        select count(*) from chained
        where valid_to is distinct from next_valid_from
            or is_current <> (version_number = versions_count)
            or (is_current and valid_to is not null)
        """
    ).fetchone()
    assert broken == (0,)
    mismatched = con.execute(
        """
        select count(*) from marts.fct_lobbying_reports as reports
        full join (
            select * from marts.fct_lobbying_report_versions where is_current
        ) as current_versions using (filing_uuid)
        where reports.filing_uuid is null or current_versions.filing_uuid is null
            or reports.report_id <> current_versions.report_id
        """
    ).fetchone()
    assert mismatched == (0,)
    # the sample has amended reports: some report has more than one version
    amended = con.execute(
        "select count(*) from marts.fct_lobbying_report_versions where version_number > 1"
    ).fetchone()
    assert amended is not None and amended[0] > 0


def test_registrations_are_every_rr_and_ra(con: duckdb.DuckDBPyConnection) -> None:
    raw = con.execute(
        "select count(*) from raw.lda_filings where record ->> '$.filing_type' in ('RR', 'RA')"
    ).fetchone()
    mart = con.execute("select count(*) from marts.fct_lobbying_registrations").fetchone()
    assert mart == raw
    amendments = con.execute(
        """
        select count(*) from marts.fct_lobbying_registrations
        where is_amendment <> (filing_type = 'RA')
        """
    ).fetchone()
    assert amendments == (0,)


def test_government_entities_flag_lists_made_per_filing(con: duckdb.DuckDBPyConnection) -> None:
    wrong = con.execute(
        """
        select count(*)
        from staging.stg_lda__activity_government_entities as entities
        join staging.stg_lda__filings as filings using (filing_uuid)
        where entities.is_listed_per_filing
            is distinct from (filings.posted_at < timestamptz '2021-02-14 00:00:00-05:00')
        """
    ).fetchone()
    assert wrong == (0,)


# LD-203 contributions: the current version of each report (registrant x lobbyist or none x year x
# period, latest dt_posted, ties to the greatest uuid), read straight off the raw JSON here.
CURRENT_CONTRIBUTION_REPORTS = """
    with reports as (
        select
            filing_uuid,
            record ->> '$.registrant.id' as registrant_id,
            record ->> '$.lobbyist.id' as lobbyist_id,
            record ->> '$.filing_year' as filing_year,
            record ->> '$.filing_period' as filing_period,
            cast(record ->> '$.dt_posted' as timestamptz) as posted_at,
            record
        from raw.lda_contributions
    )
    select arg_max(record, (posted_at, filing_uuid)) as record
    from reports
    group by registrant_id, lobbyist_id, filing_year, filing_period
"""


def test_every_current_contribution_item_is_kept_or_counted_as_duplicate(
    con: duckdb.DuckDBPyConnection,
) -> None:
    raw_items = con.execute(
        f"""
        select coalesce(sum(json_array_length(record, '$.contribution_items')), 0)
        from ({CURRENT_CONTRIBUTION_REPORTS})
        """
    ).fetchone()
    all_items = con.execute(
        "select sum(json_array_length(record, '$.contribution_items')) from raw.lda_contributions"
    ).fetchone()
    kept, removed = con.execute(
        """
        select count(*), sum(duplicate_rows_removed)
        from marts.fct_lobbying_contributions
        """
    ).fetchone() or (0, 0)
    assert raw_items is not None and all_items is not None
    assert kept > 0 and removed > 0
    assert kept + removed == raw_items[0], (kept, removed, raw_items)
    # the sample's amendments supersede reports, whose items are not counted
    assert raw_items[0] < all_items[0]
    # every row comes from a current report
    stale = con.execute(
        f"""
        select count(*) from marts.fct_lobbying_contributions
        where filing_uuid not in (
            select record ->> '$.filing_uuid' from ({CURRENT_CONTRIBUTION_REPORTS})
        )
        """
    ).fetchone()
    assert stale == (0,)
    # contributions_by_period adds up to the fact table
    totals = con.execute(
        """
        select
            (select sum(items_count) from marts.contributions_by_period),
            (select count(*) from marts.fct_lobbying_contributions),
            (select sum(total_amount) from marts.contributions_by_period),
            (select sum(amount) from marts.fct_lobbying_contributions)
        """
    ).fetchone()
    assert totals is not None
    assert totals[0] == totals[1] and totals[2] == totals[3], totals


def test_contributions_listed_by_organization_and_lobbyist_count_once(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # the sample lists PAC contributions on the registrant's report and on the treasurer's report
    raw_duplicates = con.execute(
        f"""
        with items as (
            select
                record ->> '$.registrant.id' as registrant_id,
                record ->> '$.filing_year' as filing_year,
                record ->> '$.filing_period' as filing_period,
                record ->> '$.filer_type' as filer_type,
                item.value::varchar as item
            from ({CURRENT_CONTRIBUTION_REPORTS}),
                json_each(record, '$.contribution_items') as item
        )
        select count(*) from (
            select 1 from items
            group by registrant_id, filing_year, filing_period, item
            having count(distinct filer_type) = 2
        )
        """
    ).fetchone()
    assert raw_duplicates is not None and raw_duplicates[0] > 0
    merged = con.execute(
        """
        select
            count(*),
            count(*) filter (where filer_type <> 'lobbyist' or lobbyist_id is null),
            min(duplicate_rows_removed)
        from marts.fct_lobbying_contributions
        where list_contains(reported_by_filer_types, 'lobbyist')
            and list_contains(reported_by_filer_types, 'organization')
        """
    ).fetchone()
    assert merged is not None
    # each duplicated item is one row, the lobbyist's
    assert merged[0] == raw_duplicates[0]
    assert merged[1] == 0
    assert merged[2] >= 1
    # no item is left twice in the mart: no two rows agree on everything but who reported them
    twice = con.execute(
        """
        select count(*) from (
            select 1 from marts.fct_lobbying_contributions
            group by registrant_id, filing_year, filing_period, contribution_type,
                upper(contributor_name), upper(payee_name), honoree_name, amount,
                contribution_date
            having count(distinct coalesce(lobbyist_id, -1)) > 1
        )
        """
    ).fetchone()
    assert twice == (0,)
    # honorees written "None" are null, and "Last, First" reads as "FIRST LAST"
    leftovers = con.execute(
        """
        select count(*) from marts.fct_lobbying_contributions
        where honoree_name in ('NONE', '') or honoree_name like '%,%'
            or honoree_name <> upper(honoree_name)
        """
    ).fetchone()
    assert leftovers == (0,)


def test_amazon_registrant_has_2018_contributions(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        """
        select company_id, filer_type, count(*), sum(amount)
        from marts.fct_lobbying_contributions
        where registrant_id = 401103 and filing_year = 2018
        group by all
        """
    ).fetchall()
    assert rows
    assert {company for company, _, _, _ in rows} == {"amazon"}
    # the PAC's contributions, some listed by the PAC's treasurers, some by the registrant only
    assert {filer for _, filer, _, _ in rows} == {"lobbyist", "organization"}
    assert sum(total for _, _, _, total in rows) > 0
    by_period = con.execute(
        """
        select count(*) from marts.contributions_by_period
        where registrant_id = 401103 and filing_year = 2018
        """
    ).fetchone()
    assert by_period is not None and by_period[0] > 0


# Company identity: every name resolved with its rule and score; the profile mart.
def test_every_source_name_resolves_with_a_rule_and_a_score(
    con: duckdb.DuckDBPyConnection,
) -> None:
    unresolved = con.execute(
        """
        select count(*) from marts.fct_contract_awards where company_id is null
        union all
        select count(*) from marts.fct_lobbying_reports where company_id is null
        union all
        select count(*) from intermediate.int_company_name_matches
        where match_rule is null or match_score is null or not match_score between 0 and 1
        """
    ).fetchall()
    assert unresolved == [(0,), (0,), (0,)]
    amazon = dict(
        con.execute(
            """
            select company_name_raw, match_rule from intermediate.int_company_name_matches
            where company_id = 'amazon'
            """
        ).fetchall()
    )
    assert amazon["AMAZON WEB SERVICES, INC."] == "alias_exact"
    assert amazon["AMAZON WEB SERVICES INC"] == "alias_exact"
    assert amazon["AMAZON.COM SERVICES, INC."] == "alias_exact"


def test_company_profile_summarises_amazon(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        """
        select
            list_filter(lobbying_by_year, lambda y: y.year = 2018)[1].lobbying_spend,
            list_transform(top_agencies_lobbied, lambda a: a.agency_code),
            top_awarding_agencies[1].agency_code,
            contract_awards_count,
            news_mentions_count,
            (select count(*) from marts.company_profile),
            (select count(*) from marts.dim_company)
        from marts.company_profile
        where company_id = 'amazon'
        """
    ).fetchone()
    assert row is not None
    spend_2018, agencies, top_awarding, awards, news, profiles, companies = row
    assert spend_2018 == Decimal("14200000")  # 3.40 + 3.47 + 3.63 + 3.70 million, counted once
    assert "070" in agencies  # DHS among the five most lobbied
    assert top_awarding == "097"  # DoD obligates the most to Amazon in the sample
    awards_direct = con.execute(
        "select count(*) from marts.fct_contract_awards where company_id = 'amazon'"
    ).fetchone()
    assert awards_direct is not None and awards == awards_direct[0]
    assert news > 0
    assert profiles == companies


# A company added to the watchlist tags the articles its own terms find (issue 10, item 7b): a
# temporary watchlist (the bundled one plus Raytheon) is landed as a refresh lands it, GDELT
# articles are pulled for it from the fake API, and the news models are rebuilt.
OTHER_MENTIONS = (
    "select count(*) from marts.fct_news_mentions where company_id is distinct from 'raytheon'"
)
RAYTHEON_WATCHLIST = """
companies:
  - name: Raytheon
    recipient_search: ["RAYTHEON COMPANY"]
    news_terms: [Raytheon]
"""


def test_a_company_added_to_the_watchlist_tags_its_articles(
    built: tuple[Path, Path], tmp_path: Path, api_server: LocalApiServer
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built[0], warehouse)
    bundled = yaml.safe_load(DEFAULT_WATCHLIST.read_text(encoding="utf-8"))
    bundled["companies"] += yaml.safe_load(RAYTHEON_WATCHLIST)["companies"]
    watchlist_file = tmp_path / "watchlist.yaml"
    watchlist_file.write_text(yaml.safe_dump(bundled), encoding="utf-8")
    watchlist = load_watchlist(watchlist_file)
    seen = "20181023T120000Z"
    articles = [
        {
            "url": f"https://www.defensenews.com/2018/10/23/raytheon-{n}/",
            "url_mobile": "",
            "title": title,
            "seendate": seen,
            "socialimage": "",
            "domain": "www.defensenews.com",
            "language": "English",
            "sourcecountry": "United States",
        }
        for n, title in enumerate(
            [
                "Raytheon wins Army contract for Patriot upgrades",
                "Pentagon picks RAYTHEON for missile work",
                "Weather report for the weekend",
            ]
        )
    ]
    api_server.app = FakeGdeltApi(articles)
    settings = replace(
        load_settings({"GDELT_API_URL": api_server.url + "/api/v2/doc/doc"}),
        watchlist=watchlist_file,
    )
    only_raytheon = replace(watchlist, companies=watchlist.companies[-1:], agencies=(), topics=())
    transport, _ = quick_transport()
    with duckdb.connect(str(warehouse)) as con:
        before = con.execute(OTHER_MENTIONS).fetchone()
        for spec, pull in (
            (WATCHLIST_SECTIONS, pull_watchlist(settings, watchlist)),
            (GDELT_ARTICLES, pull_gdelt(transport, settings, only_raytheon, (2018, 2018))),
        ):
            suite = load_suite(spec.suite)
            load, _ = run_load(
                con, spec.table, pull, lambda c, load_id, s=suite: validate_batch(c, s, load_id)
            )
            assert load.status == "succeeded", load.error
    result = run_dbt(
        ["build", "--select", "stg_watchlist__entities+", "stg_gdelt__articles+"],
        warehouse,
        tmp_path,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tagged = con.execute(
            """
            select url, matched_pattern_ids from marts.fct_news_mentions
            where company_id = 'raytheon' order by url
            """
        ).fetchall()
        after = con.execute(OTHER_MENTIONS).fetchone()
    assert [url for url, _ in tagged] == [
        "https://www.defensenews.com/2018/10/23/raytheon-0",
        "https://www.defensenews.com/2018/10/23/raytheon-1",
    ]
    assert all(ids == ["watchlist-company-raytheon-raytheon"] for _, ids in tagged)
    # the other mentions are the sample's, plus the Pentagon's in the new article
    assert after is not None and before is not None and after[0] == before[0] + 1
