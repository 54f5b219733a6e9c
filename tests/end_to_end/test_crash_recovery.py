"""`influence refresh --sample` killed with SIGKILL, twice (while raw tables land, then while
dbt builds), and what the next refresh makes of it: it finishes (no wait for a slot the dead run
still held), the loads the kills interrupted are `abandoned` in the ledger with the reason, the
dead Dagster runs are no longer STARTED, and no dbt outlives the `influence` that started it.
"""

from __future__ import annotations

import os
import queue
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

from ingest.config import REPO_ROOT, SAMPLE_DIR

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


def test_a_killed_refresh_is_recovered_by_the_next(env: dict[str, str], tmp_path: Path) -> None:
    warehouse = Path(env["INFLUENCE_WAREHOUSE"])

    # 1. killed while the raw tables land: in the middle of the GDELT load, which waits on a
    # page that never comes (a FIFO nobody writes); the other loads before it have finished
    sample, pages = stalled_sample(tmp_path)
    first = Refresh({**env, "INFLUENCE_SAMPLE_DIR": str(sample)})
    writer = wait_for_reader(pages, first)
    first.kill()
    os.close(writer)
    interrupted = running_loads(warehouse)
    assert [table for _, table in interrupted] == ["raw.gdelt_articles"], first.output

    # 2. killed while dbt builds: dbt (influence-dbt) is running under it
    second = Refresh(env)
    second.wait_for("Running Dagster job")
    second.wait_for("  > influence_dbt_models")
    deadline = time.monotonic() + 120
    dbt: list[int] = []
    while not dbt and time.monotonic() < deadline:
        dbt = [pid for pid in children(second.proc.pid) if "influence-dbt" in command_line(pid)]
        time.sleep(0.2)
    assert dbt, "dbt did not start:\n" + second.output
    time.sleep(2.0)
    # dbt, and every other child (Dagster's compute-log tails and their watchers)
    descendants = children(second.proc.pid)
    assert set(dbt) <= set(descendants)
    second.kill()
    deadline = time.monotonic() + 15
    while any(running(pid) for pid in descendants) and time.monotonic() < deadline:
        time.sleep(0.2)
    orphans = [f"{pid}: {command_line(pid)}" for pid in descendants if running(pid)]
    for pid in descendants:  # leave nothing behind, whatever the assertion says
        if running(pid):
            os.kill(pid, signal.SIGKILL)
    assert not orphans, f"children outlived the killed influence: {orphans}"

    # the second refresh, before it ran, gave back what the first left
    assert "Reclaimed 1 stale Dagster run(s)" in second.output, second.output
    assert "freed its duckdb_warehouse slot" in second.output, second.output
    if interrupted:
        assert f"Marked {len(interrupted)} interrupted load(s) abandoned" in second.output

    # 3. the next refresh completes, in bounded time (no wait for a dead run's slot)
    third = Refresh(env)
    code = third.finish()
    assert code == 0, third.output[-4000:]
    assert "Reclaimed 1 stale Dagster run(s)" in third.output, third.output

    with duckdb.connect(str(warehouse), read_only=True) as con:
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
    assert "running" not in statuses.values()
    for load_id, _ in interrupted:
        assert statuses[load_id] == "abandoned"
        assert reasons[load_id] == (
            f"abandoned: the process that ran it (pid {first.proc.pid} on host "
            f"{os.uname().nodename}) is gone"
        )
    assert finished == (0,)

    instance = dg.DagsterInstance.from_config(env["DAGSTER_HOME"])
    runs = instance.get_runs()
    assert len(runs) == 3
    assert [run.status for run in reversed(runs)] == [
        dg.DagsterRunStatus.FAILURE,
        dg.DagsterRunStatus.FAILURE,
        dg.DagsterRunStatus.SUCCESS,
    ]
    claimed = instance.event_log_storage.get_concurrency_info("duckdb_warehouse").claimed_slots
    assert claimed == []
