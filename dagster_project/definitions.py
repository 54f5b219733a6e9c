"""The Dagster code location: raw source assets, dbt assets, the refresh job and its schedule."""

from __future__ import annotations

import dagster as dg

from dagster_project.defs.dbt.assets import influence_dbt_models
from dagster_project.defs.loggers import progress_logger
from dagster_project.defs.published.assets import published_warehouse, watchlist_digest
from dagster_project.defs.raw.assets import RAW_ASSETS
from dagster_project.defs.raw.backfill import lda_backfill
from dagster_project.defs.resources import build_resources
from dagster_project.defs.schedules import daily_refresh, refresh_job
from ingest.config import load_settings

defs = dg.Definitions(
    assets=[*RAW_ASSETS, influence_dbt_models, published_warehouse, watchlist_digest],
    jobs=[refresh_job, lda_backfill],
    schedules=[daily_refresh],
    resources=build_resources(load_settings()),
    # `influence refresh` configures progress, and with --verbose Dagster's console logger too
    # (runs that configure no logger, from the UI or the schedule, get the console logger)
    loggers={"progress": progress_logger, "console": dg.colored_console_logger},
    # DuckDB has one writer: run the steps of a run one after another.
    executor=dg.in_process_executor,
)
