"""The README's build command run as the end-to-end tests run it: `influence refresh --sample` in
a child process, against a warehouse of its own; the session's one sample build is the fixture
``built_run`` of tests/end_to_end/conftest.py."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ingest.config import REPO_ROOT
from ingest.publish import WarehouseFiles, current_snapshot
from tests.support.analyst import Analyst, Answer, fresh_answer
from tests.support.warehouse import build_db


@dataclass
class Run:
    returncode: int
    output: str
    seconds: float


def influence(env: dict[str, str], *args: str) -> Run:
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    return Run(proc.returncode, proc.stdout + proc.stderr, time.monotonic() - started)


# a record of what the last build did, not data: the keys the models incremental by fingerprint
# redid (every key after a first build, none after a build that found nothing changed)
BUILD_RECORDS = ("staging.changed_keys_redone",)


def table_counts(warehouse: Path) -> dict[str, int]:
    """Rows per table: raw and staging from the build database, the rest from the published
    file (raw data and the staging views over it are not published); the build's own records
    (BUILD_RECORDS) left out."""
    counts = {}
    for database, schemas in (
        (build_db(warehouse), ("raw", "staging")),
        (warehouse, ("intermediate", "marts", "reference")),
    ):
        with duckdb.connect(str(database), read_only=True) as con:
            tables = con.execute(
                f"""
                select schema_name || '.' || table_name from duckdb_tables()
                where schema_name in {schemas!r}
                union all
                select schema_name || '.' || view_name from duckdb_views()
                where schema_name in {schemas!r}
                order by 1
                """
            ).fetchall()
            for (name,) in tables:
                if name in BUILD_RECORDS:
                    continue
                row = con.execute(f"select count(*) from {name}").fetchone()
                counts[name] = row[0] if row else 0
    return counts


@dataclass
class Built:
    warehouse: Path
    runs: list[Run]
    counts: list[dict[str, int]]
    # a read-only analyst connection held open through the second refresh: what it answered
    # before, what it answered after on the same connection, and what a new connection saw
    held: tuple[Answer, Answer]
    fresh: Answer


def sample_env(warehouse: Path, dagster_home: Path) -> dict[str, str]:
    """The environment of a sample refresh of ``warehouse``: no route to any API."""
    env = dict(os.environ)
    env.update(
        INFLUENCE_WAREHOUSE=str(warehouse),
        DAGSTER_HOME=str(dagster_home),
        # No route to any API: the sample refresh must not need one.
        LDA_API_URL="http://127.0.0.1:9/api/v1/",
        USASPENDING_API_URL="http://127.0.0.1:9",
        GDELT_API_URL="http://127.0.0.1:9/api/v2/doc/doc",
        GLEIF_API_URL="http://127.0.0.1:9/api/v1",
    )
    env.pop("INFLUENCE_SOURCE", None)
    return env


def build_sample_twice(tmp: Path) -> Iterator[Built]:
    """Build the sample warehouse in ``tmp``, then refresh it again (``--verbose``) while an
    analyst holds a read-only connection; yields what happened."""
    warehouse = tmp / "warehouse.duckdb"
    env = sample_env(warehouse, tmp / "dagster_home")
    runs, counts = [], []
    runs.append(influence(env, "refresh", "--sample"))
    counts.append(table_counts(warehouse) if warehouse.exists() else {})
    analyst = Analyst(warehouse, "read_only")
    try:
        # the second with --verbose: the same refresh, with Dagster's and dbt's full logs
        runs.append(influence(env, "refresh", "--sample", "--verbose"))
        held = (analyst.first, analyst.ask())
    finally:
        analyst.close()
    counts.append(table_counts(warehouse))
    yield Built(warehouse, runs, counts, held, fresh_answer(warehouse))


def copy_built_warehouse(built: Built, warehouse: Path) -> WarehouseFiles:
    """A copy at ``warehouse`` of what the session's sample refreshes left: the build database
    and its landing folder (the archive's kept batches are rows of its raw table), the kept
    snapshots and digests, and the published file (a hard link to the current snapshot, as a
    publish leaves it), for a test that goes on from there."""
    source, files = WarehouseFiles(built.warehouse), WarehouseFiles(warehouse)
    shutil.copyfile(source.build, files.build)
    landed = Path(f"{source.build}.landing")
    if landed.exists():
        shutil.copytree(landed, Path(f"{files.build}.landing"))
    shutil.copytree(source.snapshots, files.snapshots)
    shutil.copytree(source.digests, files.digests)
    published = current_snapshot(source)
    assert published is not None, "the session's sample refreshes published nothing"
    os.link(files.snapshots / published.file, files.published)
    return files
