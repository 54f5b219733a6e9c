"""Benchmark: what publishing costs as the warehouse grows (not a test; prints figures only).

    python -m tests.benchmarks.bench_publish BUILD_DATABASE [--scale 10]

BUILD_DATABASE is a refresh's build database (``warehouse.build.duckdb`` after
``influence refresh --sample``); it is copied, never written. In the copy, every table of the
published schemas is made ``--scale`` times larger by repeating its rows, then
``ingest.publish.publish`` copies them into a snapshot, as a refresh does after dbt. Prints the
publish time and the snapshot's size at 1x and at the scale, and the build database's size.
Repeated rows compress better than real ones, so the snapshot's size at the scale is a lower
bound; the time is that of copying that many rows.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb

from ingest.publish import PUBLISHED_SCHEMAS, Snapshot, WarehouseFiles, publish


def say(*parts: Any) -> None:
    print(*parts, flush=True)  # noqa: T201 - a benchmark script reports on stdout


def scale_up(con: duckdb.DuckDBPyConnection, scale: int) -> int:
    """Repeat the rows of every published table ``scale`` times; returns the rows after."""
    tables = con.execute(
        f"""
        select schema_name, table_name from duckdb_tables()
        where schema_name in {PUBLISHED_SCHEMAS!r} order by all
        """
    ).fetchall()
    total = 0
    for schema, table in tables:
        name = f'"{schema}"."{table}"'
        con.execute(f"create or replace table {name} as select t.* from {name} t, range({scale}) r")
        row = con.execute(f"select count(*) from {name}").fetchone()
        total += row[0] if row else 0
    return total


def measure(build: Path, workdir: Path) -> tuple[Snapshot, float]:
    files = WarehouseFiles(workdir / "warehouse.duckdb")
    with duckdb.connect(str(build)) as con:
        started = time.perf_counter()
        snapshot = publish(con, files)
    return snapshot, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("build", type=Path)
    parser.add_argument("--scale", type=int, default=10)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp:
        work = Path(tmp)
        for label, scale in (("1x", 1), (f"{args.scale}x", args.scale)):
            copy = work / label / "warehouse.build.duckdb"
            copy.parent.mkdir()
            shutil.copyfile(args.build, copy)
            if scale > 1:
                with duckdb.connect(str(copy)) as con:
                    t = time.perf_counter()
                    rows = scale_up(con, scale)
                    con.execute("checkpoint")
                say(
                    f"[{label}] published tables repeated to {rows:,} rows in "
                    f"{time.perf_counter() - t:.1f} s"
                )
            snapshot, seconds = measure(copy, copy.parent)
            say(
                f"[{label}] build database {copy.stat().st_size / 1e6:,.1f} MB; publish "
                f"{seconds:.2f} s ({len(snapshot.tables)} tables, "
                f"{sum(snapshot.tables.values()):,} rows); snapshot "
                f"{snapshot.size_bytes / 1e6:,.1f} MB"
            )


if __name__ == "__main__":
    main()
