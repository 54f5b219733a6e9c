"""The published warehouse: the finished build, copied into a new snapshot file and moved over
the file analysts open (``ingest.publish``). The last step of every refresh."""

import dagster as dg

from dagster_project.defs.dbt.assets import influence_dbt_models
from dagster_project.defs.published.keys import PUBLISHED_KEY, STALE_SOURCES_TAG
from dagster_project.defs.resources import DUCKDB_POOL, WarehouseResource
from ingest.publish import publish, stale_wal


@dg.asset(
    key=PUBLISHED_KEY,
    group_name="published",
    kinds={"duckdb"},
    pool=DUCKDB_POOL,
    deps=[influence_dbt_models],
    description="The file analysts open (INFLUENCE_WAREHOUSE): the marts, intermediate, "
    "reference, evaluation and audit schemas of the finished build, copied into a new snapshot "
    "(DuckDB storage v1.0.0, which DuckDB 1.0 and later read) and moved over the published path "
    "in one rename. Analysts with the old file open keep reading it; new connections open the "
    "new one. Runs only after a successful dbt build: a failed build publishes nothing.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    with warehouse.connect() as con:
        snapshot = publish(con, warehouse.files, keep=warehouse.keep_snapshots)
    context.log.info(
        f"published snapshot {snapshot.snapshot_id} to {warehouse.path} "
        f"({snapshot.size_bytes / 1e6:.1f} MB, {len(snapshot.tables)} tables, "
        f"{snapshot.seconds:.1f} s)"
    )
    if snapshot.stale_sources:
        # a partial success nobody can miss: in the log, the run's tags and the metadata
        context.instance.add_run_tags(
            context.run_id, {STALE_SOURCES_TAG: ",".join(sorted(snapshot.stale_sources))}
        )
        for table, why in sorted(snapshot.stale_sources.items()):
            context.log.warning(f"stale source {table}: the marts hold its earlier data ({why})")
    wal = stale_wal(warehouse.files)
    if wal is not None:
        context.log.warning(
            f"{wal} holds an analyst's unsaved writes to the previous snapshot (a read-write "
            "connection): new connections fail until it is closed"
        )
    return dg.MaterializeResult(
        metadata={
            "snapshot_id": snapshot.snapshot_id,
            "published_at": snapshot.published_at,
            "path": dg.MetadataValue.path(warehouse.path),
            "storage_version": snapshot.storage_version,
            "size_bytes": snapshot.size_bytes,
            "tables": len(snapshot.tables),
            "loads": snapshot.load_count,
            "publish_seconds": snapshot.seconds,
            "stale_sources": dg.MetadataValue.json(snapshot.stale_sources),
        }
    )
