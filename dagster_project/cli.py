"""The ``influence`` command: build or update the warehouse, open the Dagster UI, serve dbt docs.

``influence refresh`` executes the same Dagster job (``refresh``) that the UI and the daily
schedule run, in this process, recording the run in the same Dagster instance the UI shows.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from ingest.config import DBT_PROJECT_DIR, REPO_ROOT, ConfigError, Settings, load_settings
from ingest.preflight import check_refresh
from ingest.processes import run_foreground

if TYPE_CHECKING:
    from dagster import DagsterInstance, ExecuteInProcessResult

    from ingest.publish import WarehouseFiles

DAGSTER_YAML = """\
# Written by `influence`: DuckDB has one writer, so the assets that write the warehouse share a
# concurrency pool with a single slot.
concurrency:
  pools:
    default_limit: 1
telemetry:
  enabled: false
"""


def dagster_home() -> Path:
    """The Dagster instance shared by `influence refresh` and `influence ui` (run history)."""
    home = Path(os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster")
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _reachable(url: str, timeout: float = 5.0) -> str | None:
    """None if a TCP connection to the URL's host opens, else the reason it did not."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return None
    except OSError as exc:
        return str(exc) or type(exc).__name__


def _summary(warehouse: Path, run_started: float) -> list[str]:
    import duckdb

    lines = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            """
            select raw_table, status, records_fetched, records_inserted + records_updated
                + records_unchanged, records_inserted, records_updated, records_quarantined,
                duplicates_in_batch, error
            from audit.load_ledger
            where started_at >= to_timestamp(?)
            order by started_at
            """,
            [run_started],
        ).fetchall()
        lines.append("Loads (this refresh):")
        lines.append(
            f"  {'raw table':34} {'status':12} {'fetched':>8} {'merged':>8} {'new':>7} "
            f"{'changed':>8} {'quarant.':>8} {'dupes':>6}"
        )
        for table, status, fetched, merged, new, changed, quarantined, dupes, error in rows:
            lines.append(
                f"  {table:34} {status:12} {fetched or 0:>8} {merged or 0:>8} {new or 0:>7} "
                f"{changed or 0:>8} {quarantined or 0:>8} {dupes or 0:>6}"
            )
            if error:
                lines.append(f"    reason: {error[:300]}")
        checks = con.execute(
            """
            select raw_table, count(*), count(*) filter (where success),
                count(*) filter (where not success and severity = 'critical'),
                count(*) filter (where not success and severity <> 'critical')
            from audit.validation_results
            where validated_at >= to_timestamp(?)
            group by raw_table order by raw_table
            """,
            [run_started],
        ).fetchall()
        lines.append("Great Expectations (this refresh):")
        for table, total, passed, critical, warn in checks:
            lines.append(
                f"  {table:34} {passed}/{total} expectations passed, "
                f"{critical} critical failed, {warn} warnings"
            )
        marts = con.execute(
            """
            select table_name, estimated_size from duckdb_tables()
            where schema_name = 'marts' order by table_name
            """
        ).fetchall()
        if marts:
            lines.append("Marts: " + ", ".join(f"{name} ({size})" for name, size in marts))
    return lines


def _dbt_summary(warehouse: Path, run_started: float) -> str:
    import duckdb

    from dagster_project.defs.dbt.results import summarize_run_results

    with duckdb.connect(str(warehouse), read_only=True) as con:
        exists = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'audit' and table_name = 'dbt_run_results'"
        ).fetchone()
        if not exists or not exists[0]:
            return "dbt: did not run"
        rows = con.execute(
            """
            select resource_type, status from audit.dbt_run_results
            where generated_at >= to_timestamp(?)
            """,
            [run_started],
        ).fetchall()
    return f"dbt: {summarize_run_results([(t, s) for t, s in rows])}"


# `influence refresh` exits 0 when everything was refreshed and published, 1 when the run failed
# (nothing was published), 2 on a configuration problem (nothing ran), and 3 when it published
# but at least one source is stale: its load failed or was quarantined, and the marts hold its
# earlier data
EXIT_STALE_SOURCES = 3


@dataclass
class PublishedSummary:
    lines: list[str]
    stale: dict[str, str]


def _published_summary(settings: Settings, result: ExecuteInProcessResult) -> PublishedSummary:
    """What this run published (or why not), and which sources are stale."""
    from dagster_project.defs.published.keys import PUBLISHED_KEY
    from ingest.publish import WarehouseFiles, list_snapshots, stale_wal

    files = WarehouseFiles(settings.warehouse)
    materialized = [
        event
        for event in result.get_asset_materialization_events()
        if event.asset_key == PUBLISHED_KEY
    ]
    snapshots = list_snapshots(files)
    if not materialized or not snapshots:
        before = "the previous snapshot" if settings.warehouse.exists() else "nothing yet"
        return PublishedSummary([f"Published: NOT published; {settings.warehouse} is {before}"], {})
    snapshot = next(
        (
            s
            for s in snapshots
            if s.snapshot_id == materialized[-1].materialization.metadata["snapshot_id"].value
        ),
        snapshots[0],
    )
    lines = [
        f"Published: {settings.warehouse} (snapshot {snapshot.snapshot_id}, "
        f"{snapshot.size_bytes / 1e6:.1f} MB, DuckDB storage {snapshot.storage_version}, "
        f"{snapshot.seconds:.1f} s to publish; {len(snapshots)} snapshot(s) kept: "
        "influence snapshots)"
    ]
    lines += _digest_lines(files, snapshot.snapshot_id)
    for table, why in sorted(snapshot.stale_sources.items()):
        lines.append(f"  STALE {table}: {why[:300]}")
    wal = stale_wal(files)
    if wal is not None:
        lines.append(
            f"  note: {wal} holds unsaved writes of a read-write connection to the previous "
            "snapshot; new connections fail until that connection closes"
        )
    return PublishedSummary(lines, dict(snapshot.stale_sources))


def _digest_lines(files: WarehouseFiles, snapshot_id: str) -> list[str]:
    """The watchlist digest of the snapshot: where it is, what it lists, the webhook's fate."""
    from ingest.alerts import digest_paths, headline, read_digest

    digest = read_digest(files.digests, snapshot_id)
    if digest is None:
        return ["Watchlist digest: none written (see the publish step's log)"]
    lines = [
        f"Watchlist digest: {digest_paths(files.digests, snapshot_id)[0]} (and .json): "
        f"{headline(digest)}"
    ]
    if digest.delivery is not None:
        d = digest.delivery
        http = f"HTTP {d.http_status}" if d.http_status else ""
        detail = ", ".join(part for part in (http, d.error[:200]) if part)
        lines.append(f"  webhook {d.url}: {d.status}" + (f" ({detail})" if detail else ""))
    return lines


def _settings_or_report() -> Settings | None:
    """The settings, or None after printing each configuration problem once (exit code 2)."""
    try:
        return load_settings()
    except ConfigError as exc:
        print(*(f"influence: {problem}" for problem in exc.problems), sep="\n", file=sys.stderr)
        return None


def recover(instance: DagsterInstance, warehouse: Path) -> list[str]:
    """What a crashed refresh left behind, given back before this one runs (one line each):
    Dagster runs whose process is gone (marked failed, their slots in the warehouse pool freed),
    loads whose process is gone (``abandoned`` in the ledger); and who holds the pool now, if a
    run that is not known to be dead does (this refresh waits for it, and says so rather than
    hang silently)."""
    import duckdb

    from dagster_project.defs.resources import DUCKDB_POOL
    from dagster_project.recovery import reclaim_stale_runs
    from ingest.landing import abandon_stale_loads

    lines = []
    reclaimed = reclaim_stale_runs(instance)
    if reclaimed:
        lines.append(
            f"Reclaimed {len(reclaimed)} stale Dagster run(s): "
            + "; ".join(run.describe() for run in reclaimed)
        )
    if warehouse.exists():
        try:
            with duckdb.connect(str(warehouse)) as con:
                abandoned = abandon_stale_loads(con)
        except duckdb.IOException as exc:  # another process has the warehouse open
            lines.append(f"Warehouse in use, stale loads not checked now: {exc}")
        else:
            if abandoned:
                tables = ", ".join(sorted({load.raw_table for load in abandoned}))
                why = abandoned[0].reason.removeprefix("abandoned: ")
                lines.append(
                    f"Marked {len(abandoned)} interrupted load(s) abandoned in "
                    f"audit.load_ledger ({tables}): {why}"
                )
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        holders = {slot.run_id for slot in storage.get_concurrency_info(DUCKDB_POOL).claimed_slots}
        for run_id in sorted(holders):
            lines.append(
                f"Dagster run {run_id} holds the {DUCKDB_POOL} pool (its process is alive, or "
                "on another host): this refresh waits until it ends"
            )
    return lines


# An interactive `influence refresh` whose plan is estimated to take longer than this at the APIs'
# rate limits shows the plan and asks before it starts (--yes skips the question)
CONFIRM_ABOVE_SECONDS = 15 * 60


def refresh_plan(settings: Settings, years: str | None) -> tuple[list[str], float]:
    """The lines of ``influence refresh --plan`` (what each source's pull would fetch and the
    time its API's rate limit implies, ``ingest.plan``) and that total time in seconds. Reads
    the warehouse read-only when it exists; sends no request."""
    import duckdb

    from ingest.config import parse_years
    from ingest.plan import estimate, plan_lines, plan_warehouse, total_seconds
    from ingest.publish import WarehouseFiles
    from ingest.sample.replay import sample_years
    from ingest.watchlist import load_watchlist

    if years:
        span = parse_years(years, "--years")
    elif settings.is_sample:
        span = sample_years(settings.sample_dir)
    else:
        span = settings.years
    watchlist = load_watchlist(settings.watchlist)
    path = plan_warehouse(WarehouseFiles(settings.warehouse).build, settings.warehouse)
    note = f"reading {path} read-only" if path else "no warehouse yet: a first load"
    try:
        con = duckdb.connect(str(path), read_only=True) if path else None
    except duckdb.Error as exc:  # held by a running refresh: plan as if none
        con, note = None, f"{path} could not be read ({exc}): planned as a first load"
    try:
        estimates = estimate(settings, watchlist, span, con)
    finally:
        if con is not None:
            con.close()
    return [
        f"Refresh plan: source={settings.source}, years {span[0]}-{span[1]}, {note}",
        *plan_lines(estimates),
    ], total_seconds(estimates)


def confirm_refresh(
    lines: list[str],
    seconds: float,
    stdin: TextIO,
    stdout: TextIO,
    assume_yes: bool = False,
    threshold: float = CONFIRM_ABOVE_SECONDS,
) -> bool:
    """Whether the refresh goes on: yes with ``assume_yes``, when either stream is not a
    terminal (CI, cron, the schedule never ask) or when the plan is short; else the plan is
    shown and the answer to "Proceed? [y/N]" decides."""
    if assume_yes or not (stdin.isatty() and stdout.isatty()) or seconds <= threshold:
        return True
    print(*lines, sep="\n", file=stdout)
    stdout.write(
        f"This refresh is estimated to take longer than {threshold / 60:g} minutes at the APIs' "
        "rate limits (--yes skips this question).\nProceed? [y/N] "
    )
    stdout.flush()
    return stdin.readline().strip().lower() in ("y", "yes")


def refresh(args: argparse.Namespace) -> int:
    # the configuration first (settings, years, paths, the watchlist's schema), before any
    # Dagster or dbt import: every problem is printed once and nothing runs
    settings, problems = check_refresh(sample=args.sample, years=args.years)
    if problems or settings is None:
        print(
            f"influence: {len(problems)} configuration problem(s); nothing was run:",
            *(f"  {problem}" for problem in problems),
            sep="\n",
            file=sys.stderr,
        )
        return 2
    source = "sample" if args.sample else settings.source
    if args.plan:
        lines, _ = refresh_plan(replace(settings, source=source), args.years)
        print(*lines, sep="\n")
        return 0
    if source == "live":
        for name, url in (
            ("LDA_API_URL", settings.lda_api_url),
            ("USASPENDING_API_URL", settings.usaspending_api_url),
            ("GDELT_API_URL", settings.gdelt_api_url),
            ("GLEIF_API_URL", settings.gleif_api_url),
        ):
            problem = _reachable(url)
            if problem is not None:
                print(
                    f"influence: cannot reach {url} ({name}): {problem}.\n"
                    "No network? Build the warehouse from the bundled sample instead:\n"
                    "  influence refresh --sample",
                    file=sys.stderr,
                )
                return 2
        if not settings.edgar_user_agent:
            print(
                "influence: EDGAR_USER_AGENT is not set. The SEC answers only requests whose "
                "User-Agent names who asks with a contact e-mail address; set it, e.g.\n"
                "  export EDGAR_USER_AGENT='Jane Doe jane@example.org'",
                file=sys.stderr,
            )
            return 2

    if not args.yes and sys.stdin.isatty() and sys.stdout.isatty():
        lines, seconds = refresh_plan(replace(settings, source=source), args.years)
        if not confirm_refresh(lines, seconds, sys.stdin, sys.stdout):
            print("influence: refresh not started", file=sys.stderr)
            return 1

    dagster_home()
    os.environ.setdefault("DAGSTER_CLI_NO_ANALYTICS", "1")
    print(f"influence refresh: source={source}, warehouse={settings.warehouse}", flush=True)
    started = time.time()
    print("Preparing the dbt project (dbt parse) ...", flush=True)
    from dagster_project.defs.dbt.project import ensure_manifest

    # Parse with the profile the build will use (profiles.yml reads the database's path from
    # INFLUENCE_DBT_DATABASE, which the dbt asset sets to the same build database): dbt re-parses
    # the whole project whenever its profile differs from the last parse's, so a parse with the
    # default path made both this parse and the build's own a full one, every refresh.
    os.environ["INFLUENCE_DBT_DATABASE"] = str(settings.build_warehouse)
    ensure_manifest(force=True)

    import dagster as dg

    from dagster_project.console import hide_other_output
    from dagster_project.definitions import defs
    from dagster_project.defs.schedules import REFRESH_JOB_NAME
    from dagster_project.recovery import owner_tags

    run_config: dict = {
        "resources": {"sources": {"config": {"source": source, "years": args.years or ""}}},
        "loggers": {"progress": {}},
    }
    if getattr(args, "full", False):  # dbt rebuilds every model, incremental ones included
        run_config["ops"] = {"influence_dbt_models": {"config": {"full_refresh": True}}}
    if args.verbose:  # Dagster's log lines too; dbt's are not hidden below
        run_config["loggers"]["console"] = {"config": {"log_level": "DEBUG"}}
    else:  # a live line while a pull fetches pages
        run_config["resources"]["sources"]["config"]["show_progress"] = True
    job = defs.get_job_def(REFRESH_JOB_NAME)
    instance = dg.DagsterInstance.get()
    for line in recover(instance, settings.build_warehouse):
        print(line, flush=True)
    print(f"Running Dagster job '{REFRESH_JOB_NAME}':", flush=True)
    with hide_other_output(not args.verbose):
        result = job.execute_in_process(
            run_config=run_config,
            instance=instance,
            raise_on_error=False,
            tags=owner_tags(),
        )
    took = time.time() - started
    print("")
    build = settings.build_warehouse
    if build.exists():
        for line in _summary(build, started):
            print(line)
        print(_dbt_summary(build, started))
    published = _published_summary(settings, result)
    for line in published.lines:
        print(line)
    print(f"Dagster run {result.run_id}: {'succeeded' if result.success else 'FAILED'}")
    print(f"Time: {took:.1f} s")
    if not result.success:
        # each distinct error once, with the steps it failed
        failed: dict[str, list[str]] = {}
        for event in result.all_events:
            if event.event_type_value in ("STEP_FAILURE", "RUN_FAILURE"):
                error = getattr(event.event_specific_data, "error", None)
                while error is not None and error.cause is not None:
                    error = error.cause  # the step error wraps what went wrong
                if error is not None:
                    steps = failed.setdefault(error.message.strip(), [])
                    steps.append(event.step_key or "run")
        for message, steps in failed.items():
            print(f"  {', '.join(steps)}: {message}", file=sys.stderr)
        return 1
    if published.stale:
        print(
            f"influence: partial success: {len(published.stale)} source(s) stale, the marts hold "
            "their earlier data (audit.source_freshness): " + ", ".join(sorted(published.stale)),
            file=sys.stderr,
        )
        return EXIT_STALE_SOURCES
    return 0


def ui(args: argparse.Namespace) -> int:
    home = dagster_home()
    cmd = [
        sys.executable, "-m", "dagster", "dev",
        "-h", "127.0.0.1", "-p", str(args.port),
        "-m", "dagster_project.definitions",
    ]  # fmt: skip
    print(f"Dagster UI on http://127.0.0.1:{args.port} (instance {home})", flush=True)
    # dagster dev re-parses the dbt project with the `dbt` on PATH: put this environment's first.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    # stopping `influence` (Ctrl-C, SIGTERM, SIGHUP, even SIGKILL) stops dagster dev's services
    return run_foreground(cmd, cwd=REPO_ROOT, env=dict(os.environ, PATH=path))


def docs(args: argparse.Namespace) -> int:
    from ingest.dbt_cli import dbt_command, dbt_env

    settings = _settings_or_report()
    if settings is None:
        return 2
    env = dbt_env(settings.build_warehouse)
    code = run_foreground(dbt_command(["docs", "generate"]), env=env, cwd=DBT_PROJECT_DIR)
    if code != 0 or not args.serve:
        return code
    print(f"dbt docs on http://127.0.0.1:{args.port}", flush=True)
    serve = ["docs", "serve", "--host", "127.0.0.1", "--port", str(args.port), "--no-browser"]
    return run_foreground(dbt_command(serve), env=env, cwd=DBT_PROJECT_DIR)


def company(args: argparse.Namespace) -> int:
    """Summarise one company from the published warehouse (ingest/company_lookup.py)."""
    import json

    from ingest.company_lookup import (
        CompanyLookupError,
        NotResolved,
        candidates_lines,
        lookup_company,
        summary_json,
        summary_lines,
    )

    settings = _settings_or_report()
    if settings is None:
        return 2
    try:
        summary = lookup_company(settings.warehouse, args.name, args.pick)
    except NotResolved as exc:
        lookup = exc.lookup
        what = {"ambiguous": "matches several companies", "no such pick": "has no such --pick"}
        problem = what.get(lookup.problem or "", "matches no company")
        print(
            f"influence company: {lookup.query!r} {problem}"
            "; did you mean (rerun with --pick N, or the company_id):",
            *candidates_lines(lookup),
            sep="\n",
            file=sys.stderr,
        )
        return 2
    except CompanyLookupError as exc:
        print(f"influence company: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(summary_json(summary), indent=2))
    else:
        print(*summary_lines(summary), sep="\n")
    return 0


def snapshots(args: argparse.Namespace) -> int:
    """List the kept snapshots of the published warehouse, newest first."""
    from ingest.publish import WarehouseFiles, is_published, list_snapshots

    settings = _settings_or_report()
    if settings is None:
        return 2
    files = WarehouseFiles(settings.warehouse)
    kept = list_snapshots(files)
    if not kept:
        print(f"No published snapshot of {settings.warehouse} yet: run influence refresh.")
        return 0
    print(f"Snapshots of {settings.warehouse} (in {files.snapshots}), newest first:")
    print(f"  {'':2}{'snapshot':20} {'published at (UTC)':25} {'size':>9} {'loads':>6}  stale")
    for snapshot in kept:
        mark = "* " if is_published(files, snapshot) else "  "
        stale = ", ".join(sorted(snapshot.stale_sources)) or "-"
        print(
            f"  {mark}{snapshot.snapshot_id:20} {snapshot.published_at[:25]:25} "
            f"{snapshot.size_bytes / 1e6:>6.1f} MB {snapshot.load_count:>6}  {stale}"
        )
        if args.loads:
            for table, loads in sorted(snapshot.load_ids.items()):
                print(f"      {table}: {', '.join(loads)}")
    print("* the published file. Each snapshot file can be opened read-only on its own.")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write the marts (or ``--tables``) of the warehouse to files in ``DIR``, with a manifest."""
    from ingest.export import ExportError, ExportFailed, export_tables

    settings = _settings_or_report()
    if settings is None:
        return 2
    try:
        result = export_tables(settings.warehouse, args.dir, args.format, args.tables)
    except ExportError as exc:
        print(f"influence export: {' '.join(str(exc).split())}", file=sys.stderr)
        return 1 if isinstance(exc, ExportFailed) else 2
    width = max(len(table.table) for table in result.tables) if result.tables else 0
    for table in result.tables:
        print(f"{table.table:{width}} {table.rows:>10} rows  {result.directory / table.file}")
    print(f"Manifest: {result.manifest}")
    return 0


def site_build(args: argparse.Namespace) -> int:
    """Write the static site of the published warehouse (ingest/site) to ``--out``."""
    from ingest.site import SiteError, build_site
    from ingest.watchlist import WatchlistError, load_watchlist

    settings = _settings_or_report()
    if settings is None:
        return 2
    try:
        watchlist = load_watchlist(settings.watchlist)
    except (OSError, WatchlistError) as exc:  # the pages are built, without watched marks
        print(f"influence site: watchlist not read, nothing marked watched: {exc}", file=sys.stderr)
        watchlist = None
    print(f"influence site build: {settings.warehouse} -> {args.out}", flush=True)
    try:
        result = build_site(
            settings.warehouse, args.out, watchlist, lambda line: print(f"  {line}", flush=True)
        )
    except SiteError as exc:
        print(f"influence site: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(
        f"Wrote {result.companies} company pages and {result.agencies} agency pages to "
        f"{result.out} (snapshot {result.snapshot_id or 'unknown'}) in {result.seconds:.1f} s"
    )
    print(f"Open {result.out / 'index.html'}, or serve it: influence site serve --out {args.out}")
    return 0


def site_serve(args: argparse.Namespace) -> int:
    """Serve a built site on 127.0.0.1 until Ctrl-C."""
    from ingest.site import SiteNotBuilt, make_server, site_url

    try:
        server = make_server(args.out.resolve(), args.port)
    except SiteNotBuilt as exc:
        print(f"influence site: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"influence site: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    # Ctrl-C (and a plain kill) stop the server, even when it was started from a shell that
    # ignores SIGINT for its background jobs (the child inherits the ignore otherwise)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    with server:
        print(f"Serving {args.out} on {site_url(server)} (Ctrl-C stops it)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("influence site: stopped")
    return 0


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="influence",
        description="Influence Warehouse: lobbying, contracts and news, joined by company "
        "and agency.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("refresh", help="build or update warehouse.duckdb (runs the Dagster job)")
    p.add_argument(
        "--sample", action="store_true", help="use the bundled offline sample, not the live APIs"
    )
    p.add_argument("--years", help="filing years to pull, e.g. 2017-2019 (default: see README)")
    p.add_argument(
        "--verbose", action="store_true", help="print Dagster's and dbt's full logs as they come"
    )
    p.add_argument(
        "--full",
        action="store_true",
        help="rebuild every dbt model from scratch (default: incremental, new loads only)",
    )
    p.add_argument(
        "--plan",
        action="store_true",
        help="print what each source would fetch and the time the rate limits imply; no refresh",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="do not ask before a long refresh (only a terminal is ever asked)",
    )
    p.set_defaults(func=refresh)
    p = sub.add_parser("export", help="write the marts (or --tables) to Parquet or CSV files")
    p.add_argument("dir", metavar="DIR", type=Path, help="the directory to write (created)")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument(
        "--tables",
        nargs="+",
        metavar="TABLE",
        help="schema.table, or a bare name of marts (default: every table of marts)",
    )
    p.set_defaults(func=export)
    p = sub.add_parser("company", help="summarise one company: names, lobbying, agencies, news")
    p.add_argument(
        "name", metavar="NAME", help="a company name, a name it files under, or its company_id"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    p.add_argument(
        "--pick", type=int, metavar="N", help="take the Nth suggestion of an ambiguous name"
    )
    p.set_defaults(func=company)
    site = sub.add_parser(
        "site", help="build or serve the static site: company and agency pages with charts"
    ).add_subparsers(dest="site_command", required=True)
    p = site.add_parser("build", help="write the site of the published warehouse")
    p.add_argument(
        "--out", type=Path, default=REPO_ROOT / "site", help="the folder to write (default: site/)"
    )
    p.set_defaults(func=site_build)
    p = site.add_parser("serve", help="serve a built site on 127.0.0.1")
    p.add_argument(
        "--out", type=Path, default=REPO_ROOT / "site", help="the site's folder (default: site/)"
    )
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=site_serve)
    p = sub.add_parser("snapshots", help="list the kept snapshots of the published warehouse")
    p.add_argument("--loads", action="store_true", help="list each snapshot's load ids too")
    p.set_defaults(func=snapshots)
    p = sub.add_parser("ui", help="open the Dagster UI (dagster dev) on 127.0.0.1")
    p.add_argument("--port", type=int, default=3000)
    p.set_defaults(func=ui)
    p = sub.add_parser("docs", help="generate (and with --serve, serve) the dbt docs")
    p.add_argument("--serve", action="store_true")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=docs)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
