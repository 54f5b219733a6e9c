"""After a crash: give back what dead Dagster runs still hold.

A run whose process is killed (``kill -9``, a lost machine) cannot record its end: it stays
STARTED in the instance's run storage, and the concurrency slots its steps claimed stay claimed.
The ``duckdb_warehouse`` pool has one slot, so every later run would wait for it forever. Before
a refresh runs (``influence refresh``, and each tick of the daily schedule), ``reclaim_stale_runs``
marks such runs failed and frees their slots.

A run is judged by its process: the pid that ran it (the ``influence/pid`` and ``influence/host``
tags of runs that `influence refresh` starts; for other runs the pid in the engine event with which
Dagster's executor or run worker starts) on this host. A run whose process cannot be told (another
host, not started yet) is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg

from dagster_project.defs.resources import DUCKDB_POOL
from ingest.processes import Owner, gone, this_host, this_process

PID_TAG = "influence/pid"
HOST_TAG = "influence/host"

UNFINISHED = [
    dg.DagsterRunStatus.STARTING,
    dg.DagsterRunStatus.STARTED,
    dg.DagsterRunStatus.CANCELING,
]


def owner_tags() -> dict[str, str]:
    """Tags for a run this process executes, naming the process."""
    me = this_process()
    return {PID_TAG: str(me.pid), HOST_TAG: me.host}


def run_owner(instance: dg.DagsterInstance, run: dg.DagsterRun) -> Owner | None:
    """The process that executes ``run``, if it can be told."""
    pid = run.tags.get(PID_TAG)
    if pid is not None and pid.isdigit():
        return Owner(int(pid), run.tags.get(HOST_TAG) or this_host())
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        event = entry.dagster_event
        data = event.event_specific_data if event is not None else None
        metadata = getattr(data, "metadata", None) or {}
        value = metadata.get("pid")
        text = str(getattr(value, "value", value) or "")
        if text.isdigit():
            # an instance in a local DAGSTER_HOME: its runs ran on this host
            return Owner(int(text), this_host())
    return None


@dataclass(frozen=True)
class Reclaimed:
    run_id: str
    status: str  # what it was: STARTED, STARTING, CANCELING
    owner: Owner
    slots: Sequence[str]  # the steps whose slots it held in the warehouse pool

    def describe(self) -> str:
        held = f", freed its {DUCKDB_POOL} slot ({', '.join(self.slots)})" if self.slots else ""
        return (
            f"run {self.run_id[:8]} ({self.status}; {self.owner.describe()} is gone): "
            f"marked failed{held}"
        )


def _slots_of(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return []
    info = storage.get_concurrency_info(DUCKDB_POOL)
    return [slot.step_key for slot in info.claimed_slots if slot.run_id == run_id]


def reclaim_stale_runs(instance: dg.DagsterInstance) -> list[Reclaimed]:
    """Mark failed every unfinished run whose process is gone, and free the concurrency slots of
    those runs and of any finished run that still holds one; return the runs reclaimed."""
    me = this_process()
    reclaimed = []
    for run in instance.get_runs(filters=dg.RunsFilter(statuses=UNFINISHED)):
        owner = run_owner(instance, run)
        if owner is None or owner == me or not gone(owner):
            continue
        slots = _slots_of(instance, run.run_id)
        instance.report_run_failed(
            run,
            f"The process that ran this run ({owner.describe()}) is gone (killed?); marked "
            "failed and its concurrency slots freed by the next refresh.",
        )
        if instance.event_log_storage.supports_global_concurrency_limits:
            instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        reclaimed.append(Reclaimed(run.run_id, run.status.value, owner, slots))
    # a finished run holds no slot (a run ended from outside its process, e.g. in the UI, may)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        info = storage.get_concurrency_info(DUCKDB_POOL)
        holders = {slot.run_id for slot in info.claimed_slots}
        holders |= {step.run_id for step in info.pending_steps}
        for run_id in holders:
            holder = instance.get_run_by_id(run_id)
            if holder is None or holder.is_finished:
                storage.free_concurrency_slots_for_run(run_id)
    return reclaimed
