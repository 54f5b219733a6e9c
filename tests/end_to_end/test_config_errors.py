"""`influence refresh` checks its configuration before any work: a misspelt watchlist key stops
it in under 2 s, the file, line and key named once, with no Dagster run and no warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.config import DEFAULT_WATCHLIST, REPO_ROOT

pytestmark = pytest.mark.e2e


def test_a_misspelt_watchlist_key_stops_the_refresh_before_any_work(tmp_path: Path) -> None:
    bundled = DEFAULT_WATCHLIST.read_text(encoding="utf-8")
    assert bundled.count("    recipient_search:") == 1
    watchlist = tmp_path / "watchlist.yaml"
    misspelt = bundled.replace("    recipient_search:", "    recipent_search:")
    watchlist.write_text(misspelt, encoding="utf-8")
    line = next(n for n, text in enumerate(misspelt.splitlines(), 1) if "recipent_" in text)
    env = dict(os.environ)
    env.update(
        INFLUENCE_WATCHLIST=str(watchlist),
        INFLUENCE_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
    )
    env.pop("INFLUENCE_SOURCE", None)
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "dagster_project.cli", "refresh", "--sample"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    seconds = time.monotonic() - started
    message = (
        f"{watchlist}:{line}: companies[0].recipent_search: unknown key; "
        "did you mean recipient_search?"
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stderr.count(message) == 1, proc.stderr
    assert proc.stderr.startswith("influence: 1 configuration problem(s); nothing was run:")
    assert proc.stdout == ""  # no progress: nothing started
    assert seconds < 2.0, f"took {seconds:.2f} s"
    assert not (tmp_path / "warehouse.duckdb").exists()
    assert not (tmp_path / "dagster_home").exists()
