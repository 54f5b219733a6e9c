"""Which process did something, and is it still there: what lets a refresh that follows a crash
(``kill -9``, a lost machine) tell work that is still going on from work that never will be.

And the other half: a child process (dbt, a server) that must not outlive the process that
started it.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Any

PR_SET_PDEATHSIG = 1  # linux/prctl.h


@dataclass(frozen=True)
class Owner:
    """A process, as recorded beside the work it does (the load ledger, a Dagster run's tags)."""

    pid: int
    host: str

    def describe(self) -> str:
        return f"pid {self.pid} on host {self.host}"


def this_host() -> str:
    return socket.gethostname()


def this_process() -> Owner:
    return Owner(pid=os.getpid(), host=this_host())


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this host and has not exited (a zombie, killed and
    not yet reaped by its parent, has exited)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # someone else's process: it exists
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # "pid (comm) state ...": comm may hold spaces and parentheses, the state follows
            # the last ')'
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return True  # no /proc (not Linux): kill(0) said it exists


def gone(owner: Owner) -> bool | None:
    """True when ``owner`` has exited, False when it runs, None when it cannot be told (another
    host)."""
    if owner.host != this_host():
        return None
    return not process_alive(owner.pid)


def die_with_parent(sig: int = signal.SIGKILL) -> None:
    """Ask the kernel to send ``sig`` to this process when its parent exits, however it exits
    (``kill -9`` included). Linux only; elsewhere a no-op. If the parent is already gone (it died
    before this was set), exit now.

    The kernel sends it when the *thread* that started this process ends, not only the process:
    the thread that starts dbt (a Dagster step, ``ensure_manifest``) waits for dbt to finish, so
    dbt is never killed early."""
    if not sys.platform.startswith("linux"):
        return
    _set_death_signal(ctypes.CDLL(None, use_errno=True), sig)


def _set_death_signal(libc: Any, sig: int) -> None:
    parent = os.getppid()
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        return
    if os.getppid() != parent or parent == 1:
        os._exit(1)


# What stops a foreground child: Ctrl-C, `kill`, a closed terminal or SSH session.
FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# how long a stopped server may take to shut down on its own (`dagster dev` stops its webserver
# and daemon in a few seconds, but would wait up to a minute for each) before it is killed
GRACE_SECONDS = 10.0


def run_foreground(
    command: Sequence[str],
    *,
    grace: float = GRACE_SECONDS,
    death_signal: int = signal.SIGTERM,
    **popen: Any,
) -> int:
    """Run ``command`` (a server: ``dagster dev``, ``dbt docs serve``) until it exits or this
    process is told to stop, and leave nothing of it behind. Returns its exit code, or
    128 + the signal that stopped it.

    - The child starts in a session (and process group) of its own, so its whole tree can be
      signalled at once: ``dagster dev`` runs a webserver, a daemon and code servers.
    - SIGINT, SIGTERM and SIGHUP received here are passed on to that group (as a terminal passes
      Ctrl-C to its foreground group); if the child has not exited ``grace`` seconds after the
      first one, the group is killed (SIGKILL). Whatever of the group is left when the child has
      exited is killed too.
    - Should this process die without a chance to pass anything on (``kill -9``), the kernel
      sends the child ``death_signal`` (``prctl(PR_SET_PDEATHSIG)``, Linux only): SIGTERM, so
      that ``dagster dev`` still stops its own services. It does not always wait for them (a
      code server it started was seen running on after it had exited), so a small reaper
      process (``reap_group_after_parent``), told of this process's death the same way, kills
      what is left of the child's group once the child has exited or ``grace`` has passed.

    Call it from the main thread (signal handlers can only be set there)."""
    received: list[int] = []
    child: subprocess.Popen[Any] | None = None
    reaper: subprocess.Popen[Any] | None = None

    def forward(signum: int, _frame: FrameType | None) -> None:
        if not received:
            received.append(signum)
        if child is not None:
            _signal_group(child.pid, signum)

    previous = {sig: signal.signal(sig, forward) for sig in FORWARDED_SIGNALS}
    try:
        preexec = None
        if sys.platform.startswith("linux"):
            libc = ctypes.CDLL(None, use_errno=True)  # loaded here, not in the forked child

            def preexec() -> None:
                _set_death_signal(libc, death_signal)

        child = subprocess.Popen(command, start_new_session=True, preexec_fn=preexec, **popen)
        reaper = _start_reaper(child.pid, grace)
        if received:  # a signal came before the child existed
            _signal_group(child.pid, received[0])
        code = _wait(child, received, grace)
    finally:
        if reaper is not None:  # this process is alive to clean up itself
            reaper.kill()
            reaper.wait()
        if child is not None:
            _signal_group(child.pid, signal.SIGKILL)  # whatever of the group is left
            if child.poll() is None:
                child.wait()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if received:
        return 128 + received[0]
    return code if code >= 0 else 128 - code


def _wait(child: subprocess.Popen[Any], received: list[int], grace: float) -> int:
    """The child's exit code, waiting at most ``grace`` seconds once a signal was received."""
    stop_by: float | None = None
    while True:
        if received and stop_by is None:
            stop_by = time.monotonic() + grace
        timeout = 0.2 if stop_by is None else max(0.0, stop_by - time.monotonic())
        try:
            return child.wait(timeout=min(timeout, 0.2))
        except subprocess.TimeoutExpired:
            if stop_by is not None and time.monotonic() >= stop_by:
                _signal_group(child.pid, signal.SIGKILL)
                return child.wait()


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _start_reaper(pgid: int, grace: float) -> subprocess.Popen[Any] | None:
    """Start ``reap_group_after_parent`` for the group ``pgid`` (Linux only: elsewhere None), in
    a session of its own, so that a Ctrl-C to this process's terminal does not reach it."""
    if not sys.platform.startswith("linux"):
        return None
    return subprocess.Popen(
        [sys.executable, "-m", "ingest.processes", str(os.getpid()), str(pgid), str(grace)],
        start_new_session=True,
        stdin=subprocess.DEVNULL,
    )


def reap_group_after_parent(parent: int, pgid: int, grace: float) -> None:
    """Wait for ``parent`` to die (the kernel's death signal, SIGTERM, or finding it gone), then
    for the leader of the process group ``pgid`` to exit (at most ``grace`` seconds), then kill
    whatever is left of the group. ``parent`` kills this process first when it lives to clean up
    itself (``run_foreground``)."""
    died: list[int] = []
    signal.signal(signal.SIGTERM, lambda signum, _frame: died.append(signum))
    for sig in (signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    # not _set_death_signal: a parent already gone is a reason to reap now, not to exit
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    while not died and process_alive(parent) and os.getppid() == parent:
        time.sleep(0.2)  # the death signal sets `died` (looked at every 0.2 s)
    stop_by = time.monotonic() + grace
    while process_alive(pgid) and time.monotonic() < stop_by:
        time.sleep(0.1)
    _signal_group(pgid, signal.SIGKILL)


if __name__ == "__main__":
    reap_group_after_parent(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
