"""Backfill the LDA by filing period from the Dagster UI (Jobs > lda_backfill > Backfill).

The routine refresh pulls what was posted since the watermark, across periods; history is
loaded a filing period at a time with this partitioned job. Each run lands one period into
``raw.lda_filings`` through the same load (batch, Great Expectations suite, merge or
quarantine) and reports a materialization of that asset.
"""

import dagster as dg

from dagster_project.defs.partitions import lda_filing_periods, parse_filing_period_key
from dagster_project.defs.raw.factory import raw_asset_key
from dagster_project.defs.raw.metadata import load_metadata
from dagster_project.defs.resources import DUCKDB_POOL, SourcesResource, WarehouseResource
from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.load import run_load
from ingest.pulls import pull_lda
from ingest.sources import LDA_FILINGS

RAW_LDA_FILINGS = raw_asset_key(LDA_FILINGS)


@dg.op(pool=DUCKDB_POOL)
def load_lda_filing_period(
    context: dg.OpExecutionContext, warehouse: WarehouseResource, sources: SourcesResource
) -> None:
    """Every filing of the run's filing period into raw.lda_filings."""
    year, period = parse_filing_period_key(context.partition_key)
    pull = pull_lda(sources.transport, sources.settings, (year, year), [(year, period)])
    suite = load_suite(LDA_FILINGS.suite)
    with warehouse.connect() as con:
        load, _ = run_load(
            con, LDA_FILINGS.table, pull, lambda c, load_id: validate_batch(c, suite, load_id)
        )
    metadata = {"filing_period": context.partition_key, **load_metadata(load, sources.source.value)}
    if load.status != "succeeded":
        raise dg.Failure(f"filing period {context.partition_key}: {load.error}", metadata=metadata)
    context.log_event(
        dg.AssetMaterialization(
            asset_key=RAW_LDA_FILINGS,
            description=f"LDA filing period {context.partition_key} merged",
            metadata=metadata,
        )
    )


@dg.job(
    partitions_def=lda_filing_periods,
    description="Load one LDA filing period (e.g. 2018-Q3, or 2007-H2 before 2008) into "
    "raw.lda_filings. Launch a backfill over a range of periods to load history.",
)
def lda_backfill() -> None:
    load_lda_filing_period()
