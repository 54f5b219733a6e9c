"""Reading a built warehouse in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def duckdb_hash(values: list[str | None]) -> int:
    """DuckDB's ``hash`` of ``values`` (text or null): a columnar raw row's ``record_hash``
    (``ingest.landing.columns_hash_sql``), computed apart from the landing."""
    marks = ", ".join("?::varchar" for _ in values)
    with duckdb.connect() as con:
        row = con.execute(f"select hash({marks})", values).fetchone()
    assert row is not None
    return int(row[0])


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` over the DuckDB file ``warehouse``, opened read-only and closed."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def build_db(published: Path) -> Path:
    """The build database a refresh writes beside the published file ``published``."""
    from ingest.publish import WarehouseFiles

    return WarehouseFiles(published).build
