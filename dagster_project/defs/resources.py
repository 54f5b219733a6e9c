"""Resources: the DuckDB warehouse, and the source APIs (live, or the bundled sample)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import Enum
from pathlib import Path

import dagster as dg
import duckdb
from pydantic import PrivateAttr

from dagster_project.console import CONSOLE
from ingest.config import Settings, load_settings, parse_years
from ingest.http import build_transport
from ingest.publish import WarehouseFiles, adopt_published
from ingest.pulls import PullOptions, RunContext
from ingest.sample.replay import SampleTransport, sample_years
from ingest.transport import Transport
from ingest.watchlist import load_watchlist

# DuckDB allows one writer per file: every asset that writes it takes a slot in this pool, and the
# pool's limit is 1 (dagster.yaml in the instance the `influence` command sets up); within a run,
# steps execute one at a time (in-process executor).
DUCKDB_POOL = "duckdb_warehouse"


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse: ``path`` is the published file analysts open (``INFLUENCE_WAREHOUSE``);
    a run writes only its build database beside it, and the ``published/warehouse`` asset
    publishes the finished build over ``path`` (``ingest.publish``)."""

    path: str
    keep_snapshots: int = 2

    @property
    def files(self) -> WarehouseFiles:
        return WarehouseFiles(Path(self.path))

    @property
    def build_path(self) -> str:
        return str(self.files.build)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection to the build database (never to the published file)."""
        files = self.files
        files.build.parent.mkdir(parents=True, exist_ok=True)
        adopt_published(files)
        con = duckdb.connect(str(files.build))
        try:
            yield con
        finally:
            con.close()


class SourceMode(Enum):
    """Where source records come from."""

    live = "live"  # the real APIs (URLs and key from the environment)
    sample = "sample"  # the bundled recordings, offline


class LdaMode(Enum):
    auto = "auto"  # incremental from the watermark when there is one, else by filing period
    periods = "periods"  # every filing of the years: a backfill
    incremental = "incremental"


class UsaspendingMode(Enum):
    auto = "auto"  # incremental from the watermarks when there are some, else every quarter
    full = "full"
    incremental = "incremental"


class SourcesResource(dg.ConfigurableResource):
    """Where source records come from: ``live`` (the real APIs) or ``sample`` (the bundled
    recordings, offline); both feed the same clients and parsers.

    The settings are read and the transport (one HTTP session and one rate limiter for every
    source) is opened once per run, when the run starts, and closed when it ends: the LDA's
    request spacing holds across all the LDA assets of a run.
    """

    source: SourceMode = SourceMode.live
    years: str = ""  # e.g. "2017-2019"; empty: the sample's years, or INFLUENCE_YEARS when live
    lda_mode: LdaMode = LdaMode.auto
    lda_repull_days: int = 30  # how far before the watermark an incremental pull starts again
    # awards by last-modified date, transactions by action date, each from its own watermark
    # less the re-pull window
    usaspending_mode: UsaspendingMode = UsaspendingMode.auto
    usaspending_repull_days: int = 45
    # a live line of each pull's progress on the terminal (`influence refresh`; not --verbose)
    show_progress: bool = False

    _settings: Settings | None = PrivateAttr(default=None)
    _transport: Transport | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        settings = replace(load_settings(), source=self.source.value)
        self._settings = settings
        if self.source is SourceMode.sample:
            self._transport = SampleTransport(settings.sample_dir)
        else:
            self._transport = build_transport(settings)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            raise dg.DagsterInvariantViolationError("the sources resource was not set up")
        return self._settings

    @property
    def transport(self) -> Transport:
        if self._transport is None:
            raise dg.DagsterInvariantViolationError("the sources resource was not set up")
        return self._transport

    def year_range(self) -> tuple[int, int]:
        if self.years:
            return parse_years(self.years)
        if self.source is SourceMode.sample:
            return sample_years(self.settings.sample_dir)
        return self.settings.years

    def options(self) -> PullOptions:
        return PullOptions(
            lda_mode=self.lda_mode.value,
            lda_repull_days=self.lda_repull_days,
            usaspending_mode=self.usaspending_mode.value,
            usaspending_repull_days=self.usaspending_repull_days,
        )

    def run_context(self, con: duckdb.DuckDBPyConnection) -> RunContext:
        """What the sources' pulls use in this run, with the warehouse connection ``con``."""
        return RunContext(
            transport=self.transport,
            settings=self.settings,
            years=self.year_range(),
            watchlist=load_watchlist(self.settings.watchlist),
            con=con,
            options=self.options(),
            progress=CONSOLE.show_pull if self.show_progress else None,
        )


def build_resources(settings: Settings) -> dict[str, object]:
    from dagster_project.defs.dbt.project import dbt_cli_resource

    return {
        "warehouse": WarehouseResource(
            path=str(settings.warehouse), keep_snapshots=settings.snapshots_keep
        ),
        "sources": SourcesResource(source=SourceMode(settings.source)),
        "dbt": dbt_cli_resource(),
    }
