"""Publishing a build database (``ingest.publish``) on real DuckDB files: what is copied, the
snapshots kept, what a killed publish leaves, and a warehouse written in place before."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from ingest.publish import (
    PublishError,
    WarehouseFiles,
    adopt_published,
    is_published,
    list_snapshots,
    publish,
    remove_leftovers,
)

pytestmark = pytest.mark.integration

T0 = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def make_build(path: Path, obligations: int = 100) -> None:
    """A small build database: raw rows from two loads, a mart with a comment, the ledger and
    its freshness model's table, a staging view."""
    with duckdb.connect(str(path)) as con:
        con.execute("create schema raw; create schema staging; create schema marts")
        con.execute("create schema audit; create schema reference")
        con.execute(
            "create table raw.awards as select * from (values ('a1', 'L1'), ('a2', 'L1'), "
            "('a3', 'L2')) t(award_id, load_id)"
        )
        con.execute("create view staging.stg_awards as select award_id from raw.awards")
        con.execute(
            "create table marts.obligations as select 'amazon' as company_id, "
            f"{obligations}::decimal(18, 2) as amount, ['x', 'y'] as codes"
        )
        con.execute("comment on table marts.obligations is 'What agencies paid.'")
        con.execute("comment on column marts.obligations.amount is 'US dollars.'")
        con.execute("create table reference.agencies as select '070' as toptier_code")
        con.execute(
            "create table audit.source_freshness as select * from (values "
            "('raw.awards', false, 'succeeded', null), "
            "('raw.agencies', true, 'quarantined', 'short list')) "
            "t(raw_table, is_stale, last_attempt_status, last_attempt_error)"
        )


@pytest.fixture
def files(tmp_path: Path) -> WarehouseFiles:
    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    make_build(files.build)
    return files


def test_publish_copies_the_analysts_schemas_and_moves_them_over_the_published_path(
    files: WarehouseFiles,
) -> None:
    with duckdb.connect(str(files.build)) as con:
        snapshot = publish(con, files, now=T0)

    assert files.published.exists()
    assert is_published(files, snapshot)
    with duckdb.connect(str(files.published), read_only=True) as con:
        schemas = {
            row[0] for row in con.execute("select schema_name from duckdb_tables()").fetchall()
        }
        row = con.execute("select company_id, amount, codes from marts.obligations").fetchone()
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = 'obligations'"
        ).fetchone()
        column = con.execute(
            "select comment from duckdb_columns() where column_name = 'amount'"
        ).fetchone()
        stamp = con.execute(
            "select snapshot_id, load_ids, stale_sources from audit.published_snapshot"
        ).fetchone()
    assert schemas == {"marts", "reference", "audit"}  # not raw, not staging
    assert row == ("amazon", 100, ["x", "y"])
    assert comment == ("What agencies paid.",) and column == ("US dollars.",)
    assert stamp == (snapshot.snapshot_id, ["L1", "L2"], ["raw.agencies"])
    assert snapshot.load_ids == {"raw.awards": ["L1", "L2"]}
    assert snapshot.stale_sources == {"raw.agencies": "quarantined: short list"}
    assert snapshot.tables == {
        "audit.source_freshness": 2,
        "marts.obligations": 1,
        "reference.agencies": 1,
    }
    sidecar = json.loads((files.snapshots / snapshot.file).with_suffix(".json").read_text())
    assert sidecar["snapshot_id"] == snapshot.snapshot_id
    assert list_snapshots(files) == [snapshot]


def test_the_newest_snapshots_are_kept_and_the_published_one_is_the_newest(
    files: WarehouseFiles,
) -> None:
    published = []
    for n in range(3):
        with duckdb.connect(str(files.build)) as con:
            con.execute(f"update marts.obligations set amount = {n}")
            published.append(publish(con, files, keep=2, now=T0 + timedelta(hours=n)))
    kept = list_snapshots(files)
    assert [s.snapshot_id for s in kept] == [published[2].snapshot_id, published[1].snapshot_id]
    assert not (files.snapshots / published[0].file).exists()
    assert is_published(files, published[2]) and not is_published(files, published[1])
    with duckdb.connect(str(files.published), read_only=True) as con:
        assert con.execute("select amount from marts.obligations").fetchone() == (2,)
    with duckdb.connect(str(files.snapshots / published[1].file), read_only=True) as con:
        assert con.execute("select amount from marts.obligations").fetchone() == (1,)


def test_two_publishes_in_one_second_get_their_own_snapshots(files: WarehouseFiles) -> None:
    with duckdb.connect(str(files.build)) as con:
        first = publish(con, files, now=T0)
        second = publish(con, files, now=T0)
    assert first.snapshot_id != second.snapshot_id
    assert is_published(files, second)


def test_what_a_killed_publish_left_is_removed_and_never_published(files: WarehouseFiles) -> None:
    with duckdb.connect(str(files.build)) as con:
        first = publish(con, files, now=T0)
    before = files.published.read_bytes()
    # a publish killed half-way: a partial snapshot and a partial link beside the published file
    partial = files.snapshots / "warehouse-20261130T070000Z.duckdb.partial"
    partial.write_bytes(b"half a file")
    link = files.published.with_name(f".{files.published.name}.4242.partial")
    link.write_bytes(b"half a link")
    assert files.published.read_bytes() == before
    assert list_snapshots(files) == [first]
    assert set(remove_leftovers(files)) == {partial, link}
    with duckdb.connect(str(files.build)) as con:
        publish(con, files, now=T0 + timedelta(hours=1))
    assert not partial.exists() and not link.exists()


def test_a_build_without_marts_is_not_published(tmp_path: Path) -> None:
    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    with duckdb.connect(str(files.build)) as con:
        con.execute("create schema raw; create table raw.t as select 1 as load_id")
        with pytest.raises(PublishError, match="has no marts to publish"):
            publish(con, files)
    assert not files.published.exists()


def test_a_warehouse_written_in_place_becomes_the_build_database(tmp_path: Path) -> None:
    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    make_build(files.published)  # an earlier version wrote everything into the published file
    assert adopt_published(files)
    with duckdb.connect(str(files.build), read_only=True) as con:
        assert con.execute("select count(*) from raw.awards").fetchone() == (3,)
    assert not adopt_published(files)  # once: the build database exists now


def test_a_published_file_is_not_adopted_as_a_build(tmp_path: Path) -> None:
    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    make_build(files.build)
    with duckdb.connect(str(files.build)) as con:
        publish(con, files)
    os.remove(files.build)
    assert not adopt_published(files)  # no raw schema: start the build afresh
    assert not files.build.exists()
