"""`influence refresh --sample` killed with SIGKILL in each phase (fetching, landing and
validating, the dbt build, publishing) on a copy of the warehouse the session's sample refreshes
published (``built_run``), while an analyst holds a read-write connection on the published file
throughout. What that leaves: the published file byte for byte as it was after every kill, and a
next refresh that finishes (no wait for a slot a dead run still held), marks the interrupted loads
`abandoned` with the reason, leaves no dead Dagster run STARTED and no dbt outliving the
`influence` that started it. That next refresh has one source's batch invalid (a short agency
list): it publishes the marts of every source, says which source is stale and exits with 3; the
analyst's connection still answers from the old snapshot, a new connection from the new one.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.cli import EXIT_STALE_SOURCES
from dagster_project.defs.published.keys import STALE_SOURCES_TAG
from ingest.config import REPO_ROOT, SAMPLE_DIR
from ingest.publish import current_snapshot, list_snapshots
from tests.support.analyst import Analyst, fresh_answer
from tests.support.sample_refresh import Built, copy_built_warehouse

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

REFRESH_TIMEOUT = 900  # s; a sample refresh takes 1.5 to 3 minutes on two busy cores


class Refresh:
    """A running `influence refresh --sample`, its output read line by line."""

    def __init__(self, env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dagster_project.cli", "refresh", "--sample"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_for(self, text: str, timeout: float = REFRESH_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while any(text in line for line in self.lines) is False:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"no {text!r} in:\n" + self.output) from None
            if line is None:
                raise AssertionError(f"exited before {text!r}:\n" + self.output)
            self.lines.append(line)

    def finish(self, timeout: float = REFRESH_TIMEOUT) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("the refresh hung:\n" + self.output) from None
        while (line := self._queue.get(timeout=30)) is not None:
            self.lines.append(line)
        return code

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    @property
    def output(self) -> str:
        return "\n".join(self.lines)


def children(pid: int) -> list[int]:
    """Every process (at any depth) whose parent chain leads to ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rpartition(")")[2].split()[1])
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        kids = [child for child, of in parents.items() if of == parent]
        found += kids
        frontier += kids
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def running(pid: int) -> bool:
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] not in ("Z", "X")


def running_loads(warehouse: Path) -> list[tuple[str, str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "select load_id, raw_table from audit.load_ledger where status = 'running'"
        ).fetchall()


@pytest.fixture
def env(tmp_path: Path) -> Iterator[dict[str, str]]:
    environment = dict(os.environ)
    environment.update(
        INFLUENCE_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
        PYTHONUNBUFFERED="1",
        LDA_API_URL="http://127.0.0.1:9/api/v1/",
        USASPENDING_API_URL="http://127.0.0.1:9",
        GDELT_API_URL="http://127.0.0.1:9/api/v2/doc/doc",
        GLEIF_API_URL="http://127.0.0.1:9/api/v1",
    )
    environment.pop("INFLUENCE_SOURCE", None)
    yield environment


def stalled_sample(tmp_path: Path, source: str = "gdelt") -> tuple[Path, list[Path]]:
    """The bundled sample, but every recorded page of ``source`` is a FIFO that nobody writes:
    the load that reads one waits until it is killed."""
    sample = tmp_path / "stalled_sample"
    sample.mkdir()
    for entry in SAMPLE_DIR.iterdir():
        if entry.name != source:
            (sample / entry.name).symlink_to(entry)
    (sample / source / "pages").mkdir(parents=True)
    (sample / source / "index.json").symlink_to(SAMPLE_DIR / source / "index.json")
    pages = []
    for page in sorted((SAMPLE_DIR / source / "pages").iterdir()):
        fifo = sample / source / "pages" / page.name
        os.mkfifo(fifo)
        pages.append(fifo)
    return sample, pages


def wait_for_reader(fifos: list[Path], refresh: Refresh, timeout: float = 600) -> int:
    """Wait until ``refresh`` opens one of the FIFOs to read it; return a writing end (kept
    open, so the reader sees no end of file)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for fifo in fifos:
            try:
                return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: no reader yet
                continue
        if refresh.proc.poll() is not None:
            break
        time.sleep(0.2)
    refresh.kill()
    raise AssertionError("the refresh never read the stalled page")


def short_agency_list(tmp_path: Path) -> Path:
    """The bundled sample, but USAspending's toptier agency list answers five agencies: its
    suite's critical row-count expectation quarantines that batch (the issue's case)."""
    sample = tmp_path / "short_agency_sample"
    sample.mkdir()
    for entry in SAMPLE_DIR.iterdir():
        if entry.name != "usaspending":
            (sample / entry.name).symlink_to(entry)
    shutil.copytree(SAMPLE_DIR / "usaspending", sample / "usaspending", symlinks=False)
    index = json.loads((sample / "usaspending" / "index.json").read_text())
    page = sample / "usaspending" / index["GET /api/v2/references/toptier_agencies/"]
    body = json.loads(page.read_text())
    body["results"] = body["results"][:5]
    page.write_text(json.dumps(body))
    return sample


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def kill_children(pid: int, timeout: float = 15) -> list[str]:
    """After ``pid`` was killed: wait for every process it had started to go; returns those
    that outlived it (killed here anyway, so that nothing is left behind)."""
    descendants = children(pid)
    deadline = time.monotonic() + timeout
    while any(running(child) for child in descendants) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [f"{child}: {command_line(child)}" for child in descendants if running(child)]
    for child in descendants:
        if running(child):
            os.kill(child, signal.SIGKILL)
    return orphans


def kill_within_step(env: dict[str, str], step: str, after: float) -> Refresh:
    """A refresh killed ``after`` seconds into the Dagster step ``step``."""
    refresh = Refresh(env)
    refresh.wait_for(f"  > {step} ...")
    time.sleep(after)
    refresh.kill()
    return refresh


def test_a_refresh_killed_in_any_phase_leaves_the_published_warehouse_as_it_was(
    env: dict[str, str], tmp_path: Path, built_run: Built
) -> None:
    # 0. the warehouse analysts open, as the session's sample refreshes published it (a copy:
    # this test goes on from there with a Dagster instance of its own)
    files = copy_built_warehouse(built_run, Path(env["INFLUENCE_WAREHOUSE"]))
    kept = list_snapshots(files)
    first_snapshot = current_snapshot(files)
    assert first_snapshot is not None and kept[0] == first_snapshot
    # an analyst holds a read-write connection on the published file through everything below
    analyst = Analyst(files.published, "read_write")
    before = digest(files.published)
    killed: list[tuple[str, Refresh]] = []

    def unchanged(phase: str) -> None:
        assert digest(files.published) == before, f"the published file changed: {phase}"
        assert list_snapshots(files) == kept, phase

    # 1. fetching: the GDELT load waits on a page that never comes (a FIFO nobody writes); the
    # loads before it have finished
    sample, pages = stalled_sample(tmp_path)
    fetching = Refresh({**env, "INFLUENCE_SAMPLE_DIR": str(sample)})
    writer = wait_for_reader(pages, fetching)
    fetching.kill()
    os.close(writer)
    killed.append(("fetching", fetching))
    unchanged("killed while fetching")
    interrupted = running_loads(files.build)
    assert [table for _, table in interrupted] == ["raw.gdelt_articles"], fetching.output

    # 2. landing, validating and merging: the LDA filings load (2,150 records: fetch from the
    # sample, land, 29 expectations, merge; 1.0 to 2 seconds) killed early and late in it, both
    # times inside the step, which holds the warehouse's slot (killed at 1.0 s on a machine where
    # the step took 1.0 s, the run was between steps and held none to free)
    for after in (0.3, 0.6):
        landing = kill_within_step(env, "raw__lda_filings", after)
        killed.append((f"{after} s into the LDA load", landing))
        assert kill_children(landing.proc.pid) == []
        unchanged(f"killed {after} s into the LDA filings load")

    # 3. the dbt build: dbt (influence-dbt) is running under it, and dies with it
    building = Refresh(env)
    building.wait_for("  > influence_dbt_models")
    deadline = time.monotonic() + 120
    dbt: list[int] = []
    while not dbt and time.monotonic() < deadline:
        # the build itself (dagster-dbt first asks `influence-dbt --version`, which ends at once)
        dbt = [
            pid for pid in children(building.proc.pid) if "influence-dbt build" in command_line(pid)
        ]
        time.sleep(0.2)
    assert dbt, "dbt did not start:\n" + building.output
    time.sleep(2.0)
    assert set(dbt) <= set(children(building.proc.pid))
    building.kill()
    killed.append(("building", building))
    assert kill_children(building.proc.pid) == [], "children outlived the killed influence"
    unchanged("killed while dbt builds")
    # that refresh, before it ran, gave back what the earlier kills left
    assert "Reclaimed 1 stale Dagster run(s)" in building.output, building.output
    assert "freed its duckdb_warehouse slot" in building.output, building.output

    # 4. publishing: killed as soon as the new snapshot's partial file appears
    publishing = Refresh(env)
    publishing.wait_for("  > published__warehouse")
    deadline = time.monotonic() + 60
    while not list(files.snapshots.glob("*.partial")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(files.snapshots.glob("*.partial")), "no partial snapshot:\n" + publishing.output
    publishing.kill()
    killed.append(("publishing", publishing))
    unchanged("killed while publishing")

    # 5. the next refresh completes; one source's batch is invalid this time
    following = Refresh({**env, "INFLUENCE_SAMPLE_DIR": str(short_agency_list(tmp_path))})
    code = following.finish()
    output = following.output
    assert code == EXIT_STALE_SOURCES, output[-4000:]
    assert "Reclaimed 1 stale Dagster run(s)" in output, output
    stale = "raw.usaspending_toptier_agencies"
    assert f"STALE {stale}: quarantined" in output, output
    assert "partial success: 1 source(s) stale" in output, output
    assert digest(files.published) != before
    snapshots = list_snapshots(files)
    # the analyst's connection still answers from the snapshot it opened; a new one sees the new
    try:
        assert analyst.ask() == analyst.first
        assert analyst.first.snapshot_id == first_snapshot.snapshot_id
    finally:
        analyst.close()
    assert fresh_answer(files.published).snapshot_id == snapshots[0].snapshot_id
    assert [s.snapshot_id for s in snapshots][1:] == [first_snapshot.snapshot_id]
    assert snapshots[0].stale_sources.keys() == {stale}
    assert list(files.snapshots.glob("*.partial")) == []  # what the killed publish left

    with duckdb.connect(str(files.published), read_only=True) as con:
        freshness = dict(
            con.execute("select raw_table, is_stale from audit.source_freshness").fetchall()
        )
        agencies = con.execute("select count(*) from marts.dim_agency").fetchone()
        published_at = con.execute("select published_at from audit.published_snapshot").fetchone()
    assert freshness[stale] is True
    assert [table for table, is_stale in freshness.items() if is_stale] == [stale]
    assert agencies is not None and agencies[0] > 100  # built from the previous agency list
    assert published_at is not None

    with duckdb.connect(str(files.build), read_only=True) as con:
        statuses = dict(con.execute("select load_id, status from audit.load_ledger").fetchall())
        reasons = dict(
            con.execute(
                "select load_id, error from audit.load_ledger where status = 'abandoned'"
            ).fetchall()
        )
        finished = con.execute(
            "select count(*) from audit.load_ledger where status = 'abandoned' "
            "and finished_at is null"
        ).fetchone()
        kept = con.execute(f"select count(*) from {stale}").fetchone()
    assert kept is not None and kept[0] > 100  # the quarantined short list replaced nothing
    assert "running" not in statuses.values()
    for load_id, _ in interrupted:
        assert statuses[load_id] == "abandoned"
        assert reasons[load_id] == (
            f"abandoned: the process that ran it (pid {fetching.proc.pid} on host "
            f"{os.uname().nodename}) is gone"
        )
    assert finished == (0,)

    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    runs = list(reversed(instance.get_runs()))
    assert [run.status for run in runs] == [
        *[dg.DagsterRunStatus.FAILURE] * len(killed),
        dg.DagsterRunStatus.SUCCESS,
    ]
    assert runs[-1].tags.get(STALE_SOURCES_TAG) == stale
    claimed = instance.event_log_storage.get_concurrency_info("duckdb_warehouse").claimed_slots
    assert claimed == []
