"""Publishing the warehouse: analysts read a file that a refresh never writes.

A refresh lands, validates and builds in its own database beside the published file (the *build
database*, ``warehouse.build.duckdb`` for ``warehouse.duckdb``). When the build has finished, the
tables analysts use are copied into a new file (a *snapshot*, in ``warehouse.snapshots/``), and
that file is moved over the published path in one ``rename``. An analyst who has the old file open
keeps reading the old snapshot (the open file lives on until it is closed); the next connection
opens the new one. Nothing an analyst holds open is ever written by a refresh, and no half-built
table is ever published: a refresh killed before the rename leaves the published file as it was.

Snapshots are written in DuckDB's v1.0.0 storage format, which DuckDB 1.0 and every later version
(2.x included) open, so analysts' DuckDB 1.x tools read the published file. The newest ``keep``
snapshots are kept, each with a JSON sidecar saying when it was published and which loads (load
ids of ``audit.load_ledger``) its data came from; ``influence snapshots`` lists them.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

# the schemas analysts use: marts and the intermediate tables they are built from, the reference
# seeds, the resolver's evaluation, and the audit trail (ledger, validation, quarantine,
# freshness). Not raw (the fetched JSON) and not staging (views and incremental tables over raw):
# they stay in the build database, where the next refresh needs them.
PUBLISHED_SCHEMAS = ("marts", "intermediate", "reference", "evaluation", "audit")
# the oldest storage format DuckDB can write: DuckDB 1.0 and later read it
STORAGE_VERSION = "v1.0.0"
DEFAULT_KEEP = 2
SNAPSHOT_TABLE = "audit.published_snapshot"
PARTIAL_SUFFIX = ".partial"


@dataclass(frozen=True)
class WarehouseFiles:
    """The files of one warehouse, named after the published file (``INFLUENCE_WAREHOUSE``)."""

    published: Path

    @property
    def build(self) -> Path:
        """The refresh's own database: raw data, ledger, and every dbt model."""
        return self.published.with_name(f"{self.published.stem}.build.duckdb")

    @property
    def snapshots(self) -> Path:
        return self.published.with_name(f"{self.published.stem}.snapshots")

    @property
    def digests(self) -> Path:
        """The watchlist digests, one Markdown and one JSON file per snapshot (ingest.alerts)."""
        return self.published.with_name(f"{self.published.stem}.digests")

    def snapshot_file(self, snapshot_id: str) -> Path:
        return self.snapshots / f"{self.published.stem}-{snapshot_id}.duckdb"


@dataclass(frozen=True)
class Snapshot:
    """One published snapshot, as its sidecar describes it."""

    snapshot_id: str
    published_at: str  # ISO 8601, UTC
    file: str
    storage_version: str
    size_bytes: int
    tables: dict[str, int]  # schema.table -> rows
    # raw table -> the load ids its rows came from (the raw data the marts were built on)
    load_ids: dict[str, list[str]] = field(default_factory=dict)
    stale_sources: dict[str, str] = field(default_factory=dict)  # raw table -> why
    seconds: float = 0.0  # how long the copy took

    @property
    def load_count(self) -> int:
        return len({load for loads in self.load_ids.values() for load in loads})


class PublishError(RuntimeError):
    """The build database cannot be published (it has no marts: the build did not run)."""


def _sidecar(path: Path) -> Path:
    return path.with_suffix(".json")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_json_atomically(path: Path, data: object) -> None:
    partial = path.with_name(path.name + PARTIAL_SUFFIX)
    partial.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    _fsync(partial)
    os.replace(partial, path)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def remove_leftovers(files: WarehouseFiles) -> list[Path]:
    """Delete what a publish killed half-way left: partial snapshots and links. Returns them."""
    removed = []
    candidates = list(files.snapshots.glob(f"*{PARTIAL_SUFFIX}*"))
    candidates += list(files.published.parent.glob(f".{files.published.name}.*{PARTIAL_SUFFIX}"))
    for path in candidates:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def adopt_published(files: WarehouseFiles) -> bool:
    """Before the first build: a warehouse written in place by an earlier version of the project
    has its raw data in the published file. Copy it to be the build database, so that nothing
    fetched is lost and incremental pulls go on from their watermarks. True if it did."""
    if files.build.exists() or not files.published.exists():
        return False
    try:
        with duckdb.connect(str(files.published), read_only=True) as con:
            row = con.execute(
                "select count(*) from duckdb_tables() where schema_name = 'raw'"
            ).fetchone()
    except duckdb.Error:
        return False  # held by a writer, or not a warehouse: start the build database afresh
    if not row or not row[0]:
        return False
    partial = files.build.with_name(files.build.name + PARTIAL_SUFFIX)
    shutil.copyfile(files.published, partial)
    os.replace(partial, files.build)
    return True


def _tables(con: duckdb.DuckDBPyConnection, schemas: Iterable[str]) -> list[tuple[str, str, str]]:
    """(schema, table, comment) of the build database's tables in ``schemas``, in order."""
    wanted = list(schemas)
    placeholders = ", ".join("?" for _ in wanted)
    return con.execute(
        f"""
        select schema_name, table_name, coalesce(comment, '')
        from duckdb_tables()
        where database_name = current_database() and schema_name in ({placeholders})
        order by schema_name, table_name
        """,
        wanted,
    ).fetchall()


def contained_loads(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    """Raw table -> the load ids of its current rows: which loads a build was made from."""
    loads = {}
    views = con.execute(
        """
        select schema_name, view_name, '' from duckdb_views()
        where database_name = current_database() and schema_name = 'raw'
        """
    ).fetchall()
    for schema, table, _ in sorted([*_tables(con, ["raw"]), *views]):
        rows = con.execute(
            f"select distinct load_id from {_quote(schema)}.{_quote(table)} order by 1"
        ).fetchall()
        loads[f"{schema}.{table}"] = [row[0] for row in rows]
    return loads


def stale_sources(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Raw table -> why, for each source whose last load did not succeed (``audit.
    source_freshness``, built by dbt); empty when the model was not built."""
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = 'audit' and table_name = 'source_freshness'"
    ).fetchone()
    if not exists or not exists[0]:
        return {}
    rows = con.execute(
        """
        select raw_table, last_attempt_status || coalesce(': ' || last_attempt_error, '')
        from audit.source_freshness where is_stale order by raw_table
        """
    ).fetchall()
    return {table: why for table, why in rows}


def new_snapshot_id(files: WarehouseFiles, now: datetime) -> str:
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    snapshot_id, n = stamp, 1
    while files.snapshot_file(snapshot_id).exists():
        n += 1
        snapshot_id = f"{stamp}-{n}"
    return snapshot_id


def current_snapshot(files: WarehouseFiles) -> Snapshot | None:
    """The snapshot at the published path now (else the newest kept), None before a publish."""
    snapshots = list_snapshots(files)
    return next((s for s in snapshots if is_published(files, s)), None) or next(
        iter(snapshots), None
    )


# Called by ``publish`` before it copies the tables: the build database, the new snapshot's id
# and the snapshot published until now (None for the first publish). What it creates in the
# published schemas is published too (the watchlist's changes, ingest.alerts).
BeforeCopy = Callable[[duckdb.DuckDBPyConnection, str, "Snapshot | None"], None]


def publish(
    con: duckdb.DuckDBPyConnection,
    files: WarehouseFiles,
    *,
    keep: int = DEFAULT_KEEP,
    now: datetime | None = None,
    before_copy: BeforeCopy | None = None,
) -> Snapshot:
    """Copy the published schemas of the build database (``con``) into a new snapshot file,
    then move it over ``files.published`` atomically, and prune to the newest ``keep``
    snapshots. Raises ``PublishError`` when the build database has no marts."""
    if keep < 1:
        raise ValueError(f"keep at least one snapshot, not {keep}")
    started = datetime.now(UTC)
    now = now or started
    if not any(schema == "marts" for schema, _, _ in _tables(con, PUBLISHED_SCHEMAS)):
        raise PublishError(f"{files.build} has no marts to publish: the dbt build has not run")
    files.snapshots.mkdir(parents=True, exist_ok=True)
    remove_leftovers(files)
    snapshot_id = new_snapshot_id(files, now)
    if before_copy is not None:
        before_copy(con, snapshot_id, current_snapshot(files))
    tables = _tables(con, PUBLISHED_SCHEMAS)
    final = files.snapshot_file(snapshot_id)
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    loads = contained_loads(con)
    stale = stale_sources(con)
    published_at = now.astimezone(UTC)
    alias = "influence_publishing"
    counts: dict[str, int] = {}
    con.execute(
        f"attach {_literal(str(partial))} as {alias} (storage_version {_literal(STORAGE_VERSION)})"
    )
    try:
        for schema in dict.fromkeys(schema for schema, _, _ in tables):
            con.execute(f"create schema {alias}.{_quote(schema)}")
        for schema, table, comment in tables:
            source = f"{_quote(schema)}.{_quote(table)}"
            target = f"{alias}.{source}"
            con.execute(f"create table {target} as from {source}")
            if comment:
                con.execute(f"comment on table {target} is {_literal(comment)}")
            for column, column_comment in con.execute(
                """
                select column_name, comment from duckdb_columns()
                where database_name = current_database() and schema_name = ? and table_name = ?
                    and comment is not null and comment <> ''
                """,
                [schema, table],
            ).fetchall():
                con.execute(
                    f"comment on column {target}.{_quote(column)} is {_literal(column_comment)}"
                )
            row = con.execute(f"select count(*) from {target}").fetchone()
            counts[f"{schema}.{table}"] = int(row[0]) if row else 0
        con.execute(f"create schema if not exists {alias}.audit")
        con.execute(
            f"""
            create table {alias}.{SNAPSHOT_TABLE} as select
                ? as snapshot_id, ?::timestamptz as published_at, ? as storage_version,
                ?::varchar[] as load_ids, ?::varchar[] as stale_sources
            """,
            [
                snapshot_id,
                published_at,
                STORAGE_VERSION,
                sorted({load for ids in loads.values() for load in ids}),
                sorted(stale),
            ],
        )
        con.execute(
            f"comment on table {alias}.{SNAPSHOT_TABLE} is "
            + _literal(
                "This file's snapshot: when it was published, from which loads "
                "(audit.load_ledger), and which sources were stale (audit.source_freshness)."
            )
        )
    finally:
        con.execute(f"detach {alias}")
    _fsync(partial)
    snapshot = Snapshot(
        snapshot_id=snapshot_id,
        published_at=published_at.isoformat(),
        file=final.name,
        storage_version=STORAGE_VERSION,
        size_bytes=partial.stat().st_size,
        tables=counts,
        load_ids=loads,
        stale_sources=stale,
        seconds=round((datetime.now(UTC) - started).total_seconds(), 3),
    )
    os.replace(partial, final)
    _write_json_atomically(_sidecar(final), asdict(snapshot))
    _link_over(final, files.published)
    prune(files, keep)
    return snapshot


def _link_over(snapshot: Path, published: Path) -> None:
    """Make ``published`` the file ``snapshot`` in one rename: a hard link (no copy) where the
    file system allows, else a copy. The rename is atomic: a reader opens the old or the new."""
    partial = published.with_name(f".{published.name}.{os.getpid()}{PARTIAL_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    try:
        os.link(snapshot, partial)
    except OSError:
        shutil.copyfile(snapshot, partial)
        _fsync(partial)
    os.replace(partial, published)
    with contextlib.suppress(OSError):  # make the rename durable (not every platform can)
        _fsync(published.parent)


def list_snapshots(files: WarehouseFiles) -> list[Snapshot]:
    """The kept snapshots, newest first (those whose file and sidecar are both there)."""
    if not files.snapshots.exists():
        return []
    found = []
    for sidecar in files.snapshots.glob(f"{files.published.stem}-*.json"):
        if not sidecar.with_suffix(".duckdb").exists():
            continue
        data = json.loads(sidecar.read_text(encoding="utf-8"))
        found.append(Snapshot(**data))
    return sorted(found, key=lambda s: (s.published_at, s.snapshot_id), reverse=True)


def is_published(files: WarehouseFiles, snapshot: Snapshot) -> bool:
    """Whether ``snapshot`` is the file at the published path now."""
    try:
        return os.path.samefile(files.snapshots / snapshot.file, files.published)
    except OSError:
        return False


def prune(files: WarehouseFiles, keep: int) -> list[Snapshot]:
    """Delete all but the newest ``keep`` snapshots (never the published one). Returns them."""
    removed = []
    for snapshot in list_snapshots(files)[keep:]:
        if is_published(files, snapshot):
            continue
        path = files.snapshots / snapshot.file
        for stale in (path, Path(f"{path}.wal"), _sidecar(path)):
            with contextlib.suppress(FileNotFoundError):
                stale.unlink()
        removed.append(snapshot)
    return removed


def stale_wal(files: WarehouseFiles) -> Path | None:
    """A write-ahead log at the published path, after a publish, is an analyst's: written
    through a read-write connection to the previous snapshot, not yet checkpointed. DuckDB
    refuses to open the new file beside it until that connection closes."""
    wal = Path(f"{files.published}.wal")
    return wal if wal.exists() else None
