"""USAspending beyond award rows: award actions (spending_by_transaction) sliced under the record
window, IDVs as their own group, sub-agency scopes, recipient profiles, the toptier agency list,
and incremental pulls by last-modified date, against the fake API behind a local server."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import duckdb
import pytest

from ingest.config import load_settings
from ingest.errors import MalformedPageError, SourceHTTPError
from ingest.load import run_load
from ingest.pulls import (
    UsaspendingPlan,
    child_recipients_to_fetch,
    plan_usaspending,
    pull_usaspending,
    pull_usaspending_recipients,
    pull_usaspending_transactions,
)
from ingest.sources import USASPENDING_AWARDS, USASPENDING_RECIPIENTS, USASPENDING_TRANSACTIONS
from ingest.transport import FetchedPage, Request
from ingest.usaspending import (
    TRANSACTION_FIELDS,
    TransactionClient,
    TransactionQuery,
    UsaspendingClient,
    WindowOverflowError,
    award_queries,
    iter_recipients,
    iter_toptier_agencies,
    modified_award_queries,
    recent_transaction_queries,
    transaction_queries,
)
from ingest.watchlist import Subtier, WatchedAgency, WatchedCompany, Watchlist
from tests.fakes.usaspending import FakeUsaspendingApi
from tests.sample.model import AwardFact
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

DHS = "Department of Homeland Security"
ICE = "U.S. Immigration and Customs Enforcement"
CBP = "U.S. Customs and Border Protection"
SUBTIERS = {"7012": ICE, "7014": CBP}

WATCHLIST = Watchlist(
    companies=(
        WatchedCompany("Amazon", ("AMAZON WEB SERVICES",), ("Amazon",), ueis=("LJ281V43Z5DU",)),
    ),
    agencies=(WatchedAgency(DHS, "DHS", "070", (Subtier("7012", ICE, "ICE"),), ("DHS",)),),
    topics=(),
)
ICE_ONLY = replace(
    WATCHLIST,
    companies=(),
    agencies=(replace(WATCHLIST.agencies[0], pull="subtiers"),),
)


def award(
    n: int,
    actions: list[tuple[str, float]],
    sub: str = "7012",
    recipient: str = "ACME SOLUTIONS LLC",
    type_code: str = "C",
    modified: str = "2018-12-31",
) -> AwardFact:
    """An award with its actions ``(action date, amount)``, the first being the base award."""
    piid = f"70CDCR18F{n:08d}"
    prefix = "CONT_IDV" if type_code.startswith("IDV") else "CONT_AWD"
    gid = f"{prefix}_{piid}_{sub}" + ("" if prefix == "CONT_IDV" else "_-NONE-_-NONE-")
    row: dict[str, Any] = {
        "internal_id": 500_000 + n,
        "Award ID": piid,
        "Recipient Name": recipient,
        "Recipient UEI": f"UEI{n:09d}",
        "recipient_id": f"{n:08x}-0000-0000-0000-000000000000-C",
        "Awarding Agency": DHS,
        "Awarding Agency Code": "070",
        "Awarding Sub Agency": SUBTIERS[sub],
        "Awarding Sub Agency Code": sub,
        "Description": f"CLOUD SERVICES {n}",
        "Base Obligation Date": actions[0][0],
        "Last Modified Date": modified,
        "Award Amount": round(sum(a for _, a in actions), 2),
        "Contract Award Type": "IDC" if prefix == "CONT_IDV" else "DELIVERY ORDER",
        "generated_internal_id": gid,
    }
    transactions = tuple(
        {
            "Mod": "0" if i == 0 else f"P{i:05d}",
            "Action Date": day,
            "Action Type": None if i == 0 else "C",
            "Transaction Amount": amount,
            "Transaction Description": "FUNDING",
        }
        for i, (day, amount) in enumerate(actions)
    )
    parent = "AMAZON.COM, INC." if recipient.startswith("AMAZON") else "ACME HOLDINGS INC"
    return AwardFact(row, type_code, parent, "LJ281V43Z5DU", transactions)


def many_awards(count: int, day: str = "2018-08") -> list[AwardFact]:
    """``count`` ICE awards, each with a base action in August 2018 and a modification later."""
    return [
        award(n, [(f"{day}-{n % 28 + 1:02d}", 1000.0 + n), ("2019-02-01", 10.0)])
        for n in range(count)
    ]


@pytest.fixture
def fake(api_server: LocalApiServer) -> FakeUsaspendingApi:
    app = FakeUsaspendingApi(
        [
            award(1, [("2018-03-10", 500_000.0), ("2018-08-20", 250_000.0), ("2019-01-05", -50.0)]),
            award(2, [("2018-09-01", 75_000.0)], sub="7014"),
            award(3, [("2018-07-15", 0.0), ("2018-11-02", 0.0)], type_code="IDV_B"),
            award(4, [("2018-07-04", 9_000.0)], recipient="AMAZON WEB SERVICES, INC."),
        ],
        toptier_agencies=[
            {"toptier_code": "070", "abbreviation": "DHS", "agency_name": DHS},
            {"toptier_code": "1601", "abbreviation": "DOL", "agency_name": "Department of Labor"},
        ],
    )
    api_server.app = app
    return app


def q3(label: str, queries: list[TransactionQuery]) -> TransactionQuery:
    (query,) = [q for q in queries if q.label == label]
    return query


# -- planning ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_transaction_queries_per_scope_group_and_quarter() -> None:
    queries = transaction_queries(WATCHLIST, (2018, 2018))
    assert len(queries) == 2 * 2 * 4  # groups x (DHS, Amazon) x quarters
    dhs = q3("agency DHS (070) contracts 2018-Q3", queries)
    assert dhs.filters(dhs.start, dhs.end) == {
        "award_type_codes": ["A", "B", "C", "D"],
        "time_period": [{"start_date": "2018-07-01", "end_date": "2018-09-30"}],
        "agencies": [{"type": "awarding", "tier": "toptier", "name": DHS}],
    }
    idvs = q3("company Amazon idvs 2018-Q1", queries)
    filters = idvs.filters(idvs.start, idvs.end)
    assert filters["award_type_codes"][0] == "IDV_A"
    # the company's UEIs are searched as well as its names
    assert filters["recipient_search_text"] == ["AMAZON WEB SERVICES", "LJ281V43Z5DU"]


@pytest.mark.unit
def test_with_the_archive_the_agencies_leave_the_search_and_the_companies_stay() -> None:
    everything = transaction_queries(WATCHLIST, (2018, 2018))
    queries = transaction_queries(WATCHLIST, (2018, 2018), archive=True)
    # the companies' searches are exactly what they were
    assert queries == [q for q in everything if q.label.startswith("company ")]
    assert len(queries) == 2 * 4  # groups x quarters, Amazon only
    since, until = dt.date(2019, 1, 1), dt.date(2019, 3, 31)
    recent = recent_transaction_queries(WATCHLIST, since, until, archive=True)
    assert [q.label for q in recent] == [
        "company Amazon contracts actions 2019-01-01..2019-03-31",
        "company Amazon idvs actions 2019-01-01..2019-03-31",
    ]
    # a subtiers agency goes to the archive too
    assert transaction_queries(ICE_ONLY, (2018, 2018))
    assert transaction_queries(ICE_ONLY, (2018, 2018), archive=True) == []


@pytest.mark.unit
def test_a_subtier_scope_names_the_subtier_under_its_toptier() -> None:
    (query, *_) = award_queries(ICE_ONLY, (2018, 2018))
    assert query.label == "agency ICE (7012) contracts 2018-Q1"
    assert query.filters["agencies"] == [
        {"type": "awarding", "tier": "subtier", "name": ICE, "toptier_name": DHS}
    ]


@pytest.mark.unit
def test_incremental_queries_ask_by_last_modified_date_and_recent_actions() -> None:
    since, until = dt.date(2019, 1, 1), dt.date(2019, 3, 31)
    awards = modified_award_queries(WATCHLIST, since, until)
    assert len(awards) == 2 * 2
    assert awards[0].filters["time_period"] == [
        {"start_date": "2019-01-01", "end_date": "2019-03-31", "date_type": "last_modified_date"}
    ]
    actions = recent_transaction_queries(WATCHLIST, since, until)
    assert [(q.start, q.end) for q in actions] == [(since, until)] * 4
    with pytest.raises(ValueError):
        modified_award_queries(WATCHLIST, until, since)


# -- transactions ------------------------------------------------------------------------------


@pytest.mark.integration
def test_transactions_land_in_the_window_of_their_action_date(
    fake: FakeUsaspendingApi, api_server: LocalApiServer
) -> None:
    transport, _ = quick_transport()
    client = TransactionClient(transport, api_server.url)
    query = q3("agency DHS (070) contracts 2018-Q3", transaction_queries(WATCHLIST, (2018, 2018)))
    (page,) = list(client.iter_transactions(query))
    rows = page.records
    # award 1's August modification, award 2's base award and award 4's: not the March base
    # action, not the 2019 de-obligation, not the IDV (another group)
    assert [(r["Award ID"][-2:], r["Mod"], r["Action Date"]) for r in rows] == [
        ("04", "0", "2018-07-04"),
        ("01", "P00001", "2018-08-20"),
        ("02", "0", "2018-09-01"),
    ]
    assert set(rows[0]) == {*TRANSACTION_FIELDS, "internal_id"}
    body = api_server.requests[0].json()
    assert body["sort"] == "Action Date" and body["order"] == "asc"
    assert "window 2018-07-01..2018-09-30" in page.label


@pytest.mark.integration
def test_idv_actions_are_their_own_group(
    fake: FakeUsaspendingApi, api_server: LocalApiServer
) -> None:
    transport, _ = quick_transport()
    client = TransactionClient(transport, api_server.url)
    query = q3("agency DHS (070) idvs 2018-Q4", transaction_queries(WATCHLIST, (2018, 2018)))
    (page,) = list(client.iter_transactions(query))
    assert [(r["generated_internal_id"], r["Mod"]) for r in page.records] == [
        ("CONT_IDV_70CDCR18F00000003_7012", "P00001")
    ]
    awards = UsaspendingClient(transport, api_server.url)
    queries = award_queries(WATCHLIST, (2018, 2018))
    idv_query = next(q for q in queries if q.label == "agency DHS (070) idvs 2018-Q3")
    (idv_page,) = list(awards.iter_awards(idv_query))
    assert [r["Contract Award Type"] for r in idv_page.records] == ["IDC"]


@pytest.mark.integration
def test_a_full_window_is_split_by_action_date_until_each_part_fits(
    api_server: LocalApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    api_server.app = FakeUsaspendingApi(many_awards(260), max_record_window=200)
    monkeypatch.setattr(TransactionClient, "record_window", 200)
    transport, _ = quick_transport()
    client = TransactionClient(transport, api_server.url)
    query = q3("agency DHS (070) contracts 2018-Q3", transaction_queries(WATCHLIST, (2018, 2018)))
    pages = list(client.iter_transactions(query))
    rows = [r for p in pages for r in p.records]
    keys = [(r["generated_internal_id"], r["Mod"], r["Action Date"]) for r in rows]
    assert len(keys) == len(set(keys)) == 260  # every August action once, none twice
    per_window: dict[str, int] = {}
    for p in pages:
        window = p.label.split("window ")[1].rstrip("]")
        per_window[window] = per_window.get(window, 0) + len(p.records)
    # Q3 (260 actions, more than the window of 200) is split in two halves, each of which fits
    assert per_window == {"2018-07-01..2018-08-15": 143, "2018-08-16..2018-09-30": 117}
    # no request ever asked past the record window
    assert all(r.json()["page"] * r.json()["limit"] <= 200 for r in api_server.requests)


@pytest.mark.integration
def test_one_day_over_the_window_is_a_clear_error(
    api_server: LocalApiServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    same_day = [award(n, [("2018-08-01", 1.0)]) for n in range(30)]
    api_server.app = FakeUsaspendingApi(same_day, max_record_window=20)
    monkeypatch.setattr(TransactionClient, "record_window", 20)
    transport, _ = quick_transport()
    client = TransactionClient(transport, api_server.url, limit=10)
    query = TransactionQuery(
        "agency DHS (070) contracts 2018-08",
        {"agencies": [{"type": "awarding", "tier": "toptier", "name": DHS}]},
        "contracts",
        dt.date(2018, 8, 1),
        dt.date(2018, 8, 2),
    )
    with pytest.raises(WindowOverflowError, match=r"more than 20 transactions dated 2018-08-01"):
        list(client.iter_transactions(query))


@pytest.mark.integration
def test_transaction_search_retries_a_429_and_surfaces_a_422(
    fake: FakeUsaspendingApi, api_server: LocalApiServer
) -> None:
    transport, sleep = quick_transport()
    client = TransactionClient(transport, api_server.url)
    query = q3("agency DHS (070) contracts 2018-Q3", transaction_queries(WATCHLIST, (2018, 2018)))
    api_server.throttle_next(retry_after="7")
    (page,) = list(client.iter_transactions(query))
    assert len(page.records) == 3
    assert sleep.calls == [7.0]
    body = {
        "filters": {"award_type_codes": ["A", "IDV_A"]},
        "fields": list(TRANSACTION_FIELDS),
        "page": 1,
        "sort": "Action Date",
    }
    url = api_server.url + "/api/v2/search/spending_by_transaction/"
    with pytest.raises(SourceHTTPError) as caught:
        transport.send(Request("usaspending", "POST", url, json_body=body))
    assert caught.value.status == 422
    assert "one group" in caught.value.detail


# -- recipients and agencies -------------------------------------------------------------------


@pytest.mark.integration
def test_recipient_profiles_carry_the_parent_and_a_404_is_skipped(
    fake: FakeUsaspendingApi, api_server: LocalApiServer
) -> None:
    transport, _ = quick_transport()
    known = "00000004-0000-0000-0000-000000000000-C"
    gone = "0000ffff-0000-0000-0000-000000000000-C"
    pages = list(iter_recipients(transport, api_server.url, [known, gone]))
    assert [len(p.records) for p in pages] == [1, 0]
    profile = pages[0].records[0]
    assert profile["parent_name"] == "AMAZON.COM, INC."
    assert profile["parent_uei"] == "LJ281V43Z5DU"
    assert profile["recipient_level"] == "C"
    assert api_server.requests[0].path == f"/api/v2/recipient/{known}/"


@pytest.mark.integration
def test_a_recipient_answer_for_another_id_is_malformed(api_server: LocalApiServer) -> None:
    api_server.reply_next(200, {"recipient_id": "someone-else-C", "name": "X"})
    transport, _ = quick_transport()
    asked = "00000004-0000-0000-0000-000000000000-C"
    with pytest.raises(MalformedPageError, match="asked for recipient"):
        list(iter_recipients(transport, api_server.url, [asked]))


@pytest.mark.integration
def test_toptier_agency_list(fake: FakeUsaspendingApi, api_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    (page,) = list(iter_toptier_agencies(transport, api_server.url))
    assert [(r["toptier_code"], r["abbreviation"]) for r in page.records] == [
        ("070", "DHS"),
        ("1601", "DOL"),
    ]
    api_server.reply_next(200, {"results": []})
    with pytest.raises(MalformedPageError, match="no results list"):
        list(iter_toptier_agencies(transport, api_server.url))


# -- landing and incremental pulls -------------------------------------------------------------


class Passes:
    """A validation outcome with nothing failed (these tests are about landing, not GX)."""

    @property
    def critical_failures(self) -> list:
        return []

    def reason(self) -> str:
        return ""


@pytest.mark.integration
def test_an_action_without_its_modification_number_is_quarantined_by_name() -> None:
    con = duckdb.connect()
    table = USASPENDING_TRANSACTIONS.table
    good = {"generated_internal_id": "CONT_AWD_X_7012_-NONE-_-NONE-", "Mod": "0"}
    good["Action Date"] = "2018-08-01"
    bad = {"generated_internal_id": "CONT_AWD_Y_7012_-NONE-_-NONE-", "Action Date": "2018-08-02"}
    pull = pull_like([FetchedPage("usaspending", "POST page 1", [good, bad])])
    load, _ = run_load(con, table, pull, lambda c, load_id: Passes())
    assert (load.counts.inserted, load.counts.quarantined) == (1, 1)
    (reason,) = con.execute("select reason from audit.quarantine").fetchone() or ()
    assert reason.startswith(
        "record 1 of POST page 1 has no usable generated_internal_id + Mod + Action Date"
    )
    assert "'Mod': None" in reason
    key = con.execute("select transaction_key from raw.usaspending_transactions").fetchone()
    assert key == ("CONT_AWD_X_7012_-NONE-_-NONE-|0|2018-08-01",)


def pull_like(pages: list[FetchedPage]) -> Any:
    from ingest.pulls import Pull

    return Pull({"test": True}, iter(pages))


@pytest.mark.integration
def test_first_load_is_full_then_incremental_from_the_watermarks(
    fake: FakeUsaspendingApi, api_server: LocalApiServer
) -> None:
    con = duckdb.connect()
    settings = replace(load_settings({"USASPENDING_API_URL": api_server.url}), source="live")
    transport, _ = quick_transport()
    years = (2018, 2018)
    assert plan_usaspending(con, USASPENDING_AWARDS.table, settings) == UsaspendingPlan("full")
    for table, pull in (
        (USASPENDING_AWARDS.table, pull_usaspending(transport, settings, WATCHLIST, years)),
        (
            USASPENDING_TRANSACTIONS.table,
            pull_usaspending_transactions(transport, settings, WATCHLIST, years),
        ),
    ):
        load, _ = run_load(con, table, pull, lambda c, load_id: Passes())
        assert load.status == "succeeded"
    # the awards' latest Last Modified Date, the actions' latest Action Date (2018 pulled only)
    today = dt.date(2019, 3, 1)
    awards_plan = plan_usaspending(
        con, USASPENDING_AWARDS.table, settings, repull_days=45, today=today
    )
    assert awards_plan == UsaspendingPlan(
        "incremental", dt.date(2018, 12, 31), dt.date(2018, 11, 16), today
    )
    actions_plan = plan_usaspending(
        con, USASPENDING_TRANSACTIONS.table, settings, repull_days=45, today=today
    )
    assert actions_plan.watermark == dt.date(2018, 11, 2)
    api_server.clear_log()
    pull = pull_usaspending_transactions(transport, settings, WATCHLIST, years, actions_plan)
    load, _ = run_load(con, USASPENDING_TRANSACTIONS.table, pull, lambda c, load_id: Passes())
    assert pull.parameters["mode"] == "incremental"
    windows = {
        (b["filters"]["time_period"][0]["start_date"], b["filters"]["time_period"][0]["end_date"])
        for b in (r.json() for r in api_server.requests)
    }
    assert windows == {("2018-09-18", "2019-03-01")}
    # the 2019 de-obligation is new; the November IDV action is there again, unchanged
    assert load.counts.inserted == 1 and load.counts.unchanged == 1
    # the bundled sample is recorded quarter by quarter: always full
    sample = replace(settings, source="sample")
    assert plan_usaspending(con, USASPENDING_AWARDS.table, sample).mode == "full"
    # recipients: the children the awards name, not yet fetched
    children = child_recipients_to_fetch(con)
    assert len(children) == 4
    pull = pull_usaspending_recipients(transport, settings, children)
    run_load(con, USASPENDING_RECIPIENTS.table, pull, lambda c, load_id: Passes())
    assert child_recipients_to_fetch(con) == []


@pytest.mark.integration
def test_a_subtier_scope_pulls_only_that_subtier(
    fake: FakeUsaspendingApi, api_server: LocalApiServer
) -> None:
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, api_server.url)
    query = next(
        q for q in award_queries(ICE_ONLY, (2018, 2018)) if q.label.endswith("contracts 2018-Q3")
    )
    (page,) = list(client.iter_awards(query))
    # awards 1 and 4 are ICE's (with actions in Q3); award 2 is CBP's, award 3 an IDV
    assert sorted(r["Award ID"][-2:] for r in page.records) == ["01", "04"]
    assert {r["Awarding Sub Agency Code"] for r in page.records} == {"7012"}
