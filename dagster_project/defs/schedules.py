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


@dg.schedule(
    name="daily_refresh",
    job=refresh_job,
    cron_schedule="0 6 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh the warehouse every day at 06:00 UTC. Each tick first reclaims what a "
    "crashed run left behind (dagster_project.recovery): a run whose process is gone is marked "
    "failed and its slot in the warehouse pool freed, so the new run does not wait for it forever.",
)
def daily_refresh(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    from dagster_project.recovery import reclaim_stale_runs

    for run in reclaim_stale_runs(context.instance):
        context.log.warning(f"reclaimed {run.describe()}")
    return dg.RunRequest()
