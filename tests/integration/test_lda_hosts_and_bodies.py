"""The LDA against what the real API and its hosts send (issue 10, items 8, 9 and 14): the real
shape of a bot wall's 403, the real Lockheed page, and ``dt_posted`` values seen on real filings.
Only the network is replaced (local servers); DuckDB and Great Expectations are real."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.config import load_settings, other_official_lda_url
from ingest.errors import SourceAuthError, SourceBlockedError
from ingest.lda import LdaClient
from ingest.load import run_load
from ingest.pulls import pull_lda
from ingest.sources import LDA_FILINGS
from ingest.transport import FetchedPage, Request
from tests.fakes.lda import FakeLdaApi
from tests.integration.test_lda_client import make_filing
from tests.support import quick_transport
from tests.support.http_server import App, LocalApiServer

pytestmark = pytest.mark.integration

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "lda"
MakeServer = Callable[[App | None], LocalApiServer]
SUITE = load_suite(LDA_FILINGS.suite)


def real_bot_wall() -> tuple[dict[str, str], bytes]:
    """The Akamai "Access Denied" 403 of the fixture: its headers (quoted in the HTML comment
    that opens the file) and its HTML body."""
    text = (REAL / "bot_wall_403_akamai_defense_gov_fragment.txt").read_text(encoding="utf-8")
    comment, _, html = text.partition("-->")
    headers = {}
    for line in comment.splitlines():
        name, sep, value = line.partition(": ")
        if sep and name in ("Server", "Content-Type", "Mime-Version"):
            headers[name] = value.strip()
    return headers, html.strip().encode("utf-8")


def real_lockheed_page() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (REAL / "filings_lockheed_2025_trimmed.json").read_text(encoding="utf-8")
    )
    return data


def serve_bot_wall(server: LocalApiServer) -> None:
    headers, body = real_bot_wall()
    server.reply_next(403, body, headers, times=None)


def validator(con: duckdb.DuckDBPyConnection, load_id: str):  # type: ignore[no-untyped-def]
    return validate_batch(con, SUITE, load_id)


# -- item 8: a bot wall is not a token refusal ---------------------------------------------------


def test_the_real_bot_wall_shape_is_told_from_a_token_refusal(api_server: LocalApiServer) -> None:
    serve_bot_wall(api_server)
    transport, sleep = quick_transport(lda_api_key="some-key-123")
    request = Request("lda", "GET", api_server.url + "/api/v1/filings/", {"filing_year": "2025"})
    with pytest.raises(SourceBlockedError) as caught:
        transport.send(request)
    message = str(caught.value)
    assert caught.value.status == 403
    assert "bot wall" in message
    assert "LDA_API_URL" in message
    assert "lda.gov" in message and "lda.senate.gov" in message  # the official hosts named
    assert '"Access Denied"' in message and "#18.9d37d517" in message
    assert "set LDA_API_KEY" not in message and "some-key-123" not in message
    assert len(api_server.requests) == 1 and sleep.calls == []  # not retried


def test_a_json_403_is_still_a_token_refusal(api_server: LocalApiServer) -> None:
    api_server.reply_next(403, {"detail": "Invalid token."})
    transport, _ = quick_transport(lda_api_key="some-key-123")
    with pytest.raises(SourceAuthError) as caught:
        transport.send(Request("lda", "GET", api_server.url + "/api/v1/filings/"))
    assert not isinstance(caught.value, SourceBlockedError)
    assert "LDA_API_KEY" in str(caught.value)


def test_the_other_official_host_is_derived_from_lda_api_url() -> None:
    assert load_settings({}).lda_fallback_api_url == "https://lda.senate.gov/api/v1/"
    senate = load_settings({"LDA_API_URL": "https://lda.senate.gov/api/v1/"})
    assert senate.lda_fallback_api_url == "https://lda.gov/api/v1/"
    assert other_official_lda_url("http://127.0.0.1:8000/api/v1/") is None


def test_a_bot_wall_sends_the_pull_to_the_other_host_once_and_the_ledger_says_which(
    make_api_server: MakeServer, tmp_path: Path
) -> None:
    walled, other = make_api_server(None), make_api_server(None)
    serve_bot_wall(walled)
    filings = [make_filing(n, 2018, "third_quarter") for n in range(30)]  # two pages
    other.app = FakeLdaApi(filings, other.url + "/api/v1/")
    settings = replace(
        load_settings({"LDA_API_URL": walled.url + "/api/v1/"}),
        source="live",
        lda_fallback_api_url=other.url + "/api/v1/",
    )
    transport, _ = quick_transport()
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    pull = pull_lda(transport, settings, (2018, 2018), periods=[(2018, "third_quarter")])
    load, _ = run_load(con, LDA_FILINGS.table, pull, validator)

    assert load.status == "succeeded" and load.counts.inserted == 30
    assert len(walled.requests) == 1  # refused once, never asked again
    assert len(other.requests) == 2
    row = con.execute("select parameters from audit.load_ledger").fetchone()
    assert row is not None
    parameters = json.loads(row[0])
    assert parameters["base_url"] == walled.url + "/api/v1/"  # what was asked
    assert parameters["answered_by"] == other.url  # who answered
    assert parameters["refused_by_bot_wall"] == walled.url + "/api/v1/"


def test_a_bot_wall_on_both_hosts_fails_naming_both(make_api_server: MakeServer) -> None:
    first, second = make_api_server(None), make_api_server(None)
    serve_bot_wall(first)
    serve_bot_wall(second)
    transport, _ = quick_transport()
    client = LdaClient(transport, first.url + "/api/v1/", fallback_base_url=second.url + "/api/v1/")
    with pytest.raises(SourceBlockedError, match="both official hosts refused") as caught:
        list(client.iter_filings(2018, "third_quarter"))
    assert "LDA_API_URL" in str(caught.value)
    assert len(first.requests) == 1 and len(second.requests) == 1


def test_without_a_fallback_the_bot_wall_error_is_raised(api_server: LocalApiServer) -> None:
    serve_bot_wall(api_server)
    transport, _ = quick_transport()
    client = LdaClient(transport, api_server.url + "/api/v1/")
    with pytest.raises(SourceBlockedError, match="bot wall"):
        list(client.iter_filings(2018, "third_quarter"))


# -- item 9: the same records from the other host are unchanged ---------------------------------


def on_host(record: dict[str, Any], old: str, new: str, format_json: bool) -> dict[str, Any]:
    """The record as the other host writes it (and with ``?format=json`` on its API URLs)."""
    moved = json.loads(json.dumps(record).replace(old, new))
    if format_json:
        moved["url"] += "?format=json"
    return dict(moved)


def land(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
    from ingest.pulls import Pull

    page = FetchedPage("lda", "GET test", records)
    load, _ = run_load(con, LDA_FILINGS.table, Pull({}, iter([page])), validator)
    return load


def test_the_real_lockheed_filing_from_the_other_host_is_not_an_update(tmp_path: Path) -> None:
    (real,) = real_lockheed_page()["results"]
    real = dict(real, dt_posted="2025-04-18T10:55:05-04:00")  # trimmed by its author; see README
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    first = land(con, [real])
    assert first.status == "succeeded" and first.counts.inserted == 1

    moved = on_host(real, "https://lda.senate.gov/", "https://lda.gov/", format_json=True)
    assert moved != real and "lda.senate.gov" not in json.dumps(moved)
    second = land(con, [moved])
    assert second.counts.unchanged == 1 and second.counts.updated == 0

    row = con.execute("select record from raw.lda_filings").fetchone()
    assert row is not None and json.loads(row[0]) == real  # kept as first fetched

    changed = copy.deepcopy(moved)
    changed["income"] = "40000.00"
    assert land(con, [changed]).counts.updated == 1  # a real change is still an update


# -- item 14: dt_posted, one parsing rule in the suite and in staging -------------------------

DT_POSTED = {
    "2018-10-22T14:02:11-04:00": True,  # the API's usual shape
    "1905-06-24T00:00:00-05:00": True,  # real: the oldest dt_posted of the API (1999 MM report)
    "2022-01-13T14:47:19.098634-05:00": True,  # real: microseconds (a registrant's dt_updated)
    "2018-02-30T10:00:00-05:00": False,  # impossible date
    "2018-13-01T10:00:00-05:00": False,  # impossible month
    "yesterday": False,
    "": False,
}


def staging_parses(value: str) -> bool:
    """Whether the dbt macro lda_timestamp's cast (what staging runs) reads ``value``."""
    macro = Path(__file__).resolve().parents[2] / "dbt_models" / "macros" / "sql_helpers.sql"
    assert "as timestamp with time zone)" in macro.read_text().split("lda_timestamp")[-1]
    try:
        duckdb.sql("select cast(? as timestamp with time zone)", params=[value]).fetchall()
    except duckdb.Error:
        return False
    return True


@pytest.mark.parametrize(("value", "valid"), list(DT_POSTED.items()))
def test_dt_posted_passes_the_suite_exactly_when_staging_can_parse_it(
    value: str, valid: bool, tmp_path: Path
) -> None:
    assert staging_parses(value) is valid
    filing = make_filing(1)
    filing["dt_posted"] = value
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    load = land(con, [filing])
    # a record staging could not read is quarantined (alone), never merged
    assert load.status == "succeeded"
    assert (load.counts.inserted, load.counts.quarantined) == ((1, 0) if valid else (0, 1))
    if not valid:
        (reason,) = con.execute("select reason from audit.quarantine").fetchone() or ("",)
        assert filing["filing_uuid"] in reason and "on dt_posted" in reason


def test_the_bot_wall_message_names_the_other_official_host() -> None:
    transport, _ = quick_transport()
    summary = '"Access Denied", reference #18.9d37d517'
    on_new = transport._bot_wall_message("lda", "https://lda.gov/api/v1/filings/", summary)
    assert "LDA_API_URL" in on_new and "https://lda.senate.gov/api/v1/" in on_new
    on_old = transport._bot_wall_message("lda", "https://lda.senate.gov/api/v1/filings/", summary)
    assert "https://lda.gov/api/v1/" in on_old
    elsewhere = transport._bot_wall_message("gdelt", "https://api.gdeltproject.org/x", summary)
    assert "LDA_API_URL" not in elsewhere and "bot wall" in elsewhere


def test_in_sample_mode_the_ledger_says_the_bundled_sample_answered(tmp_path: Path) -> None:
    from ingest.sample.replay import SampleTransport

    settings = replace(load_settings({}), source="sample")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    pull = pull_lda(SampleTransport(), settings, (2018, 2018), periods=[(2018, "third_quarter")])
    load, _ = run_load(con, LDA_FILINGS.table, pull, validator)
    assert load.status == "succeeded"
    row = con.execute("select parameters from audit.load_ledger").fetchone()
    assert row is not None
    assert json.loads(row[0])["answered_by"] == "the bundled sample"
