"""Incremental LDA refreshes: from the watermark less a re-pull window, against a local server."""

from __future__ import annotations

import copy
import datetime as dt
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.config import load_settings
from ingest.errors import MalformedPageError
from ingest.load import run_load
from ingest.pulls import lda_watermark, plan_lda_pull
from ingest.sources import LDA_FILINGS
from tests.fakes.lda import FakeLdaApi
from tests.sample.universe import build_universe
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

pytestmark = pytest.mark.integration

SUITE = load_suite(LDA_FILINGS.suite)
TABLE = LDA_FILINGS.table


def validator(con: duckdb.DuckDBPyConnection, load_id: str):  # type: ignore[no-untyped-def]
    return validate_batch(con, SUITE, load_id)


def filings_2018_h2() -> list[dict[str, Any]]:
    return [
        f
        for f in build_universe().lda_filings
        if f["filing_year"] == 2018 and f["filing_period"] in ("third_quarter", "fourth_quarter")
    ]


def amendment_of(original: dict[str, Any], posted: str, expenses: str) -> dict[str, Any]:
    amended = copy.deepcopy(original)
    new_id = str(uuid.UUID(int=uuid.UUID(original["filing_uuid"]).int ^ 1, version=4))
    amended.update(
        filing_uuid=new_id,
        url=f"https://lda.senate.gov/api/v1/filings/{new_id}/",
        filing_type="4A",
        dt_posted=posted,
        expenses=expenses,
    )
    return amended


@pytest.fixture
def setup(tmp_path: Path, api_server: LocalApiServer):  # type: ignore[no-untyped-def]
    filings = filings_2018_h2()
    api = FakeLdaApi(filings, api_server.url + "/api/v1/")
    api_server.app = api
    settings = replace(load_settings({"LDA_API_URL": api_server.url + "/api/v1/"}), source="live")
    transport, _ = quick_transport()
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield filings, api, api_server, settings, transport, con
    con.close()


def test_first_load_is_by_period_then_incremental_catches_a_late_amendment(setup) -> None:  # type: ignore[no-untyped-def]
    filings, api, server, settings, transport, con = setup

    first = plan_lda_pull(con, transport, settings, (2018, 2018))
    assert first.parameters["mode"] == "periods"  # no watermark yet
    load, _ = run_load(con, TABLE, first, validator)
    assert load.status == "succeeded" and load.counts.inserted == len(filings)
    watermark = lda_watermark(con)
    assert watermark is not None

    # An amendment to a Q4 report, posted after the watermark.
    original = max(
        (f for f in filings if f["filing_period"] == "fourth_quarter" and f["expenses"]),
        key=lambda f: f["dt_posted"],
    )
    posted = (watermark + dt.timedelta(days=3)).isoformat()
    amended = amendment_of(original, posted, "123450000.00")
    api.filings.append(amended)
    server.clear_log()

    second = plan_lda_pull(con, transport, settings, (2018, 2018), repull_days=10)
    assert second.parameters["mode"] == "incremental"
    assert (
        second.parameters["posted_after"] == (watermark.date() - dt.timedelta(days=10)).isoformat()
    )
    load, _ = run_load(con, TABLE, second, validator)

    assert load.status == "succeeded"
    assert load.counts.inserted == 1  # the amendment
    assert load.counts.unchanged == load.counts.fetched - 1  # the re-pull window, unchanged
    assert load.counts.fetched < len(filings)  # not the whole year again
    queries = {tuple(sorted(r.query)) for r in server.requests}
    assert all("filing_dt_posted_after" in q for q in queries)
    stored = con.execute(
        "select record->>'$.expenses' from raw.lda_filings where filing_uuid = ?",
        [amended["filing_uuid"]],
    ).fetchone()
    assert stored == ("123450000.00",)
    assert lda_watermark(con) == dt.datetime.fromisoformat(posted)
    ledger = con.execute(
        "select parameters->>'$.mode', parameters->>'$.watermark' from audit.load_ledger "
        "order by started_at"
    ).fetchall()
    assert ledger == [("periods", None), ("incremental", watermark.isoformat())]


def test_a_backfill_by_period_can_be_asked_for_explicitly(setup) -> None:  # type: ignore[no-untyped-def]
    _, _, _, settings, transport, con = setup
    run_load(con, TABLE, plan_lda_pull(con, transport, settings, (2018, 2018)), validator)

    pull = plan_lda_pull(con, transport, settings, (2018, 2018), mode="periods")

    assert pull.parameters["mode"] == "periods"
    assert pull.parameters["periods"] == 4


def test_the_sample_is_always_pulled_by_period(setup) -> None:  # type: ignore[no-untyped-def]
    _, _, _, settings, transport, con = setup
    run_load(con, TABLE, plan_lda_pull(con, transport, settings, (2018, 2018)), validator)

    pull = plan_lda_pull(con, transport, replace(settings, source="sample"), (2018, 2018))

    assert pull.parameters["mode"] == "periods"


def test_incremental_without_a_watermark_is_refused(setup) -> None:  # type: ignore[no-untyped-def]
    _, _, _, settings, transport, con = setup
    with pytest.raises(ValueError, match="needs a watermark"):
        plan_lda_pull(con, transport, settings, (2018, 2018), mode="incremental")


def test_an_ignored_posting_date_filter_is_caught(setup) -> None:  # type: ignore[no-untyped-def]
    filings, _, server, settings, transport, con = setup
    run_load(con, TABLE, plan_lda_pull(con, transport, settings, (2018, 2018)), validator)
    # A server that ignores filing_dt_posted_after returns old filings too.
    server.app = FakeLdaApi(
        filings,
        server.url + "/api/v1/",
    )
    original_handle = server.app.handle

    def ignoring(method: str, path: str, query: dict[str, str], body: bytes | None):  # type: ignore[no-untyped-def]
        query = {k: v for k, v in query.items() if k != "filing_dt_posted_after"}
        query.setdefault("filing_year", "2018")  # keep paging allowed
        return original_handle(method, path, query, body)

    server.app.handle = ignoring  # type: ignore[method-assign]
    pull = plan_lda_pull(con, transport, settings, (2018, 2018), repull_days=0)
    with pytest.raises(MalformedPageError, match="ignored the filter"):
        list(pull.pages)
