"""What a killed refresh leaves behind, given back by the next one: loads still `running` in
the ledger become `abandoned`, Dagster runs still STARTED are marked failed and their slots in
the warehouse pool freed, and the dbt that Dagster starts dies with its parent.

Real parts: a real DuckDB file, a real Dagster instance (sqlite storage with the pool limit that
`influence` configures), real processes that exit or are killed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import pytest
import yaml

from dagster_project.defs.resources import DUCKDB_POOL
from dagster_project.defs.schedules import REFRESH_JOB_NAME
from dagster_project.recovery import HOST_TAG, PID_TAG, reclaim_stale_runs
from ingest.landing import abandon_stale_loads, start_load
from ingest.processes import process_alive, this_host
from ingest.sources import GDELT_ARTICLES

pytestmark = pytest.mark.integration


def dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def ledger(con: duckdb.DuckDBPyConnection) -> dict[str, tuple]:
    rows = con.execute(
        "select load_id, status, finished_at is not null, error, pid, host from audit.load_ledger"
    ).fetchall()
    return {row[0]: row[1:] for row in rows}


def test_a_load_records_its_process(con: duckdb.DuckDBPyConnection) -> None:
    load = start_load(con, GDELT_ARTICLES.table, {})
    assert ledger(con)[load.load_id] == ("running", False, None, os.getpid(), this_host())


def test_a_load_whose_process_is_gone_is_abandoned_by_the_next(
    con: duckdb.DuckDBPyConnection,
) -> None:
    killed = start_load(con, GDELT_ARTICLES.table, {})
    pid = dead_pid()
    con.execute("update audit.load_ledger set pid = ? where load_id = ?", [pid, killed.load_id])
    mine = start_load(con, GDELT_ARTICLES.table, {})  # the next load: a crash's leftovers go
    rows = ledger(con)
    status, finished, error, *_ = rows[killed.load_id]
    assert (status, finished) == ("abandoned", True)
    assert error == f"abandoned: the process that ran it (pid {pid} on host {this_host()}) is gone"
    # this process's own load is running, not abandoned
    assert rows[mine.load_id][0] == "running"
    assert abandon_stale_loads(con) == []


def test_a_ledger_from_before_pids_gets_the_columns_and_its_stale_loads_abandoned(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # the ledger as existing warehouses have it: no pid, no host
    con.execute("create schema audit")
    con.execute(
        """
        create table audit.load_ledger (
            load_id varchar primary key, source varchar not null, raw_table varchar not null,
            parameters json, started_at timestamptz not null, finished_at timestamptz,
            status varchar not null, pages integer, records_fetched integer,
            duplicates_in_batch integer, records_inserted integer, records_updated integer,
            records_unchanged integer, records_quarantined integer, error varchar
        )
        """
    )
    con.execute(
        "insert into audit.load_ledger (load_id, source, raw_table, started_at, status) "
        "values ('old-done', 'gdelt', 'raw.gdelt_articles', now(), 'succeeded'), "
        "('old-killed', 'gdelt', 'raw.gdelt_articles', now(), 'running')"
    )
    abandoned = abandon_stale_loads(con)
    assert [load.load_id for load in abandoned] == ["old-killed"]
    rows = ledger(con)
    assert rows["old-done"][0] == "succeeded"
    assert rows["old-killed"][:2] == ("abandoned", True)
    assert "its process was not recorded" in rows["old-killed"][2]


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[dg.DagsterInstance]:
    from dagster_project.cli import DAGSTER_YAML

    # the instance as `influence` configures it: the warehouse pool has one slot
    overrides = yaml.safe_load(DAGSTER_YAML)
    with dg.instance_for_test(overrides=overrides, temp_dir=str(tmp_path)) as test_instance:
        yield test_instance


def stale_run(instance: dg.DagsterInstance, pid: int, step: str = "raw__lda_filings") -> str:
    """A run as `kill -9` leaves it: STARTED, holding the warehouse pool's slot."""
    run = instance.create_run_for_job(
        dg.GraphDefinition(name=REFRESH_JOB_NAME, node_defs=[]).to_job(),
        tags={PID_TAG: str(pid), HOST_TAG: this_host()},
    )
    instance.handle_run_event(
        run.run_id,
        dg.DagsterEvent(
            event_type_value=dg.DagsterEventType.RUN_START.value, job_name=REFRESH_JOB_NAME
        ),
    )
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default(DUCKDB_POOL)  # as the executor does
    claim = storage.claim_concurrency_slot(DUCKDB_POOL, run.run_id, step)
    assert claim.is_claimed
    return run.run_id


def test_a_run_whose_process_is_gone_is_failed_and_its_slot_freed(
    instance: dg.DagsterInstance,
) -> None:
    storage = instance.event_log_storage
    pid = dead_pid()
    stale = stale_run(instance, pid)
    assert [slot.run_id for slot in storage.get_concurrency_info(DUCKDB_POOL).claimed_slots] == [
        stale
    ]

    reclaimed = reclaim_stale_runs(instance)

    assert [run.run_id for run in reclaimed] == [stale]
    assert reclaimed[0].slots == ["raw__lda_filings"]
    assert f"pid {pid}" in reclaimed[0].describe()
    run = instance.get_run_by_id(stale)
    assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
    assert storage.get_concurrency_info(DUCKDB_POOL).claimed_slots == []
    # the slot can be claimed again: the next run does not wait for it
    assert storage.claim_concurrency_slot(DUCKDB_POOL, "next-run", "raw__lda_filings").is_claimed
    assert reclaim_stale_runs(instance) == []


def test_a_run_whose_process_is_alive_is_left_alone(instance: dg.DagsterInstance) -> None:
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = stale_run(instance, sleeper.pid)
        assert reclaim_stale_runs(instance) == []
        run = instance.get_run_by_id(live)
        assert run is not None and run.status == dg.DagsterRunStatus.STARTED
        claimed = instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).claimed_slots
        assert [slot.run_id for slot in claimed] == [live]
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_schedule_reclaims_before_it_requests_a_run(instance: dg.DagsterInstance) -> None:
    from dagster_project.defs.schedules import daily_refresh

    stale = stale_run(instance, dead_pid())
    context = dg.build_schedule_context(instance=instance)
    request = daily_refresh(context)
    assert isinstance(request, dg.RunRequest)
    run = instance.get_run_by_id(stale)
    assert run is not None and run.status == dg.DagsterRunStatus.FAILURE
    assert instance.event_log_storage.get_concurrency_info(DUCKDB_POOL).claimed_slots == []


def test_dbt_as_dagster_starts_it_dies_with_its_parent(tmp_path: Path) -> None:
    from dagster_project.defs.dbt.project import dbt_executable

    assert Path(dbt_executable()).name == "influence-dbt"
    # a parent that starts `influence-dbt` (which waits on stdin here: `dbt` reads no stdin, so a
    # Python stand-in keeps the test fast) and is then killed with SIGKILL
    pid_file = tmp_path / "child.pid"
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import subprocess, sys, time\n"
            "from ingest.processes import die_with_parent\n"
            "child = subprocess.Popen([sys.executable, '-c', "
            "'from ingest.processes import die_with_parent; die_with_parent(); "
            "import time; time.sleep(120)'])\n"
            f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
            "time.sleep(120)\n",
        ],
    )
    deadline = time.monotonic() + 30
    while not (pid_file.exists() and pid_file.read_text()) and time.monotonic() < deadline:
        time.sleep(0.1)
    child = int(pid_file.read_text())
    time.sleep(1.0)  # the child has set its parent-death signal
    assert process_alive(child)
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while process_alive(child) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not process_alive(child), "the child outlived its killed parent"


def test_influence_refresh_says_what_it_reclaimed_and_what_it_waits_for(
    instance: dg.DagsterInstance, tmp_path: Path
) -> None:
    from dagster_project.cli import recover

    warehouse = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        killed = start_load(con, GDELT_ARTICLES.table, {})
        pid = dead_pid()
        con.execute("update audit.load_ledger set pid = ? where load_id = ?", [pid, killed.load_id])
    stale = stale_run(instance, pid)
    lines = recover(instance, warehouse)
    assert lines == [
        f"Reclaimed 1 stale Dagster run(s): run {stale[:8]} (STARTED; pid {pid} on host "
        f"{this_host()} is gone): marked failed, freed its duckdb_warehouse slot "
        "(raw__lda_filings)",
        "Marked 1 interrupted load(s) abandoned in audit.load_ledger (raw.gdelt_articles): "
        f"the process that ran it (pid {pid} on host {this_host()}) is gone",
    ]
    assert recover(instance, warehouse) == []

    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        live = stale_run(instance, sleeper.pid)
        assert recover(instance, warehouse) == [
            f"Dagster run {live} holds the duckdb_warehouse pool (its process is alive, or on "
            "another host): this refresh waits until it ends"
        ]
    finally:
        sleeper.kill()
        sleeper.wait()
