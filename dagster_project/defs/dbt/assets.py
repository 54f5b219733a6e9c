"""The project's dbt models, seeds and tests as Dagster assets and asset checks (``dbt build``).

Importing this module builds them from the manifest: prepare it first (``project.ensure_manifest``,
which `influence` and the tests call; ``dagster dev`` parses the project itself).
"""

from dagster_project.defs.dbt.factory import build_dbt_assets
from dagster_project.defs.dbt.project import dbt_project

influence_dbt_models = build_dbt_assets(dbt_project)
