"""One transport per run: the LDA's request spacing holds across every LDA asset of a run.

The LDA counts requests per minute, whichever endpoint they ask. A run that opened a new HTTP
session and rate limiter per asset would send the first request of its second LDA asset right
after the last of the first; with one transport per run (the sources resource opens it when the
run starts), the spacing holds across the assets. The limit here is 60 requests a minute, so the
spacing (1.01 s) is longer than what Dagster takes between two steps.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import dagster as dg
import pytest

from dagster_project.defs.raw.assets import RAW_ASSETS
from dagster_project.defs.resources import SourceMode, SourcesResource, WarehouseResource
from ingest.http import LDA_RATE_MARGIN
from tests.fakes.lda import FakeLdaApi
from tests.sample.universe import build_universe
from tests.support.http_server import LocalApiServer

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PER_MINUTE = 60
SPACING = 60.0 / PER_MINUTE * LDA_RATE_MARGIN


def test_lda_spacing_holds_across_the_lda_assets_of_one_run(
    api_server: LocalApiServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    universe = build_universe()
    filings = [f for f in universe.lda_filings if f["filing_year"] == 2018][:3]
    reports = [r for r in universe.lda_contributions if r["filing_year"] == 2018][:3]
    base = api_server.url + "/api/v1/"
    api_server.app = FakeLdaApi(filings, base, contributions=reports)
    monkeypatch.setenv("LDA_API_URL", base)
    monkeypatch.setenv("LDA_REQUESTS_PER_MINUTE", str(PER_MINUTE))
    monkeypatch.delenv("LDA_API_KEY", raising=False)
    assets = [a for a in RAW_ASSETS if a.key.path[-1] in ("lda_filings", "lda_contributions")]

    result = dg.materialize(
        assets,
        resources={
            "warehouse": WarehouseResource(path=str(tmp_path / "warehouse.duckdb")),
            "sources": SourcesResource(source=SourceMode.live, years="2018"),
        },
    )

    assert result.success
    requests = sorted(api_server.requests, key=lambda r: r.received_at)
    endpoints = [r.path.rstrip("/").rsplit("/", 1)[-1] for r in requests]
    # four quarters of filings and two half-year periods of contributions, one page each, one
    # asset after the other (in the order Dagster chose)
    assert sorted(endpoints) == ["contributions"] * 2 + ["filings"] * 4
    switch = next(i for i in range(1, 6) if endpoints[i] != endpoints[i - 1])
    assert len(set(endpoints[:switch])) == len(set(endpoints[switch:])) == 1
    gaps = [b.received_at - a.received_at for a, b in itertools.pairwise(requests)]
    assert min(gaps) >= SPACING - 0.05, gaps
    # the gap from one asset's last request to the next asset's first
    assert gaps[switch - 1] >= SPACING - 0.05, gaps
