"""The published warehouse: the finished build, copied into a new snapshot file and moved over
the file analysts open (``ingest.publish``), the last step of every refresh; and the watchlist's
digest of what that publish brought (``ingest.alerts``)."""

from pathlib import Path

import dagster as dg
import duckdb

from dagster_project.defs.dbt.assets import influence_dbt_models
from dagster_project.defs.published.keys import (
    PUBLISHED_KEY,
    STALE_SOURCES_TAG,
    WATCHLIST_DIGEST_KEY,
)
from dagster_project.defs.resources import DUCKDB_POOL, WarehouseResource
from ingest.alerts import (
    CHANGES_TABLE,
    Detection,
    Digest,
    build_digest,
    deliver,
    headline,
    prune_digests,
    read_digest,
    record_changes,
    render_markdown,
    write_digest,
)
from ingest.publish import (
    BeforeCopy,
    Snapshot,
    WarehouseFiles,
    current_snapshot,
    publish,
    stale_wal,
)

# how much of the digest's Markdown the asset's metadata shows
PREVIEW_CHARS = 4000


def _detect(
    context: dg.AssetExecutionContext, files: WarehouseFiles, found: list[Detection]
) -> BeforeCopy:
    """The publish's hook: record the watchlist's changes in the build database before the
    copy. A failure is logged and leaves an empty table (never the previous refresh's)."""

    def before_copy(
        con: duckdb.DuckDBPyConnection, snapshot_id: str, previous: Snapshot | None
    ) -> None:
        previous_file = files.snapshots / previous.file if previous else None
        previous_id = previous.snapshot_id if previous else None
        try:
            found.append(record_changes(con, snapshot_id, previous_file, previous_id))
        except Exception as exc:  # alerts never stop a publish
            context.log.warning(f"watchlist changes not detected: {exc}")
            if _exists(con):
                con.execute(f"delete from {CHANGES_TABLE}")
            found.append(
                Detection(snapshot_id, previous_id, True, 0, f"changes not detected: {exc}")
            )

    return before_copy


def _exists(con: duckdb.DuckDBPyConnection) -> bool:
    schema, table = CHANGES_TABLE.split(".")
    row = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [schema, table],
    ).fetchone()
    return bool(row and row[0])


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
    "new one. Runs only after a successful dbt build: a failed build publishes nothing. Before "
    "the copy, what is new for the watchlist since the previous publish is recorded in "
    "marts.watchlist_changes (ingest/alerts.py); its digest is written beside the warehouse.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    files = warehouse.files
    found: list[Detection] = []
    with warehouse.connect() as con:
        snapshot = publish(
            con,
            files,
            keep=warehouse.keep_snapshots,
            before_copy=_detect(context, files, found),
        )
        digest_path = _write_digest(context, con, files, found)
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
            "watchlist_changes": found[0].changes if found else 0,
            "watchlist_digest": dg.MetadataValue.path(str(digest_path or "")),
        }
    )


def _write_digest(
    context: dg.AssetExecutionContext,
    con: duckdb.DuckDBPyConnection,
    files: WarehouseFiles,
    found: list[Detection],
) -> Path | None:
    """The digest's files, from the build database's marts.watchlist_changes (just published)."""
    if not found:
        return None
    try:
        digest = build_digest(con, found[0])
        markdown, _ = write_digest(files.digests, digest)
        prune_digests(files.digests, {found[0].snapshot_id})
    except Exception as exc:  # alerts never stop a publish
        context.log.warning(f"watchlist digest not written: {exc}")
        return None
    context.log.info(f"watchlist digest {markdown}: {headline(digest)}")
    return markdown


def _webhook_url(context: dg.AssetExecutionContext) -> str:
    from ingest.config import load_settings
    from ingest.watchlist import load_watchlist

    try:
        return load_watchlist(load_settings().watchlist).alerts.webhook_url
    except Exception as exc:  # the refresh checked the watchlist before it started
        context.log.warning(f"watchlist not read, no webhook: {exc}")
        return ""


@dg.asset(
    key=WATCHLIST_DIGEST_KEY,
    group_name="published",
    kinds={"python"},
    deps=[published_warehouse],
    description="What is new for the watchlist in the snapshot just published (new or amended "
    "LDA reports and registrations, new award actions and modifications, new articles naming a "
    "watched company, agency or topic; marts.watchlist_changes): its digest, "
    "warehouse.digests/<snapshot>.md and .json, and, when the watchlist names an "
    "alerts.webhook_url and the digest lists a change, its JSON POSTed there (retried briefly; "
    "a failure is logged and recorded in the digest, never fails the refresh). The first "
    "publish is a baseline: nothing listed.",
)
def watchlist_digest(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    files = warehouse.files
    snapshot = current_snapshot(files)
    digest: Digest | None = read_digest(files.digests, snapshot.snapshot_id) if snapshot else None
    if digest is None:
        context.log.warning("no watchlist digest for this publish (see the publish step's log)")
        return dg.MaterializeResult(metadata={"changes": 0, "status": "no digest"})
    url = _webhook_url(context)
    if url and not digest.is_empty:
        digest.delivery = deliver(digest, url)
        write_digest(files.digests, digest)
        if digest.delivery.status == "delivered":
            context.log.info(f"watchlist digest delivered to {digest.delivery.url}")
        else:
            context.log.warning(
                f"watchlist digest NOT delivered to {digest.delivery.url}: {digest.delivery.error}"
            )
    context.log.info(f"watchlist digest: {headline(digest)}")
    markdown = render_markdown(digest)
    return dg.MaterializeResult(
        metadata={
            "snapshot_id": digest.snapshot_id,
            "previous_snapshot_id": digest.previous_snapshot_id or "",
            "baseline": digest.baseline,
            "changes": digest.total,
            "changes_by_kind": dg.MetadataValue.json(digest.counts),
            "webhook": digest.delivery.status if digest.delivery else "none",
            "digest": dg.MetadataValue.path(str(files.digests / f"{digest.snapshot_id}.md")),
            "preview": dg.MetadataValue.md(markdown[:PREVIEW_CHARS]),
        }
    )
