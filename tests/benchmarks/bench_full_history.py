"""Benchmark: the dbt project on full-history raw tables, a full build and one new quarter (not a
test; prints figures only).

    python -m tests.benchmarks.bench_full_history [--scale 0.02] [--reuse DIR] [--skip-load]

1. Generates the raw tables in SQL inside DuckDB (``full_history_data``): at scale 1, 1.5M LDA
   filings (~6M activities), 10M award actions (and their ~4M awards), 1M GDELT articles, with
   generated, varied company names; the other raw tables keep the sample's rows.
2. Times ``dbt build`` of the whole project on it (per-model seconds from run_results.json, the
   dbt process's peak resident set).
3. Adds one new quarter (history / 96: new filings, actions and articles as new loads) and times
   ``dbt build`` again (the incremental refresh: the incremental models read what the quarter
   changed, the others are rebuilt from them),
   then times building that quarter alone (the same rows in an empty database).
4. Repeats step 3 (``--repeats``, 3 by default), each time on a fresh copy of the fully built
   warehouse, alternating the incremental build and the quarter alone, and reports the medians:
   the machine's speed drifts within minutes (the same quarter alone took 65.8 s and then 83.8 s
   half an hour later), so one pair of builds measures the hour as much as the builds. Every
   repeat's figures are printed, with the CPU seconds of each dbt process.
   ``--page-cache`` says what the operating system holds of each database file when its build
   starts: ``as-left`` (by default: whatever copying the 17 GB warehouse left), ``cold`` (the
   file's pages dropped, so the build reads what it touches from disk, as a refresh of a
   warehouse nobody has read for a while does) or ``warm`` (the whole file read first).
Ends with one ``full_history:`` summary line that other tools read.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.benchmarks.bench_contracts import dbt, say
from tests.benchmarks.full_history_data import (
    DISTINCT_NAMES_NOTE,
    Sizes,
    generate,
    name_counts,
    write_seed,
)

TOP_MODELS = 15


@dataclass
class Build:
    seconds: float = math.nan
    peak_mb: float = math.nan
    cpu_s: float = math.nan  # the dbt process's user and system CPU seconds
    per_node: dict[str, float] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)


def dbt_build(database: Path, label: str) -> Build:
    """``dbt build`` on ``database`` (target/ beside it): seconds, peak MB, seconds per node."""
    work = database.parent
    results = work / "target" / "run_results.json"
    results.unlink(missing_ok=True)
    build = Build()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        build.seconds, build.peak_mb = dbt(["build"], database)
    except SystemExit as failure:  # a failed test or model: still report what ran
        say(f"[dbt] {label}: {str(failure)[:1500]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # dbt is a child, reaped by now
    build.cpu_s = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    if results.exists():
        run = json.loads(results.read_text())
        for r in run["results"]:
            kind, _, name, *_ = r["unique_id"].split(".")  # a test's id ends in a hash
            name = r["unique_id"].split(".", 2)[-1] if kind != "test" else name
            build.per_node[name] = float(r.get("execution_time") or 0.0)
            if r["status"] not in ("success", "pass", "no-op"):
                build.failed.append(f"{name}: {r['status']}")
        if math.isnan(build.seconds):
            build.seconds = float(run.get("elapsed_time") or math.nan)
        shutil.copyfile(results, work / f"run_results_{label}.json")
    return build


PAGE_CACHE_MODES = ("as-left", "cold", "warm")


def settle_page_cache(database: Path, mode: str) -> None:
    """Leave the operating system's cache of ``database`` as ``mode`` says (PAGE_CACHE_MODES):
    ``cold`` writes the file's dirty pages out and asks the kernel to drop its cached ones
    (posix_fadvise DONTNEED, this file only, no privileges needed); ``warm`` reads it through."""
    if mode == "as-left":
        return
    fd = os.open(database, os.O_RDONLY)
    try:
        if mode == "cold":
            os.fsync(fd)
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        else:
            while os.read(fd, 16 << 20):
                pass
    finally:
        os.close(fd)


def top(build: Build, n: int = TOP_MODELS) -> list[tuple[str, float]]:
    return sorted(build.per_node.items(), key=lambda kv: -kv[1])[:n]


def load_10m_figures(scale: float, work: Path) -> tuple[float | None, float | None]:
    """Peak GB and rows/s of loading 10 million award actions (times ``scale``) from Award Data
    Archive files on disk through the project's landing, validation and merge, in a process of
    its own (``tests.benchmarks.bench_bulk_load``)."""
    from tests.benchmarks.bench_bulk_load import measure

    figures = measure(max(1, round(10_000_000 * scale)), work)
    if figures["status"] != "succeeded":
        say(f"[load] the bulk load was {figures['status']}: {figures['error']}")
        return None, None
    say(
        f"[load] {figures['fetched']:,} archive transactions loaded in {figures['seconds']:.1f} s "
        f"= {figures['rows_per_s']:,.0f} rows/s, load process peak {figures['peak_gb']:.2f} GB, "
        f"{figures['cpu_user_s']:.1f} user + {figures['cpu_system_s']:.1f} system CPU-s"
    )
    return figures["peak_gb"], figures["rows_per_s"]


def fmt(value: float | None) -> str:
    return "nan" if value is None or math.isnan(value) else f"{value:.2f}"


def prepare(directory: Path, scale: float, reuse: bool) -> tuple[Path, Path, dict[str, int]]:
    """The generated history (raw tables only) and the quarter alone, in ``directory``."""
    sizes = Sizes.at(scale)
    seed = directory / "seed.duckdb"
    history = directory / f"history_{scale:g}.duckdb"
    quarter = directory / f"quarter_{scale:g}.duckdb"
    write_seed(seed)
    counts: dict[str, int] = {}
    if not (reuse and history.exists() and quarter.exists()):
        for path in (history, quarter):
            path.unlink(missing_ok=True)
        t = time.perf_counter()
        counts = generate(history, seed, sizes, quarter=False, with_small_tables=True)
        say(f"[data] history generated in {time.perf_counter() - t:.1f} s: {counts}")
        t = time.perf_counter()
        q = generate(quarter, seed, sizes.quarter(), quarter=True, with_small_tables=True)
        say(f"[data] quarter generated in {time.perf_counter() - t:.1f} s: {q}")
    else:
        say(f"[data] reusing {history} and {quarter}")
    return history, quarter, counts


def add_quarter(warehouse: Path, quarter: Path) -> None:
    """The new quarter's rows into the built ``warehouse``, as new loads."""
    import duckdb

    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"attach '{quarter}' as q (read_only)")
        for table in ("lda_filings", "usaspending_awards", "usaspending_transactions",
                      "gdelt_articles"):  # fmt: skip
            # stamped now, as a new load is: incremental models read the raw rows loaded
            # after the newest they hold
            con.execute(
                f"insert or replace into raw.{table} "
                f"select * replace (now() as loaded_at) from q.raw.{table}"
            )
        con.execute(
            "insert into audit.load_ledger by name select * from q.audit.load_ledger "
            "where load_id like 'bench-quarter-%' and raw_table in ('raw.lda_filings', "
            "'raw.usaspending_awards', 'raw.usaspending_transactions', 'raw.gdelt_articles')"
        )


def median_build(builds: list[Build]) -> Build:
    """One build standing for ``builds``: the median seconds and CPU seconds, the highest peak,
    the per-node seconds and failures of the build whose seconds are the median (the lower
    middle one of an even number)."""
    middle = sorted(builds, key=lambda b: b.seconds)[(len(builds) - 1) // 2]
    return Build(
        seconds=statistics.median(b.seconds for b in builds),
        peak_mb=max(b.peak_mb for b in builds),
        cpu_s=statistics.median(b.cpu_s for b in builds),
        per_node=middle.per_node,
        failed=middle.failed,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="every size times this")
    parser.add_argument(
        "--reuse", type=Path, help="keep generated databases in DIR and reuse them when present"
    )
    parser.add_argument(
        "--skip-load",
        action="store_true",
        help="leave out the 10M-row bulk load (its figures print as nan)",
    )
    parser.add_argument(
        "--keep-built",
        action="store_true",
        help=(
            "with --reuse: keep the full build in DIR/built.duckdb and, when it is there, start "
            "from it instead of building again (its figures print as nan); for comparing "
            "incremental builds of code whose full build is the same"
        ),
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        help="incremental builds and quarters alone, alternated; their medians are reported",
    )
    parser.add_argument(
        "--page-cache",
        choices=PAGE_CACHE_MODES,
        default="as-left",
        help=(
            "what the OS caches of each database file when its build starts: what copying it "
            "left (by default), nothing (cold) or all of it (warm)"
        ),
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.keep_built and args.reuse is None:
        parser.error("--keep-built needs --reuse DIR")
    sizes = Sizes.at(args.scale)
    say(f"[data] scale {args.scale:g}: {sizes}; quarter: {sizes.quarter()}")
    say(f"[data] {DISTINCT_NAMES_NOTE}")
    say(f"[dbt] page cache of each database file when its build starts: {args.page_cache}")

    keep = args.reuse is not None
    directory = args.reuse or Path(tempfile.mkdtemp(prefix="bench-full-history-"))
    directory.mkdir(parents=True, exist_ok=True)
    incrementals: list[Build] = []
    alones: list[Build] = []
    try:
        history, quarter, _ = prepare(directory, args.scale, keep)
        names = name_counts(history)
        say(f"[data] distinct in the history: {names}")

        runs = directory / "runs"
        # the full build, for the repeats to start from (kept with --keep-built)
        built = directory / "built.duckdb"
        shutil.rmtree(runs, ignore_errors=True)
        (runs / "full").mkdir(parents=True)
        (runs / "alone").mkdir(parents=True)
        warehouse = runs / "full" / "warehouse.duckdb"
        if args.keep_built and built.exists():
            say(f"[dbt] starting from the kept full build {built}; no full build is timed")
            full = Build()
            shutil.copyfile(built, warehouse)
        else:
            shutil.copyfile(history, warehouse)
            full = dbt_build(warehouse, "full")
            if args.repeats > 1 or args.keep_built:
                shutil.copyfile(warehouse, built)

        alone_db = runs / "alone" / "warehouse.duckdb"
        for repeat in range(1, args.repeats + 1):
            if repeat > 1:
                shutil.copyfile(built, warehouse)
            add_quarter(warehouse, quarter)
            settle_page_cache(warehouse, args.page_cache)
            incrementals.append(dbt_build(warehouse, "incremental"))
            shutil.copyfile(quarter, alone_db)
            settle_page_cache(alone_db, args.page_cache)
            alones.append(dbt_build(alone_db, "alone"))
            say(
                f"[repeat {repeat}/{args.repeats}] incremental {incrementals[-1].seconds:.1f} s "
                f"({incrementals[-1].cpu_s:.1f} CPU-s), quarter alone {alones[-1].seconds:.1f} s "
                f"({alones[-1].cpu_s:.1f} CPU-s): "
                f"{incrementals[-1].seconds / alones[-1].seconds:.2f} times"
            )
        if not args.keep_built:
            built.unlink(missing_ok=True)

        import duckdb

        with duckdb.connect(str(warehouse), read_only=True) as con:
            row = con.execute(
                "select (select count(*) from raw.lda_filings), "
                "(select count(*) from raw.usaspending_transactions), "
                "(select count(*) from raw.gdelt_articles)"
            ).fetchone()
        filings, transactions, articles = (int(v) for v in (row or (0, 0, 0)))
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)

    incremental, alone = median_build(incrementals), median_build(alones)
    say("")
    of = f" (median of {args.repeats}; the highest peak)" if args.repeats > 1 else ""
    for label, build in (("full build", full), (f"incremental (quarter){of}", incremental),
                         (f"quarter alone{of}", alone)):  # fmt: skip
        say(
            f"{label}: {build.seconds:.1f} s ({build.cpu_s:.1f} CPU-s), "
            f"peak {build.peak_mb / 1024:.2f} GB"
        )
        say(f"  top {TOP_MODELS} nodes by seconds:")
        for name, seconds in top(build):
            say(f"    {seconds:8.1f}  {name}")
        if build.failed:
            say(f"  not passed ({len(build.failed)}): {'; '.join(build.failed[:20])}")
    pairs = zip(incrementals, alones, strict=True)
    say(
        f"repeats: incremental {', '.join(f'{b.seconds:.1f}' for b in incrementals)} s; "
        f"quarter alone {', '.join(f'{b.seconds:.1f}' for b in alones)} s; per pair "
        + ", ".join(f"{i.seconds / a.seconds:.2f}" for i, a in pairs)
    )
    say(
        f"ratios: incremental / quarter alone = {incremental.seconds / alone.seconds:.2f} "
        f"({'medians; ' if args.repeats > 1 else ''}in CPU seconds "
        f"{incremental.cpu_s / alone.cpu_s:.2f}); "
        f"incremental / full = {incremental.seconds / full.seconds:.2f}; "
        "(incremental: staging, the resolver's pair scores, the report agencies, the news chain, "
        "the contract facts, the LDA report models, the company marts and the company profile; "
        "the rest is rebuilt from them)"
    )
    load_peak_gb, load_rows_per_s = (
        (None, None)
        if args.skip_load
        else load_10m_figures(args.scale, Path(tempfile.gettempdir()) / "bench-bulk")
    )
    say(
        f"full_history: filings={filings} transactions={transactions} articles={articles} "
        f"full_build_s={fmt(full.seconds)} full_build_peak_gb={fmt(full.peak_mb / 1024)} "
        f"incremental_quarter_s={fmt(incremental.seconds)} quarter_alone_s={fmt(alone.seconds)} "
        f"load_10m_peak_gb={fmt(load_peak_gb)} load_rows_per_s={fmt(load_rows_per_s)}"
    )


if __name__ == "__main__":
    main()
