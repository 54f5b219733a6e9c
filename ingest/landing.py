"""Landing: one load is one batch, validated before it is merged into ``raw.*``.

A load goes through the same steps whatever the source:

1. ``start_load`` writes a ``running`` row to ``audit.load_ledger`` (source, parameters, start,
   and the process that runs the load: pid and host). A load whose process died (``kill -9``)
   stays ``running``; the next load marks it ``abandoned`` (``abandon_stale_loads``).
2. ``land_batch`` fetches the pages one at a time and writes every record to Parquet parts
   with its natural key and the page it came from (a bulk file is copied by DuckDB without
   passing through Python), each row with the bucket of its key: the batch,
   Parquet files under ``<database>.landing/<table>/load_id=<id>/``, which ``landing_batch``
   (a view) reads. Memory does not grow with the batch, and any engine can read the landed files.
   Records that cannot be keyed are quarantined one by one with the reason,
   and so is every part of a page the client could not read (``FetchedPage.unreadable``: a broken
   body, kept as text with the reason and the request that fetched it), so one unreadable answer
   does not sink the load.
3. The caller validates the batch (``expectations``: a chunk at a time) and, by the outcome
   (``ingest.load``):
   - a batch-level critical failure (uniqueness, or more failing records than one and than
     ``expectations.suite.RECORD_FAILURE_SHARE`` of the batch: an API drift) quarantines the
     whole batch (kept in ``audit.quarantine`` with the failed expectations as the reason) and
     merges nothing (``quarantine_batch``);
   - otherwise new and changed records are merged into ``raw.<table>`` in one transaction
     (``merge_batch``), and in the same transaction each record that failed a critical
     record-level expectation is quarantined alone, with a reason naming it and the field. A
     columnar table's batch of new keys only is kept as its landed files instead, which the
     view ``raw.<table>`` reads beside the rows stored in ``raw_store.<table>``.
4. A fetch that fails before landing is recorded by ``fail_load``; nothing is merged.

Records are kept as fetched: ``record`` holds the API object as JSON, unchanged, and a bulk
file's row (a columnar table, ``RawTable.columns``) is kept as its fields' text, a column each.
Every transformation happens later, in dbt. The one exception is a secret (``LDA_API_KEY``):
whatever landing writes (records, pages, reasons, the ledger's ``error``) goes through
``ingest.redaction.redact``, so a body that echoes the key is stored with a marker in its place.
Merging is idempotent: an unchanged record (same hash) is left alone, so a second identical load
changes no row of ``raw.*``.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit

import duckdb
import pandas as pd

from ingest.processes import Owner, gone, this_process
from ingest.redaction import redact, redact_optional
from ingest.transport import FetchedPage


@dataclass(frozen=True)
class RawTable:
    """A raw table and how its records are keyed."""

    source: str  # "lda" | "usaspending" | "gdelt" | "analyst" | "feeds"
    name: str  # table name in schema raw, also the Dagster asset key and the dbt source table
    key_column: str  # the natural key column
    key_field: str  # the field of the API record that holds the natural key
    # for a composite key: the record's fields whose values, joined by "|", make the key
    key_fields: tuple[str, ...] = ()
    # fields (dotted paths into nested objects) holding URLs on whatever host answered: the hash
    # that decides "changed or not" sees only their path and query (less ``format``), so the same
    # record fetched from another host of the API is not an update. The record is kept as fetched.
    host_dependent_urls: tuple[str, ...] = ()
    # a table landed from bulk files (CSV) keeps each row's columns as text, named as in the
    # file's header, instead of one JSON ``record``: at ten million rows a JSON object per row is
    # several times the bytes to build, write, parse and store. The key column is one of them.
    columns: tuple[str, ...] = ()

    @property
    def qualified(self) -> str:
        return f"raw.{self.name}"

    @property
    def stored(self) -> str:
        """The table its merged rows are written to: ``raw.<name>`` itself, or, for a columnar
        table, ``raw_store.<name>``, which the view ``raw.<name>`` reads beside the batches kept
        as landed (``_create_raw_view``)."""
        return f"{STORE_SCHEMA}.{self.name}" if self.columns else self.qualified

    @property
    def value_columns(self) -> tuple[str, ...]:
        """The stored columns beside the key: ``record``, or a columnar table's other columns."""
        if not self.columns:
            return ("record",)
        return tuple(c for c in self.columns if c != self.key_column)

    def record_sql(self) -> str:
        """SQL for the record as one JSON object: the ``record`` column, or a columnar table's
        columns packed into one (``packed_record_sql``)."""
        return packed_record_sql(self.columns) if self.columns else "record"

    def columns_hash_sql(self, key: str | None = None) -> str:
        """SQL for a columnar table's record hash (``columns_hash_sql`` of its columns), reading
        the key from the column ``key`` when given (a landed row's ``record_key``)."""
        named = {self.key_column: key} if key else {}
        return columns_hash_sql(self.columns, named)

    def key_of(self, record: Mapping[str, Any]) -> str | None:
        """The record's natural key, or None when a key field is missing or blank."""
        fields = self.key_fields or (self.key_field,)
        values = [field_value(record, name) for name in fields]
        if not all(isinstance(v, str) and v.strip() for v in values):
            return None
        return "|".join(str(v) for v in values)

    def key_description(self) -> str:
        return " + ".join(self.key_fields) if self.key_fields else self.key_field

    def content_hash(self, record: Mapping[str, Any], text: str) -> str:
        """The hash that tells a changed record from an unchanged one: of ``text`` (the record
        as serialised), or, when the table declares host-dependent URLs, of the record with those
        URLs reduced to their path and query."""
        if self.host_dependent_urls:
            text = serialize_record(without_host(record, self.host_dependent_urls))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


def packed_record_sql(columns: Sequence[str]) -> str:
    """SQL packing the text ``columns`` of a row into one JSON object (null ones too), in order."""
    fields = ", ".join(f"{quote_identifier(c)} := {quote_identifier(c)}" for c in columns)
    return f"to_json(struct_pack({fields}))"


# The scheme of a columnar table's ``record_hash`` (``columns_hash_sql``): stored with the table
# (``audit.record_hash_schemes``), so a table hashed by another scheme is rehashed once. It names
# DuckDB's version (``hash`` is DuckDB's own, whose values a later version may change) and the
# hash's type: the scheme before kept it as text.
COLUMNS_HASH_SCHEME = f"duckdb-hash-{duckdb.__version__}-ubigint"


def columns_hash_sql(columns: Sequence[str], named: Mapping[str, str] | None = None) -> str:
    """SQL for the hash that tells a changed columnar row from an unchanged one: DuckDB's
    64-bit ``hash`` of the row's ``columns`` (text, a null as null), in order, as the number it
    is (``ubigint``). ``named`` reads a column from another name (the key from a landed row's
    ``record_key``). It is compared only with the stored hash of the same key: two versions of a
    row share it with a chance of one in 2^64. Not md5 of the row as JSON (the scheme before
    last): 0.7 against 3.4 CPU-s for a million archive rows of 45 columns, measured. Not as text
    (the scheme before): twenty digits a row to write to the landed Parquet and to compress into
    the table, where eight bytes do. A small saving, smaller than the machine's drift: for ten
    million archive rows (``bench_bulk_load``, seven pairs alternated over two hours) 18.3, 17.7,
    24.6, 21.0, 25.8, 21.9 and 22.2 CPU-s per million rows against 19.3, 19.1, 26.4, 20.0, 23.1,
    24.4 and 21.8 as text (lower in four pairs); for one million, landed and inserted four times
    each, 9.75 against 10.15 CPU-s (medians) to land and 6.23 against 6.15 to insert."""
    named = named or {}
    values = ", ".join(quote_identifier(named.get(c, c)) for c in columns)
    return f"hash({values})"


def quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def field_value(record: Mapping[str, Any], name: str) -> Any:
    """A key field of ``record``: the top-level field ``name``, or, when there is none and the
    name is a dotted path (``attributes.relationship.type``), the value at that path in nested
    objects (None where the path breaks off)."""
    if name in record or "." not in name:
        return record.get(name)
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(part)
    return value


def _host_free_url(value: str) -> str:
    """``https://lda.gov/api/v1/filings/x/?format=json`` -> ``/api/v1/filings/x/``."""
    parts = urlsplit(value)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "format"]
    return parts.path + (f"?{urlencode(query)}" if query else "")


def without_host(record: Mapping[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """A copy of ``record`` whose URL fields at ``paths`` (dotted, into nested objects) keep
    only their path and query; other fields, and the record itself, are left as they are."""
    out = dict(record)
    for path in paths:
        head, _, rest = path.partition(".")
        value = out.get(head)
        if rest and isinstance(value, Mapping):
            out[head] = without_host(value, [rest])
        elif not rest and isinstance(value, str):
            out[head] = _host_free_url(value)
    return out


BATCH_TABLE = "landing_batch"  # a temporary view over the batch's files, one per connection
# the schema of a columnar table's stored rows (``RawTable.stored``): never read by dbt, which
# reads the view ``raw.<name>`` over them and the batches kept as landed
STORE_SCHEMA = "raw_store"

_DDL = [
    "create schema if not exists raw",
    "create schema if not exists audit",
    """
    create table if not exists audit.load_ledger (
        load_id varchar primary key,
        source varchar not null,
        raw_table varchar not null,
        parameters json,
        started_at timestamptz not null,
        finished_at timestamptz,
        status varchar not null,
        pages integer,
        records_fetched integer,
        duplicates_in_batch integer,
        records_inserted integer,
        records_updated integer,
        records_unchanged integer,
        records_quarantined integer,
        error varchar,
        unreadable_quarantined integer,
        pid integer,
        host varchar
    )
    """,
    # ledgers written before unreadable parts were counted
    "alter table audit.load_ledger add column if not exists unreadable_quarantined integer",
    # ledgers written before loads recorded the process that ran them
    "alter table audit.load_ledger add column if not exists pid integer",
    "alter table audit.load_ledger add column if not exists host varchar",
    """
    create table if not exists audit.validation_results (
        load_id varchar not null,
        raw_table varchar not null,
        suite_name varchar not null,
        expectation_index integer not null,
        expectation_type varchar not null,
        column_name varchar,
        severity varchar not null,
        success boolean not null,
        element_count bigint,
        unexpected_count bigint,
        unexpected_examples json,
        validated_at timestamptz not null,
        primary key (load_id, expectation_index)
    )
    """,
    """
    create table if not exists audit.record_hash_schemes (
        raw_table varchar primary key,
        scheme varchar not null,
        hashed_at timestamptz not null
    )
    """,
    # a columnar table's batches kept as they were landed (``_keep_batch``): ``folder`` is
    # relative to the landing root, so the database and its landing folder can move together;
    # ``keyless``: some row of its files has no usable key (quarantined when it was landed)
    """
    create table if not exists audit.kept_batches (
        raw_table varchar not null,
        load_id varchar not null,
        loaded_at timestamptz not null,
        folder varchar not null,
        kept_at timestamptz not null,
        keyless boolean not null,
        primary key (raw_table, load_id)
    )
    """,
    # rows of a kept batch that ``raw.<name>`` leaves out: quarantined when the batch was
    # merged, or replaced by a later load's version (then in ``raw_store.<name>``)
    """
    create table if not exists audit.kept_rows_left_out (
        raw_table varchar not null,
        load_id varchar not null,
        record_key varchar not null,
        why varchar not null
    )
    """,
    """
    create table if not exists audit.quarantine (
        load_id varchar not null,
        raw_table varchar not null,
        record_key varchar,
        page varchar,
        reason varchar not null,
        record json,
        quarantined_at timestamptz not null
    )
    """,
]


def _raw_table_ddl(table: RawTable) -> str:
    """A raw table: its key, its record (JSON, or a columnar table's text columns), the hash
    (a JSON record's sha256 as text, a columnar row's ``columns_hash_sql``), the load and when.
    A columnar table (bulk files: millions of keys) has no primary key index: DuckDB holds such
    an index in memory whole, so a load's memory would grow with the table. Its keys stay
    unique all the same: a batch with a key twice is quarantined (the suite's uniqueness
    expectation), the merge inserts only keys not stored, one writer at a time, and dbt tests
    the key ``unique`` on every build (``_usaspending__sources.yml``)."""
    values = (
        ",\n            ".join(f"{quote_identifier(c)} varchar" for c in table.value_columns)
        if table.columns
        else "record json not null"
    )
    key = "not null" if table.columns else "primary key"
    hash_type = "ubigint" if table.columns else "varchar"
    return f"""
        create table if not exists {table.stored} (
            {table.key_column} varchar {key},
            {values},
            record_hash {hash_type} not null,
            load_id varchar not null,
            loaded_at timestamptz not null
        )
    """


def ensure_schema(con: duckdb.DuckDBPyConnection, tables: Iterable[RawTable] = ()) -> None:
    """Create the audit tables and the given raw tables if they are missing (safe to call on
    every load). The raw tables are the sources' (``ingest.sources.raw_tables()``). A columnar
    table is a view, ``raw.<name>``, over its stored rows (``raw_store.<name>``) and its kept
    batches (``_create_raw_view``); one written by an earlier version as a table is moved to
    ``raw_store`` once (``_move_to_store``)."""
    for statement in _DDL:
        con.execute(statement)
    for table in tables:
        if not table.columns:
            con.execute(_raw_table_ddl(table))
            continue
        con.execute(f"create schema if not exists {STORE_SCHEMA}")
        _move_to_store(con, table)
        con.execute(_raw_table_ddl(table))
        _migrate_to_columns(con, table)
        _rehash_columns(con, table)
        _create_raw_view(con, table)


def _is_base_table(con: duckdb.DuckDBPyConnection, schema: str, name: str) -> bool:
    row = con.execute(
        """
        select count(*) from duckdb_tables()
        where database_name = current_database() and schema_name = ? and table_name = ?
        """,
        [schema, name],
    ).fetchone()
    return bool(row and row[0])


def _move_to_store(con: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    """A columnar table kept by an earlier version as the table ``raw.<name>``: its rows are
    moved, as they are, to ``raw_store.<name>`` (its columns, hashes, load ids and times kept:
    dbt sees nothing new), in one transaction, once. DuckDB cannot move a table to another
    schema, so it is copied and dropped (ten million archive rows: 30.9 s, 40.6 CPU-s, measured
    while other work ran)."""
    if not _is_base_table(con, "raw", table.name):
        return
    if _is_base_table(con, STORE_SCHEMA, table.name):
        raise RuntimeError(
            f"{table.qualified} and {table.stored} are both tables: a move of {table.qualified} "
            f"to {table.stored} was left half done; keep one of them and drop the other"
        )
    con.execute("begin transaction")
    try:
        con.execute(f"create table {table.stored} as select * from {table.qualified}")
        con.execute(f"drop table {table.qualified}")
        for column in (table.key_column, "record_hash", "load_id", "loaded_at"):
            con.execute(f"alter table {table.stored} alter column {column} set not null")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _migrate_to_columns(con: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    """A columnar table stored by an earlier version as JSON records (``record``): rewritten
    once, in one transaction, with each field in its column (the same text), each row hashed by
    ``COLUMNS_HASH_SCHEME`` (recorded, so ``_rehash_columns`` leaves it be), its load id and time
    kept: the next load sees no change and dbt nothing new."""
    stored = {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = ? and table_name = ?",
            [STORE_SCHEMA, table.name],
        ).fetchall()
    }
    if "record" not in stored:
        return
    # (and drops the primary key index such a table had: see ``_raw_table_ddl``)
    fields = ", ".join(
        f"record ->> {_sql_text(c)} as {quote_identifier(c)}" for c in table.value_columns
    )
    con.execute("begin transaction")
    try:
        con.execute(
            f"""
            create temp table landing_migrated as
            select {table.key_column}, {fields}, load_id, loaded_at
            from {table.stored}
            """
        )
        con.execute(f"drop table {table.stored}")
        con.execute(_raw_table_ddl(table))
        values = ", ".join(quote_identifier(c) for c in table.value_columns)
        con.execute(
            f"""
            insert into {table.stored}
            select {table.key_column}, {values}, {table.columns_hash_sql()}, load_id, loaded_at
            from landing_migrated
            """
        )
        con.execute("drop table landing_migrated")
        _record_hash_scheme(con, table)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _rehash_columns(con: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    """A columnar table whose rows were hashed by another scheme (an earlier one, another
    DuckDB version's, or one never recorded: tables from before ``audit.record_hash_schemes``)
    gets every ``record_hash`` computed again by ``COLUMNS_HASH_SCHEME`` from its columns,
    once: ``store_kept_rows`` with the new hash (rows of kept batches too, whose files hold
    hashes of the old scheme). The next load then compares its rows with hashes of the same
    scheme."""
    row = con.execute(
        "select scheme from audit.record_hash_schemes where raw_table = ?", [table.qualified]
    ).fetchone()
    if row and row[0] == COLUMNS_HASH_SCHEME:
        return
    store_kept_rows(con, table, rehash=True)


def store_kept_rows(
    con: duckdb.DuckDBPyConnection, table: RawTable, *, rehash: bool = False
) -> int:
    """Move every row of ``table``'s kept batches into its stored rows (``raw_store.<name>``),
    with their load ids and times (dbt sees nothing new), in one transaction, and forget the
    batches (their folders removed after it commits); with ``rehash``, every row's
    ``record_hash`` is computed again and the scheme recorded. The stored table is rewritten
    whole. For a change of hash scheme (a new DuckDB version), and for a test that edits raw
    rows in place. The number of kept batches it stored."""
    kept = _kept_batches(con, table)
    if not kept and not rehash:
        return 0
    values = ", ".join(quote_identifier(c) for c in table.value_columns)
    digest = table.columns_hash_sql() if rehash else "record_hash"
    rows = _raw_rows_sql(con, table)
    con.execute("begin transaction")
    try:
        con.execute(
            f"""
            create temp table landing_rehashed as
            select {table.key_column}, {values}, {digest} as record_hash, load_id, loaded_at
            from ({rows})
            """
        )
        con.execute(f"drop table {table.stored}")
        con.execute(_raw_table_ddl(table))
        con.execute(f"insert into {table.stored} select * from landing_rehashed")
        con.execute("drop table landing_rehashed")
        con.execute("delete from audit.kept_batches where raw_table = ?", [table.qualified])
        con.execute("delete from audit.kept_rows_left_out where raw_table = ?", [table.qualified])
        if rehash:
            _record_hash_scheme(con, table)
        _create_raw_view(con, table)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    root = landing_root(con)
    for batch in kept:
        shutil.rmtree(root / batch.folder, ignore_errors=True)
    return len(kept)


class MissingKeptBatchError(RuntimeError):
    """A kept batch's files (rows of its table) are not where ``audit.kept_batches`` says."""

    def __init__(self, table: RawTable, load_id: str, folder: Path) -> None:
        super().__init__(
            f"{table.qualified}: the rows of load {load_id}, kept as landed (audit.kept_batches),"
            f" are missing: no Parquet file in {folder}. A warehouse's landing folder "
            f"({folder.parents[2]}) is part of it: copy or move it with the database file. Or "
            f"restore the files; or delete the load's row from audit.kept_batches and load its "
            "files again"
        )
        self.load_id = load_id
        self.folder = folder


@dataclass(frozen=True)
class _KeptBatch:
    load_id: str
    loaded_at: dt.datetime
    folder: str  # relative to the landing root
    left_out: bool  # some of its rows are not in ``raw.<name>`` (``audit.kept_rows_left_out``)
    keyless: bool  # some row of its files has no usable key


def _kept_batches(con: duckdb.DuckDBPyConnection, table: RawTable) -> list[_KeptBatch]:
    rows = con.execute(
        """
        select k.load_id, k.loaded_at, k.folder,
            exists (
                select 1 from audit.kept_rows_left_out o
                where o.raw_table = k.raw_table and o.load_id = k.load_id
            ),
            k.keyless
        from audit.kept_batches k
        where k.raw_table = ?
        order by k.loaded_at, k.load_id
        """,
        [table.qualified],
    ).fetchall()
    return [_KeptBatch(str(a), b, str(c), bool(d), bool(e)) for a, b, c, d, e in rows]


def _raw_rows_sql(con: duckdb.DuckDBPyConnection, table: RawTable) -> str:
    """SQL for every current row of a columnar table, in its columns: its stored rows, then
    each kept batch's rows as landed (their load id and time constants), less those left out.
    A batch's rows are filtered on their key only when needed (rows without a usable key, rows
    left out): a filter on ``loaded_at`` then leaves out a whole older batch unread, even by a
    subquery's value as dbt's incremental models compare it (``new_raw_rows``). Measured on
    ten million kept archive rows: ``max(loaded_at)`` 0.02 CPU-s, the keys of rows loaded
    after a watermark 0.03, against 2.4 and 2.5 with the key's test (``_KEYED``) in the way;
    with a row left out, 0.4 and 0.55."""
    key = quote_identifier(table.key_column)
    values = ", ".join(quote_identifier(c) for c in table.value_columns)
    selects = [f"select {key}, {values}, record_hash, load_id, loaded_at from {table.stored}"]
    root = landing_root(con)
    for batch in _kept_batches(con, table):
        folder = root / batch.folder
        if not any(folder.glob("part=*/*.parquet")):
            raise MissingKeptBatchError(table, batch.load_id, folder)
        files = _sql_text(str(folder / "part=*" / "*.parquet"))
        conditions = [_KEYED] if batch.keyless else []
        if batch.left_out:
            conditions.append(
                f"""record_key not in (
                select record_key from audit.kept_rows_left_out
                where raw_table = {_sql_text(table.qualified)}
                    and load_id = {_sql_text(batch.load_id)}
            )"""
            )
        where = f"where {' and '.join(conditions)}" if conditions else ""
        stamp = batch.loaded_at.astimezone(dt.UTC).isoformat()
        selects.append(
            f"""
            select record_key as {key}, {values}, record_hash,
                {_sql_text(batch.load_id)} as load_id,
                cast({_sql_text(stamp)} as timestamptz) as loaded_at
            from read_parquet({files}, hive_partitioning = false)
            {where}"""
        )
    return "\nunion all\n".join(selects)


def _create_raw_view(con: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    """(Re)create the view ``raw.<name>`` of a columnar table (``_raw_rows_sql``): on every
    ``ensure_schema`` (a warehouse moved with its landing folder reads its files at their new
    place) and whenever a merge keeps a batch or leaves out a kept row."""
    if _is_base_table(con, "raw", table.name):
        return  # not moved yet (``_move_to_store``)
    con.execute(f"create or replace view {table.qualified} as {_raw_rows_sql(con, table)}")


def _record_hash_scheme(con: duckdb.DuckDBPyConnection, table: RawTable) -> None:
    con.execute(
        """
        insert or replace into audit.record_hash_schemes (raw_table, scheme, hashed_at)
        values (?, ?, ?)
        """,
        [table.qualified, COLUMNS_HASH_SCHEME, _now()],
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def serialize_record(record: Mapping[str, Any]) -> str:
    """The record as JSON, field order kept as the API sent it."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@dataclass
class LoadCounts:
    pages: int = 0
    fetched: int = 0
    duplicates_in_batch: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    quarantined: int = 0  # every quarantined item: records, and unreadable parts of pages
    unreadable: int = 0  # of which: parts of pages the client could not read into records

    @property
    def merged(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def reconciles(self) -> bool:
        """fetched = duplicates of the same record + quarantined + merged (new, changed, same).
        An unreadable part of a page (a body the client could not read) counts as one item
        fetched and one quarantined."""
        return self.fetched == self.duplicates_in_batch + self.quarantined + self.merged


@dataclass
class Load:
    load_id: str
    table: RawTable
    # what was asked (written at the start) and what fetching learnt (written at the end)
    parameters: Mapping[str, Any]
    counts: LoadCounts = field(default_factory=LoadCounts)
    status: str = "running"
    error: str | None = None
    # whether any page of the batch could be read, and the first reason one could not (set by
    # ``land_batch``)
    readable: bool = True
    first_unreadable: str | None = None


def start_load(
    con: duckdb.DuckDBPyConnection, table: RawTable, parameters: Mapping[str, Any]
) -> Load:
    ensure_schema(con, [table])
    abandon_stale_loads(con)
    load = Load(load_id=str(uuid.uuid4()), table=table, parameters=dict(parameters))
    owner = this_process()
    con.execute(
        """
        insert into audit.load_ledger
            (load_id, source, raw_table, parameters, started_at, status, pid, host)
        values (?, ?, ?, ?, ?, 'running', ?, ?)
        """,
        [
            load.load_id,
            table.source,
            table.qualified,
            redact(json.dumps(load.parameters)),
            _now(),
            owner.pid,
            owner.host,
        ],
    )
    return load


@dataclass(frozen=True)
class AbandonedLoad:
    load_id: str
    raw_table: str
    started_at: dt.datetime
    reason: str


def _why_abandoned(pid: int | None, host: str | None) -> str:
    if pid is None or host is None:
        return (
            "its process was not recorded (a ledger from before loads recorded it), and the "
            "warehouse was free to open for writing, so no process was loading into it"
        )
    owner = Owner(pid, host)
    state = gone(owner)
    if state is None:
        return (
            f"the process that ran it ({owner.describe()}) is on another host, and the "
            "warehouse was free to open for writing, so it is no longer loading into it"
        )
    if state:
        return f"the process that ran it ({owner.describe()}) is gone"
    return (
        f"the process that ran it ({owner.describe()}) no longer has the warehouse open, "
        "so the load cannot finish"
    )


def abandon_stale_loads(con: duckdb.DuckDBPyConnection) -> list[AbandonedLoad]:
    """Mark ``abandoned`` every load still ``running`` that no process will finish, with when
    (``finished_at``) and why (``error``); return them.

    ``con`` is a read-write connection: DuckDB lets one process at a time open the file for
    writing, and a load keeps its connection open from start to finish, so while ``con`` is open
    no other process is in the middle of a load. Every ``running`` load but this process's own
    is therefore stale: its process was killed (``kill -9``, a lost machine) before it could
    record an outcome."""
    ensure_schema(con)
    me = this_process()
    rows = con.execute(
        """
        select load_id, raw_table, started_at, pid, host from audit.load_ledger
        where status = 'running'
            and not (pid is not distinct from ? and host is not distinct from ?)
        order by started_at
        """,
        [me.pid, me.host],
    ).fetchall()
    abandoned = []
    for load_id, raw_table, started_at, pid, host in rows:
        reason = "abandoned: " + _why_abandoned(pid, host)
        con.execute(
            """
            update audit.load_ledger set status = 'abandoned', finished_at = ?, error = ?
            where load_id = ? and status = 'running'
            """,
            [_now(), reason, load_id],
        )
        abandoned.append(AbandonedLoad(load_id, raw_table, started_at, reason))
    return abandoned


def _quarantine_rows(
    con: duckdb.DuckDBPyConnection,
    load: Load,
    rows: Sequence[tuple[str | None, str | None, str, str | None]],
) -> None:
    """rows: (record_key, page, reason, record_json)."""
    if not rows:
        return
    now = _now()
    con.executemany(
        """
        insert into audit.quarantine
            (load_id, raw_table, record_key, page, reason, record, quarantined_at)
        values (?, ?, ?, ?, ?, ?, ?)
        """,
        [
            (
                load.load_id,
                load.table.qualified,
                redact_optional(k),
                redact_optional(p),
                redact(r),
                redact_optional(j),
                now,
            )
            for k, p, r, j in rows
        ],
    )


def landing_root(con: duckdb.DuckDBPyConnection) -> Path:
    """Where the batches of the database ``con`` is connected to are landed: the folder
    ``<database file>.landing`` beside it (``warehouse.build.duckdb.landing``), or, for an
    in-memory database, a temporary folder of this process."""
    row = con.execute(
        "select path from duckdb_databases() where database_name = current_database()"
    ).fetchone()
    path = row[0] if row else None
    if path:
        return Path(f"{path}.landing")
    global _MEMORY_ROOT
    if _MEMORY_ROOT is None:
        _MEMORY_ROOT = Path(tempfile.mkdtemp(prefix="influence-landing-"))
        atexit.register(shutil.rmtree, _MEMORY_ROOT, True)
    return _MEMORY_ROOT


_MEMORY_ROOT: Path | None = None


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _batch_dir(con: duckdb.DuckDBPyConnection, load: Load) -> Path:
    return landing_root(con) / load.table.name / f"load_id={load.load_id}"


# A batch's records carry the number of their bucket of keys (a key's every record in one
# bucket), so that a batch with a key more than once can be validated a few buckets at a time
# without rewriting it: a chunk of ``VALIDATION_CHUNK_ROWS`` records or so is the buckets whose
# number modulo the number of chunks is the chunk's (chunks stay under a million records up to
# 32 million). A batch whose every key is once is read in chunks of its rows instead.
KEY_BUCKETS = 64
# A landed row's ``position`` (its place in the batch) is its part's number times this, plus its
# place in the part (from 1): a part holds fewer rows than this. Parts are in the order they
# were fetched, and so are a page's records in their part; a file's rows are in the order
# DuckDB's threads wrote them (a row is named by its place in the file only when quarantined).
PART_ROWS = 1 << 32


@dataclass
class _Parts:
    """The Parquet files a batch is landed in while it is fetched: records into
    ``<batch>/part=<n>/rows.parquet``, one file a part, rows in the order they came; unusable
    rows into ``<folder>/bad-<n>.parquet``."""

    folder: Path
    batch: Path
    table: RawTable
    records: list[tuple[str, str, str, str]] = field(default_factory=list)
    bad: list[tuple[str | None, str | None, str, str | None]] = field(default_factory=list)
    written: int = 0
    keyless: int = 0  # rows of file parts without a usable key (in their parts, left out)

    def flush(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write the records (and the unusable ones) held so far to parts; hold nothing."""
        if self.records:
            frame = pd.DataFrame(
                self.records, columns=["record_key", "record", "record_hash", "page"]
            )
            con.register("landing_rows", frame)
            try:
                _write_rows(con, self.table, "select * from landing_rows", self.next_part())
            finally:
                con.unregister("landing_rows")
            self.records = []
        if self.bad:
            frame = pd.DataFrame(self.bad, columns=["record_key", "page", "reason", "record"])
            self.written += 1
            con.register("landing_rows", frame)
            try:
                target = self.folder / f"bad-{self.written:06d}.parquet"
                con.execute(
                    f"copy (select * from landing_rows) to {_sql_text(str(target))} "
                    "(format parquet)"
                )
            finally:
                con.unregister("landing_rows")
            self.bad = []

    def next_part(self) -> Path:
        """The file of a new part, numbered after the last (its folder made)."""
        self.written += 1
        target = self.batch / f"part={self.written:06d}" / "rows.parquet"
        target.parent.mkdir()
        return target

    def copy_file(self, con: duckdb.DuckDBPyConnection, part: FilePart) -> int:
        """Land a file part (``FilePart``): DuckDB writes its rows within the pull's scope to a
        part of its own, in one parallel pass, in whatever order its threads read them (keeping
        the file's order held the pass to one thread at its end: 6.9 against 5.0 s for a million
        archive rows, measured). A columnar table's rows get their ``record_hash`` here. A row
        without a usable key is numbered by its place in the file and set aside for the
        quarantine (``_set_aside_keyless``). The number of rows within the pull's scope."""
        select = part.select_sql()
        if self.table.columns:
            digest = self.table.columns_hash_sql(key="record_key")
            select = f"select *, {digest} as record_hash from ({select})"
        target = self.next_part()
        with _insertion_order(con, keep=False):
            _write_rows(con, self.table, f"select * from ({select}) where is_kept", target)
        row = con.execute(
            f"""
            select count(*), count(*) filter (where not ({_KEYED}))
            from read_parquet({_sql_text(str(target))})
            """
        ).fetchone()
        kept, keyless = (int(row[0]), int(row[1])) if row else (0, 0)
        if keyless:
            self.keyless += keyless
            self._set_aside_keyless(con, part)
        return kept

    def _set_aside_keyless(self, con: duckdb.DuckDBPyConnection, part: FilePart) -> None:
        """Write the rows of ``part`` within scope that have no usable key to a file of
        unusable rows, each with a reason naming its place in the file (one more pass over
        the file, numbering its rows on one thread: only for a file with such a row). The
        batch leaves them out (``_KEYED``)."""
        table = self.table
        self.written += 1
        target = self.folder / f"bad-{self.written:06d}.parquet"
        with _insertion_order(con, keep=True):
            con.execute(
                f"""
                copy (
                    select null::varchar as record_key, page,
                        'row ' || place || ' of ' || page || ' has no usable '
                            || {_sql_text(table.key_description())} || ' (got '
                            || coalesce('"' || record_key || '"', 'nothing') || ')' as reason,
                        {table.record_sql()}::varchar as record
                    from (
                        select *, record_key as {quote_identifier(table.key_column)},
                            row_number() over () as place
                        from ({part.select_sql()})
                    )
                    where is_kept and not ({_KEYED})
                    order by place
                ) to {_sql_text(str(target))} (format parquet)
                """
            )


def _write_rows(
    con: duckdb.DuckDBPyConnection, table: RawTable, select_sql: str, target: Path
) -> None:
    """Write the rows of ``select_sql`` (the landed columns of ``table``, ``_landed_columns``)
    to the Parquet file ``target``, each with its key's bucket. One file, not a folder per
    bucket: DuckDB's partitioned write took 12 CPU-s for a million archive rows that it writes
    to one file in 5."""
    columns = ", ".join(map(quote_identifier, _landed_columns(table)))
    con.execute(
        f"""
        copy (
            select {columns}, hash(record_key) % {KEY_BUCKETS} as bucket
            from ({select_sql})
        ) to {_sql_text(str(target))} (format parquet)
        """
    )


class FilePart(Protocol):
    """A part of a pull that is a file on disk (a bulk CSV), landed by DuckDB without passing
    its rows through Python. ``select_sql`` selects every row of the file, in file order, as
    landing columns: ``record_key`` (null when the row has no usable key), ``page``, ``is_kept``
    (whether the row is within the pull's scope: the others are left out of the batch) and the
    record: a columnar table's (``RawTable.columns``) value columns (``RawTable.value_columns``)
    as text, their hash added by the landing; else ``record`` (JSON) and its ``record_hash``.
    The landing reads it once, and once more, numbering its rows, only when a row within scope
    has no usable key."""

    @property
    def label(self) -> str: ...

    def select_sql(self) -> str: ...


# DuckDB's memory while a load runs (its buffer manager: what does not fit is spilled to the
# database's temporary folder), so a load's memory does not grow with its batch. Not lower:
# DuckDB's JSON functions reserve their working memory per expression and thread (16 MB blocks),
# and a suite's projection reads some thirty fields (2,150 LDA filings, 10 MB of JSON, ran out
# of a 1 GB limit).
LOAD_MEMORY_LIMIT = "2GB"
# A columnar table's load (``RawTable.columns``: bulk files) parses no JSON, and its process
# holds a validation bucket in pandas beside DuckDB, so DuckDB gets less.
COLUMNAR_LOAD_MEMORY_LIMIT = "1GB"


@contextmanager
def load_memory(con: duckdb.DuckDBPyConnection, table: RawTable | None = None) -> Iterator[None]:
    """Hold DuckDB to ``LOAD_MEMORY_LIMIT`` (``COLUMNAR_LOAD_MEMORY_LIMIT`` for a columnar
    ``table``) for the time of a load, then restore its limit. (Insertion order is kept: a bulk
    file's rows are numbered in file order.)"""
    row = con.execute("select current_setting('memory_limit')").fetchone()
    limit = row[0] if row else None
    held = COLUMNAR_LOAD_MEMORY_LIMIT if table is not None and table.columns else LOAD_MEMORY_LIMIT
    con.execute(f"set memory_limit = '{held}'")
    try:
        yield
    finally:
        if limit:
            con.execute(f"set memory_limit = '{limit}'")


def _landed_columns(table: RawTable) -> list[str]:
    """The columns of a landed batch's files, but ``bucket``."""
    return ["record_key", *table.value_columns, "record_hash", "page"]


LANDING_PART_RECORDS = 50_000  # records held in memory before they are written to a part
VALIDATION_CHUNK_ROWS = 500_000  # records validated at a time (about: a chunk of the batch)


def land_batch(
    con: duckdb.DuckDBPyConnection, load: Load, pages: Iterable[FetchedPage | FilePart]
) -> None:
    """Fetch the pages (lazily, one at a time) and land them as the batch ``landing_batch``.

    Pages are written to Parquet parts as they arrive (``LANDING_PART_RECORDS`` records at a
    time), so memory does not grow with the batch. A file part (``FilePart``, a bulk CSV) is
    copied by DuckDB straight into a part. A part is one file,
    ``<landing root>/<table>/load_id=<id>/batch/part=<n>/rows.parquet`` (Parquet in Hive-style
    folders, which any engine reads), and each row carries its key's bucket, so the batch can
    be validated a chunk at a time without being rewritten (``batch_chunks``); ``landing_batch``
    is a view over it.

    A record that is not a JSON object or has no usable natural key is quarantined with that
    reason (it cannot be merged whatever the batch's fate), and so is each unreadable part of a
    page: ``record`` holds ``{"body": <the text as received>}`` and ``page`` the request.
    Records repeated verbatim across pages or queries (an award found by agency and by company)
    are landed once and counted as duplicates. The same key with different content stays twice,
    so the uniqueness expectation fails and the batch is quarantined rather than one version
    chosen silently. A failure while fetching leaves nothing behind (``discard_batch``).
    """
    table = load.table
    folder = _batch_dir(con, load)
    discard_batch(con)
    shutil.rmtree(folder, ignore_errors=True)
    parts_dir = folder / "parts"
    parts_dir.mkdir(parents=True)
    (folder / "batch").mkdir()
    parts = _Parts(parts_dir, folder / "batch", table)
    counts = load.counts
    readable = False
    for page in pages:
        counts.pages += 1
        if not isinstance(page, FetchedPage):
            parts.flush(con)  # the pages before it stay before it
            landed = parts.copy_file(con, page)
            counts.fetched += landed
            readable = readable or landed > 0
            continue
        if table.columns:
            raise TypeError(
                f"{table.qualified} is landed from files only (its rows are columns, not JSON "
                f"records); {page.label} is a page"
            )
        readable = readable or bool(page.records) or not page.unreadable
        for part in page.unreadable:
            load.first_unreadable = load.first_unreadable or part.reason
            counts.fetched += 1
            counts.unreadable += 1
            body = json.dumps({"body": part.body}, ensure_ascii=False)
            parts.bad.append((None, redact(page.label), redact(part.reason), redact(body)))
        for index, record in enumerate(page.records):
            counts.fetched += 1
            name = page.record_names[index] if index < len(page.record_names) else None
            where = f"{name or f'record {index}'} of {page.label}"
            if not isinstance(record, dict):
                reason = f"{where} is not a JSON object"
                parts.bad.append((None, redact(page.label), redact(reason), json.dumps(record)))
                continue
            text = redact(serialize_record(record))
            key = table.key_of(record)
            if key is None:
                got = (
                    {name: field_value(record, name) for name in table.key_fields}
                    if table.key_fields
                    else field_value(record, table.key_field)
                )
                reason = f"{where} has no usable {table.key_description()} (got {got!r})"
                parts.bad.append((None, redact(page.label), redact(reason), text))
                continue
            digest = table.content_hash(record, text)
            parts.records.append((redact(key), text, digest, redact(page.label)))
        if len(parts.records) + len(parts.bad) >= LANDING_PART_RECORDS:
            parts.flush(con)
    parts.flush(con)
    load.readable = readable or counts.pages == 0
    _consolidate(con, load, folder, parts_dir, keyless=parts.keyless > 0)


def _record_files(batch: Path) -> list[str]:
    """The batch's record files, in part order."""
    return sorted(str(f) for f in batch.glob("part=*/*.parquet"))


def _read_parts(files: Sequence[str]) -> str:
    """The rows of the part ``files``: their columns, ``part`` (the part's number, from its
    folder) and ``file_row_number`` (the row's place in its part, from 0)."""
    listed = ", ".join(map(_sql_text, files))
    return (
        f"read_parquet([{listed}], hive_partitioning = true, hive_types = {{'part': BIGINT}}, "
        "file_row_number = true)"
    )


def _consolidate(
    con: duckdb.DuckDBPyConnection, load: Load, folder: Path, parts_dir: Path, *, keyless: bool
) -> None:
    """Quarantine the parts' unusable rows and count the batch: its records, the ones repeated
    verbatim (read once), and the chunks it is validated in (``VALIDATION_CHUNK_ROWS`` records
    each, about). Nothing is rewritten: the batch is the parts' records with a usable key."""
    table = load.table
    counts = load.counts
    bad = _sql_text(str(parts_dir / "bad-*.parquet"))
    files = _record_files(folder / "batch")
    now = _now()
    if any(parts_dir.glob("bad-*.parquet")):
        row = con.execute(
            f"""
            insert into audit.quarantine
                (load_id, raw_table, record_key, page, reason, record, quarantined_at)
            select ?, ?, record_key, page, reason, record, ? from read_parquet({bad})
            """,
            [load.load_id, table.qualified, now],
        ).fetchone()
        counts.quarantined += int(row[0]) if row else 0
    chunks, repeated = 0, False
    ranges: list[list[_Range]] = []  # none: chunks are key buckets
    if files:
        records = _read_parts(files)
        row = con.execute(
            f"select count(*), count(distinct record_key) from {records} where {_KEYED}"
        ).fetchone()
        keyed, keys = (int(row[0]), int(row[1])) if row else (0, 0)
        if keys == keyed:
            # every key once (the common case): chunks of the parts' rows in their order
            ranges = _row_ranges(con, files, VALIDATION_CHUNK_ROWS)
            chunks = len(ranges)
        else:
            row = con.execute(
                f"""
                select count(distinct (record_key, record_hash)) from {records}
                where {_KEYED}
                """
            ).fetchone()
            n_distinct = int(row[0]) if row else 0
            counts.duplicates_in_batch += keyed - n_distinct
            repeated = keyed > n_distinct
            chunks = min(KEY_BUCKETS, max(1, -(-n_distinct // VALIDATION_CHUNK_ROWS)))
    shutil.rmtree(parts_dir, ignore_errors=True)
    info = _BatchInfo(
        str(folder / "batch"),
        chunks,
        repeated,
        table.key_column,
        tuple(table.columns),
        tuple(tuple(chunk) for chunk in ranges),
        keyless,
    )
    _store_batch_info(con, info)


def _store_batch_info(con: duckdb.DuckDBPyConnection, info: _BatchInfo) -> None:
    """Keep ``info`` with the connection ``con`` (a temporary table) and point its
    ``landing_batch`` at the whole batch."""
    con.execute(f"drop table if exists {BATCH_INFO}")
    con.execute(
        f"""
        create temp table {BATCH_INFO} as
        select ? as folder, ? as chunks, ? as repeated, ? as key_column, ? as columns,
            ? as ranges, ? as keyless
        """,
        [
            info.folder,
            info.chunks,
            info.repeated,
            info.key_column,
            list(info.columns),
            json.dumps(info.ranges),
            info.keyless,
        ],
    )
    _point_batch_view(con, None)


# A chunk read by the places of its rows: the part files it spans, each with the rows taken
# (``file_row_number`` from ``first`` to before ``end``)
_Range = tuple[str, int, int]


def _row_ranges(
    con: duckdb.DuckDBPyConnection, files: Sequence[str], size: int
) -> list[list[_Range]]:
    """The parts' rows cut, in their order, into chunks of ``size`` rows (the last smaller)."""
    listed = ", ".join(map(_sql_text, files))
    rows = dict(
        con.execute(
            f"select file_name, sum(num_rows) from parquet_file_metadata([{listed}]) group by all"
        ).fetchall()
    )
    chunks: list[list[_Range]] = []
    current: list[_Range] = []
    held = 0
    for file in files:
        total, first = int(rows.get(file, 0)), 0
        while first < total:
            end = min(total, first + size - held)
            current.append((file, first, end))
            held += end - first
            first = end
            if held >= size:
                chunks.append(current)
                current, held = [], 0
    if current:
        chunks.append(current)
    return chunks


BATCH_INFO = "landing_batch_info"  # a temporary table: where the batch is, in how many chunks
_KEYED = "record_key is not null and trim(record_key) <> ''"


@dataclass(frozen=True)
class _BatchInfo:
    folder: str
    chunks: int
    repeated: bool  # some record is in the parts more than once (verbatim): read once
    key_column: str
    columns: tuple[str, ...]  # a columnar table's columns (``RawTable.columns``), else empty
    # each chunk's rows by their places (every key of the batch once), or none: chunks of key
    # buckets (some key more than once: its every record must be in one chunk)
    ranges: tuple[tuple[_Range, ...], ...]
    # some row of its files has no usable key (quarantined; ``_KEYED`` leaves it out)
    keyless: bool = False

    def files(self, chunk: int | None = None) -> list[str]:
        """The record files of the batch, or of one chunk of it."""
        if chunk is None or not self.ranges:
            return _record_files(Path(self.folder))
        return list(dict.fromkeys(file for file, _, _ in self.ranges[chunk]))

    def chunk_filter(self, chunk: int) -> str:
        """SQL selecting the rows of ``chunk`` from its files (``_read_parts``)."""
        if not self.ranges:
            return f"bucket % {self.chunks} = {int(chunk)}"
        return " or ".join(
            f"(part = {_part_number(file)} and file_row_number >= {first} "
            f"and file_row_number < {end})"
            for file, first, end in self.ranges[chunk]
        )


def _batch_info(con: duckdb.DuckDBPyConnection) -> _BatchInfo | None:
    try:
        row = con.execute(
            f"select folder, chunks, repeated, key_column, columns, ranges, keyless "
            f"from {BATCH_INFO}"
        ).fetchone()
    except duckdb.CatalogException:
        return None
    if not row:
        return None
    ranges = tuple(
        tuple((str(f), int(a), int(b)) for f, a, b in chunk) for chunk in json.loads(row[5])
    )
    return _BatchInfo(
        str(row[0]),
        int(row[1]),
        bool(row[2]),
        str(row[3]),
        tuple(row[4] or ()),
        ranges,
        bool(row[6]),
    )


def _part_number(file: str) -> int:
    """The number of the part a record file is in (``<batch>/part=<n>/rows.parquet``)."""
    return int(Path(file).parent.name.removeprefix("part="))


def _point_batch_view(con: duckdb.DuckDBPyConnection, chunk: int | None) -> None:
    """Point ``landing_batch`` at the whole batch (``chunk`` None) or at one chunk of it.

    Its columns: ``record_key``, ``record`` (JSON), ``record_hash``, ``page``, ``position``
    (the row's place in the batch: ``PART_ROWS``); a columnar table's batch has its columns
    too, and ``record`` packs them (built only when a query reads it: a quarantine). Rows
    outside the pull's scope and rows without a usable key (quarantined already) are left out,
    and a record repeated verbatim is read once, at its first place."""
    info = _batch_info(con)
    files = info.files(chunk) if info and info.chunks else []
    columns = info.columns if info else ()
    key = quote_identifier(info.key_column) if info else ""
    if files:
        assert info is not None
        position = f"part * {PART_ROWS} + file_row_number + 1"
        in_chunk = f"and ({info.chunk_filter(chunk)})" if chunk is not None else ""
        once = (
            "qualify row_number() over "
            f"(partition by record_key, record_hash order by {position}) = 1"
            if info.repeated
            else ""
        )
        rows = f"""(
            select * exclude (part, file_row_number, bucket), {position} as position
            from {_read_parts(files)}
            where {_KEYED} {in_chunk}
            {once}
        )"""
    if columns:
        assert info is not None
        empty = ", ".join(
            f"null::varchar as {quote_identifier(c)}" for c in columns if c != info.key_column
        )
        source = (
            f"(select *, record_key as {key} from {rows})"
            if files
            else f"(select null::varchar as record_key, {empty}, null::ubigint as record_hash, "
            f"null::varchar as page, null::bigint as position, null::varchar as {key} where false)"
        )
        select = f"""
            select record_key, {packed_record_sql(columns)} as record, record_hash, page, position,
                {", ".join(map(quote_identifier, columns))}
            from {source}
        """
    elif files:
        select = f"select record_key, record, record_hash, page, position from {rows}"
    else:
        select = """
            select
                null::varchar as record_key, null::json as record, null::varchar as record_hash,
                null::varchar as page, null::bigint as position
            where false
        """
    con.execute(f"create or replace temp view {BATCH_TABLE} as {select}")


def batch_chunks(con: duckdb.DuckDBPyConnection) -> Iterator[int]:
    """Point ``landing_batch`` at each chunk of the batch in turn (yielding its number), then
    back at the whole batch. Every record of a key is in one chunk (a chunk of rows in their
    order when every key is in the batch once, else of key buckets), so an expectation of
    uniqueness holds on the batch exactly when it holds on each chunk."""
    info = _batch_info(con)
    chunks = info.chunks if info else 0
    try:
        for chunk in range(max(chunks, 1)):
            if chunks:
                _point_batch_view(con, chunk)
            yield chunk
    finally:
        _point_batch_view(con, None)


def discard_batch(con: duckdb.DuckDBPyConnection) -> None:
    """Forget the connection's current batch (its view and bookkeeping; not its files)."""
    con.execute(f"drop view if exists {BATCH_TABLE}")
    con.execute(f"drop table if exists {BATCH_INFO}")


def prune_batches(con: duckdb.DuckDBPyConnection, table: RawTable, keep: int = 2) -> None:
    """Remove the landed batches of ``table`` but the newest ``keep`` merged ones (a failed,
    quarantined or killed load's batch goes at once: its records are in the quarantine or were
    never accepted). Kept batches (``_keep_batch``: rows of the table) stay."""
    root = landing_root(con) / table.name
    if not root.exists():
        return
    kept = {
        load_id
        for (load_id,) in con.execute(
            """
            select load_id from audit.load_ledger
            where raw_table = ? and status = 'succeeded'
            order by started_at desc limit ?
            """,
            [table.qualified, keep],
        ).fetchall()
    }
    running = {
        load_id
        for (load_id,) in con.execute(
            "select load_id from audit.load_ledger where raw_table = ? and status = 'running'",
            [table.qualified],
        ).fetchall()
    }
    for folder in root.glob("load_id=*"):
        load_id = folder.name.removeprefix("load_id=")
        if load_id not in kept and load_id not in running:
            shutil.rmtree(folder, ignore_errors=True)
    # a kept batch's folder whose merge did not commit (the process killed before it could
    # remove it): no row of ``raw.<name>`` is read from it
    rows_of = {
        load_id
        for (load_id,) in con.execute(
            "select load_id from audit.kept_batches where raw_table = ?", [table.qualified]
        ).fetchall()
    }
    for folder in (root / "kept").glob("load_id=*"):
        load_id = folder.name.removeprefix("load_id=")
        if load_id not in rows_of and load_id not in running:
            shutil.rmtree(folder, ignore_errors=True)


def quarantine_batch(con: duckdb.DuckDBPyConnection, load: Load, reason: str) -> None:
    """Keep the whole batch in ``audit.quarantine`` with the reason; merge nothing."""
    con.execute("begin transaction")
    try:
        con.execute(
            f"""
            insert into audit.quarantine
                (load_id, raw_table, record_key, page, reason, record, quarantined_at)
            select ?, ?, record_key, page, ?, record, ?
            from {BATCH_TABLE}
            order by position
            """,
            [load.load_id, load.table.qualified, redact(reason), _now()],
        )
        batch_size = _batch_size(con)
        load.counts.quarantined += batch_size
        load.status = "quarantined"
        load.error = redact(reason)
        _write_ledger(con, load)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise


def _quarantine_batch_records(
    con: duckdb.DuckDBPyConnection, load: Load, reasons: Mapping[str, str]
) -> None:
    """Move the batch's records whose keys are in ``reasons`` to ``audit.quarantine``, each with
    its reason (inside the caller's transaction); ``landing_quarantined`` keeps their keys, which
    the merge then leaves out."""
    frame = pd.DataFrame(
        [(redact(k), redact(r)) for k, r in reasons.items()], columns=["record_key", "reason"]
    )
    con.register("quarantine_reasons", frame)
    try:
        moved = con.execute(
            f"""
            insert into audit.quarantine
                (load_id, raw_table, record_key, page, reason, record, quarantined_at)
            select ?, ?, b.record_key, b.page, q.reason, b.record, ?
            from {BATCH_TABLE} b
            join quarantine_reasons q using (record_key)
            order by b.position
            """,
            [load.load_id, load.table.qualified, _now()],
        ).fetchone()
        con.execute(
            "insert into landing_quarantined select distinct record_key from quarantine_reasons"
        )
    finally:
        con.unregister("quarantine_reasons")
    load.counts.quarantined += int(moved[0]) if moved else 0


def keys_not_in_batch(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> list[str]:
    """The ``keys`` that name no record of the batch."""
    wanted = [redact(k) for k in keys]
    if not wanted:
        return []
    frame = pd.DataFrame({"record_key": wanted})
    con.register("wanted_keys", frame)
    try:
        found = {
            k
            for (k,) in con.execute(
                f"""
                select distinct record_key from {BATCH_TABLE}
                where record_key in (select record_key from wanted_keys)
                """
            ).fetchall()
        }
    finally:
        con.unregister("wanted_keys")
    return [k for k in wanted if k not in found]


def _batch_size(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"select count(*) from {BATCH_TABLE}").fetchone()
    return int(row[0]) if row else 0


def _keep_batch(
    con: duckdb.DuckDBPyConnection, load: Load, info: _BatchInfo, now: dt.datetime
) -> Path:
    """Keep the batch's record files as they were landed, as rows of its table: each file
    hard-linked (copied where the file system cannot link) into
    ``<landing root>/<table>/kept/load_id=<id>/part=<n>/``, which ``prune_batches`` leaves be,
    and recorded in ``audit.kept_batches`` (in the caller's transaction). The folder."""
    root = landing_root(con)
    relative = Path(load.table.name) / "kept" / f"load_id={load.load_id}"
    folder = root / relative
    shutil.rmtree(folder, ignore_errors=True)
    for file in info.files():
        source = Path(file)
        target = folder / source.parent.name / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
    con.execute(
        """
        insert into audit.kept_batches (raw_table, load_id, loaded_at, folder, kept_at, keyless)
        values (?, ?, ?, ?, ?, ?)
        """,
        [load.table.qualified, load.load_id, now, relative.as_posix(), _now(), info.keyless],
    )
    return folder


def merge_batch(
    con: duckdb.DuckDBPyConnection, load: Load, quarantine: Mapping[str, str] | None = None
) -> None:
    """Merge the batch into ``raw.<table>`` in one transaction: insert new keys, replace changed
    records, leave identical ones untouched.

    ``quarantine`` (record key -> reason) names records that failed validation on their own: in
    the same transaction they go to ``audit.quarantine`` with their reason and are not merged (a
    stored earlier version of the same key stays as it was), and they count as quarantined.
    Only keys and actions are held apart from the batch (``landing_diff``); records are read
    from the batch's files as they are written, so memory does not grow with the batch.

    A columnar table's batch whose every key is new (a first load of a bulk file) and none
    repeated is kept as it was landed (``_keep_batch``): its files become rows of
    ``raw.<name>`` as they are, none written again, its quarantined keys left out. Inserting
    ten million archive rows cost 6.5 to 7 CPU-s per million, some 30% of the load. Any other
    batch is written to ``raw_store.<name>``: a new version of a kept row there, with the kept
    row left out from then on."""
    table = load.table
    key = table.key_column
    info = _batch_info(con)
    kept_folder: Path | None = None
    con.execute("create or replace temp table landing_quarantined (record_key varchar)")
    con.execute("begin transaction")
    try:
        if quarantine:
            _quarantine_batch_records(con, load, quarantine)
        # where each key's current row is: in the stored table, or in a kept batch (held_by)
        held_by = (
            f"""case when t.load_id in (
                select load_id from audit.kept_batches
                where raw_table = {_sql_text(table.qualified)}
            ) then t.load_id end"""
            if table.columns
            else "null"
        )
        con.execute(
            f"""
            create or replace temp table landing_diff as
            select b.record_key,
                   case when t.{key} is null then 'insert'
                        when t.record_hash <> b.record_hash then 'update'
                        else 'same' end as action,
                   {held_by} as held_by
            from {BATCH_TABLE} b
            left join {table.qualified} t on t.{key} = b.record_key
            where b.record_key not in (select record_key from landing_quarantined)
            """
        )
        actions = dict(
            con.execute("select action, count(*) from landing_diff group by action").fetchall()
        )
        now = _now()
        if (
            table.columns
            and info
            and info.chunks
            and not info.repeated
            and set(actions) == {"insert"}
        ):
            kept_folder = _keep_batch(con, load, info, now)
            con.execute(
                """
                insert into audit.kept_rows_left_out (raw_table, load_id, record_key, why)
                select distinct ?, ?, record_key, 'quarantined' from landing_quarantined
                """,
                [table.qualified, load.load_id],
            )
            _create_raw_view(con, table)
        else:
            _write_batch(con, load, actions, bool(quarantine), now)
        load.counts.inserted = int(actions.get("insert", 0))
        load.counts.updated = int(actions.get("update", 0))
        load.counts.unchanged = int(actions.get("same", 0))
        load.status = "succeeded"
        _write_ledger(con, load)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        if kept_folder is not None:
            shutil.rmtree(kept_folder, ignore_errors=True)
        raise
    finally:
        con.execute("drop table if exists landing_diff")
        con.execute("drop table if exists landing_quarantined")


def _write_batch(
    con: duckdb.DuckDBPyConnection,
    load: Load,
    actions: Mapping[str, int],
    quarantined: bool,
    now: dt.datetime,
) -> None:
    """``merge_batch``'s writes into the stored table (``RawTable.stored``): changed rows
    updated in place, new keys inserted; a changed row of a kept batch is inserted, and the
    kept row left out of ``raw.<name>`` from then on."""
    table = load.table
    target = table.stored
    key = table.key_column
    replaced = 0
    if table.columns and actions.get("update"):
        row = con.execute(
            """
            insert into audit.kept_rows_left_out (raw_table, load_id, record_key, why)
            select ?, held_by, record_key, ? from landing_diff
            where action = 'update' and held_by is not null
            """,
            [table.qualified, f"replaced by load {load.load_id}"],
        ).fetchone()
        replaced = int(row[0]) if row else 0
    values = [quote_identifier(c) for c in table.value_columns]
    assignments = ", ".join(f"{c} = b.{c}" for c in values)
    # every record new and none quarantined (a first load): no need to look them up
    only_new = set(actions) == {"insert"} and not quarantined
    inserted = "action = 'insert'" + (
        " or (action = 'update' and held_by is not null)" if replaced else ""
    )
    wanted = (
        ""
        if only_new
        else f"where record_key in (select record_key from landing_diff where {inserted})"
    )
    # one chunk of the batch at a time, so a statement's memory is a chunk's, not the
    # batch's. Rows go in in the order they were fetched; a columnar table's (bulk files)
    # in no particular order: sorting a chunk of wide rows again did not fit in its load's
    # memory (500,000 archive rows, 768 MB), and keeping the files' order held its insert
    # to one thread (3.1 against 1.5 s for 500,000 archive rows, measured)
    order = "" if table.columns else "order by position"
    chunks: Iterable[int | None] = ()
    if table.columns and actions.get("insert") and not actions.get("update"):
        # but a columnar table's new rows go in in one statement over the whole batch: no
        # order to keep, so nothing is held but the rows in flight (a chunk at a time, every
        # chunk read every part: 95 s for ten million archive rows in 20 chunks)
        chunks = (None,)
    elif actions.get("update") or actions.get("insert"):
        chunks = batch_chunks(con)
    with _insertion_order(con, keep=not table.columns):
        for _ in chunks:
            if actions.get("update") and replaced < actions["update"]:
                con.execute(
                    f"""
                    update {target} as t
                    set {assignments}, record_hash = b.record_hash, load_id = ?, loaded_at = ?
                    from (
                        select record_key, {", ".join(values)}, record_hash from {BATCH_TABLE}
                        where record_key in (
                            select record_key from landing_diff
                            where action = 'update' and held_by is null
                        )
                    ) b
                    where t.{key} = b.record_key
                    """,
                    [load.load_id, now],
                )
            if actions.get("insert") or replaced:
                con.execute(
                    f"""
                    insert into {target}
                        ({key}, {", ".join(values)}, record_hash, load_id, loaded_at)
                    select record_key, {", ".join(values)}, record_hash, ?, ?
                    from {BATCH_TABLE}
                    {wanted}
                    {order}
                    """,
                    [load.load_id, now],
                )
    if replaced:
        _create_raw_view(con, table)


@contextmanager
def _insertion_order(con: duckdb.DuckDBPyConnection, *, keep: bool) -> Iterator[None]:
    """DuckDB keeping the insertion order (``keep``) or not meanwhile; its setting is restored
    after."""
    row = con.execute("select current_setting('preserve_insertion_order')").fetchone()
    setting = bool(row[0]) if row else True
    con.execute(f"set preserve_insertion_order = {str(keep).lower()}")
    try:
        yield
    finally:
        con.execute(f"set preserve_insertion_order = {str(setting).lower()}")


def fail_load(con: duckdb.DuckDBPyConnection, load: Load, error: BaseException | str) -> None:
    """Record a load that stopped before it could be merged (fetch or parse error)."""
    load.status = "failed"
    load.error = redact(str(error))
    _write_ledger(con, load)


def _write_ledger(con: duckdb.DuckDBPyConnection, load: Load) -> None:
    c = load.counts
    con.execute(
        """
        update audit.load_ledger set
            finished_at = ?, status = ?, pages = ?, records_fetched = ?,
            duplicates_in_batch = ?, records_inserted = ?, records_updated = ?,
            records_unchanged = ?, records_quarantined = ?, error = ?, parameters = ?,
            unreadable_quarantined = ?
        where load_id = ?
        """,
        [
            _now(),
            load.status,
            c.pages,
            c.fetched,
            c.duplicates_in_batch,
            c.inserted,
            c.updated,
            c.unchanged,
            c.quarantined,
            redact_optional(load.error),
            redact(json.dumps(load.parameters)),
            c.unreadable,
            load.load_id,
        ],
    )
