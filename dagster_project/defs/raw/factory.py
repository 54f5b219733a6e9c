"""One raw asset per source: pull, land, validate (Great Expectations), merge or quarantine."""

from collections.abc import Callable, Sequence

import dagster as dg
import duckdb

from dagster_project.defs.resources import DUCKDB_POOL, SourcesResource, WarehouseResource
from expectations.runner import ValidationOutcome, validate_batch
from expectations.suites import SUITES
from ingest.landing import RawTable
from ingest.load import run_load
from ingest.pulls import Pull

CHECK_NAME = "great_expectations_suite"

# Makes the pull from the sources and the warehouse (where an incremental pull finds its watermark).
PullFactory = Callable[[SourcesResource, duckdb.DuckDBPyConnection], Pull]


def _check_result(outcome: ValidationOutcome) -> dg.AssetCheckResult:
    failed = [o for o in outcome.outcomes if not o.success]
    critical = outcome.critical_failures
    metadata: dict[str, dg.RawMetadataValue] = {
        "suite": outcome.suite_name,
        "expectations": len(outcome.outcomes),
        "failed_critical": len(critical),
        "failed_warning": len(outcome.warnings),
        "unexpected_count": sum(o.unexpected_count or 0 for o in failed),
    }
    if failed:
        metadata["failures"] = dg.MetadataValue.json(
            [
                {
                    "expectation": o.expectation_type,
                    "column": o.column,
                    "severity": o.severity,
                    "unexpected_count": o.unexpected_count,
                    "examples": o.examples,
                }
                for o in failed
            ]
        )
    return dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=not failed,
        severity=dg.AssetCheckSeverity.ERROR if critical else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=outcome.reason() if critical else None,
    )


def _preview(con: duckdb.DuckDBPyConnection, table: RawTable) -> str:
    rows = con.execute(
        f"""
        select {table.key_column}, left(record::varchar, 160) as record, loaded_at
        from {table.qualified} order by loaded_at desc, {table.key_column} limit 5
        """
    ).fetchall()
    lines = [f"| {table.key_column} | record (first 160 characters) | loaded_at |", "|---|---|---|"]
    for key, record, loaded_at in rows:
        safe = str(record).replace("|", "\\|")
        lines.append(f"| {key} | `{safe}` | {loaded_at} |")
    return "\n".join(lines)


def build_raw_asset(
    table: RawTable,
    make_pull: PullFactory,
    description: str,
    deps: Sequence[dg.AssetKey] = (),
) -> dg.AssetsDefinition:
    key = dg.AssetKey(["raw", table.name])
    suite = SUITES[table.qualified]

    @dg.asset(
        key=key,
        group_name="raw",
        kinds={"python", "duckdb"},
        pool=DUCKDB_POOL,
        description=description,
        deps=list(deps),
        check_specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=key,
                blocking=True,
                description=f"Great Expectations suite {suite.name}, run on every batch before it "
                "is merged. A failed critical expectation quarantines the batch.",
            )
        ],
    )
    def raw_asset(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        sources: SourcesResource,
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            pull = make_pull(sources, con)
            context.log.info(f"pulling {table.source} into {table.qualified}: {pull.parameters}")
            load, outcome = run_load(
                con, pull, lambda c, load_id: validate_batch(c, suite, load_id)
            )
            total = con.execute(f"select count(*) from {table.qualified}").fetchone()
            preview = _preview(con, table)
        counts = load.counts
        assert isinstance(outcome, ValidationOutcome)
        if load.status == "quarantined":
            context.log.error(f"batch {load.load_id} quarantined: {load.error}")
        return dg.MaterializeResult(
            metadata={
                "load_id": load.load_id,
                "status": load.status,
                "source": sources.source,
                "parameters": dg.MetadataValue.json(dict(pull.parameters)),
                "pages": counts.pages,
                "rows_fetched": counts.fetched,
                "rows_merged": counts.merged,
                "rows_inserted": counts.inserted,
                "rows_updated": counts.updated,
                "rows_unchanged": counts.unchanged,
                "duplicates_in_batch": counts.duplicates_in_batch,
                "rows_quarantined": counts.quarantined,
                "counts_reconcile": counts.reconciles(),
                "dagster/row_count": int(total[0]) if total else 0,
                "preview": dg.MetadataValue.md(preview),
            },
            check_results=[_check_result(outcome)],
        )

    return raw_asset
