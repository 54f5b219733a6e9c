"""Real SEC EDGAR submissions bodies (``tests/fixtures/real/edgar/``, provenance in the README
there) through the client, landing, the Great Expectations suite and a real ``dbt build`` of the
EDGAR staging models.

Only the network is replaced: a local HTTP server answers each submissions request with the
recorded bytes, and company_tickers.json with real entries of the ticker list. The facts asserted
are the ones the bodies show: Apple's three former names (listed out of date order), Tesla's
TESLA MOTORS INC from 2005-02-17 to 2017-01-27, Wolfspeed's dates written at 04:00 UTC, a CIK sent
unpadded by an older body, and EDGAR's test registrant with nineteen former names.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.config import load_settings
from ingest.dbt_cli import run_dbt
from ingest.load import run_load
from ingest.pulls import Pull, pull_edgar_submissions
from ingest.sources import EDGAR_SUBMISSIONS, raw_tables
from ingest.transport import FetchedPage
from ingest.watchlist import WatchedCompany, Watchlist
from tests.fakes.app import Reply, dumps, json_reply
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer
from tests.support.warehouse import query

pytestmark = pytest.mark.integration

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "edgar"
BODIES = {
    320193: "submissions_apple.json",
    1318605: "submissions_tesla.json",
    895419: "submissions_wolfspeed.json",
    350001: "submissions_edgar_test_company_350001.json",
}
OLDER_TESLA = "submissions_tesla_2022.json"  # "cik": "1318605", unpadded
# Entries of the real company_tickers.json (edgartools' data/company_tickers.json, see the README)
TICKERS = {
    "0": {"cik_str": 789019, "ticker": "MSFT", "title": "MICROSOFT CORP"},
    "1": {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."},
    "4": {"cik_str": 1018724, "ticker": "AMZN", "title": "AMAZON COM INC"},
    "13": {"cik_str": 1318605, "ticker": "TSLA", "title": "Tesla, Inc."},
}
USER_AGENT = "Influence Warehouse tests tests@example.org"


class RecordedEdgar:
    """Answers company_tickers.json and the recorded submissions bodies, bytes as stored."""

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if path == "/files/company_tickers.json":
            return 200, {"Content-Type": "application/json"}, dumps(TICKERS)
        for cik, name in BODIES.items():
            if path == f"/submissions/CIK{cik:010d}.json":
                return 200, {"Content-Type": "application/json"}, (REAL / name).read_bytes()
        return json_reply(404, {"message": "Not found"})


def watchlist() -> Watchlist:
    """Apple and Tesla found by title, Wolfspeed and the test registrant by CIK."""
    return Watchlist(
        companies=(
            WatchedCompany("Apple", ("APPLE INC",), ("Apple",)),
            WatchedCompany("Tesla", ("TESLA",), ("Tesla",)),
            WatchedCompany("Wolfspeed", (), ("Wolfspeed",), ciks=(895419, 350001)),
        ),
        agencies=(),
        topics=(),
    )


def fetch(server: LocalApiServer) -> tuple[Pull, list[FetchedPage]]:
    settings = replace(
        load_settings(
            {
                "EDGAR_FILES_URL": server.url + "/files/",
                "EDGAR_DATA_URL": server.url,
                "EDGAR_USER_AGENT": USER_AGENT,
            }
        ),
        source="live",
    )
    transport, _ = quick_transport(edgar_user_agent=settings.edgar_user_agent)
    pull = pull_edgar_submissions(transport, settings, watchlist())
    return pull, list(pull.pages)


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    work = tmp_path_factory.mktemp("real_edgar")
    warehouse = work / "warehouse.duckdb"
    with LocalApiServer(RecordedEdgar()) as server:
        pull, pages = fetch(server)
        requests = server.requests
    # the older body, as a second page of the same load: the same CIK written unpadded
    older = json.loads((REAL / OLDER_TESLA).read_bytes())
    pages.append(FetchedPage("edgar", OLDER_TESLA, [older]))
    suite = load_suite(EDGAR_SUBMISSIONS.suite)
    con = duckdb.connect(str(warehouse))
    try:
        landing.ensure_schema(con, raw_tables())
        load, outcome = run_load(
            con,
            EDGAR_SUBMISSIONS.table,
            Pull(pull.parameters, iter(pages)),
            lambda c, load_id: validate_batch(c, suite, load_id),
        )
    finally:
        con.close()
    result = run_dbt(
        ["build", "--select", "+stg_edgar__company_names"], warehouse, work, timeout=900
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    yield {
        "warehouse": warehouse,
        "load": load,
        "outcome": outcome,
        "requests": requests,
        "parameters": pull.parameters,
    }


def test_the_scope_is_the_watched_ciks_and_matching_titles(real_warehouse: dict) -> None:
    paths = [r.path for r in real_warehouse["requests"]]
    assert paths == [
        "/files/company_tickers.json",
        "/submissions/CIK0000895419.json",
        "/submissions/CIK0000350001.json",
        "/submissions/CIK0000320193.json",
        "/submissions/CIK0001318605.json",
    ]
    assert {r.header("User-Agent") for r in real_warehouse["requests"]} == {USER_AGENT}
    assert real_warehouse["parameters"]["ciks"] == [895419, 350001, 320193, 1318605]


def test_every_real_body_lands_and_passes_the_suite(real_warehouse: dict) -> None:
    load, outcome = real_warehouse["load"], real_warehouse["outcome"]
    assert load.status == "succeeded", outcome.reason()
    assert load.counts.quarantined == 0
    assert not outcome.critical_failures
    # kept as fetched: the filings object is in the record
    (filings,) = query(
        real_warehouse["warehouse"],
        "select count(*) from raw.edgar_submissions where json_exists(record, '$.filings.recent')",
    )
    assert filings == (5,)


def test_former_names_and_dates_come_out_as_edgar_gives_them(real_warehouse: dict) -> None:
    rows = query(
        real_warehouse["warehouse"],
        "select cik, name_kind, company_name, valid_from, valid_to "
        "from staging.stg_edgar__company_names "
        "where cik in ('0000320193', '0001318605', '0000895419') order by cik, valid_from",
    )
    d = dt.date
    assert rows == [
        ("0000320193", "former", "APPLE COMPUTER INC", d(1994, 1, 26), d(2007, 1, 4)),
        ("0000320193", "former", "APPLE COMPUTER INC/ FA", d(1997, 7, 28), d(1997, 7, 28)),
        ("0000320193", "former", "APPLE INC", d(2007, 1, 10), d(2019, 8, 5)),
        ("0000320193", "current", "Apple Inc.", d(2019, 8, 5), None),
        ("0000895419", "former", "CREE RESEARCH INC /NC/", d(1996, 11, 14), d(1999, 5, 11)),
        ("0000895419", "former", "CREE INC", d(2000, 10, 27), d(2019, 8, 5)),
        ("0000895419", "former", "CREE, INC.", d(2019, 8, 20), d(2021, 10, 1)),
        ("0000895419", "current", "WOLFSPEED, INC.", d(2021, 10, 1), None),
        ("0001318605", "former", "TESLA MOTORS INC", d(2005, 2, 17), d(2017, 1, 27)),
        ("0001318605", "current", "Tesla, Inc.", d(2017, 1, 27), None),
    ]
    (test_registrant,) = query(
        real_warehouse["warehouse"],
        "select count(*) filter (where name_kind = 'former'), count(*) "
        "from staging.stg_edgar__company_names where cik = '0000350001'",
    )
    assert test_registrant == (19, 20)


def test_companies_one_row_per_cik_with_what_edgar_says(real_warehouse: dict) -> None:
    rows = query(
        real_warehouse["warehouse"],
        "select cik, company_name, tickers, state_of_incorporation, business_address_state, "
        "entity_type, sic_code from staging.stg_edgar__companies order by cik",
    )
    assert rows == [
        ("0000320193", "Apple Inc.", ["AAPL"], "CA", "CA", "operating", "3571"),
        (
            "0000350001",
            "Company Name Three `!#$(),:;=.-;\\|@/{}&'\\WA\\",
            [],
            "VA",
            "VA",
            "other",
            "6189",
        ),
        ("0000895419", "WOLFSPEED, INC.", ["WOLF"], "DE", "NC", "operating", "3674"),
        # the 2026 body (padded cik) wins over the 2022 one (unpadded): Texas, not Delaware
        ("0001318605", "Tesla, Inc.", ["TSLA"], "TX", "TX", "operating", "3711"),
    ]


def test_a_former_name_whose_date_does_not_parse_quarantines_the_record(tmp_path: Path) -> None:
    body = json.loads((REAL / BODIES[1318605]).read_bytes())
    body["formerNames"][0]["to"] = "27/01/2017"  # a date staging could not read
    suite = load_suite(EDGAR_SUBMISSIONS.suite)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        landing.ensure_schema(con, raw_tables())
        load, outcome = run_load(
            con,
            EDGAR_SUBMISSIONS.table,
            Pull({}, iter([FetchedPage("edgar", "tesla", [body])])),
            lambda c, load_id: validate_batch(c, suite, load_id),
        )
        (merged,) = con.execute("select count(*) from raw.edgar_submissions").fetchone() or (0,)
        (reason,) = con.execute("select reason from audit.quarantine").fetchone() or ("",)
    # one record failing alone: it is quarantined with its reason, the load goes on
    assert load.status == "succeeded" and load.counts.quarantined == 1
    assert "unreadable_former_name" in reason and "27/01/2017" in reason
    assert outcome is not None and "unreadable_former_name" in outcome.reason()
    assert '"to":"27/01/2017"' in outcome.reason()  # the entry is shown, with its record
    assert merged == 0
