"""The dbt project, on its own so its manifest can be prepared before ``@dbt_assets`` loads."""

from __future__ import annotations

from dagster_dbt import DbtProject

from ingest.config import REPO_ROOT

DBT_PROJECT_DIR = REPO_ROOT / "dbt_models"

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
# Under `dagster dev` the manifest is re-parsed at load time; the `influence` command and the tests
# call ensure_manifest() first.
dbt_project.prepare_if_dev()


def ensure_manifest(force: bool = False) -> None:
    """Parse the dbt project (``dbt parse``) unless a manifest is already there."""
    if force or not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
