"""Benchmark: load N contract transactions from Award Data Archive files on disk through the
project's landing (not a test; prints figures only).

    python -m tests.benchmarks.bench_bulk_load [--transactions 10000000] [--work DIR]

1. Files: ``tests.benchmarks.bench_archive_files`` writes a Full file of N transactions in the
   archive's layout (297 columns, parts of 1,000,000 rows); its parts are extracted to disk, as
   the archive pull does before landing. Kept in ``--work`` and reused when already there.
2. Load: in a fresh process (so its peak memory is the load's alone), ``ingest.load.run_load``
   of those files into ``raw.usaspending_archive_transactions`` of a new DuckDB file: each part
   copied by DuckDB into a Parquet part, validated a chunk at a time with the table's Great
   Expectations suite, merged (a first load of new keys: the batch kept as landed, its files the
   view's rows, ``landing.merge_batch``). Prints seconds, rows per second and the load
   process's peak resident memory and CPU seconds (user and system), then one line
   ``bulk_load: ...`` that other tools read.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any


def say(*parts: Any) -> None:
    print(*parts, flush=True)  # noqa: T201 - a benchmark script reports on stdout


def archive_parts(work: Path, transactions: int) -> list[Path]:
    """The extracted CSV parts of a Full file of ``transactions`` rows (written if missing)."""
    from ingest.usaspending_archive import extract_member, zip_members
    from tests.benchmarks import bench_archive_files

    folder = work / f"archive-{transactions}"
    done = folder / "parts.json"
    if done.exists():
        return [Path(p) for p in json.loads(done.read_text())]
    folder.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    bench_archive_files.main([str(folder), "--transactions", str(transactions)])
    (zip_path,) = folder.glob("*.zip")
    parts = [
        extract_member(zip_path, member, folder) for member in zip_members(zip_path, zip_path.name)
    ]
    zip_path.unlink()
    done.write_text(json.dumps([str(p) for p in parts]))
    say(f"[files] {len(parts)} part(s) written and extracted in {time.perf_counter() - t:.0f} s")
    return parts


def load(parts: list[Path], database: Path) -> dict[str, Any]:
    """Land ``parts`` into a new warehouse at ``database`` (in this process): the figures."""
    import duckdb

    from expectations.runner import gx_context, validate_batch
    from expectations.suites import load_suite
    from ingest import landing
    from ingest.load import run_load
    from ingest.pulls import Pull
    from ingest.sources import USASPENDING_ARCHIVE_TRANSACTIONS as SPEC
    from ingest.usaspending_archive import FULL, ArchiveFile

    suite = load_suite(SPEC.suite)
    gx_context()  # GX's one-off start-up, outside the timed load
    files = [ArchiveFile(p, f"bench.zip/{p.name}", FULL, 2024) for p in parts]
    con = duckdb.connect(str(database))
    try:
        landing.ensure_schema(con, [SPEC.table])
        cpu_before = os.times()
        started = time.perf_counter()
        loaded, _ = run_load(
            con,
            SPEC.table,
            Pull({"benchmark": True}, iter(files)),
            lambda c, load_id: validate_batch(c, suite, load_id),
        )
        seconds = time.perf_counter() - started
        cpu_after = os.times()
        (stored,) = con.execute(f"select count(*) from {SPEC.table.qualified}").fetchone() or (0,)
    finally:
        con.close()
    return {
        "status": loaded.status,
        "error": loaded.error,
        "fetched": loaded.counts.fetched,
        "inserted": loaded.counts.inserted,
        "stored": int(stored),
        "seconds": seconds,
        # the load's own CPU seconds (its threads': DuckDB's and GX's), user and system apart:
        # reading files the operating system no longer caches shows as system time
        "cpu_user_s": cpu_after.user - cpu_before.user,
        "cpu_system_s": cpu_after.system - cpu_before.system,
        "peak_gb": peak_gb(),
    }


def peak_gb() -> float:
    """This process's peak resident set (VmHWM). Not ``ru_maxrss``: a child keeps through exec
    the resident set its parent had when it forked (the full-history benchmark, some 3 GB,
    reported 3.29 GB for a load that peaked at 1.24 GB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def measure(transactions: int, work: Path) -> dict[str, Any]:
    """Write (or reuse) the files, then load them in a child process; its figures."""
    parts = archive_parts(work, transactions)
    with tempfile.TemporaryDirectory(prefix="bench-bulk-", dir=work) as tmp:
        child = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.benchmarks.bench_bulk_load",
                "--child",
                str(Path(tmp) / "warehouse.duckdb"),
                *map(str, parts),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    figures: dict[str, Any] = json.loads(child.stdout.strip().splitlines()[-1])
    figures["rows_per_s"] = figures["fetched"] / figures["seconds"] if figures["seconds"] else 0
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "bench-bulk")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        database, *parts = args.child
        say(json.dumps(load([Path(p) for p in parts], Path(database))))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    f = measure(args.transactions, args.work)
    if f["status"] != "succeeded":
        say(f"the load was {f['status']}: {f['error']}")
        return 1
    say(
        f"loaded {f['fetched']:,} transactions ({f['inserted']:,} new, {f['stored']:,} stored) "
        f"in {f['seconds']:.1f} s = {f['rows_per_s']:,.0f} rows/s; "
        f"load process peak {f['peak_gb']:.2f} GB"
    )
    cpu_s = f["cpu_user_s"] + f["cpu_system_s"]
    say(
        f"CPU: {f['cpu_user_s']:.1f} user + {f['cpu_system_s']:.1f} system s = "
        f"{cpu_s / (f['fetched'] / 1e6 or 1.0):.1f} CPU-s per million rows, "
        f"{cpu_s / (f['seconds'] or 1.0):.2f} cores on average"
    )
    say(
        f"bulk_load: transactions={f['fetched']} seconds={f['seconds']:.1f} "
        f"rows_per_s={f['rows_per_s']:.0f} peak_gb={f['peak_gb']:.2f}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
