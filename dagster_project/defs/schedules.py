"""The refresh job (every asset, API to mart) and its daily schedule."""

from __future__ import annotations

import dagster as dg

REFRESH_JOB_NAME = "refresh"

refresh_job = dg.define_asset_job(
    name=REFRESH_JOB_NAME,
    selection=dg.AssetSelection.all(),
    description="Pull every source, validate and merge each batch, then dbt build the marts. "
    "The same job runs from the Dagster UI, the schedule and `influence refresh`.",
)

daily_refresh = dg.ScheduleDefinition(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the warehouse every day at 06:00 UTC.",
)
