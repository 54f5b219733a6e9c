"""Resources: the DuckDB warehouse, and the source APIs (live, or the bundled sample)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb

from ingest.config import Settings, _years, load_settings
from ingest.http import build_transport
from ingest.sample.replay import SampleTransport, sample_years
from ingest.transport import Transport
from ingest.watchlist import Watchlist, load_watchlist

# DuckDB allows one writer per file: every asset that writes it takes a slot in this pool, and the
# pool's limit is 1 (dagster.yaml in the instance the `influence` command sets up); within a run,
# steps execute one at a time (in-process executor).
DUCKDB_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB file analysts query (``INFLUENCE_WAREHOUSE``)."""

    path: str

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(self.path)
        try:
            yield con
        finally:
            con.close()


class SourcesResource(dg.ConfigurableResource):
    """Where source records come from: ``live`` (the real APIs, URLs and key from the environment)
    or ``sample`` (the bundled recordings, offline). Both feed the same clients and parsers."""

    source: str = "live"
    years: str = ""  # e.g. "2017-2019"; empty: the sample's years, or INFLUENCE_YEARS when live
    # LDA: "auto" (incremental from the watermark when there is one, else by filing period),
    # "periods" (every filing of the years: a backfill) or "incremental".
    lda_mode: str = "auto"
    lda_repull_days: int = 30  # how far before the watermark an incremental pull starts again
    # USAspending: "auto" (incremental from the watermark when there is one, else every quarter
    # of the years), "full" or "incremental"; awards by last-modified date, transactions by action
    # date, each from its own watermark less the re-pull window.
    usaspending_mode: str = "auto"
    usaspending_repull_days: int = 45

    def settings(self) -> Settings:
        settings = load_settings()
        return replace(settings, source=self.source)

    def transport(self) -> Transport:
        if self.source == "sample":
            return SampleTransport(self.settings().sample_dir)
        if self.source == "live":
            return build_transport(self.settings())
        raise dg.DagsterInvalidConfigError(
            f"sources.source must be 'live' or 'sample', got {self.source!r}", [], None
        )

    def year_range(self) -> tuple[int, int]:
        if self.years:
            return _years(self.years)
        if self.source == "sample":
            return sample_years(self.settings().sample_dir)
        return self.settings().years

    def watchlist(self) -> Watchlist:
        return load_watchlist(self.settings().watchlist)


def build_resources(settings: Settings) -> dict[str, object]:
    from dagster_project.defs.dbt.project import dbt_cli_resource

    return {
        "warehouse": WarehouseResource(path=str(settings.warehouse)),
        "sources": SourcesResource(source=settings.source),
        "dbt": dbt_cli_resource(),
    }
