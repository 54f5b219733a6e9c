"""An incremental dbt build gives the same warehouse as a full build of the same raw data.

The sample's raw tables are landed without their latest quarter of filings, award actions and
articles (the "early" load) and built; then the rest lands (the "late" load) together with changed
records, as the landing code writes them (updated in place with the new load's id and time): a
filing amended to list one activity fewer under a new client name, a filing amended to
list no activity at all, and an award action with a new amount. The incremental `dbt build`
(data and unit tests included) must then hold, in every table of staging, intermediate and marts,
exactly the rows (EXCEPT ALL both ways) of a `dbt build --full-refresh` of the same raw data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest.dbt_cli import run_dbt
from tests.integration.test_dbt_models import write_raw_tables

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EARLY = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2026, 1, 6, 6, 0, tzinfo=dt.UTC)

# the raw tables split in two loads, and the record field that dates a row: the rows from the
# table's last quarter of dates land late
LATE_BY_DATE = {
    "lda_filings": "$.dt_posted",
    "usaspending_transactions": '$."Action Date"',
    "gdelt_articles": "$.seendate",
}

NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def land_early(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Stamp every raw row as the early load's, and take each split table's last quarter out
    (returned, table -> rows, to land later)."""
    late: dict[str, list[tuple[Any, ...]]] = {}
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where schema_name = 'raw'"
        ).fetchall()
    ]
    for table in tables:
        con.execute(f"update raw.{table} set load_id = 'early', loaded_at = ?", [EARLY])
    for table, field in LATE_BY_DATE.items():
        cutoff = f"(select quantile_disc(record ->> '{field}', 0.75) from raw.{table})"
        where = f"record ->> '{field}' > {cutoff}"
        late[table] = con.execute(f"select * from raw.{table} where {where}").fetchall()
        con.execute(f"delete from raw.{table} where {where}")
        assert late[table], table
    return late


def _amend(
    con: duckdb.DuckDBPyConnection, table: str, key: str, value: str, record: dict[str, Any]
) -> None:
    """Rewrite a stored record as landing does when a load brings a changed version of it."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    con.execute(
        f"update raw.{table} set record = ?, record_hash = ?, load_id = 'late', loaded_at = ? "
        f"where {key} = ?",
        [text, _digest(text), LATE, value],
    )


def land_late(
    con: duckdb.DuckDBPyConnection, late: dict[str, list[tuple[Any, ...]]]
) -> dict[str, str]:
    """Land the rest and the changed records; returns which keys were amended."""
    for table, rows in late.items():
        stamped = [(*row[:3], "late", LATE) for row in rows]
        con.executemany(f"insert into raw.{table} values (?, ?, ?, ?, ?)", stamped)
    fewer, record = con.execute(
        "select filing_uuid, record from raw.lda_filings where load_id = 'early' "
        "and json_array_length(record, '$.lobbying_activities') >= 2 "
        "and record ->> '$.client.name' is not null order by filing_uuid limit 1"
    ).fetchone() or (None, None)
    assert fewer is not None
    amended = json.loads(record)
    amended["lobbying_activities"] = amended["lobbying_activities"][:-1]
    amended["income"] = "12345.00"
    amended["client"]["name"] = amended["client"]["name"] + " ZYXWV"
    _amend(con, "lda_filings", "filing_uuid", fewer, amended)
    emptied, record = con.execute(
        "select filing_uuid, record from raw.lda_filings where load_id = 'early' "
        "and json_array_length(record, '$.lobbying_activities') >= 1 "
        "order by filing_uuid desc limit 1"
    ).fetchone() or (None, None)
    assert emptied is not None
    amended = json.loads(record)
    amended["lobbying_activities"] = []
    _amend(con, "lda_filings", "filing_uuid", emptied, amended)
    changed, record = con.execute(
        "select transaction_key, record from raw.usaspending_transactions "
        "where load_id = 'early' order by transaction_key limit 1"
    ).fetchone() or (None, None)
    assert changed is not None
    amended = json.loads(record)
    amended["Transaction Amount"] = 987654.32
    _amend(con, "usaspending_transactions", "transaction_key", changed, amended)
    return {"fewer": fewer, "emptied": emptied, "transaction": changed}


def _build(args: list[str], warehouse: Path, work: Path) -> None:
    result = run_dbt(args, warehouse, work, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def built_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? "
        "and schema_name in ('staging', 'intermediate', 'marts') order by all",
        [database],
    ).fetchall()


def test_incremental_build_equals_full_build(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    assert all(write_raw_tables(warehouse).values())
    with duckdb.connect(str(warehouse)) as con:
        late = land_early(con)
    _build(["build", *NO_TESTS], warehouse, tmp_path / "early")

    with duckdb.connect(str(warehouse)) as con:
        amended = land_late(con, late)
    full = tmp_path / "full.duckdb"
    shutil.copyfile(warehouse, full)
    work = tmp_path / "incremental"
    _build(["build"], warehouse, work)  # incremental, every data and unit test
    _build(["build", "--full-refresh", *NO_TESTS], full, tmp_path / "full")

    # the incremental models did take the incremental path (dbt's delete+insert, not a rebuild)
    run_sql = work / "target" / "run" / "influence_warehouse" / "models" / "staging" / "lda"
    assert "delete from" in (run_sql / "stg_lda__activities.sql").read_text().lower()

    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as incremental (read_only)")
        con.execute(f"attach '{full}' as rebuilt (read_only)")
        tables = built_tables(con, "incremental")
        assert tables == built_tables(con, "rebuilt")
        names = {name for _, name in tables}
        assert {"fct_lobbying_reports", "fct_contract_transactions", "fct_news_mentions"} <= names
        assert {"stg_lda__filings", "int_company_match_pair_scores"} <= names
        differing = {}
        for schema, name in tables:
            counts = [
                con.execute(
                    f"select count(*) from (select * from {a}.{schema}.{name} "
                    f"except all select * from {b}.{schema}.{name})"
                ).fetchone()
                for a, b in (("incremental", "rebuilt"), ("rebuilt", "incremental"))
            ]
            if any(c is None or c[0] for c in counts):
                differing[f"{schema}.{name}"] = counts
        assert differing == {}

        # the changes did arrive: one activity fewer, none at all, the new amount
        activities = dict(
            con.execute(
                "select filing_uuid, count(*) from incremental.staging.stg_lda__activities "
                "where filing_uuid in (?, ?) group by all",
                [amended["fewer"], amended["emptied"]],
            ).fetchall()
        )
        assert amended["emptied"] not in activities
        assert activities[amended["fewer"]] >= 1
        amount = con.execute(
            "select transaction_amount from incremental.marts.fct_contract_transactions "
            "where transaction_key = ?",
            [amended["transaction"]],
        ).fetchone()
        assert amount is not None and float(amount[0]) == 987654.32
        new_name = con.execute(
            "select count(*) from incremental.intermediate.int_company_match_pair_scores "
            "where normalized_name like '% ZYXWV' and reference_name is null"
        ).fetchone()
        assert new_name is not None and new_name[0] >= 1
