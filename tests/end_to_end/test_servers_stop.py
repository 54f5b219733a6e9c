"""`influence ui` and `influence docs --serve`, stopped: the servers they start stop with them.

Stopped with SIGTERM (what `kill`, systemd and container runtimes send), the `influence` process
passes the signal on to its child's whole process group, and exits 128 + 15; killed with SIGKILL
(nothing to pass on), the kernel stops the child. Either way, within seconds, the port is free
again and not one process of the child's session (``dagster dev``'s webserver, daemon and code
server; ``dbt docs serve``) is left, read from /proc.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.config import REPO_ROOT
from ingest.processes import process_alive

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; prctl"),
]

STARTUP_TIMEOUT = 240  # s; dagster dev loads the code location (and parses dbt) on two busy cores
STOP_TIMEOUT = 20  # s; from the signal until port and processes are gone


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_http(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except urllib.error.HTTPError:
        return True  # an answer, if not a 200
    except OSError:
        return False


def port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def stat_fields(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, session, ..."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None


def live_processes() -> Iterator[tuple[int, list[str]]]:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            fields = stat_fields(int(entry.name))
            if fields is not None and fields[0] not in ("Z", "X"):
                yield int(entry.name), fields


def session_of(session: int) -> list[int]:
    """The live processes of a session (the child leads its own: its pid is the session id)."""
    return [pid for pid, fields in live_processes() if int(fields[3]) == session]


def children_of(pid: int) -> list[int]:
    return [child for child, fields in live_processes() if int(fields[1]) == pid]


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Server:
    """A running `influence <command>` whose child serves HTTP on ``port``."""

    proc: subprocess.Popen[bytes]
    port: int
    log: Path
    reaper: int = 0  # its pid, once serving

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_until_serving(self) -> int:
        """Wait for the port to answer HTTP; return the child's pid (its session's id)."""
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not answers_http(self.port):
            if self.proc.poll() is not None:
                raise AssertionError(f"influence exited {self.proc.returncode}:\n{self.output}")
            if time.monotonic() > deadline:
                raise AssertionError(f"nothing answered on port {self.port}:\n{self.output}")
            time.sleep(1.0)
        children = children_of(self.proc.pid)
        # the server, and the reaper that kills what is left of it should influence be killed
        reapers = [pid for pid in children if "-m ingest.processes" in command_line(pid)]
        servers = [pid for pid in children if pid not in reapers]
        assert len(servers) == 1 and len(reapers) == 1, [command_line(pid) for pid in children]
        self.reaper = reapers[0]
        child = servers[0]
        fields = stat_fields(child)
        assert fields is not None
        assert int(fields[2]) == int(fields[3]) == child, "the child leads a session of its own"
        return child

    def assert_all_gone(self, session: int) -> None:
        deadline = time.monotonic() + STOP_TIMEOUT
        while (session_of(session) or port_in_use(self.port)) and time.monotonic() < deadline:
            time.sleep(0.2)
        left = {pid: command_line(pid) for pid in session_of(session)}
        for pid in left:  # leave nothing behind, whatever the assertion says
            os.kill(pid, signal.SIGKILL)
        assert not left, f"processes outlived influence:\n{left}\n{self.output}"
        assert not port_in_use(self.port), f"port {self.port} still answers"
        deadline = time.monotonic() + STOP_TIMEOUT
        while process_alive(self.reaper) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not process_alive(self.reaper), "the reaper outlived influence"


@pytest.fixture
def start(tmp_path: Path) -> Iterator:
    env = dict(os.environ)
    env.update(
        INFLUENCE_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
        # dbt docs generate and serve: their own target and logs, not the project's
        DBT_TARGET_PATH=str(tmp_path / "dbt_target"),
        DBT_LOG_PATH=str(tmp_path / "dbt_logs"),
        PYTHONUNBUFFERED="1",
    )
    env.pop("INFLUENCE_SOURCE", None)
    started: list[Server] = []

    def start(*args: str) -> Server:
        port = free_port()
        log = tmp_path / f"influence-{len(started)}.log"
        with log.open("wb") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "dagster_project.cli", *args, "--port", str(port)],
                cwd=REPO_ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        server = Server(proc, port, log)
        started.append(server)
        return server

    yield start
    for server in started:
        if server.proc.poll() is None:
            server.proc.kill()
            server.proc.wait()


def test_sigterm_stops_the_dagster_ui_and_all_its_services(start) -> None:
    server = start("ui")
    session = server.wait_until_serving()
    assert len(session_of(session)) >= 3, "dagster dev, its webserver and its daemon"
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=STOP_TIMEOUT) == 128 + signal.SIGTERM, server.output
    server.assert_all_gone(session)


def test_sigkill_of_influence_stops_the_dagster_ui_too(start) -> None:
    server = start("ui")
    session = server.wait_until_serving()
    server.proc.send_signal(signal.SIGKILL)
    server.proc.wait(timeout=10)
    server.assert_all_gone(session)


def test_sigterm_stops_dbt_docs_serve(start) -> None:
    # dbt docs generate needs no warehouse: on a missing DuckDB file the catalog is empty
    server = start("docs", "--serve")
    session = server.wait_until_serving()
    assert "docs serve" in command_line(session)
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(timeout=STOP_TIMEOUT) == 128 + signal.SIGTERM, server.output
    server.assert_all_gone(session)
