"""dbt run_results.json into audit.dbt_run_results, and the refresh summary line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from dagster_project.defs.dbt.results import store_run_results, summarize_run_results

pytestmark = pytest.mark.unit

RUN_RESULTS = {
    "metadata": {"invocation_id": "inv-1", "generated_at": "2026-11-22T23:59:00Z"},
    "results": [
        {"unique_id": "model.p.a", "status": "success", "execution_time": 0.5, "failures": None},
        {"unique_id": "model.p.b", "status": "error", "execution_time": 0.1, "message": "boom"},
        {"unique_id": "seed.p.s", "status": "success", "execution_time": 0.2},
        {"unique_id": "test.p.t1", "status": "pass", "failures": 0},
        {"unique_id": "test.p.t2", "status": "warn", "failures": 3},
        {"unique_id": "unit_test.p.u", "status": "pass"},
    ],
}


def test_results_are_stored_once_per_node_and_build(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store_run_results(con, RUN_RESULTS)
        store_run_results(con, RUN_RESULTS)  # the same build twice: no duplicate rows
        rows = con.execute(
            "select unique_id, resource_type, status, failures from audit.dbt_run_results "
            "order by unique_id"
        ).fetchall()
    assert rows == [
        ("model.p.a", "model", "success", None),
        ("model.p.b", "model", "error", None),
        ("seed.p.s", "seed", "success", None),
        ("test.p.t1", "test", "pass", 0),
        ("test.p.t2", "test", "warn", 3),
        ("unit_test.p.u", "unit_test", "pass", None),
    ]


def test_summary_counts_successes_and_names_the_rest() -> None:
    rows = [(r["unique_id"].split(".")[0], r["status"]) for r in RUN_RESULTS["results"]]
    assert summarize_run_results(rows) == (
        "1/2 models ok (1 error), 1/1 seeds ok, 1/2 data tests ok (1 warn), 1/1 unit tests ok"
    )
    assert summarize_run_results([]) == "no dbt results"


def test_summary_leaves_out_exposures() -> None:
    rows = [("model", "success"), ("exposure", "no-op"), ("exposure", "no-op")]
    assert summarize_run_results(rows) == "1/1 models ok"


def test_summary_names_only_the_hooks_that_failed() -> None:
    rows = [("model", "success"), ("operation", "success")]
    assert summarize_run_results(rows) == "1/1 models ok"
    rows = [("model", "success"), ("operation", "error")]
    assert summarize_run_results(rows) == "1/1 models ok, 1 operation"
