"""The Dagster assets of the watchlist alerts, materialized on small hand-made marts: the publish
step records the changes and writes the digest; the digest step POSTs it to the watchlist's
webhook, and a dead webhook is recorded, never a failed run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from dagster_project.defs.resources import WarehouseResource
from ingest.alerts import read_digest
from ingest.config import DEFAULT_WATCHLIST
from ingest.publish import WarehouseFiles, current_snapshot
from tests.support.http_server import LocalApiServer, free_port
from tests.support.watchlist_marts import make

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class Steps:
    """The refresh's last two steps, the assets as the refresh job runs them."""

    publish: dg.AssetsDefinition
    digest: dg.AssetsDefinition

    def refresh(self, files: WarehouseFiles) -> dg.ExecuteInProcessResult:
        return dg.materialize(
            [self.publish, self.digest],
            resources={"warehouse": WarehouseResource(path=str(files.published))},
        )


@pytest.fixture(scope="module")
def steps() -> Steps:
    # the assets module builds the dbt assets from the manifest, which a fresh clone prepares
    from dagster_project.defs.dbt.project import ensure_manifest

    ensure_manifest()
    from dagster_project.defs.published.assets import published_warehouse, watchlist_digest

    return Steps(published_warehouse, watchlist_digest)


def metadata(result: dg.ExecuteInProcessResult, asset: dg.AssetsDefinition) -> dict:
    events = result.asset_materializations_for_node(asset.op.name)
    return {key: value.value for key, value in events[-1].metadata.items()}


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> WarehouseFiles:
    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    make(files.build)
    monkeypatch.setenv("INFLUENCE_WAREHOUSE", str(files.published))
    return files


def with_webhook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(
        DEFAULT_WATCHLIST.read_text(encoding="utf-8") + f'\nalerts: {{webhook_url: "{url}"}}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("INFLUENCE_WATCHLIST", str(watchlist))


def add_an_award_action(files: WarehouseFiles) -> None:
    with duckdb.connect(str(files.build)) as con:
        con.execute(
            "insert into marts.fct_contract_transactions values ('t8', 'CONT_AWD_A1', 'A1', "
            "'P00003', 'amazon', 'AWS', '070', 'DHS', 'ICE', '2018-08-01', 3.00, null, 'Y')"
        )


def test_a_baseline_then_a_delivered_digest(
    steps: Steps, files: WarehouseFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with LocalApiServer() as server:
        server.reply_next(200, {"ok": True}, times=None)
        with_webhook(tmp_path, monkeypatch, server.url + "/hook")
        first = steps.refresh(files)
        add_an_award_action(files)
        second = steps.refresh(files)
        posts = [r for r in server.requests if r.method == "POST"]
    assert first.success and second.success
    assert metadata(first, steps.digest)["baseline"] is True
    assert metadata(first, steps.digest)["webhook"] == "none"  # nothing to send
    shown = metadata(second, steps.digest)
    assert (shown["baseline"], shown["changes"], shown["webhook"]) == (False, 1, "delivered")
    assert shown["changes_by_kind"] == {"award_modification": 1}
    assert "## Award modification (1)" in shown["preview"]
    assert metadata(second, steps.publish)["watchlist_changes"] == 1
    assert len(posts) == 1 and posts[0].json()["changes"][0]["record_key"] == "t8"


def test_a_dead_webhook_is_recorded_and_the_run_succeeds(
    steps: Steps, files: WarehouseFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_webhook(tmp_path, monkeypatch, f"http://127.0.0.1:{free_port()}/hook")
    assert steps.refresh(files).success
    add_an_award_action(files)
    result = steps.refresh(files)
    assert result.success
    assert metadata(result, steps.digest)["webhook"] == "failed"
    snapshot = current_snapshot(files)
    assert snapshot is not None
    digest = read_digest(files.digests, snapshot.snapshot_id)
    assert digest is not None and digest.delivery is not None
    assert digest.delivery.status == "failed"
    assert "gave up after 3 attempts" in digest.delivery.error
    markdown = (files.digests / f"{snapshot.snapshot_id}.md").read_text(encoding="utf-8")
    assert "Webhook http://127.0.0.1:" in markdown and ": failed (" in markdown
