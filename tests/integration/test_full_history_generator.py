"""The full-history benchmark's generator at a tiny scale: the counts asked for, one ledger row
per load, and records the real staging models read (their dbt build and data tests pass)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ingest.dbt_cli import run_dbt
from tests.benchmarks.full_history_data import BIG_TABLES, Sizes, generate, write_seed

pytestmark = pytest.mark.integration

SCALE = 0.0005
STAGING = ["staging.lda", "staging.usaspending", "staging.gdelt"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Sizes, dict[str, int]]:
    work = tmp_path_factory.mktemp("full-history")
    seed = work / "seed.duckdb"
    write_seed(seed)
    database = work / "warehouse.duckdb"
    sizes = Sizes.at(SCALE)
    history = generate(database, seed, sizes, quarter=False, with_small_tables=True)
    quarter = generate(database, seed, sizes.quarter(), quarter=True, with_small_tables=False)
    return database, sizes, {t: history[t] + quarter[t] for t in BIG_TABLES}


def test_counts_are_what_was_asked(generated: tuple[Path, Sizes, dict[str, int]]) -> None:
    database, sizes, counts = generated
    q = sizes.quarter()
    assert counts["lda_filings"] == sizes.filings + q.filings == 750 + 7
    assert counts["usaspending_transactions"] == sizes.transactions + q.transactions
    assert counts["gdelt_articles"] == sizes.articles + q.articles
    with duckdb.connect(str(database), read_only=True) as con:
        for table in BIG_TABLES:
            (n,) = con.execute(f"select count(*) from raw.{table}").fetchone() or (0,)
            assert n == counts[table], table
            ledger = con.execute(
                "select load_id, records_inserted from audit.load_ledger "
                "where raw_table = ? and status = 'succeeded' order by load_id",
                [f"raw.{table}"],
            ).fetchall()
            assert [load_id.split("-")[1] for load_id, _ in ledger] == ["history", "quarter"]
            assert sum(inserted for _, inserted in ledger) == n
        # the quarter is one quarter: 2025 Q1
        (years,) = con.execute(
            "select list(distinct record ->> '$.filing_year') from raw.lda_filings "
            "where load_id like 'bench-quarter-%'"
        ).fetchone() or ([],)
        assert years == ["2025"]
        # ~4 activities a filing, and names varied (not copies of the sample's 200-odd)
        activities, clients, recipients = con.execute(
            "select (select sum(json_array_length(record -> '$.lobbying_activities')) "
            "        from raw.lda_filings), "
            "(select count(distinct record ->> '$.client.name') from raw.lda_filings), "
            "(select count(distinct record ->> '$.\"Recipient Name\"') "
            "        from raw.usaspending_transactions)"
        ).fetchone() or (0, 0, 0)
        assert 3.5 * counts["lda_filings"] < activities < 5 * counts["lda_filings"]
        assert clients > sizes.lda_clients  # spelling variants on top of the entities
        assert recipients > sizes.recipients


def test_records_parse_through_the_staging_models(
    generated: tuple[Path, Sizes, dict[str, int]],
) -> None:
    database, _, counts = generated
    seeds = run_dbt(["seed"], database, database.parent, timeout=600)  # their tests read them
    assert seeds.returncode == 0, seeds.stdout[-4000:]
    result = run_dbt(
        ["build", "--select", *STAGING, "--indirect-selection", "cautious"],
        database,
        database.parent,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    with duckdb.connect(str(database), read_only=True) as con:
        filings, undated, unnamed = con.execute(
            "select count(*), count(*) filter (where posted_at is null or filing_year is null), "
            "count(*) filter (where client_name is null or registrant_name is null) "
            "from staging.stg_lda__filings"
        ).fetchone() or (0, 0, 0)
        assert (filings, undated, unnamed) == (counts["lda_filings"], 0, 0)
        actions, bad = con.execute(
            "select count(*), count(*) filter (where action_date is null or recipient_name "
            "is null or transaction_amount is null) from staging.stg_usaspending__transactions"
        ).fetchone() or (0, 0)
        assert (actions, bad) == (counts["usaspending_transactions"], 0)
        (awards,) = con.execute(
            "select count(*) from staging.stg_usaspending__transactions t "
            "left join staging.stg_usaspending__awards a using (generated_internal_id) "
            "where a.generated_internal_id is null"
        ).fetchone() or (1,)
        assert awards == 0  # every action's award is generated with it
        articles, unseen = con.execute(
            "select count(*), count(*) filter (where seen_at is null) "
            "from staging.stg_gdelt__articles"
        ).fetchone() or (0, 0)
        assert (articles, unseen) == (counts["gdelt_articles"], 0)
        (activities,) = con.execute(
            "select count(*) from staging.stg_lda__activities"
        ).fetchone() or (0,)
        (in_raw,) = con.execute(
            "select sum(json_array_length(record -> '$.lobbying_activities')) from raw.lda_filings"
        ).fetchone() or (0,)
        assert activities == in_raw
