"""The warehouse's tables as files (Parquet or CSV), for analysts whose tools read files.

``export_tables`` opens the warehouse read-only (other readers may hold it too; a writer, such as a
running refresh, may not), writes each table with DuckDB's own ``COPY ... TO`` into a temporary
directory beside the target, and moves the files and a ``manifest.json`` into the target only when
every table was written. Plain Python: ``influence export`` (``dagster_project/cli.py``) calls it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

FORMATS = ("parquet", "csv")
DEFAULT_SCHEMA = "marts"
MANIFEST_NAME = "manifest.json"
# which published snapshot the warehouse holds (one row: snapshot_id, published_at, ...); a
# warehouse from before it was introduced has no such table
SNAPSHOT_TABLE = ("audit", "published_snapshot")

_COPY_OPTIONS = {"parquet": "format parquet", "csv": "format csv, header true"}


class ExportError(ValueError):
    """The export cannot be made as asked (no warehouse, an unknown table, a bad target); raised
    before anything is written (its subclass ``ExportFailed`` is raised while writing)."""


class ExportFailed(ExportError):
    """Writing the files failed (disk full, a value the format cannot hold); the message names
    the table, or the directory when moving the written files into it failed."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str


@dataclass(frozen=True)
class ExportedTable:
    """One file of an export, as the manifest describes it."""

    table: str  # schema.table
    file: str  # the file's name in the target directory
    rows: int
    columns: tuple[Column, ...]
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Export:
    """What ``export_tables`` wrote: the files (in the order of the tables) and the manifest."""

    directory: Path
    manifest: Path
    tables: tuple[ExportedTable, ...]
    snapshot: dict[str, Any] | None


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Every table and view of the warehouse, as (schema, name), sorted."""
    rows = con.execute(
        """
        select schema_name, table_name from duckdb_tables()
        where not internal and database_name = current_database()
        union
        select schema_name, view_name from duckdb_views()
        where not internal and database_name = current_database()
        order by 1, 2
        """
    ).fetchall()
    return [(schema, name) for schema, name in rows]


def resolve_tables(
    existing: Sequence[tuple[str, str]], requested: Sequence[str] | None
) -> list[tuple[str, str]]:
    """The (schema, table) pairs to export: every table of ``marts`` when ``requested`` is None,
    else each requested name (``schema.table``, or a bare ``table`` of ``marts``; matched without
    regard to case, as DuckDB does), once each, in the order given. Raises ``ExportError`` naming
    every unknown table and listing the tables that exist."""
    if requested is None:
        marts = [(s, t) for s, t in existing if s == DEFAULT_SCHEMA]
        if not marts:
            raise ExportError(
                f"the warehouse has no tables in schema {DEFAULT_SCHEMA}: run "
                "`influence refresh --sample` (or `influence refresh`) first, or name tables "
                "with --tables"
            )
        return marts
    if not requested:
        raise ExportError("no tables named: give at least one, or none for every mart")
    by_name = {f"{s}.{t}".lower(): (s, t) for s, t in existing}
    chosen: list[tuple[str, str]] = []
    unknown: list[str] = []
    for name in requested:
        bare = name.strip()
        qualified = bare if "." in bare else f"{DEFAULT_SCHEMA}.{bare}"
        found = by_name.get(qualified.lower())
        if found is None:
            unknown.append(name)
        elif found not in chosen:
            chosen.append(found)
    if unknown:
        raise ExportError(
            f"unknown table{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"(a bare name means {DEFAULT_SCHEMA}.<name>); the warehouse has {_listing(existing)}"
        )
    return chosen


def _listing(existing: Sequence[tuple[str, str]]) -> str:
    """The tables by schema, marts first: ``marts: a, b; audit: c``."""
    by_schema: dict[str, list[str]] = {}
    for schema, table in existing:
        by_schema.setdefault(schema, []).append(table)
    schemas = sorted(by_schema, key=lambda schema: (schema != DEFAULT_SCHEMA, schema))
    return "; ".join(f"{s}: {', '.join(by_schema[s])}" for s in schemas) or "no tables"


def _json_value(value: Any) -> Any:
    """A value of a DuckDB row as JSON holds it: times in ISO 8601, decimals as strings (exact)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID | dt.timedelta):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _snapshot(
    con: duckdb.DuckDBPyConnection, existing: Sequence[tuple[str, str]]
) -> dict[str, Any] | None:
    """The row of ``audit.published_snapshot`` (the latest ``published_at`` if it holds more than
    one), or None when the warehouse has no such table or it is empty."""
    if SNAPSHOT_TABLE not in existing:
        return None
    schema, table = SNAPSHOT_TABLE
    columns = [column.name for column in _columns(con, schema, table)]
    order = " order by published_at desc nulls last" if "published_at" in columns else ""
    row = con.execute(f"select * from {_quote(schema)}.{_quote(table)}{order} limit 1").fetchone()
    if row is None:
        return None
    return {name: _json_value(value) for name, value in zip(columns, row, strict=True)}


def _columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> tuple[Column, ...]:
    rows = con.execute(
        """
        select column_name, data_type from duckdb_columns()
        where database_name = current_database() and schema_name = ? and table_name = ?
        order by column_index
        """,
        [schema, table],
    ).fetchall()
    return tuple(Column(name, type_) for name, type_ in rows)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, target: Path, fmt: str
) -> ExportedTable:
    source = f"{_quote(schema)}.{_quote(table)}"
    try:
        counted = con.execute(
            f"copy (select * from {source}) to {_literal(str(target))} ({_COPY_OPTIONS[fmt]})"
        ).fetchone()
        return ExportedTable(
            table=f"{schema}.{table}",
            file=target.name,
            rows=int(counted[0]) if counted else 0,
            columns=_columns(con, schema, table),
            bytes=target.stat().st_size,
            sha256=_sha256(target),
        )
    except (duckdb.Error, OSError) as exc:
        raise ExportFailed(f"table {schema}.{table}: could not be written as {fmt}: {exc}") from exc


def _file_name(schema: str, table: str, fmt: str) -> str:
    name = f"{schema}.{table}.{fmt}"
    if Path(name).name != name or "\\" in name or "\0" in name:
        raise ExportError(f"table {schema}.{table}: its name cannot be a file name ({name!r})")
    return name


def _target_directory(directory: Path) -> Path:
    directory = directory.expanduser().resolve()
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} exists and is not a directory")
    return directory


def export_tables(
    warehouse: Path,
    directory: Path,
    fmt: str = "parquet",
    tables: Sequence[str] | None = None,
) -> Export:
    """Export ``tables`` (default: every table of ``marts``) of the DuckDB file ``warehouse`` to
    ``directory`` (created if missing), one ``<schema>.<table>.<fmt>`` file each, and write
    ``manifest.json`` describing this export: when (UTC), from which warehouse and DuckDB
    version, in which format, the published snapshot if the warehouse records one, and for each
    file its table, rows, columns and types, size and SHA-256.

    Every problem with the input is raised as ``ExportError`` before anything is written. The
    files are written into a temporary directory beside ``directory`` and moved in only when
    every table was written; files of tables not exported this time stay as they are."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r} is not one of {', '.join(FORMATS)}")
    warehouse = warehouse.expanduser().resolve()
    if not warehouse.is_file():
        raise ExportError(
            f"no warehouse at {warehouse}: run `influence refresh --sample` first "
            "(or set INFLUENCE_WAREHOUSE to the warehouse file)"
        )
    directory = _target_directory(directory)
    try:
        con = duckdb.connect(str(warehouse), read_only=True)
    except duckdb.Error as exc:
        raise ExportError(
            f"cannot open the warehouse {warehouse} read-only (a process that writes it, such as "
            f"a refresh, excludes readers until it ends): {exc}"
        ) from exc
    try:
        # timestamps with time zone are written in UTC whatever the machine's zone; one
        # transaction: every table is read from the same state of the warehouse
        con.execute("set TimeZone = 'UTC'")
        exported_at = dt.datetime.now(dt.UTC)
        con.begin()
        existing = _relations(con)
        chosen = resolve_tables(existing, tables)
        names = [_file_name(schema, table, fmt) for schema, table in chosen]
        snapshot = _snapshot(con, existing)
        try:
            directory.mkdir(parents=True, exist_ok=True)
            staging = Path(
                tempfile.mkdtemp(prefix=f".{directory.name}.export-", dir=directory.parent)
            )
        except OSError as exc:
            raise ExportError(f"cannot write into {directory} or beside it: {exc}") from exc
        try:
            exported = tuple(
                _copy(con, schema, table, staging / name, fmt)
                for (schema, table), name in zip(chosen, names, strict=True)
            )
            con.commit()
            manifest = {
                "exported_at": exported_at.isoformat(),
                "warehouse": str(warehouse),
                "format": fmt,
                "duckdb_version": duckdb.__version__,
                "snapshot": snapshot,
                "tables": [asdict(table) for table in exported],
            }
            try:
                (staging / MANIFEST_NAME).write_text(
                    json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
                )
                # a sibling is on the same file system: each move is a rename; the manifest last
                for name in [*names, MANIFEST_NAME]:
                    os.replace(staging / name, directory / name)
            except OSError as exc:
                raise ExportFailed(f"could not write the export into {directory}: {exc}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    finally:
        con.close()
    return Export(
        directory=directory,
        manifest=directory / MANIFEST_NAME,
        tables=exported,
        snapshot=snapshot,
    )
