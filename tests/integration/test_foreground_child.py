"""``run_foreground``: a child's exit code passes through; a signal to this process reaches the
child's whole process group, and what does not stop within the grace period is killed; so is
what the child leaves behind when this process is killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.processes import process_alive, run_foreground

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="process groups, prctl"),
]

# a child that ignores SIGTERM and starts a grandchild that ignores it too, writing both pids
STUBBORN = """
import signal, subprocess, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
grandchild = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
open(sys.argv[1], "w").write(f"{grandchild.pid}")
time.sleep(60)
"""


def wait_for_pid(pid_file: Path, seconds: float) -> int:
    """The pid a child writes to ``pid_file``, waiting at most ``seconds`` for it."""
    deadline = time.monotonic() + seconds
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return int(pid_file.read_text())


def gone_within(pid: int, seconds: float) -> bool:
    """Whether process ``pid`` has exited, waiting at most ``seconds`` for it."""
    deadline = time.monotonic() + seconds
    while process_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not process_alive(pid)


def test_the_exit_code_of_the_child_is_returned() -> None:
    assert run_foreground([sys.executable, "-c", "raise SystemExit(3)"]) == 3
    assert run_foreground([sys.executable, "-c", "import os; os.kill(os.getpid(), 9)"]) == 137


def test_a_signal_reaches_the_group_and_stragglers_are_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"

    # SIGTERM to this process once the grandchild runs (the handler runs in the main thread)
    def stop() -> None:
        wait_for_pid(pid_file, 30)
        os.kill(os.getpid(), signal.SIGTERM)

    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    threading.Thread(target=stop, daemon=True).start()
    started = time.monotonic()
    code = run_foreground([sys.executable, "-c", STUBBORN, str(pid_file)], grace=1.0)
    assert code == 128 + signal.SIGTERM
    assert time.monotonic() - started < 30
    grandchild = int(pid_file.read_text())
    assert gone_within(grandchild, 5), "the grandchild outlived the grace period"
    # this process's own handlers are back (whatever they were: an earlier test's Dagster run
    # may have set its own)
    assert {sig: signal.getsignal(sig) for sig in before} == before


# a child that stops at once at SIGTERM, leaving behind a grandchild that ignores it, as `dagster
# dev` was seen leaving a code server behind
ABANDONING = """
import signal, subprocess, sys, time
grandchild = subprocess.Popen([sys.executable, "-c",
    "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(120)"])
open(sys.argv[1], "w").write(f"{grandchild.pid}")
time.sleep(120)
"""
RUNNER = (
    "import sys; from ingest.processes import run_foreground; "
    "run_foreground([sys.executable, '-c', sys.argv[1], sys.argv[2]], grace=2.0)"
)


def test_what_the_child_leaves_is_killed_when_this_process_is_killed_outright(
    tmp_path: Path,
) -> None:
    pid_file = tmp_path / "grandchild.pid"
    runner = subprocess.Popen([sys.executable, "-c", RUNNER, ABANDONING, str(pid_file)])
    grandchild = wait_for_pid(pid_file, 60)
    try:
        runner.kill()  # no chance to pass anything on
        runner.wait()
        assert gone_within(grandchild, 15), "the grandchild outlived the killed process"
    finally:
        if process_alive(grandchild):
            os.kill(grandchild, signal.SIGKILL)
