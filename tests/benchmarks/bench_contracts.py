"""Benchmark: land N generated award transactions and build the contract marts (not a test; prints
figures only).

    python -m tests.benchmarks.bench_contracts [--transactions 1000000]

Nothing leaves the machine. The awards and their actions are the sample universe's
(``tests.sample.universe_awards``), copied with fresh PIIDs until there are N actions, in the
exact row shapes of ``spending_by_award`` and ``spending_by_transaction`` (pages of 100).

1. Landing: ``run_load`` of the awards, then of the N transactions, into a fresh DuckDB file:
   real landing (batch table, keys, duplicates), real Great Expectations validation of the whole
   batch with the table's suite, real merge. Pages are handed over already parsed (the client
   and its HTTP are measured by the LDA benchmark), so this is the landing pipeline's throughput.
   Prints transactions per second and the seconds of landing, validation and merging.
2. dbt: ``dbt build`` of the contract marts and everything upstream of them (seeds, staging,
   intermediate, their tests), then ``dbt run`` of the contract marts and company_agency_quarter
   alone, against that file. Prints wall-clock seconds.
3. Publishing: ``ingest.publish.publish`` of that build database (what a refresh does after dbt:
   the published schemas copied into a new snapshot in DuckDB's v1.0.0 storage format, moved
   over the published path). Prints its seconds and the snapshot's size, as ratios to the build.
4. Peak memory: the benchmark process's maximum resident set (the generated rows and landing,
   which holds the whole batch in memory before validating it) and each dbt process's (its
   VmHWM, polled from /proc while it runs).
"""

from __future__ import annotations

import argparse
import gc
import resource
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from ingest import landing
from ingest.config import DBT_PROJECT_DIR
from ingest.dbt_cli import dbt_command, dbt_env
from ingest.load import run_load
from ingest.publish import WarehouseFiles, publish
from ingest.pulls import Pull
from ingest.sources import USASPENDING_AWARDS, USASPENDING_TRANSACTIONS, raw_tables, source
from ingest.transport import FetchedPage
from ingest.usaspending import AWARD_FIELDS, TRANSACTION_FIELDS
from tests.benchmarks.bench_lda_load import Phases, _Patch
from tests.fakes.usaspending import transaction_row
from tests.sample.model import AwardFact
from tests.sample.universe_awards import build_awards

PAGE = 100
CONTRACT_MARTS = "path:models/marts/contracts company_agency_quarter"


def say(*parts: Any) -> None:
    print(*parts, flush=True)  # noqa: T201 - a benchmark script reports on stdout


def max_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def copies(n_actions: int) -> Iterator[AwardFact]:
    """The universe's awards, then copies with ``X<k>`` appended to their PIIDs, until the
    actions add up to ``n_actions`` (the last award's actions may pass it by a few)."""
    templates = build_awards()
    total, k = 0, 0
    while True:
        for fact in templates:
            if total >= n_actions:
                return
            row = fact.row
            if k:
                piid = row["Award ID"]
                row = {
                    **row,
                    "Award ID": f"{piid}X{k}",
                    "generated_internal_id": row["generated_internal_id"].replace(
                        piid, f"{piid}X{k}", 1
                    ),
                    "internal_id": row["internal_id"] + 10_000_000 * k,
                }
            total += len(fact.transactions)
            yield AwardFact(
                row,
                fact.award_type_code,
                fact.parent_recipient_name,
                fact.parent_uei,
                fact.transactions,
            )
        k += 1


def pages_of(rows: list[dict[str, Any]], label: str) -> Iterator[FetchedPage]:
    for start in range(0, len(rows), PAGE):
        yield FetchedPage(
            "usaspending", f"{label} page {start // PAGE + 1}", rows[start : start + PAGE]
        )


def land(
    con: duckdb.DuckDBPyConnection, table: landing.RawTable, rows: list[dict[str, Any]]
) -> Phases:
    from expectations.runner import validate_batch
    from expectations.suites import load_suite

    suite = load_suite(source(table.name).suite)
    phases = Phases()

    def validate(c: duckdb.DuckDBPyConnection, load_id: str) -> Any:
        t = time.perf_counter()
        try:
            return validate_batch(c, suite, load_id)
        finally:
            phases.validate += time.perf_counter() - t

    pull = Pull({"benchmark": True}, pages_of(rows, table.name))
    gc.collect()
    with (
        _Patch(landing, "land_batch", phases, "land"),
        _Patch(landing, "merge_batch", phases, "merge"),
        _Patch(landing, "quarantine_batch", phases, "merge"),
    ):
        t = time.perf_counter()
        load, outcome = run_load(con, table, pull, validate)
        phases.total = time.perf_counter() - t
    if load.status != "succeeded":
        raise SystemExit(f"the {table.name} batch was {load.status}: {load.error}")
    warnings = [o.describe() for o in getattr(outcome, "warnings", [])]
    say(
        f"[land] {table.qualified}: {load.counts.fetched:,} rows, {load.counts.inserted:,} new, "
        f"{load.counts.duplicates_in_batch:,} duplicates; status {load.status}"
        + (f"; warnings: {'; '.join(warnings)}" if warnings else "")
    )
    return phases


def peak_of(proc: subprocess.Popen[str]) -> float:
    """The process's peak resident set in MB, polled from /proc while it runs (a forked child's
    ``ru_maxrss`` would count the parent's memory at the fork)."""
    peak = 0.0
    status = Path(f"/proc/{proc.pid}/status")
    while proc.poll() is None:
        try:
            for line in status.read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    return peak


def dbt(args: list[str], warehouse: Path) -> tuple[float, float]:
    """Run dbt on ``warehouse`` with its own target and log folders beside it (so a benchmark
    never touches the project's target/). Returns seconds and peak memory (MB)."""
    command = dbt_command(args, warehouse.parent)
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        proc = subprocess.Popen(
            command, env=dbt_env(warehouse), cwd=DBT_PROJECT_DIR, stdout=out, stderr=err, text=True
        )
        peak = peak_of(proc)
        seconds = time.perf_counter() - t
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    summary = [line for line in stdout.splitlines() if "Done." in line or "ERROR" in line]
    said = " | ".join(summary[-3:]) or stdout[-300:]
    say(f"[dbt] dbt {' '.join(args)}: {seconds:.1f} s, peak {peak:,.0f} MB; {said}")
    if proc.returncode != 0:
        raise SystemExit(f"dbt {' '.join(args)} failed:\n{stdout[-3000:]}\n{stderr[-2000:]}")
    return seconds, peak


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transactions", type=int, default=1_000_000)
    args = parser.parse_args(argv)

    t = time.perf_counter()
    facts = list(copies(args.transactions))
    award_rows = [
        {"internal_id": f.row["internal_id"], **{k: f.row.get(k) for k in AWARD_FIELDS}}
        for f in facts
    ]
    action_rows = [
        {k: r.get(k) for k in (*TRANSACTION_FIELDS, "internal_id")}
        for f in facts
        for r in (transaction_row(f, a) for a in f.transactions)
    ]
    del facts
    say(
        f"[data] {len(award_rows):,} awards and {len(action_rows):,} transactions generated in "
        f"{time.perf_counter() - t:.1f} s (rows in the APIs' shapes, pages of {PAGE})"
    )

    from expectations.runner import gx_context

    gx_context()  # GX's one-off start-up, outside the timed loads
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        warehouse = Path(tmp) / "bench.duckdb"
        con = duckdb.connect(str(warehouse))
        try:
            landing.ensure_schema(con, raw_tables())
            awards = land(con, USASPENDING_AWARDS.table, award_rows)
            del award_rows
            actions = land(con, USASPENDING_TRANSACTIONS.table, action_rows)
            n_actions = len(action_rows)
            del action_rows
        finally:
            con.close()
        gc.collect()
        size_mb = warehouse.stat().st_size / 1e6
        land_rss = max_rss_mb(resource.RUSAGE_SELF)
        # tests of the selected models only (not a relationship test whose other side is not
        # built here)
        selected = f"+{CONTRACT_MARTS.replace(' ', ' +')}"
        build, build_peak = dbt(
            ["build", "--select", selected, "--indirect-selection", "cautious"], warehouse
        )
        marts_only, marts_peak = dbt(["run", "--select", CONTRACT_MARTS], warehouse)
        files = WarehouseFiles(Path(tmp) / "published.duckdb")
        build_mb = warehouse.stat().st_size / 1e6
        with duckdb.connect(str(warehouse)) as con:
            snapshot = publish(con, files)
        with duckdb.connect(str(warehouse), read_only=True) as check:
            (facts_rows,) = check.execute(
                "select count(*) from marts.fct_contract_transactions"
            ).fetchone() or (0,)

    say("")
    say(
        f"award transactions landed:   {n_actions:,} in {actions.total:.1f} s = "
        f"{n_actions / actions.total:,.0f} transactions/s"
    )
    say(
        f"  land {actions.land:.1f} s, validate (GX, whole batch) {actions.validate:.1f} s, "
        f"merge {actions.merge:.1f} s"
    )
    say(
        f"awards landed (before):      {awards.total:.1f} s (land {awards.land:.1f}, validate "
        f"{awards.validate:.1f}, merge {awards.merge:.1f})"
    )
    say(f"warehouse after landing:     {size_mb:,.0f} MB")
    say(f"dbt build, contract marts and upstream (models + tests): {build:.1f} s")
    say(
        f"dbt run, contract marts + company_agency_quarter only:   {marts_only:.1f} s "
        f"(fct_contract_transactions: {facts_rows:,} rows)"
    )
    say(
        f"publish (copy into a v1.0.0 snapshot + rename): {snapshot.seconds:.1f} s = "
        f"{snapshot.seconds / build:.1%} of the dbt build; snapshot "
        f"{snapshot.size_bytes / 1e6:,.0f} MB = {snapshot.size_bytes / 1e6 / build_mb:.0%} of the "
        f"build database ({build_mb:,.0f} MB; {len(snapshot.tables)} tables published)"
    )
    say(
        f"peak memory: benchmark process (generation + landing) {land_rss:,.0f} MB; dbt build "
        f"{build_peak:,.0f} MB; dbt run of the marts {marts_peak:,.0f} MB"
    )


if __name__ == "__main__":
    main()
