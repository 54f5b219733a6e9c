"""A new source is declared once: its raw table, asset, check and lineage follow.

The toy source (``tests/toy_source``) is added the way the README's "Adding a source" says: a
client and ``SourceSpec`` with its suite, a fake API, a dbt source and staging model. Nothing else
is registered anywhere: the raw asset and its Great Expectations check are built from the
declaration, the load lands and validates through the same code as every source, and the
staging model joins the asset graph downstream of it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource, DbtProject

from dagster_project.defs.dbt.factory import build_dbt_assets
from dagster_project.defs.raw.assets import raw_assets
from dagster_project.defs.raw.factory import CHECK_NAME
from dagster_project.defs.resources import SourceMode, SourcesResource, WarehouseResource
from ingest.config import DBT_PROJECT_DIR
from ingest.dbt_cli import run_dbt
from ingest.sources import SOURCES, raw_tables
from tests.support.http_server import LocalApiServer
from tests.support.warehouse import build_db
from tests.toy_source.fake import FakeWidgetsApi
from tests.toy_source.source import widgets_source

pytestmark = [pytest.mark.integration, pytest.mark.slow]

TOY_DBT = Path(__file__).resolve().parents[1] / "toy_source" / "dbt"
WIDGETS = [
    {"id": "w1", "name": "Sprocket", "price": "1.50"},
    {"id": "w2", "name": "Gear", "price": "2.00"},
    {"id": "w3", "name": "Flange", "price": None},  # a warning, not a reason to quarantine
    {"id": "w4", "name": "Cog", "price": "0.75"},
    {"id": "w5", "name": "Bolt", "price": "0.10"},
]


def test_a_source_declared_once_lands_validates_and_joins_the_lineage(
    api_server: LocalApiServer, tmp_path: Path
) -> None:
    api_server.app = FakeWidgetsApi(WIDGETS)
    toy = widgets_source(api_server.url + "/")
    sources = [*SOURCES, toy]
    assert toy.table in raw_tables(sources)

    # the raw asset and its check, from the declaration alone
    [asset] = raw_assets([toy])
    assert asset.key == dg.AssetKey(["raw", "toy_widgets"])
    warehouse = tmp_path / "warehouse.duckdb"
    result = dg.materialize(
        [asset],
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "sources": SourcesResource(source=SourceMode.live),
        },
    )
    assert result.success
    [materialization] = result.asset_materializations_for_node("raw__toy_widgets")
    metadata = {k: v.value for k, v in materialization.metadata.items()}
    assert (metadata["pages"], metadata["rows_fetched"], metadata["rows_inserted"]) == (3, 5, 5)
    assert metadata["counts_reconcile"] is True
    [check] = result.get_asset_check_evaluations()
    assert check.check_name == CHECK_NAME
    assert check.severity == dg.AssetCheckSeverity.WARN  # the null price: a warning only
    assert check.metadata["failed_warning"].value == 1
    with duckdb.connect(str(build_db(warehouse)), read_only=True) as con:
        keys = con.execute("select widget_id from raw.toy_widgets order by all").fetchall()
        suite = con.execute(
            "select suite_name, count(*) from audit.validation_results group by all"
        ).fetchall()
    assert [k for (k,) in keys] == ["w1", "w2", "w3", "w4", "w5"]
    assert suite == [("raw.toy_widgets", 3)]

    # its staging model, in a copy of the dbt project, builds from the raw table
    project = tmp_path / "dbt_models"
    shutil.copytree(DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs"))
    shutil.copytree(TOY_DBT, project / "models" / "staging" / "toy")
    built = run_dbt(
        ["build", "--select", "stg_toy__widgets"],
        build_db(warehouse),
        project,
        600,
        project_dir=project,
    )
    assert built.returncode == 0, built.stdout[-4000:]
    with duckdb.connect(str(build_db(warehouse)), read_only=True) as con:
        staged = con.execute(
            "select widget_id, widget_name, price from staging.stg_toy__widgets order by all"
        ).fetchall()
    assert staged[0] == ("w1", "Sprocket", pytest.approx(1.5))
    assert len(staged) == 5

    # and the code location's graph runs from the toy API to its staging model
    defs = dg.Definitions(
        assets=[*raw_assets(sources), build_dbt_assets(DbtProject(project_dir=project))],
        resources={
            "warehouse": WarehouseResource(path=str(warehouse)),
            "sources": SourcesResource(source=SourceMode.live),
            "dbt": DbtCliResource(project_dir=str(project)),
        },
    )
    graph = defs.resolve_asset_graph()
    staging = graph.get(dg.AssetKey(["staging", "stg_toy__widgets"]))
    assert dg.AssetKey(["raw", "toy_widgets"]) in staging.parent_keys
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert ("raw/toy_widgets", CHECK_NAME) in checks
