"""The dbt assets of a dbt project: every model, seed and test as Dagster assets and asset checks,
run by one ``dbt build``. Building them needs the project's manifest (``project.ensure_manifest``);
importing this module does not."""

import os
from collections.abc import Iterator, Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from dagster_project.defs.dbt.results import store_run_results, summarize_run_results
from dagster_project.defs.resources import DUCKDB_POOL, WarehouseResource


class DbtBuildConfig(dg.Config):
    """How the dbt build runs: incremental by default (the incremental models read only the raw
    rows landed since their last build); ``full_refresh`` rebuilds every model from scratch (dbt's
    ``--full-refresh``, ``influence refresh --full``)."""

    full_refresh: bool = False


class InfluenceDbtTranslator(DagsterDbtTranslator):
    """Groups follow the dbt layers: staging, intermediate, marts; seeds are reference data."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference"
        fqn = dbt_resource_props.get("fqn") or []
        if len(fqn) > 2 and fqn[1] in ("staging", "intermediate", "marts"):
            return str(fqn[1])
        return super().get_group_name(dbt_resource_props)


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    """Every model, seed and test of ``project`` as assets and checks, run by one ``dbt build``."""

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        dagster_dbt_translator=InfluenceDbtTranslator(),
        pool=DUCKDB_POOL,
    )
    def influence_dbt_models(
        context: dg.AssetExecutionContext,
        dbt: DbtCliResource,
        warehouse: WarehouseResource,
        config: DbtBuildConfig,
    ) -> Iterator[Any]:
        # dbt's profiles.yml reads its database's path from INFLUENCE_DBT_DATABASE; the dbt
        # subprocess inherits this process's environment, so hand it the build database (dbt
        # never writes the published file: the publish asset does, by a rename, afterwards).
        os.environ["INFLUENCE_DBT_DATABASE"] = warehouse.build_path
        args = ["build", "--full-refresh"] if config.full_refresh else ["build"]
        invocation = dbt.cli(args, context=context, raise_on_error=False)
        yield from invocation.stream()
        # Keep dbt's own account of the build (every model, seed, data test and unit test)
        # beside the load ledger, for analysts and for the `influence refresh` summary.
        run_results = invocation.get_artifact("run_results.json")
        with warehouse.connect() as con:
            rows = store_run_results(con, run_results)
        context.log.info(f"dbt build: {summarize_run_results(rows)}")
        if not invocation.is_successful():
            raise dg.Failure(f"dbt build failed: {summarize_run_results(rows)}")

    return influence_dbt_models
