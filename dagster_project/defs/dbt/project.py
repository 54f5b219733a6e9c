"""The dbt project, on its own so its manifest can be prepared before ``@dbt_assets`` loads."""

from __future__ import annotations

import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from ingest.config import DBT_PROJECT_DIR, dbt_target_path

dbt_project = DbtProject(
    project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR, target_path=dbt_target_path()
)
# Under `dagster dev` the manifest is re-parsed at load time; the `influence` command and the tests
# call ensure_manifest() first.
dbt_project.prepare_if_dev()


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's environment), on PATH or not: as
    ``influence-dbt`` (``ingest.dbt_cli.dbt_child_main``), which dies with the process that
    started it, so that a killed refresh leaves no dbt behind holding the warehouse's lock."""
    for name in ("influence-dbt", "dbt"):
        beside = Path(sys.executable).parent / name
        if beside.exists():
            return str(beside)
    return "dbt"


def dbt_cli_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project, dbt_executable=dbt_executable())


def ensure_manifest(force: bool = False) -> None:
    """Parse the dbt project (``dbt parse``) unless a manifest is already there."""
    if force or not dbt_project.manifest_path.exists():
        dbt_cli_resource().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
