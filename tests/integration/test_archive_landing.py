"""Archive files landed into raw.usaspending_archive_transactions, a table stored as columns
(``RawTable.columns``): parts and buckets of text columns, the archive suite on them, the merge
(a first batch kept as landed, later ones written to ``raw_store``), quarantine with the row as
JSON, a Delta's change and deletion, and warehouses written by earlier versions: the table as
JSON records, as a table in ``raw``, hashed by another scheme (real DuckDB file, real GX suite,
files in the archive's real header)."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import USASPENDING_ARCHIVE_TRANSACTIONS
from ingest.usaspending_archive import DELTA, FULL, KEPT_COLUMNS, ArchiveFile
from tests.fakes.usaspending_archive import ARCHIVE_COLUMNS
from tests.support.warehouse import duckdb_hash

pytestmark = pytest.mark.integration

TABLE = USASPENDING_ARCHIVE_TRANSACTIONS.table
SUITE = load_suite(USASPENDING_ARCHIVE_TRANSACTIONS.suite)
FULL_ZIP = "FY2018_070_Contracts_Full_20260906.zip"


def action(n: int, **values: str) -> dict[str, str]:
    key = f"7012_-NONE-_PIID{n:04d}_0_-NONE-_0"
    return {
        "contract_transaction_unique_key": key,
        "contract_award_unique_key": f"CONT_AWD_PIID{n:04d}_7012_-NONE-_-NONE-",
        "award_id_piid": f"PIID{n:04d}",
        "modification_number": "0",
        "transaction_number": "0",
        "federal_action_obligation": f"{1000 + n}.25",
        "action_date": "2018-03-04",
        "awarding_agency_code": "070",
        "awarding_sub_agency_code": "7012",
        "recipient_name": f"VENDOR {n}, INC.",
        "last_modified_date": "2018-03-05 10:11:12",
        "transaction_description": f'PART {n}, "QUOTED"\nSECOND LINE',
        **values,
    }


def write_file(path: Path, rows: list[dict[str, str]], delta: bool = False) -> Path:
    header = ("correction_delete_ind", "agency_id", *ARCHIVE_COLUMNS) if delta else ARCHIVE_COLUMNS
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return path


def load(con: duckdb.DuckDBPyConnection, *files: ArchiveFile) -> landing.Load:
    loaded, _ = run_load(
        con,
        TABLE,
        Pull({"test": True}, iter(files)),
        lambda c, load_id: validate_batch(c, SUITE, load_id),
    )
    return loaded


@pytest.fixture
def con(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    monkeypatch.setattr(landing, "VALIDATION_CHUNK_ROWS", 7)  # several buckets
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def full_file(tmp_path: Path) -> ArchiveFile:
    rows = [action(n) for n in range(20)]
    rows[4]["federal_action_obligation"] = "12,50"  # unparsable: quarantined alone
    rows.append({**action(99), "contract_transaction_unique_key": ""})  # no key
    path = write_file(tmp_path / "FY2018_070_Contracts_Full_20260906_1.csv", rows)
    return ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018)


def test_a_full_file_lands_as_columns_with_bad_rows_quarantined_alone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    loaded = load(con, full_file(tmp_path))

    assert loaded.status == "succeeded", loaded.error
    c = loaded.counts
    assert (c.fetched, c.inserted, c.quarantined) == (21, 19, 2)
    assert c.reconciles()
    stored = {
        r[0]: r[1:]
        for r in con.execute(
            f"""
            select contract_transaction_unique_key, transaction_description,
                federal_action_obligation, correction_delete_ind
            from {TABLE.qualified}
            """
        ).fetchall()
    }
    assert len(stored) == 19
    # the fields as written in the file, text; a Full file's rows carry no deletion mark
    assert stored[action(3)["contract_transaction_unique_key"]] == (
        'PART 3, "QUOTED"\nSECOND LINE',
        "1003.25",
        None,
    )
    reasons = dict(
        con.execute(
            "select reason, record from audit.quarantine where load_id = ?", [loaded.load_id]
        ).fetchall()
    )
    unparsable = next(r for r in reasons if "is_obligation_unparsable" in r)
    assert action(4)["contract_transaction_unique_key"] in unparsable
    assert FULL_ZIP in unparsable
    # the quarantined row is kept whole, as one JSON object of its columns
    assert json.loads(reasons[unparsable])["federal_action_obligation"] == "12,50"
    keyless = next(r for r in reasons if "has no usable" in r)
    assert keyless.startswith(f"row 21 of {FULL_ZIP}/")
    assert json.loads(reasons[keyless])["recipient_name"] == "VENDOR 99, INC."


def test_the_same_file_again_changes_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    file = full_file(tmp_path)
    load(con, file)
    before = con.execute(f"select * from {TABLE.qualified} order by all").fetchall()
    again = load(con, file)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 19)
    assert con.execute(f"select * from {TABLE.qualified} order by all").fetchall() == before


def test_a_delta_replaces_a_changed_row_and_a_deleted_one(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load(con, full_file(tmp_path))
    changed = {**action(1, federal_action_obligation="-50.00"), "correction_delete_ind": "C"}
    deleted = {
        "contract_transaction_unique_key": action(2)["contract_transaction_unique_key"],
        "correction_delete_ind": "D",
    }
    path = write_file(
        tmp_path / "FY(All)_070_Contracts_Delta_20261006_1.csv", [changed, deleted], delta=True
    )
    delta = load(con, ArchiveFile(path, f"delta/{path.name}", DELTA, None))

    assert delta.status == "succeeded", delta.error
    assert (delta.counts.inserted, delta.counts.updated) == (0, 2)
    rows = dict(
        (r[0], r[1:])
        for r in con.execute(
            f"""
            select contract_transaction_unique_key, federal_action_obligation,
                correction_delete_ind, recipient_name, load_id
            from {TABLE.qualified}
            where contract_transaction_unique_key in (?, ?)
            """,
            [
                changed["contract_transaction_unique_key"],
                deleted["contract_transaction_unique_key"],
            ],
        ).fetchall()
    )
    assert rows[changed["contract_transaction_unique_key"]][:3] == ("-50.00", "C", "VENDOR 1, INC.")
    # a deletion row is blank but for its key and mark, and replaces every column of the row
    assert rows[deleted["contract_transaction_unique_key"]][:3] == (None, "D", None)
    assert {r[3] for r in rows.values()} == {delta.load_id}


def test_a_table_stored_as_json_records_is_rewritten_as_columns_and_nothing_reloads(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the layout of an earlier version: one JSON object of the kept columns per row, hashed as
    # landing hashed it (md5 of the object's text)
    file = full_file(tmp_path)
    fields = ", ".join(f'"{c}" := "{c}"' for c in KEPT_COLUMNS)
    con.execute(
        f"""
        create schema raw;
        create table {TABLE.qualified} (
            contract_transaction_unique_key varchar primary key,
            record json not null,
            record_hash varchar not null,
            load_id varchar not null,
            loaded_at timestamptz not null
        );
        insert into {TABLE.qualified}
        select contract_transaction_unique_key, to_json(struct_pack({fields})),
            md5(to_json(struct_pack({fields}))::varchar), 'old-load',
            timestamptz '2026-09-07 00:00:00+00'
        from read_csv('{file.path}', header = true, all_varchar = true)
        where contract_transaction_unique_key is not null
            and federal_action_obligation <> '12,50'
        """
    )

    landing.ensure_schema(con, [TABLE])

    columns = [
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() "
            "where schema_name = 'raw' and table_name = ? order by column_index",
            [TABLE.name],
        ).fetchall()
    ]
    assert "record" not in columns
    assert columns[0] == TABLE.key_column
    assert hash_type(con) == "UBIGINT"
    assert set(TABLE.value_columns) <= set(columns)
    assert con.execute(
        f"""
        select count(*), count(distinct load_id), min(transaction_description)
        from {TABLE.qualified}
        """
    ).fetchone() == (19, 1, 'PART 0, "QUOTED"\nSECOND LINE')
    # each row hashed by the current scheme, recorded: no second rewrite follows
    assert stored_hashes(con) == {key: duckdb_hash(values) for key, values in stored_rows(con)}
    assert con.execute("select raw_table, scheme from audit.record_hash_schemes").fetchall() == [
        (TABLE.qualified, landing.COLUMNS_HASH_SCHEME)
    ]
    # the same rows in a new file are unchanged
    again = load(con, file)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 19)
    landing.ensure_schema(con, [TABLE])  # and a second call leaves it be
    assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (19,)


@pytest.mark.parametrize(
    ("scheme", "old_hash"),
    [
        # the version before the scheme was recorded: md5 of the kept columns as one JSON object
        (None, "md5(to_json(struct_pack({fields})))"),
        # the scheme before this one: DuckDB's hash of the columns, kept as text
        (f"duckdb-hash-{duckdb.__version__}", "hash({columns})::varchar"),
    ],
    ids=["md5-of-json", "duckdb-hash-as-text"],
)
def test_rows_hashed_by_another_scheme_are_rehashed_once_and_nothing_reloads(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, scheme: str | None, old_hash: str
) -> None:
    # a table stored as columns by an earlier version: its hashes text, of another scheme
    file = full_file(tmp_path)
    landing.ensure_schema(con, [TABLE])
    first = load(con, file)
    assert first.counts.inserted == 19
    assert landing.store_kept_rows(con, TABLE) == 1  # the batch's rows into the stored table
    fields = ", ".join(f'"{c}" := "{c}"' for c in KEPT_COLUMNS)
    columns = ", ".join(f'"{c}"' for c in TABLE.columns)
    con.execute(f"alter table {TABLE.stored} alter record_hash type varchar")
    hashed = old_hash.format(fields=fields, columns=columns)
    con.execute(f"update {TABLE.stored} set record_hash = {hashed}")
    con.execute("delete from audit.record_hash_schemes")
    if scheme:
        con.execute(
            "insert into audit.record_hash_schemes values (?, ?, now())", [TABLE.qualified, scheme]
        )
    stored_before = con.execute(
        f"select contract_transaction_unique_key, load_id, loaded_at from {TABLE.qualified}"
    ).fetchall()

    landing.ensure_schema(con, [TABLE])

    assert con.execute("select raw_table, scheme from audit.record_hash_schemes").fetchall() == [
        (TABLE.qualified, landing.COLUMNS_HASH_SCHEME)
    ]
    assert hash_type(con) == "UBIGINT"
    # each hash is now DuckDB's hash of the row's stored columns, in order
    assert stored_hashes(con) == {key: duckdb_hash(values) for key, values in stored_rows(con)}
    # load ids and times kept: dbt's incremental models see nothing new
    assert sorted(
        con.execute(
            f"select contract_transaction_unique_key, load_id, loaded_at from {TABLE.qualified}"
        ).fetchall()
    ) == sorted(stored_before)
    # the same rows in a new file are unchanged
    again = load(con, file)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 19)
    # a later call finds the scheme recorded and rewrites nothing
    con.execute(f"update {TABLE.stored} set record_hash = 42")
    landing.ensure_schema(con, [TABLE])
    assert con.execute(f"select distinct record_hash from {TABLE.qualified}").fetchall() == [(42,)]
    # hashes of another DuckDB version's (its hash may differ) are computed again, a kept
    # batch's too (the hashes in its files are the old version's): its rows are stored
    path = write_file(tmp_path / "other.csv", [action(n) for n in range(100, 103)])
    newer = load(con, ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018))
    assert (newer.counts.inserted, kept_batches(con)) == (3, [newer.load_id])
    assert con.execute("select keyless from audit.kept_batches").fetchall() == [(False,)]
    con.execute(f"update {TABLE.stored} set record_hash = 42")
    con.execute("update audit.record_hash_schemes set scheme = 'duckdb-hash-0.9.2-ubigint'")
    landing.ensure_schema(con, [TABLE])
    assert stored_hashes(con) == {key: duckdb_hash(values) for key, values in stored_rows(con)}
    assert len(stored_hashes(con)) == 22
    assert kept_batches(con) == []
    assert con.execute(f"select count(*) from {TABLE.stored}").fetchone() == (22,)
    assert not kept_folder(con, newer.load_id).exists()


def hash_type(con: duckdb.DuckDBPyConnection) -> str:
    row = con.execute(
        "select data_type from duckdb_columns() "
        "where schema_name = 'raw' and table_name = ? and column_name = 'record_hash'",
        [TABLE.name],
    ).fetchone()
    assert row is not None
    return str(row[0])


def stored_rows(con: duckdb.DuckDBPyConnection) -> list[tuple[str, list[str | None]]]:
    """Each stored row's key and its columns, in the table's order."""
    columns = ", ".join(f'"{c}"' for c in TABLE.columns)
    return [
        (row[0], list(row))
        for row in con.execute(f"select {columns} from {TABLE.qualified}").fetchall()
    ]


def stored_hashes(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(
        con.execute(f"select {TABLE.key_column}, record_hash from {TABLE.qualified}").fetchall()
    )


def test_a_keyless_row_is_named_by_its_place_in_the_file_counting_rows_out_of_scope(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # ICE (7012) watched by sub-agency: CBP's rows (7014) are out of scope, but still rows of
    # the file, so the row without a key is its fourth row
    rows = [
        action(1, awarding_sub_agency_code="7014"),
        action(2),
        action(3, awarding_sub_agency_code="7014"),
        {**action(4), "contract_transaction_unique_key": " "},
        action(5),
    ]
    path = write_file(tmp_path / "FY2018_070_Contracts_Full_20260906_1.csv", rows)
    file = ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018, subtier_codes=("7012",))
    loaded = load(con, file)

    assert loaded.status == "succeeded", loaded.error
    assert (loaded.counts.fetched, loaded.counts.inserted, loaded.counts.quarantined) == (3, 2, 1)
    ((reason, record),) = con.execute(
        "select reason, record from audit.quarantine where load_id = ?", [loaded.load_id]
    ).fetchall()
    assert reason == (
        f'row 4 of {FULL_ZIP}/{path.name} has no usable contract_transaction_unique_key (got " ")'
    )
    assert json.loads(record)["award_id_piid"] == "PIID0004"


def kept_batches(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The load ids of the table's kept batches (``audit.kept_batches``), oldest first."""
    return [
        r[0]
        for r in con.execute(
            "select load_id from audit.kept_batches where raw_table = ? order by loaded_at",
            [TABLE.qualified],
        ).fetchall()
    ]


def kept_folder(con: duckdb.DuckDBPyConnection, load_id: str) -> Path:
    return landing.landing_root(con) / TABLE.name / "kept" / f"load_id={load_id}"


def test_a_first_batch_is_kept_as_landed_and_later_versions_are_stored(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    first = load(con, full_file(tmp_path))

    # every key new: the batch's files are the table's rows, linked, not written again
    assert kept_batches(con) == [first.load_id]
    assert con.execute(f"select count(*) from {TABLE.stored}").fetchone() == (0,)
    files = sorted(kept_folder(con, first.load_id).glob("part=*/*.parquet"))
    landed = sorted(
        (landing.landing_root(con) / TABLE.name / f"load_id={first.load_id}").glob(
            "batch/part=*/*.parquet"
        )
    )
    assert files and [f.stat().st_ino for f in files] == [f.stat().st_ino for f in landed]
    # its quarantined record (an unparsable obligation) is left out, the keyless one never in
    unparsable = action(4)["contract_transaction_unique_key"]
    assert con.execute(
        "select record_key, why from audit.kept_rows_left_out where load_id = ?", [first.load_id]
    ).fetchall() == [(unparsable, "quarantined")]
    keys = {
        r[0] for r in con.execute(f"select {TABLE.key_column} from {TABLE.qualified}").fetchall()
    }
    assert len(keys) == 19 and unparsable not in keys
    # its files hold a row without a key, which the view leaves out by its key
    assert con.execute("select keyless from audit.kept_batches").fetchall() == [(True,)]
    assert (
        con.execute(f"select distinct load_id, loaded_at from {TABLE.qualified}").fetchall()
        == con.execute("select load_id, loaded_at from audit.kept_batches").fetchall()
    )

    # the fixed record and a changed one: the new versions are stored, the kept one left out
    fixed = action(4)
    changed = action(5, federal_action_obligation="7.00")
    path = write_file(tmp_path / "again.csv", [fixed, changed, action(6)])
    second = load(con, ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018))
    assert (second.counts.inserted, second.counts.updated, second.counts.unchanged) == (1, 1, 1)
    assert kept_batches(con) == [first.load_id]
    assert sorted(
        con.execute(f"select {TABLE.key_column}, load_id from {TABLE.stored}").fetchall()
    ) == sorted(
        [
            (fixed["contract_transaction_unique_key"], second.load_id),
            (changed["contract_transaction_unique_key"], second.load_id),
        ]
    )
    rows = con.execute(
        f"""
        select federal_action_obligation, load_id from {TABLE.qualified}
        where {TABLE.key_column} = ?
        """,
        [changed["contract_transaction_unique_key"]],
    ).fetchall()
    assert rows == [("7.00", second.load_id)]
    assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (20,)
    assert con.execute(
        "select why from audit.kept_rows_left_out where record_key = ?",
        [changed["contract_transaction_unique_key"]],
    ).fetchall() == [(f"replaced by load {second.load_id}",)]
    # a change again of a row now stored is made in place
    path = write_file(tmp_path / "third.csv", [action(5, federal_action_obligation="8.00")])
    third = load(con, ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018))
    assert third.counts.updated == 1
    assert con.execute(
        f"select federal_action_obligation from {TABLE.qualified} where {TABLE.key_column} = ?",
        [changed["contract_transaction_unique_key"]],
    ).fetchall() == [("8.00",)]

    # pruning the landed batches leaves the kept one be; an uncommitted kept folder goes
    stray = kept_folder(con, "not-a-load")
    stray.mkdir(parents=True)
    for _ in range(3):
        load(con, ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018))
    assert not (landing.landing_root(con) / TABLE.name / f"load_id={first.load_id}").exists()
    assert not stray.exists()
    assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (20,)


def test_a_warehouse_moved_with_its_landing_folder_reads_its_kept_batches(
    tmp_path: Path,
) -> None:
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        load(con, full_file(tmp_path))
    moved = tmp_path / "moved"
    moved.mkdir()
    (tmp_path / "warehouse.duckdb").rename(moved / "warehouse.duckdb")
    (tmp_path / "warehouse.duckdb.landing").rename(moved / "warehouse.duckdb.landing")
    with duckdb.connect(str(moved / "warehouse.duckdb")) as con:
        landing.ensure_schema(con, [TABLE])
        assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (19,)
        (load_id,) = kept_batches(con)
    # copied without it: a clear error naming the load and where its files should be
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copyfile(moved / "warehouse.duckdb", alone / "warehouse.duckdb")
    with duckdb.connect(str(alone / "warehouse.duckdb")) as con:
        with pytest.raises(landing.MissingKeptBatchError) as missing:
            landing.ensure_schema(con, [TABLE])
    assert f"the rows of load {load_id}, kept as landed" in str(missing.value)
    assert str(alone / "warehouse.duckdb.landing") in str(missing.value)


def test_a_table_in_raw_from_an_earlier_version_is_moved_to_the_store_once(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    load(con, full_file(tmp_path))
    landing.store_kept_rows(con, TABLE)
    # the layout before: the rows in the table raw.<name> itself
    con.execute(f"drop view {TABLE.qualified}")
    con.execute(f"create table {TABLE.qualified} as select * from {TABLE.stored}")
    con.execute(f"drop table {TABLE.stored}")
    before = con.execute(f"select * from {TABLE.qualified} order by all").fetchall()

    landing.ensure_schema(con, [TABLE])

    kinds = con.execute(
        "select table_type from information_schema.tables where table_name = ? "
        "order by table_schema",
        [TABLE.name],
    ).fetchall()
    assert kinds == [("VIEW",), ("BASE TABLE",)]  # raw, raw_store
    assert con.execute(f"select * from {TABLE.stored} order by all").fetchall() == before
    assert con.execute(f"select * from {TABLE.qualified} order by all").fetchall() == before
    again = load(con, full_file(tmp_path))
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 19)


def test_a_drifted_first_batch_leaves_the_table_untouched(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # most of its obligations do not parse (a drift), so the batch is quarantined: nothing kept
    rows = [action(n, federal_action_obligation=f"{n},50") for n in range(12)]
    rows += [action(n) for n in range(12, 15)]
    path = write_file(tmp_path / "FY2018_070_Contracts_Full_20260906_1.csv", rows)
    file = ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018)
    drifted = load(con, file)

    assert drifted.status == "quarantined"
    # the records counted in the pass that leaves the key out (``validate_batch``)
    assert "12 of 15 records fail critical expectations" in str(drifted.error)
    assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (0,)
    assert kept_batches(con) == []
    assert not kept_folder(con, drifted.load_id).exists()
    assert con.execute(
        "select count(*) from audit.quarantine where load_id = ?", [drifted.load_id]
    ).fetchone() == (15,)
    # and the table takes the next batch as ever
    fixed = load(con, full_file(tmp_path))
    assert (fixed.status, fixed.counts.inserted) == ("succeeded", 19)
    assert con.execute(f"select count(distinct load_id) from {TABLE.qualified}").fetchone() == (1,)


def test_a_merge_that_fails_keeps_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = landing._write_ledger

    def broken(c: duckdb.DuckDBPyConnection, loaded: landing.Load) -> None:
        if loaded.status == "succeeded":
            raise RuntimeError("the ledger could not be written")
        real(c, loaded)

    monkeypatch.setattr(landing, "_write_ledger", broken)
    file = full_file(tmp_path)
    with pytest.raises(RuntimeError, match="the ledger could not be written"):
        load(con, file)

    assert kept_batches(con) == []
    assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (0,)
    assert not list((landing.landing_root(con) / TABLE.name / "kept").glob("load_id=*"))
    monkeypatch.setattr(landing, "_write_ledger", real)
    again = load(con, file)
    assert (again.status, again.counts.inserted) == ("succeeded", 19)


def test_two_versions_of_one_key_quarantine_the_batch_naming_the_key(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    rows = [action(n) for n in range(15)]
    # the same action twice, with two obligations: neither is chosen
    rows.append(action(9, federal_action_obligation="2009.75"))
    path = write_file(tmp_path / "FY2018_070_Contracts_Full_20260906_1.csv", rows)
    loaded = load(con, ArchiveFile(path, f"{FULL_ZIP}/{path.name}", FULL, 2018))

    assert loaded.status == "quarantined"
    assert "expect_column_values_to_be_unique on key_first_place" in str(loaded.error)
    assert con.execute(f"select count(*) from {TABLE.qualified}").fetchone() == (0,)
    ((count, examples),) = con.execute(
        """
        select unexpected_count, unexpected_examples from audit.validation_results
        where load_id = ? and column_name = 'key_first_place'
        """,
        [loaded.load_id],
    ).fetchall()
    assert count == 2  # both rows of the key
    repeated = action(9)["contract_transaction_unique_key"]
    assert {e["record"] for e in json.loads(examples)} == {repeated}
