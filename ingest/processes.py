"""Which process did something, and is it still there: what lets a refresh that follows a crash
(``kill -9``, a lost machine) tell work that is still going on from work that never will be.

And the other half: a child process (dbt) that must not outlive the process that started it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import sys
from dataclasses import dataclass

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
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) != 0:
        return
    if os.getppid() != parent or parent == 1:
        os._exit(1)
