"""What an operator sees of a load: the same metadata for the refresh's raw assets and the LDA
backfill."""

from __future__ import annotations

import dagster as dg
import duckdb

from ingest.landing import Load, RawTable


def load_metadata(load: Load, source: str) -> dict[str, dg.RawMetadataValue]:
    """The load's id, status, parameters and counts (they reconcile: fetched = merged +
    quarantined + verbatim duplicates)."""
    counts = load.counts
    return {
        "load_id": load.load_id,
        "status": load.status,
        "source": source,
        "parameters": dg.MetadataValue.json(dict(load.parameters)),
        "pages": counts.pages,
        "rows_fetched": counts.fetched,
        "rows_merged": counts.merged,
        "rows_inserted": counts.inserted,
        "rows_updated": counts.updated,
        "rows_unchanged": counts.unchanged,
        "duplicates_in_batch": counts.duplicates_in_batch,
        "rows_quarantined": counts.quarantined,
        # of which: answers (or parts) the client could not read, kept in audit.quarantine
        "unreadable_quarantined": counts.unreadable,
        "counts_reconcile": counts.reconciles(),
    }


def table_metadata(
    con: duckdb.DuckDBPyConnection, table: RawTable
) -> dict[str, dg.RawMetadataValue]:
    """The raw table after the load: its row count and a preview of the latest rows."""
    total = con.execute(f"select count(*) from {table.qualified}").fetchone()
    rows = con.execute(
        f"""
        select {table.key_column}, left({table.record_sql()}::varchar, 160) as record, loaded_at
        from {table.qualified} order by loaded_at desc, {table.key_column} limit 5
        """
    ).fetchall()
    lines = [f"| {table.key_column} | record (first 160 characters) | loaded_at |", "|---|---|---|"]
    for key, record, loaded_at in rows:
        safe = str(record).replace("|", "\\|")
        lines.append(f"| {key} | `{safe}` | {loaded_at} |")
    return {
        "dagster/row_count": int(total[0]) if total else 0,
        "preview": dg.MetadataValue.md("\n".join(lines)),
    }
