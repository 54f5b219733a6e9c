"""Where dbt's artifacts go: dbt's own DBT_TARGET_PATH, read as dbt and dagster-dbt read it."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import DBT_PROJECT_DIR, dbt_target_path

pytestmark = pytest.mark.unit


def test_by_default_the_project_target_folder() -> None:
    assert dbt_target_path({}) == DBT_PROJECT_DIR / "target"


def test_a_relative_path_is_inside_the_project() -> None:
    assert dbt_target_path({"DBT_TARGET_PATH": "elsewhere/t"}) == DBT_PROJECT_DIR / "elsewhere/t"


def test_an_absolute_path_is_taken_as_it_is(tmp_path: Path) -> None:
    assert dbt_target_path({"DBT_TARGET_PATH": str(tmp_path / "t")}) == tmp_path / "t"
