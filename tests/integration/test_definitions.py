"""The Dagster code location loads with one graph from API to mart, checks and a schedule."""

from __future__ import annotations

import dagster as dg
import pytest

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from dagster_project.defs.dbt.project import ensure_manifest

    ensure_manifest()
    from dagster_project.definitions import defs

    return defs


def test_graph_runs_from_raw_sources_to_marts(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {"raw/lda_filings", "raw/usaspending_awards", "raw/gdelt_articles"} <= keys
    # Asset keys equal the tables analysts query: schema/table.
    assert {
        "marts/company_quarter_lobbying",
        "marts/company_agency_quarter",
        "marts/fct_news_mentions",
        "staging/stg_lda__filings",
    } <= keys
    # Lineage joins up: the marts depend, through staging, on the raw source assets.
    upstream = graph.get(dg.AssetKey(["marts", "company_quarter_lobbying"])).parent_keys
    seen, frontier = set(upstream), list(upstream)
    while frontier:
        parents = graph.get(frontier.pop()).parent_keys
        frontier.extend(parents - seen)
        seen |= parents
    assert dg.AssetKey(["raw", "lda_filings"]) in seen


def test_raw_assets_carry_great_expectations_checks(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    check_keys = {(key.asset_key.to_user_string(), key.name) for key in graph.asset_check_keys}
    for table in (
        "lda_filings",
        "usaspending_awards",
        "gdelt_articles",
        "feed_entries",
        "analyst_articles",
    ):
        assert (f"raw/{table}", "great_expectations_suite") in check_keys


def test_news_marts_descend_from_all_three_news_inputs(defs: dg.Definitions) -> None:
    graph = defs.resolve_asset_graph()
    seen: set[dg.AssetKey] = set()
    frontier = [dg.AssetKey(["marts", "fct_news_mentions"])]
    while frontier:
        parents = graph.get(frontier.pop()).parent_keys
        frontier.extend(parents - seen)
        seen |= parents
    # and from the watchlist, whose watched entities' terms tag the articles
    for table in ("gdelt_articles", "feed_entries", "analyst_articles", "watchlist_sections"):
        assert dg.AssetKey(["raw", table]) in seen


def test_daily_refresh_schedule_runs_the_refresh_job(defs: dg.Definitions) -> None:
    schedule = defs.get_schedule_def("daily_refresh")
    assert schedule.job_name == "refresh"
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
