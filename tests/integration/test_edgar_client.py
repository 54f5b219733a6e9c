"""The EDGAR client against the fake EDGAR behind a local HTTP server: the scope it pulls, the
User-Agent the SEC requires on every request, a 429 waited out, a CIK EDGAR does not know, and
the settings that must be there before it asks anything."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ingest.config import ConfigError, Settings, load_settings
from ingest.edgar import companies_in_scope, comparable_name
from ingest.errors import MalformedPageError
from ingest.http import EDGAR_INTERVAL, default_intervals
from ingest.pulls import pull_edgar_submissions
from ingest.watchlist import WatchedCompany, Watchlist
from tests.fakes.edgar import FakeEdgarApi
from tests.sample import universe_edgar
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

USER_AGENT = "Influence Warehouse tests tests@example.org"
AMAZON = WatchedCompany("Amazon", ("AMAZON WEB SERVICES", "AMAZON.COM"), ("Amazon",))


def watchlist(*companies: WatchedCompany) -> Watchlist:
    return Watchlist(companies=companies, agencies=(), topics=())


def settings(server: LocalApiServer, user_agent: str | None = USER_AGENT) -> Settings:
    env = {"EDGAR_FILES_URL": server.url + "/files", "EDGAR_DATA_URL": server.url + "/"}
    if user_agent:
        env["EDGAR_USER_AGENT"] = user_agent
    return replace(load_settings(env), source="live")


@pytest.mark.unit
def test_names_compare_in_upper_case_without_punctuation_or_legal_form() -> None:
    assert comparable_name("AMAZON.COM") == comparable_name("AMAZON COM INC") == "AMAZON COM"
    assert comparable_name("Tesla, Inc.") == "TESLA"
    assert comparable_name("Apple Inc.") == comparable_name("APPLE INC") == "APPLE"
    assert comparable_name("INC") == "INC"  # a name is never emptied
    tickers = [{**t} for t in universe_edgar.TICKERS]
    # Amazon by its recipient search AMAZON.COM; the watchlist's own CIKs first, each once
    assert companies_in_scope(watchlist(AMAZON), tickers) == [1018724]
    both = replace(AMAZON, ciks=(320193, 1018724))
    assert companies_in_scope(watchlist(both), tickers) == [320193, 1018724]


@pytest.mark.integration
def test_the_user_agent_goes_on_every_request_and_a_429_is_waited_out(
    api_server: LocalApiServer,
) -> None:
    api_server.app = FakeEdgarApi(universe_edgar.TICKERS, universe_edgar.SUBMISSIONS)
    api_server.throttle_next(retry_after="3", path_prefix="/submissions/")
    transport, sleep = quick_transport(edgar_user_agent=USER_AGENT)
    pull = pull_edgar_submissions(transport, settings(api_server), watchlist(AMAZON))
    pages = list(pull.pages)

    assert [r["name"] for p in pages for r in p.records] == ["AMAZON COM INC"]
    assert pull.parameters["ciks"] == [1018724]
    requests = api_server.requests
    assert [(r.path, r.scripted) for r in requests] == [
        ("/files/company_tickers.json", False),
        ("/submissions/CIK0001018724.json", True),  # the 429
        ("/submissions/CIK0001018724.json", False),
    ]
    assert {r.header("User-Agent") for r in requests} == {USER_AGENT}
    assert sleep.calls == [3.0]  # Retry-After honoured
    # the SEC's 10 requests per second, never more
    assert default_intervals(False)["edgar"] == EDGAR_INTERVAL >= 0.1


@pytest.mark.integration
def test_a_cik_edgar_does_not_know_is_skipped_and_a_wrong_body_is_malformed(
    api_server: LocalApiServer,
) -> None:
    api_server.app = FakeEdgarApi(universe_edgar.TICKERS, universe_edgar.SUBMISSIONS)
    transport, _ = quick_transport(edgar_user_agent=USER_AGENT)
    unknown = replace(AMAZON, ciks=(999999999,))
    pages = list(pull_edgar_submissions(transport, settings(api_server), watchlist(unknown)).pages)
    assert [len(p.records) for p in pages] == [0, 1]  # 404 skipped, Amazon by its title

    api_server.app = FakeEdgarApi(
        universe_edgar.TICKERS, {1018724: {"cik": "0000320193", "name": "Apple Inc."}}
    )
    with pytest.raises(MalformedPageError, match="asked for CIK 1018724"):
        list(pull_edgar_submissions(transport, settings(api_server), watchlist(AMAZON)).pages)


@pytest.mark.integration
def test_live_edgar_needs_a_user_agent_with_a_contact_address(api_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    pull = pull_edgar_submissions(transport, settings(api_server, None), watchlist(AMAZON))
    with pytest.raises(ConfigError, match="EDGAR_USER_AGENT"):
        list(pull.pages)
    assert api_server.requests == []  # nothing asked of the SEC without it
    with pytest.raises(ConfigError, match="contact e-mail"):
        load_settings({"EDGAR_USER_AGENT": "influence-warehouse"})
