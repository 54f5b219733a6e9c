"""One raw asset per declared source: pull, land, validate (Great Expectations), merge or
quarantine."""

import dagster as dg
import duckdb

from dagster_project.defs.raw.metadata import load_metadata, table_metadata
from dagster_project.defs.resources import DUCKDB_POOL, SourcesResource, WarehouseResource
from expectations.runner import ValidationOutcome, validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.load import run_load
from ingest.redaction import redact
from ingest.sources import SourceSpec

CHECK_NAME = "great_expectations_suite"


def raw_asset_key(spec: SourceSpec) -> dg.AssetKey:
    """``raw/<table>``: the table analysts see and the dbt source table, so lineage joins up."""
    return dg.AssetKey(["raw", spec.name])


def check_result(outcome: ValidationOutcome) -> dg.AssetCheckResult:
    failed = [o for o in outcome.outcomes if not o.success]
    critical = outcome.critical_failures
    # ERROR (blocking what depends on the table) only when the batch was kept out; records
    # quarantined alone are out of the table already, so the rest can be built on: WARN
    blocked = bool(critical) and outcome.blocks_batch
    metadata: dict[str, dg.RawMetadataValue] = {
        "suite": outcome.suite_name,
        "expectations": len(outcome.outcomes),
        "failed_critical": len(critical),
        "failed_warning": len(outcome.warnings),
        "unexpected_count": sum(o.unexpected_count or 0 for o in failed),
        # a critical failure quarantines the failing records alone, or the batch (a drift)
        "batch_quarantined": blocked,
        "records_quarantined_alone": len(outcome.record_reasons()) if critical else 0,
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
        severity=dg.AssetCheckSeverity.ERROR if blocked else dg.AssetCheckSeverity.WARN,
        metadata=metadata,
        description=outcome.reason() if critical else None,
    )


def failed_load_check(reason: str) -> dg.AssetCheckResult:
    """The check of a load that stopped before its batch could be validated (a fetch or parse
    error): it fails as an error, and the table keeps its previous rows."""
    return dg.AssetCheckResult(
        check_name=CHECK_NAME,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={"load_failed": True, "batch_quarantined": False},
        description=f"the load failed, nothing was merged: {reason}",
    )


def build_raw_asset(spec: SourceSpec) -> dg.AssetsDefinition:
    key = raw_asset_key(spec)
    suite = load_suite(spec.suite)
    if suite.raw_table != spec.table.qualified:
        raise ValueError(f"{spec.suite} validates {suite.raw_table}, not {spec.table.qualified}")

    @dg.asset(
        key=key,
        group_name="raw",
        kinds={"python", "duckdb"},
        pool=DUCKDB_POOL,
        description=spec.description,
        deps=[dg.AssetKey(["raw", name]) for name in spec.reads],
        check_specs=[
            dg.AssetCheckSpec(
                CHECK_NAME,
                asset=key,
                # not blocking: a source fails alone, and dbt builds every mart from the last
                # good data of each source (audit.source_freshness says which is stale)
                blocking=False,
                description=f"Great Expectations suite {suite.name}, run on every batch before it "
                "is merged. A record failing a critical expectation is quarantined alone (the "
                "check fails as a warning); a drift (more than 5% of the records) or a "
                "batch-level failure quarantines the batch, and a load that fails to fetch "
                "merges nothing (an error: the table keeps its previous rows, and the marts are "
                "still built, from them).",
            )
        ],
    )
    def raw_asset(
        context: dg.AssetExecutionContext,
        warehouse: WarehouseResource,
        sources: SourcesResource,
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            try:
                pull = spec.start_pull(sources.run_context(con))
            except Exception as exc:  # recorded like a failed fetch, so freshness shows it
                landing.fail_load(con, landing.start_load(con, spec.table, {}), exc)
                return _failed(context, con, spec, exc)
            context.log.info(f"pulling {spec.api} into {spec.table.qualified}: {pull.parameters}")
            try:
                load, outcome = run_load(
                    con, spec.table, pull, lambda c, load_id: validate_batch(c, suite, load_id)
                )
            except Exception as exc:  # the ledger says `failed`; the table is as it was
                return _failed(context, con, spec, exc)
            after = table_metadata(con, spec.table)
        assert isinstance(outcome, ValidationOutcome)
        if load.status == "quarantined":
            context.log.error(f"batch {load.load_id} quarantined: {load.error}")
        elif outcome.critical_failures:
            context.log.warning(
                f"load {load.load_id}: {len(outcome.record_reasons())} records quarantined "
                f"alone: {outcome.reason()}"
            )
        return dg.MaterializeResult(
            metadata={**load_metadata(load, sources.source.value), **after},
            check_results=[check_result(outcome)],
        )

    return raw_asset


def _failed(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    spec: SourceSpec,
    error: Exception,
) -> dg.MaterializeResult:
    """A source fails alone: the load is in the ledger as failed, the raw table keeps its
    previous rows, the check fails as an error, and the run goes on to build every mart."""
    reason = redact(f"{type(error).__name__}: {error}" if not str(error) else str(error))
    context.log.error(
        f"{spec.table.qualified}: the load failed, nothing merged; the table keeps its previous "
        f"data and the marts are built from it: {reason}"
    )
    landing.ensure_schema(con, [spec.table])  # a first load may fail before creating it
    return dg.MaterializeResult(
        metadata={
            "status": "failed",
            "source": spec.api,
            "error": reason,
            **table_metadata(con, spec.table),
        },
        check_results=[failed_load_check(reason)],
    )
