"""The raw source assets, one per declared source (``ingest.sources.SOURCES``). Their keys equal
the dbt source tables (``raw.<table>``)."""

from __future__ import annotations

from collections.abc import Iterable

import dagster as dg

from dagster_project.defs.raw.factory import build_raw_asset
from ingest.sources import SOURCES, SourceSpec


def raw_assets(sources: Iterable[SourceSpec] = SOURCES) -> list[dg.AssetsDefinition]:
    return [build_raw_asset(spec) for spec in sources]


RAW_ASSETS = raw_assets()
