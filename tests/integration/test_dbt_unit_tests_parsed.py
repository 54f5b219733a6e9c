"""Every dbt unit test written in the project's YAML reaches dbt's manifest.

dbt reads ``unit_tests:`` only as a top-level key of a properties file: one nested under a model
is dropped without a word, and the test never runs. This reads the YAML files itself, collects
every ``unit_tests`` entry at any depth, and asks ``dbt parse`` which ones it kept.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.config import DBT_PROJECT_DIR
from ingest.dbt_cli import run_dbt

pytestmark = [pytest.mark.integration]


def _unit_test_names(node: Any, top_level: bool) -> list[tuple[str, bool]]:
    """``(name, written at the top level)`` of every unit test found under ``node``."""
    found: list[tuple[str, bool]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "unit_tests" and isinstance(value, list):
                found += [
                    (entry["name"], top_level)
                    for entry in value
                    if isinstance(entry, dict) and "name" in entry
                ]
            else:
                found += _unit_test_names(value, False)
    elif isinstance(node, list):
        for item in node:
            found += _unit_test_names(item, False)
    return found


def written_unit_tests(project_dir: Path = DBT_PROJECT_DIR) -> dict[str, list[str]]:
    """Each unit test name written in a YAML file under ``models/``, with where it sits."""
    written: dict[str, list[str]] = {}
    for path in sorted((project_dir / "models").rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name, top_level in _unit_test_names(document, True):
            where = f"{path.relative_to(project_dir)}{'' if top_level else ' (nested)'}"
            written.setdefault(name, []).append(where)
    return written


def test_the_collector_sees_nested_unit_tests() -> None:
    document = {
        "models": [{"name": "m", "unit_tests": [{"name": "hidden"}]}],
        "unit_tests": [{"name": "shown"}],
    }
    assert sorted(_unit_test_names(document, True)) == [("hidden", False), ("shown", True)]


@pytest.mark.slow
def test_every_unit_test_written_in_yaml_is_in_the_manifest(tmp_path: Path) -> None:
    written = written_unit_tests()
    assert written, "no unit tests found in the YAML: the collector is broken"
    result = run_dbt(["parse"], tmp_path / "warehouse.duckdb", work=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text(encoding="utf-8"))
    parsed = {test["name"] for test in manifest.get("unit_tests", {}).values()}
    missing = {name: where for name, where in written.items() if name not in parsed}
    assert not missing, f"unit tests written but not parsed by dbt (dropped): {missing}"
    duplicated = {name: where for name, where in written.items() if len(where) > 1}
    assert not duplicated, f"unit test names written twice: {duplicated}"
