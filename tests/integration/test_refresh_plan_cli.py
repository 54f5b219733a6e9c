"""``influence refresh --plan`` prints each source's estimate and refreshes nothing; an
interactive ``influence refresh`` whose plan is long asks before it starts (on a real
pseudo-terminal), and ``--yes``, a short plan or a non-terminal never ask."""

from __future__ import annotations

import io
import os
import pty
import re
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from dagster_project.cli import CONFIRM_ABOVE_SECONDS, confirm_refresh
from ingest.config import REPO_ROOT
from ingest.sources import SOURCES
from tests.support.http_server import LocalApiServer

pytestmark = pytest.mark.integration


def cli_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("INFLUENCE_SOURCE", "LDA_API_KEY", "LDA_REQUESTS_PER_MINUTE", "INFLUENCE_YEARS"):
        env.pop(name, None)
    env.update(
        INFLUENCE_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
        **extra,
    )
    return env


def test_plan_of_the_sample_prints_every_source_and_builds_nothing(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "refresh", "--plan", "--sample"],
        cwd=REPO_ROOT,
        env=cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Refresh plan: source=sample, years 2017-2019")
    for spec in SOURCES:
        (line,) = [x for x in lines if x.split()[:1] == [spec.table.qualified]]
        assert line.endswith("sample: no rate limit")
    assert lines[-1].split()[0] == "total"
    # nothing ran: no warehouse, no build database, no Dagster instance
    assert not any(tmp_path.iterdir())
    # the README shows this output
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    shown = re.search(
        r"```\n\$ influence refresh --plan --sample\n(Refresh plan: [^\n]*a first load\n.*?)```",
        readme,
        flags=re.S,
    )
    assert shown is not None, "the README's refresh --plan example"
    assert shown.group(1) == proc.stdout


def _read_until(fd: int, marker: bytes, deadline: float) -> bytes:
    out = b""
    while marker not in out:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {marker!r} in time; got {out.decode(errors='replace')}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            out += chunk
    return out


@pytest.fixture
def reachable_apis() -> Iterator[str]:
    """A local server standing for every API: the refresh's reachability check connects; the
    plan and the question send no HTTP request."""
    with LocalApiServer() as server:
        yield server.url
        assert server.requests == []


def test_a_long_interactive_refresh_asks_and_stops_on_no(
    tmp_path: Path, reachable_apis: str
) -> None:
    env = cli_env(
        tmp_path,
        INFLUENCE_SOURCE="live",
        LDA_API_URL=reachable_apis + "/lda/",
        USASPENDING_API_URL=reachable_apis + "/usaspending",
        GDELT_API_URL=reachable_apis + "/gdelt",
        GLEIF_API_URL=reachable_apis + "/gleif",
        EDGAR_USER_AGENT="Plan Test plan@example.org",
        # one LDA request a minute: 8 filing periods alone are 8 minutes, the plan well over 15
        LDA_REQUESTS_PER_MINUTE="1",
    )
    primary, secondary = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dagster_project.cli", "refresh", "--years", "2018-2019"],
        cwd=REPO_ROOT,
        env=env,
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        close_fds=True,
    )
    os.close(secondary)
    try:
        deadline = time.monotonic() + 60
        shown = _read_until(primary, b"Proceed? [y/N] ", deadline).decode()
        assert "Refresh plan: source=live, years 2018-2019" in shown
        assert "raw.lda_filings" in shown and "60.6 s/request" in shown
        os.write(primary, b"n\n")
        rest = _read_until(primary, b"refresh not started", deadline).decode()
        assert proc.wait(timeout=30) == 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(primary)
    assert "influence: refresh not started" in rest
    assert not any(tmp_path.iterdir())  # no warehouse, no Dagster instance


class Terminal:
    """Both ends of a pseudo-terminal: ``stdin`` and ``stdout`` are the program's side (real
    terminals, ``isatty()``), ``type`` and ``screen`` the user's."""

    def __init__(self) -> None:
        self.primary, secondary = pty.openpty()
        self.stdin = os.fdopen(secondary, "r")
        self.stdout = os.fdopen(os.dup(secondary), "w")

    def type(self, text: str) -> None:
        os.write(self.primary, text.encode())

    def screen(self) -> str:
        out = b""
        while select.select([self.primary], [], [], 0.2)[0]:
            out += os.read(self.primary, 4096)
        return out.decode()

    def close(self) -> None:
        self.stdin.close()
        self.stdout.close()
        os.close(self.primary)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    t = Terminal()
    yield t
    t.close()


LONG = CONFIRM_ABOVE_SECONDS + 1


def test_the_question_on_a_terminal_proceeds_on_yes_and_stops_on_anything_else(
    terminal: Terminal,
) -> None:
    assert terminal.stdin.isatty() and terminal.stdout.isatty()
    terminal.type("y\n")
    assert confirm_refresh(["PLAN LINE"], LONG, terminal.stdin, terminal.stdout)
    shown = terminal.screen()
    assert "PLAN LINE" in shown and "Proceed? [y/N]" in shown
    for answer in ("n\n", "\n", "maybe\n"):
        terminal.type(answer)
        assert not confirm_refresh(["PLAN LINE"], LONG, terminal.stdin, terminal.stdout)
        terminal.screen()


def test_yes_a_short_plan_or_no_terminal_never_ask(terminal: Terminal) -> None:
    # --yes: no question, nothing read
    assert confirm_refresh(["PLAN"], LONG, terminal.stdin, terminal.stdout, assume_yes=True)
    # a plan under the threshold
    assert confirm_refresh(["PLAN"], CONFIRM_ABOVE_SECONDS, terminal.stdin, terminal.stdout)
    assert terminal.screen() == ""
    # CI, cron, the schedule: streams that are not terminals
    out = io.StringIO()
    assert confirm_refresh(["PLAN"], LONG, io.StringIO("n\n"), out)
    assert out.getvalue() == ""
