"""stg_usaspending__archive_transactions on the bundled sample's archive, landed as landing will
land it (``ArchiveFile.select_sql``): the same columns and types as stg_usaspending__transactions
(plus retrieved_via), deletions left out, and the same transaction keys as the search API's rows
of the watched agencies."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from expectations.runner import ValidationOutcome, validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.config import load_settings
from ingest.dbt_cli import run_dbt
from ingest.load import run_load
from ingest.pulls import Pull, pull_usaspending_archive
from ingest.sample.replay import SampleTransport
from ingest.sources import USASPENDING_ARCHIVE_TRANSACTIONS, raw_tables
from ingest.usaspending_archive import DELTA, KEPT_COLUMNS, ArchiveFile
from ingest.watchlist import Watchlist, load_watchlist
from tests.integration.test_archive_landing import write_file
from tests.integration.test_usaspending_archive import search_api_agency_keys

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def land_archive(con: duckdb.DuckDBPyConnection, work: Path) -> Watchlist:
    """Land the sample's archive files for 2017-2019 in raw as one load ('load-1', stamped now);
    returns the watchlist that scoped them."""
    settings = replace(load_settings({}), source="sample")
    watched = load_watchlist(settings.watchlist)
    transport = SampleTransport(settings.sample_dir)
    table = USASPENDING_ARCHIVE_TRANSACTIONS.table
    landing.ensure_schema(con, [*raw_tables(), table])
    pull = pull_usaspending_archive(con, transport, settings, watched, (2017, 2019), work)
    assert pull.files is not None
    values = ", ".join(table.value_columns)
    for file in pull.files:
        con.execute(
            f"""
            insert into {table.stored} ({table.key_column}, {values}, record_hash,
                load_id, loaded_at)
            select record_key, {values}, {table.columns_hash_sql(key="record_key")},
                'load-1', now()
            from ({file.select_sql()})
            where is_kept
            """
        )
    return watched


def land_sample(warehouse: Path, tmp_path: Path) -> tuple[int, str, set[str]]:
    """Land the sample's archive; returns the archive rows, the key of one action then deleted
    (by a deletion row, as a Delta lands it) and the search API's keys of the watched agencies'
    actions."""
    table = USASPENDING_ARCHIVE_TRANSACTIONS.table
    with duckdb.connect(str(warehouse)) as con:
        watched = land_archive(con, tmp_path)
        # a Delta's deletion replaces the action's row
        deleted = con.execute(
            f"select {table.key_column} from {table.qualified} order by all limit 1"
        ).fetchone()
        assert deleted is not None
        blanked = ", ".join(
            f"{c} = null" for c in table.value_columns if c != "correction_delete_ind"
        )
        con.execute(
            f"update {table.stored} set {blanked}, correction_delete_ind = 'D', "
            f"load_id = 'load-2' where {table.key_column} = ?",
            [deleted[0]],
        )
        count = con.execute(f"select count(*) from {table.qualified}").fetchone()
        assert count is not None
        keys = search_api_agency_keys({a.name for a in watched.agencies}, (2017, 2019))
    return count[0], deleted[0], keys


def test_the_archive_staging_model_matches_the_search_api_model(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    rows, deleted, api_keys = land_sample(warehouse, tmp_path)
    select = "stg_usaspending__archive_transactions stg_usaspending__transactions"
    result = run_dbt(["build", "--select", select], warehouse, tmp_path / "dbt")
    assert result.returncode == 0, result.stdout[-4000:]
    assert "stg_usaspending_archive_transactions_maps_archive_columns" in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:

        def columns(model: str) -> list[tuple[str, str]]:
            return con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where schema_name = 'staging' and table_name = ? order by column_index",
                [model],
            ).fetchall()

        archive = columns("stg_usaspending__archive_transactions")
        api = columns("stg_usaspending__transactions")
        # and the archive's own key, by which the incremental model replaces and deletes actions
        assert archive == [
            *api,
            ("retrieved_via", "VARCHAR"),
            ("contract_transaction_unique_key", "VARCHAR"),
        ]
        keys = {
            k
            for (k,) in con.execute(
                "select transaction_key from staging.stg_usaspending__archive_transactions"
            ).fetchall()
        }
        deleted_key = con.execute(
            """
            select count(*) from staging.stg_usaspending__archive_transactions
            where award_piid is null or action_date < ?
            """,
            [dt.date(2017, 1, 1)],
        ).fetchone()
    assert len(keys) == rows - 1  # the deletion is left out
    assert keys < api_keys and len(api_keys - keys) == 1  # the deleted action, only
    assert deleted_key == (0,)
    assert deleted


def test_kept_and_stored_archive_rows_build_incrementally_as_a_full_build_does(
    tmp_path: Path,
) -> None:
    """The sample's archive landed by a real load (kept as landed: every key new), built; then a
    Delta (one action changed, one deleted: both kept rows, now left out of the view and stored)
    landed by a real load and built incrementally: the same rows as a full build."""
    warehouse = tmp_path / "warehouse.duckdb"
    table = USASPENDING_ARCHIVE_TRANSACTIONS.table
    suite = load_suite(USASPENDING_ARCHIVE_TRANSACTIONS.suite)
    settings = replace(load_settings({}), source="sample")
    watched = load_watchlist(settings.watchlist)

    def validate(c: duckdb.DuckDBPyConnection, load_id: str) -> ValidationOutcome:
        return validate_batch(c, suite, load_id)

    with duckdb.connect(str(warehouse)) as con:
        landing.ensure_schema(con, [*raw_tables(), table])
        pull = pull_usaspending_archive(
            con, SampleTransport(settings.sample_dir), settings, watched, (2017, 2019), tmp_path
        )
        first, _ = run_load(con, table, pull, validate)
        assert first.status == "succeeded", first.error
        assert con.execute("select load_id from audit.kept_batches").fetchall() == [
            (first.load_id,)
        ]
        columns = ", ".join(f'"{c}"' for c in KEPT_COLUMNS)
        changed, deleted = (
            dict(zip(KEPT_COLUMNS, row, strict=True))
            for row in con.execute(
                f"select {columns} from {table.qualified} "
                "where action_date >= '2018-01-01' order by all limit 2"
            ).fetchall()
        )
    model = "stg_usaspending__archive_transactions"
    built = run_dbt(["build", "--select", model], warehouse, tmp_path / "dbt")
    assert built.returncode == 0, built.stdout[-4000:]

    key = table.key_column
    changed = {**changed, "federal_action_obligation": "-50.00", "correction_delete_ind": "C"}
    path = write_file(
        tmp_path / "FY(All)_070_Contracts_Delta_20261006_1.csv",
        [changed, {key: deleted[key], "correction_delete_ind": "D"}],
        delta=True,
    )
    with duckdb.connect(str(warehouse)) as con:
        delta, _ = run_load(
            con,
            table,
            Pull({"test": True}, iter([ArchiveFile(path, f"delta/{path.name}", DELTA, None)])),
            validate,
        )
        assert (delta.status, delta.counts.updated) == ("succeeded", 2), delta.error
        assert sorted(
            con.execute("select record_key from audit.kept_rows_left_out").fetchall()
        ) == sorted([(changed[key],), (deleted[key],)])
    again = run_dbt(["build", "--select", model], warehouse, tmp_path / "dbt")
    assert again.returncode == 0, again.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        incremental = con.execute(f"select * from staging.{model} order by all").fetchall()
        read_from = con.execute(
            "select read_from from staging.incremental_watermarks where model_name = ?", [model]
        ).fetchone()
    assert read_from is not None and read_from[0] is not None  # it read only the new load
    full = run_dbt(["build", "--full-refresh", "--select", model], warehouse, tmp_path / "dbt")
    assert full.returncode == 0, full.stdout[-4000:]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rebuilt = con.execute(f"select * from staging.{model} order by all").fetchall()
        amounts = dict(
            con.execute(
                f"select contract_transaction_unique_key, transaction_amount from staging.{model} "
                "where contract_transaction_unique_key in (?, ?)",
                [changed[key], deleted[key]],
            ).fetchall()
        )
    assert incremental == rebuilt
    assert len(rebuilt) > 100
    assert amounts == {changed[key]: -50.0}
