"""Landing: one load is one batch, validated before it is merged into ``raw.*``.

A load goes through the same steps whatever the source:

1. ``start_load`` writes a ``running`` row to ``audit.load_ledger`` (source, parameters, start,
   and the process that runs the load: pid and host). A load whose process died (``kill -9``)
   stays ``running``; the next load marks it ``abandoned`` (``abandon_stale_loads``).
2. ``land_batch`` puts every fetched record into a temporary batch table with its natural key and
   the page it came from. Records that cannot be keyed are quarantined one by one with the reason,
   and so is every part of a page the client could not read (``FetchedPage.unreadable``: a broken
   body, kept as text with the reason and the request that fetched it), so one unreadable answer
   does not sink the load.
3. The caller validates the batch (``expectations``) and, by the outcome (``ingest.load``):
   - a batch-level critical failure (uniqueness, or more failing records than one and than
     ``expectations.suite.RECORD_FAILURE_SHARE`` of the batch: an API drift) quarantines the
     whole batch (kept in ``audit.quarantine`` with the failed expectations as the reason) and
     merges nothing (``quarantine_batch``);
   - otherwise new and changed records are merged into ``raw.<table>`` in one transaction
     (``merge_batch``), and in the same transaction each record that failed a critical
     record-level expectation is quarantined alone, with a reason naming it and the field.
4. A fetch that fails before landing is recorded by ``fail_load``; nothing is merged.

Records are kept as fetched: ``record`` holds the API object as JSON, unchanged. Every
transformation happens later, in dbt. The one exception is a secret (``LDA_API_KEY``): whatever
landing writes (records, pages, reasons, the ledger's ``error``) goes through
``ingest.redaction.redact``, so a body that echoes the key is stored with a marker in its place.
Merging is idempotent: an unchanged record (same hash) is left alone, so a second identical load
changes no row of ``raw.*``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
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

    @property
    def qualified(self) -> str:
        return f"raw.{self.name}"

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


BATCH_TABLE = "landing_batch"  # a temporary table, one per connection

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
    return f"""
        create table if not exists {table.qualified} (
            {table.key_column} varchar primary key,
            record json not null,
            record_hash varchar not null,
            load_id varchar not null,
            loaded_at timestamptz not null
        )
    """


def ensure_schema(con: duckdb.DuckDBPyConnection, tables: Iterable[RawTable] = ()) -> None:
    """Create the audit tables and the given raw tables if they are missing (safe to call on
    every load). The raw tables are the sources' (``ingest.sources.raw_tables()``)."""
    for statement in _DDL:
        con.execute(statement)
    for table in tables:
        con.execute(_raw_table_ddl(table))


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


def land_batch(con: duckdb.DuckDBPyConnection, load: Load, pages: Iterable[FetchedPage]) -> None:
    """Put the fetched pages into the temporary batch table ``landing_batch``.

    A record that is not a JSON object or has no usable natural key is quarantined at once with
    that reason (it cannot be merged whatever the batch's fate), and so is each unreadable part of
    a page: ``record`` holds ``{"body": <the text as received>}`` and ``page`` the request.
    Records repeated verbatim across pages or queries (an award found by agency and by company)
    are landed once and counted as duplicates. The same key with different content stays twice,
    so the uniqueness expectation fails and the batch is quarantined rather than one version
    chosen silently.
    """
    table = load.table
    con.execute(f"drop table if exists {BATCH_TABLE}")
    con.execute(
        f"""
        create temp table {BATCH_TABLE} (
            record_key varchar,
            record json not null,
            record_hash varchar not null,
            page varchar not null,
            position integer not null
        )
        """
    )
    rows: list[tuple[str, str, str, str, int]] = []
    seen: set[tuple[str, str]] = set()
    bad: list[tuple[str | None, str | None, str, str | None]] = []
    counts = load.counts
    position = 0
    for page in pages:
        counts.pages += 1
        for part in page.unreadable:
            counts.fetched += 1
            counts.unreadable += 1
            body = json.dumps({"body": part.body}, ensure_ascii=False)
            bad.append((None, page.label, part.reason, body))
        for index, record in enumerate(page.records):
            counts.fetched += 1
            name = page.record_names[index] if index < len(page.record_names) else None
            where = f"{name or f'record {index}'} of {page.label}"
            if not isinstance(record, dict):
                bad.append((None, page.label, f"{where} is not a JSON object", json.dumps(record)))
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
                bad.append((None, page.label, reason, text))
                continue
            digest = table.content_hash(record, text)
            if (key, digest) in seen:
                counts.duplicates_in_batch += 1
                continue
            seen.add((key, digest))
            rows.append((redact(key), text, digest, redact(page.label), position))
            position += 1
    counts.quarantined += len(bad)
    _quarantine_rows(con, load, bad)
    if rows:
        # One bulk insert from a DataFrame: row-by-row executemany was most of a load's time
        # (tests/benchmarks/bench_lda_load.py).
        frame = pd.DataFrame(
            rows, columns=["record_key", "record", "record_hash", "page", "position"]
        )
        con.register("landing_rows", frame)
        try:
            con.execute(
                f"""
                insert into {BATCH_TABLE}
                select record_key, record::json, record_hash, page, position from landing_rows
                """
            )
        finally:
            con.unregister("landing_rows")


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
    its reason (inside the caller's transaction)."""
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
            f"delete from {BATCH_TABLE} "
            "where record_key in (select record_key from quarantine_reasons)"
        )
    finally:
        con.unregister("quarantine_reasons")
    load.counts.quarantined += int(moved[0]) if moved else 0


def keys_not_in_batch(con: duckdb.DuckDBPyConnection, keys: Iterable[str]) -> list[str]:
    """The ``keys`` that name no record of the batch."""
    wanted = [redact(k) for k in keys]
    if not wanted:
        return []
    found = {k for (k,) in con.execute(f"select distinct record_key from {BATCH_TABLE}").fetchall()}
    return [k for k in wanted if k not in found]


def _batch_size(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute(f"select count(*) from {BATCH_TABLE}").fetchone()
    return int(row[0]) if row else 0


def merge_batch(
    con: duckdb.DuckDBPyConnection, load: Load, quarantine: Mapping[str, str] | None = None
) -> None:
    """Merge the batch into ``raw.<table>`` in one transaction: insert new keys, replace changed
    records, leave identical ones untouched.

    ``quarantine`` (record key -> reason) names records that failed validation on their own: in
    the same transaction they go to ``audit.quarantine`` with their reason and are not merged (a
    stored earlier version of the same key stays as it was), and they count as quarantined."""
    table = load.table
    target = table.qualified
    key = table.key_column
    con.execute("begin transaction")
    try:
        if quarantine:
            _quarantine_batch_records(con, load, quarantine)
        con.execute(
            f"""
            create or replace temp table landing_diff as
            select b.record_key, b.record, b.record_hash,
                   case when t.{key} is null then 'insert'
                        when t.record_hash <> b.record_hash then 'update'
                        else 'same' end as action
            from {BATCH_TABLE} b
            left join {target} t on t.{key} = b.record_key
            """
        )
        actions = dict(
            con.execute("select action, count(*) from landing_diff group by action").fetchall()
        )
        now = _now()
        con.execute(
            f"""
            update {target} as t
            set record = d.record, record_hash = d.record_hash, load_id = ?, loaded_at = ?
            from landing_diff d
            where d.action = 'update' and t.{key} = d.record_key
            """,
            [load.load_id, now],
        )
        con.execute(
            f"""
            insert into {target} ({key}, record, record_hash, load_id, loaded_at)
            select record_key, record, record_hash, ?, ?
            from landing_diff where action = 'insert'
            """,
            [load.load_id, now],
        )
        load.counts.inserted = int(actions.get("insert", 0))
        load.counts.updated = int(actions.get("update", 0))
        load.counts.unchanged = int(actions.get("same", 0))
        load.status = "succeeded"
        _write_ledger(con, load)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists landing_diff")


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
