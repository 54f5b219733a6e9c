"""Reading a built warehouse in tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of ``sql`` over the DuckDB file ``warehouse``, opened read-only and closed."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def build_db(published: Path) -> Path:
    """The build database a refresh writes beside the published file ``published``."""
    from ingest.publish import WarehouseFiles

    return WarehouseFiles(published).build
