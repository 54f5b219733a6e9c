"""dbt's run_results.json, kept in ``audit.dbt_run_results`` (one row per node per build)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

import duckdb


def store_run_results(
    con: duckdb.DuckDBPyConnection, run_results: Mapping[str, Any]
) -> list[tuple[str, str]]:
    """Append the build's results; returns (resource type, status) per node."""
    con.execute("create schema if not exists audit")
    con.execute(
        """
        create table if not exists audit.dbt_run_results (
            invocation_id varchar not null,
            unique_id varchar not null,
            resource_type varchar not null,
            status varchar not null,
            failures integer,
            execution_seconds double,
            message varchar,
            generated_at timestamptz not null,
            primary key (invocation_id, unique_id)
        )
        """
    )
    metadata = run_results.get("metadata", {})
    invocation_id = metadata.get("invocation_id", "")
    generated_at = metadata.get("generated_at")
    rows = []
    for result in run_results.get("results", []):
        unique_id = result["unique_id"]
        rows.append(
            (
                invocation_id,
                unique_id,
                unique_id.split(".", 1)[0],
                result["status"],
                result.get("failures"),
                result.get("execution_time"),
                result.get("message"),
                generated_at,
            )
        )
    con.executemany(
        "insert or replace into audit.dbt_run_results values (?, ?, ?, ?, ?, ?, ?, ?)", rows
    )
    return [(row[2], row[3]) for row in rows]


def summarize_run_results(rows: list[tuple[str, str]]) -> str:
    """E.g. '18 models ok, 9 seeds ok, 165 data tests passed, 5 unit tests passed'."""
    by_type: dict[str, Counter[str]] = {}
    for resource_type, status in rows:
        if resource_type == "exposure":  # documentation (the README's queries): nothing runs
            continue
        if resource_type == "operation" and status == "success":
            continue  # a hook (on-run-start creates the incremental watermarks table)
        by_type.setdefault(resource_type, Counter())[status] += 1
    labels = {"model": "models", "seed": "seeds", "test": "data tests", "unit_test": "unit tests"}
    parts = []
    for resource_type in ("model", "seed", "test", "unit_test"):
        counts = by_type.pop(resource_type, Counter())
        if not counts:
            continue
        good = counts.pop("success", 0) + counts.pop("pass", 0)
        text = f"{good}/{good + sum(counts.values())} {labels[resource_type]} ok"
        if counts:
            text += " (" + ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) + ")"
        parts.append(text)
    parts.extend(f"{sum(c.values())} {t}" for t, c in sorted(by_type.items()))
    return ", ".join(parts) or "no dbt results"
