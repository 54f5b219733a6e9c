"""The LDA API key never leaves the process (issue 12, item 6).

Faulty runs, each with real parts: a local HTTP server in front of the LDA asset answering with
a fault that echoes the key, a real DuckDB warehouse with the real landing and load ledger, a real
Dagster materialization recorded in a real Dagster instance (``DAGSTER_HOME``, SQLite run and
event storage on disk), and the ``influence refresh`` command. Then every output is searched for
the key and for every 12-character piece of it: the captured stdout/stderr and log records, the
run's events, every value of every table of the warehouse, every file under the test's directory
(the warehouse and the Dagster instance, SQLite databases read row by row as well) and dbt's
logs and target directory if they exist.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.raw.assets import RAW_ASSETS
from dagster_project.defs.resources import SourceMode, SourcesResource, WarehouseResource
from ingest.config import DBT_PROJECT_DIR, REPO_ROOT, ConfigError, dbt_target_path
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer
from tests.support.warehouse import build_db

pytestmark = [pytest.mark.integration, pytest.mark.slow]

KEY = "k3yS3cr3t-0123456789abcdef"
MARKER = "[LDA_API_KEY]"
# the key and every piece of it long enough to matter: a message cut in the middle of the key
# must not leave its first half behind
PIECE = 12
FRAGMENTS = tuple(KEY[i : i + PIECE] for i in range(len(KEY) - PIECE + 1))
FILINGS = next(a for a in RAW_ASSETS if a.key.path[-1] == "lda_filings")


def leaks(text: str | bytes) -> list[str]:
    """The pieces of the key found in ``text``."""
    if isinstance(text, bytes):
        return [piece for piece in FRAGMENTS if piece.encode() in text]
    return [piece for piece in FRAGMENTS if piece in text]


# -- where a key could have gone -----------------------------------------------------------------


def warehouse_leaks(warehouse: Path) -> dict[str, list[str]]:
    """Every value of every table (audit.*, raw.*, any other), as text."""
    found: dict[str, list[str]] = {}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables order by all"
        ).fetchall()
        assert ("audit", "load_ledger") in tables
        for schema, name in tables:
            for row in con.execute(f'select * from "{schema}"."{name}"').fetchall():
                hits = leaks(" | ".join(str(value) for value in row))
                if hits:
                    found.setdefault(f"{schema}.{name}", []).extend(hits)
    return found


def sqlite_leaks(path: Path) -> list[str]:
    """Every text or blob value of every table of a SQLite database (Dagster's storage)."""
    found: list[str] = []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [row[0] for row in con.execute("select name from sqlite_master where type='table'")]
        for name in names:
            for row in con.execute(f'select * from "{name}"'):
                for value in row:
                    if isinstance(value, str | bytes):
                        found.extend(f"{path.name}:{name}: {hit}" for hit in leaks(value))
    finally:
        con.close()
    return found


def file_leaks(*roots: Path) -> list[str]:
    """Every file under ``roots``, byte for byte; SQLite databases row by row as well."""
    found: list[str] = []
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            data = path.read_bytes()
            found.extend(f"{path}: {hit}" for hit in leaks(data))
            if data.startswith(b"SQLite format 3"):
                found.extend(sqlite_leaks(path))
    return found


def dbt_outputs() -> list[Path]:
    """dbt's logs and target directories, where a run of dbt would have written (its target
    moves with DBT_TARGET_PATH, as on the suite's workers)."""
    return [
        DBT_PROJECT_DIR / "logs",
        DBT_PROJECT_DIR / "target",
        dbt_target_path(),
        REPO_ROOT / "logs",
    ]


def event_leaks(result: dg.ExecuteInProcessResult) -> list[str]:
    found: list[str] = []
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        text = f"{event.message or ''} {error.to_string() if error is not None else ''}"
        found.extend(f"{event.event_type_value}: {hit}" for hit in leaks(text))
    return found


# -- the runs ------------------------------------------------------------------------------------


@dataclass
class FaultyRun:
    result: dg.ExecuteInProcessResult
    warehouse: Path
    dagster_home: Path
    server: LocalApiServer


@pytest.fixture
def environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, api_server: LocalApiServer
) -> Iterator[tuple[Path, Path]]:
    """The LDA pointed at the local server with the key; a Dagster instance of the test's own."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("INFLUENCE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("LDA_API_URL", api_server.url + "/api/v1/")
    monkeypatch.setenv("LDA_API_KEY", KEY)
    monkeypatch.setenv("LDA_REQUESTS_PER_MINUTE", "6000")  # no waiting between the retries
    yield warehouse, home


def materialize_filings(warehouse: Path) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.get() as instance:
        return dg.materialize(
            [FILINGS],
            resources={
                "warehouse": WarehouseResource(path=str(warehouse)),
                "sources": SourcesResource(source=SourceMode.live, years="2018"),
            },
            instance=instance,
            raise_on_error=False,
        )


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The errors (with their causes) of the run's failure events: a step's, a resource's."""
    errors = [getattr(e.event_specific_data, "error", None) for e in result.all_events]
    messages = [error.to_string() for error in errors if error is not None]
    assert messages, "the run failed with an error"
    return "\n".join(messages)


def assert_nothing_leaked(
    run: FaultyRun, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    out, err = capfd.readouterr()
    assert leaks(out) == [], "stdout"
    assert leaks(err) == [], "stderr"
    assert leaks(caplog.text) == [], "log records"
    assert event_leaks(run.result) == []
    assert warehouse_leaks(build_db(run.warehouse)) == {}
    assert list(run.dagster_home.rglob("*.db")), "the Dagster instance stored the run"
    assert file_leaks(run.warehouse.parent, *dbt_outputs()) == []


ECHOED = f"token {KEY} rejected"
# The key cut by the 80 characters of body a malformed-page error quotes
PADDING = "<html><head><title>Access</title></head><body><p>" + "." * 20


@pytest.mark.parametrize(
    ("status", "content_type", "body"),
    [
        pytest.param(200, "text/html", f"<html>{ECHOED}</html>", id="200-html-echo"),
        pytest.param(200, "text/html", f"{PADDING}{ECHOED}</p></body></html>", id="200-html-cut"),
        pytest.param(
            401, "application/json", f'{{"detail": "Invalid token: {KEY}."}}', id="401-json"
        ),
        pytest.param(401, "text/plain", ECHOED, id="401-text"),
        pytest.param(500, "text/html", f"<html><body>{ECHOED}</body></html>", id="500-html"),
    ],
)
def test_a_fault_that_echoes_the_key_leaves_no_trace_of_it(
    status: int,
    content_type: str,
    body: str,
    environment: tuple[Path, Path],
    api_server: LocalApiServer,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    warehouse, home = environment
    headers = {"Content-Type": content_type, "Retry-After": "0"}
    api_server.reply_next(status, body, headers, times=None)

    result = materialize_filings(warehouse)

    # the source fails alone (the run goes on to build the marts): its check fails as an error
    assert result.success
    # the key did reach the server, which echoed it: the fault is real
    assert api_server.requests[0].header("Authorization") == f"Token {KEY}"
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed and evaluation.severity == dg.AssetCheckSeverity.ERROR
    message = evaluation.description or ""
    assert "[lda]" in message
    with duckdb.connect(str(build_db(warehouse)), read_only=True) as con:
        ledger = con.execute("select status, error from audit.load_ledger").fetchall()
    assert [row[0] for row in ledger] == ["failed"]
    error = ledger[0][1]
    if status == 200:
        assert "malformed page" in error
    else:
        assert f"HTTP {status}" in error
    # the key's place in the quoted body holds the marker (cut, like the body, after 80
    # characters of a malformed page)
    shown = MARKER if status != 200 or body.index(KEY) + len(MARKER) < 80 else MARKER[:5]
    assert shown in error and shown in message
    assert_nothing_leaked(FaultyRun(result, warehouse, home, api_server), capfd, caplog)


@pytest.mark.parametrize("ending", ["\r\n", "\n", "\r"])
def test_a_key_with_a_line_break_fails_at_configuration_without_showing_it(
    ending: str,
    environment: tuple[Path, Path],
    api_server: LocalApiServer,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    warehouse, home = environment
    monkeypatch.setenv("LDA_API_KEY", KEY + ending)

    result = materialize_filings(warehouse)

    assert not result.success
    assert api_server.requests == []  # refused before any request
    assert "LDA_API_KEY ends with a line break" in failure_message(result)
    for database in (warehouse, build_db(warehouse)):
        if database.exists():
            assert warehouse_leaks(database) == {}
    run = FaultyRun(result, warehouse, home, api_server)
    out, err = capfd.readouterr()
    assert leaks(out + err + caplog.text) == []
    assert event_leaks(run.result) == []
    assert file_leaks(warehouse.parent, *dbt_outputs()) == []


def test_influence_refresh_refuses_a_key_with_a_line_break_without_showing_it(
    environment: tuple[Path, Path], api_server: LocalApiServer
) -> None:
    warehouse, _ = environment
    env = dict(os.environ, LDA_API_KEY=KEY + "\r\n")

    proc = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "refresh", "--years", "2018"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )

    assert proc.returncode == 2
    assert "LDA_API_KEY ends with a line break" in proc.stderr
    assert "carriage return (CR)" in proc.stderr and "line feed (LF)" in proc.stderr
    assert leaks(proc.stdout) == [] and leaks(proc.stderr) == []
    assert api_server.requests == []
    assert file_leaks(warehouse.parent, *dbt_outputs()) == []


@pytest.mark.parametrize(
    ("value", "says"),
    [
        (KEY + "\r\n", "ends with a line break"),
        (" " + KEY, "starts with a space"),
        (KEY[:8] + "\t" + KEY[8:], "contains a tab at character 9 of"),
        (KEY + "\u00a0", "ends with a whitespace character (no-break space)"),
        (KEY[:4] + "\x07" + KEY[4:], "contains a control character (U+0007) at character 5"),
    ],
)
def test_a_transport_refuses_a_key_a_header_cannot_carry(value: str, says: str) -> None:
    with pytest.raises(ConfigError) as caught:
        quick_transport(lda_api_key=value)
    assert says in str(caught.value)
    assert leaks(str(caught.value)) == [] and leaks(repr(caught.value)) == []
