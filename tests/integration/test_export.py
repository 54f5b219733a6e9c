"""`influence export`: the marts (or named tables) as Parquet or CSV files with a manifest.

Real parts: a real DuckDB warehouse file, the real `influence` entry point, DuckDB reading the
written files back, and other processes holding the warehouse open.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

import ingest.export
from dagster_project.cli import main

pytestmark = pytest.mark.integration

MARTS = ("marts.dim_company", "marts.fct_spend")


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small warehouse: two marts of varied types (NULLs, a name with a comma and quotes),
    a table in audit, one in raw; INFLUENCE_WAREHOUSE points at it."""
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            """
            create schema marts;
            create schema audit;
            create schema raw;
            create table marts.dim_company (
                company_id varchar primary key,
                company_name varchar,
                founded_date date,
                revenue decimal(18, 2),
                aliases varchar[],
                updated_at timestamptz
            );
            insert into marts.dim_company values
                ('acme', 'Acme, Inc. "the best"', date '1999-03-01', 1234567.89,
                 ['ACME', 'Acme Corp'], timestamptz '2018-10-24 12:30:00+00'),
                ('amazon', 'Amazon.com, Inc.', date '1994-07-05', -0.05, [],
                 timestamptz '2018-07-01 23:59:59.123456+00'),
                ('nulls', null, null, null, null, null),
                ('empty', '', date '2020-02-29', 0, ['it''s'],
                 timestamptz '2020-01-01 00:00:00+00');
            create table marts.fct_spend (
                company_id varchar, year integer, quarter tinyint, spend decimal(38, 2),
                reports bigint, is_self_filed boolean
            );
            insert into marts.fct_spend values
                ('amazon', 2018, 3, 3630000.00, 2, true),
                ('acme', 2018, 4, null, 0, false);
            create table audit.source_freshness (raw_table varchar, loaded_at timestamptz);
            insert into audit.source_freshness values
                ('raw.lda_filings', timestamptz '2026-11-29 06:00:00+00');
            create table raw.lda_filings (filing_uuid varchar);
            """
        )
    monkeypatch.setenv("INFLUENCE_WAREHOUSE", str(path))
    return path


def export(*args: str) -> int:
    return main(["export", *args])


def source_rows(warehouse: Path, table: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select * from {table} order by all").fetchall()


def source_types(warehouse: Path, table: str) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return [(row[0], row[1]) for row in con.execute(f"describe {table}").fetchall()]


def read_manifest(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def visible(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir()}


def assert_manifest_matches_files(directory: Path, manifest: dict[str, Any]) -> None:
    for entry in manifest["tables"]:
        data = (directory / entry["file"]).read_bytes()
        assert entry["bytes"] == len(data), entry["file"]
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["file"]


def test_parquet_export_of_the_marts_round_trips(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out" / "nested"  # created, parents too

    assert export(str(out)) == 0

    assert visible(out) == {"marts.dim_company.parquet", "marts.fct_spend.parquet", "manifest.json"}
    with duckdb.connect() as con:
        for table in MARTS:
            file = str(out / f"{table}.parquet")
            written = con.execute(f"select * from read_parquet('{file}') order by all").fetchall()
            assert written == source_rows(warehouse, table), table
            types = con.execute(f"describe select * from read_parquet('{file}')").fetchall()
            assert [(row[0], row[1]) for row in types] == source_types(warehouse, table), table

    manifest = read_manifest(out)
    assert manifest["format"] == "parquet"
    assert manifest["warehouse"] == str(warehouse.resolve())
    assert manifest["duckdb_version"] == duckdb.__version__
    assert manifest["snapshot"] is None
    exported_at = dt.datetime.fromisoformat(manifest["exported_at"])
    assert exported_at.utcoffset() == dt.timedelta(0)
    assert abs(dt.datetime.now(dt.UTC) - exported_at) < dt.timedelta(minutes=5)
    assert [entry["table"] for entry in manifest["tables"]] == list(MARTS)
    assert [entry["rows"] for entry in manifest["tables"]] == [4, 2]
    company = manifest["tables"][0]
    assert company["file"] == "marts.dim_company.parquet"
    assert [(c["name"], c["type"]) for c in company["columns"]] == source_types(
        warehouse, "marts.dim_company"
    )
    assert company["columns"][3] == {"name": "revenue", "type": "DECIMAL(18,2)"}
    assert_manifest_matches_files(out, manifest)

    printed = capsys.readouterr().out.splitlines()
    assert len(printed) == 3
    assert printed[0].split()[:3] == ["marts.dim_company", "4", "rows"]
    assert printed[0].endswith(str(out / "marts.dim_company.parquet"))
    assert printed[1].split()[:3] == ["marts.fct_spend", "2", "rows"]
    assert printed[2] == f"Manifest: {out / 'manifest.json'}"


def test_csv_export_has_a_header_and_round_trips(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "csv"

    assert export("--format", "csv", str(out)) == 0

    assert visible(out) == {"marts.dim_company.csv", "marts.fct_spend.csv", "manifest.json"}
    text = (out / "marts.dim_company.csv").read_text(encoding="utf-8")
    header, *lines = text.splitlines()
    assert header == "company_id,company_name,founded_date,revenue,aliases,updated_at"
    assert len(lines) == 4
    # the comma and the quotes survive CSV quoting; time zones are written in UTC
    assert '"Acme, Inc. ""the best"""' in text
    assert "2018-10-24 12:30:00+00" in text
    manifest = read_manifest(out)
    assert manifest["format"] == "csv"
    assert [entry["rows"] for entry in manifest["tables"]] == [4, 2]
    assert_manifest_matches_files(out, manifest)
    with duckdb.connect() as con:
        for entry in manifest["tables"]:
            # read back with the manifest's types: the same rows as the warehouse
            columns = ", ".join(f"'{c['name']}': '{c['type']}'" for c in entry["columns"])
            written = con.execute(
                f"select * from read_csv('{out / entry['file']}', header = true, "
                f"columns = {{{columns}}}, allow_quoted_nulls = false) order by all"
            ).fetchall()
            assert written == source_rows(warehouse, entry["table"]), entry["table"]


def test_named_tables_bare_qualified_and_other_schemas(warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"

    tables = ["dim_company", "audit.source_freshness", "marts.dim_company"]  # one twice
    assert export(str(out), "--tables", *tables) == 0

    assert visible(out) == {
        "marts.dim_company.parquet",
        "audit.source_freshness.parquet",
        "manifest.json",
    }
    manifest = read_manifest(out)
    assert [entry["table"] for entry in manifest["tables"]] == [
        "marts.dim_company",
        "audit.source_freshness",
    ]
    with duckdb.connect() as con:
        file = out / "audit.source_freshness.parquet"
        assert con.execute(f"select * from '{file}'").fetchall() == source_rows(
            warehouse, "audit.source_freshness"
        )


def test_an_unknown_table_is_named_and_nothing_is_written(
    warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    before = visible(tmp_path)

    assert export("--tables", "dim_company", "marts.no_such_mart", "--", str(out)) == 2

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1
    assert "'marts.no_such_mart'" in error
    assert "'dim_company'" not in error  # only the unknown one is named as unknown
    # what exists is listed, by schema, marts first
    listed = "the warehouse has marts: dim_company, fct_spend; audit: source_freshness; raw: "
    assert listed in error
    assert visible(tmp_path) == before  # no DIR, no temporary directory


def test_a_missing_warehouse_says_to_refresh_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "warehouse.duckdb"
    monkeypatch.setenv("INFLUENCE_WAREHOUSE", str(missing))

    assert export(str(tmp_path / "out")) == 2

    error = capsys.readouterr().err
    assert str(missing) in error
    assert "influence refresh --sample" in error
    assert not (tmp_path / "out").exists()


def test_an_unknown_format_is_refused(warehouse: Path, tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exited:
        export("--format", "xlsx", str(tmp_path / "out"))
    assert exited.value.code == 2
    assert not (tmp_path / "out").exists()


def test_the_warehouse_is_not_left_locked(warehouse: Path, tmp_path: Path) -> None:
    assert export(str(tmp_path / "out")) == 0

    with duckdb.connect(str(warehouse)) as con:  # read-write: no lock is left behind
        con.execute("insert into marts.fct_spend values ('acme', 2019, 1, 10.00, 1, true)")
        assert con.execute("select count(*) from marts.fct_spend").fetchone() == (3,)


def test_rerunning_replaces_files_and_leaves_other_tables_alone(
    warehouse: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    assert export(str(out)) == 0
    spend_before = (out / "marts.fct_spend.parquet").read_bytes()
    (out / "notes.txt").write_text("an analyst's own file\n", encoding="utf-8")
    with duckdb.connect(str(warehouse)) as con:
        con.execute("insert into marts.dim_company (company_id) values ('new')")

    assert export("--tables", "dim_company", "--", str(out)) == 0

    assert visible(out) == {
        "marts.dim_company.parquet",
        "marts.fct_spend.parquet",
        "manifest.json",
        "notes.txt",
    }
    with duckdb.connect() as con:
        file = out / "marts.dim_company.parquet"
        assert con.execute(f"select count(*) from '{file}'").fetchone() == (5,)
    assert (out / "marts.fct_spend.parquet").read_bytes() == spend_before
    manifest = read_manifest(out)
    assert [(e["table"], e["rows"]) for e in manifest["tables"]] == [("marts.dim_company", 5)]
    assert_manifest_matches_files(out, manifest)
    assert visible(tmp_path) == {"warehouse.duckdb", "out"}  # no temporary directory left


def test_a_failed_table_leaves_the_directory_as_it_was(
    warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "out"
    assert export(str(out)) == 0
    before = {path.name: path.read_bytes() for path in out.iterdir()}
    copy = ingest.export._copy

    def full_disk_on_the_second(con: Any, schema: str, table: str, target: Path, fmt: str) -> Any:
        if table == "fct_spend":
            raise ingest.export.ExportFailed(f"table {schema}.{table}: No space left on device")
        return copy(con, schema, table, target, fmt)

    monkeypatch.setattr(ingest.export, "_copy", full_disk_on_the_second)

    assert export("--format", "csv", str(out)) == 1

    assert "marts.fct_spend: No space left on device" in capsys.readouterr().err
    assert {path.name: path.read_bytes() for path in out.iterdir()} == before
    assert visible(tmp_path) == {"warehouse.duckdb", "out"}


def test_the_published_snapshot_is_recorded(warehouse: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        con.execute(
            """
            create table audit.published_snapshot (
                snapshot_id varchar, published_at timestamptz, dagster_run_id varchar
            );
            insert into audit.published_snapshot values
                ('2026-11-29.1', timestamptz '2026-11-29 06:12:00+00', 'abc123');
            """
        )

    assert export(str(tmp_path / "out")) == 0

    assert read_manifest(tmp_path / "out")["snapshot"] == {
        "snapshot_id": "2026-11-29.1",
        "published_at": "2026-11-29T06:12:00+00:00",
        "dagster_run_id": "abc123",
    }


@pytest.fixture
def other_process(warehouse: Path) -> Iterator[Any]:
    """Start a process that opens the warehouse (read-only or not) and holds it until the test
    ends."""
    procs: list[subprocess.Popen[str]] = []

    def start(read_only: bool) -> None:
        code = (
            "import sys, duckdb\n"
            f"con = duckdb.connect({str(warehouse)!r}, read_only={read_only})\n"
            "print('open', flush=True)\n"
            "sys.stdin.read()\n"
        )
        proc = subprocess.Popen(
            [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        procs.append(proc)
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "open"

    yield start
    for proc in procs:
        proc.communicate(timeout=30)  # closes stdin: the process closes its connection


def test_export_while_another_process_reads_the_warehouse(
    warehouse: Path, tmp_path: Path, other_process: Any
) -> None:
    other_process(read_only=True)

    assert export(str(tmp_path / "out")) == 0

    manifest = read_manifest(tmp_path / "out")
    assert [(e["table"], e["rows"]) for e in manifest["tables"]] == [(MARTS[0], 4), (MARTS[1], 2)]


def test_a_warehouse_held_by_a_writer_is_a_clear_error(
    warehouse: Path, tmp_path: Path, other_process: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    other_process(read_only=False)

    assert export(str(tmp_path / "out")) == 2

    error = capsys.readouterr().err
    assert len(error.splitlines()) == 1
    assert f"cannot open the warehouse {warehouse.resolve()} read-only (a process" in error
    assert not (tmp_path / "out").exists()
