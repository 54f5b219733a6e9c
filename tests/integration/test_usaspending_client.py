"""The USAspending client against the fake spending_by_award endpoint behind a local server."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ingest.errors import IngestError, MalformedPageError, SourceHTTPError
from ingest.sample.fake_api import FakeUsaspendingApi
from ingest.sample.model import AwardFact
from ingest.transport import Request, Response
from ingest.usaspending import (
    AWARD_FIELDS,
    AwardQuery,
    UsaspendingClient,
    award_queries,
    calendar_quarters,
)
from ingest.watchlist import Subtier, WatchedAgency, WatchedCompany, Watchlist
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

DHS = "Department of Homeland Security"
DOD = "Department of Defense"
ICE = "U.S. Immigration and Customs Enforcement"
SUBTIER_CODES = {DHS: "7012", DOD: "9700"}
TOPTIER_CODES = {DHS: "070", DOD: "097"}

WATCHLIST = Watchlist(
    companies=(
        WatchedCompany(
            "Amazon", ("AMAZON WEB SERVICES", "AMAZON.COM"), ("Amazon", "Amazon Web Services")
        ),
        WatchedCompany("Nobody", (), ("Nobody",)),
    ),
    agencies=(
        WatchedAgency(DHS, "DHS", "070", (Subtier("7012", ICE, "ICE"),), ("Homeland Security",)),
        WatchedAgency(DOD, "DOD", "097", (), ("Pentagon",)),
    ),
    topics=("facial recognition",),
)


def make_award(
    n: int,
    agency: str = DHS,
    day: str = "2018-08-15",
    recipient: str = "ACME SOLUTIONS LLC",
    parent: str = "ACME HOLDINGS INC",
    award_type: str = "C",
    amount: float | None = None,
) -> AwardFact:
    """A contract award as spending_by_award returns it (every AWARD_FIELDS field)."""
    sub = SUBTIER_CODES[agency]
    piid = f"HSCET{n:07d}"
    gid = f"CONT_AWD_{piid}_{sub}_-NONE-_-NONE-"
    row: dict[str, Any] = {
        "internal_id": 900000 + n,
        "Award ID": piid,
        "Recipient Name": recipient,
        "Recipient UEI": f"UEI{n:09d}",
        "recipient_id": f"{n:08x}-0000-0000-0000-000000000000-C",
        "Awarding Agency": agency,
        "Awarding Agency Code": TOPTIER_CODES[agency],
        "Awarding Sub Agency": ICE if agency == DHS else "Department of the Army",
        "Awarding Sub Agency Code": sub,
        "Funding Agency": agency,
        "Funding Agency Code": TOPTIER_CODES[agency],
        "Funding Sub Agency": ICE if agency == DHS else "Department of the Army",
        "Funding Sub Agency Code": sub,
        "Description": f"CLOUD HOSTING SERVICES {n}",
        "Base Obligation Date": day,
        "Last Modified Date": "2018-10-01 09:30:00",
        "Start Date": day,
        "End Date": "2019-09-30",
        "Award Amount": amount if amount is not None else 1000.0 * ((n * 37) % 997 + 1),
        "Total Outlays": None,
        "Contract Award Type": "DELIVERY ORDER",
        "NAICS": {"code": "518210", "description": "DATA PROCESSING, HOSTING, AND RELATED"},
        "PSC": {"code": "DA01", "description": "IT AND TELECOM - BUSINESS APPLICATION"},
        "generated_internal_id": gid,
    }
    return AwardFact(row, award_type, parent, f"PUEI{n % 5:08d}")


def universe() -> list[AwardFact]:
    awards = [make_award(n) for n in range(230)]  # DHS, 2018-Q3
    awards += [make_award(1000 + n, DOD) for n in range(20)]
    awards += [make_award(2000 + n, day="2018-05-02") for n in range(7)]  # DHS, Q2
    awards += [
        make_award(3000, DOD, recipient="AMAZON WEB SERVICES, INC.", parent="AMAZON.COM, INC.")
    ]
    awards += [make_award(3001, recipient="AWS GOVCLOUD LLC", parent="AMAZON.COM, INC.")]
    awards += [make_award(3002, recipient="FOUR POINTS TECHNOLOGY LLC", parent="FOUR POINTS")]
    awards += [make_award(3003, recipient="AMAZON WEB SERVICES, INC.", award_type="IDV_A")]
    awards += [make_award(3004, recipient="NOT AMAZON WEB SERVICES LLC", day="2018-12-01")]
    return awards


def search_url(server: LocalApiServer) -> str:
    return server.url + "/api/v2/search/spending_by_award/"


@pytest.fixture
def awards_server(api_server: LocalApiServer) -> LocalApiServer:
    api_server.app = FakeUsaspendingApi(universe())
    return api_server


def query_for(queries: list[AwardQuery], label: str) -> AwardQuery:
    (query,) = [q for q in queries if q.label == label]
    return query


# -- planning ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_award_queries_cover_agencies_and_companies_by_quarter() -> None:
    queries = award_queries(WATCHLIST, (2018, 2019))
    assert len(queries) == (2 + 1) * 8  # a company without recipient_search is not searched
    assert len({q.label for q in queries}) == len(queries)
    dhs = query_for(queries, "agency DHS (070) 2018-Q3")
    assert dhs.filters == {
        "award_type_codes": ["A", "B", "C", "D"],
        "time_period": [
            {"start_date": "2018-07-01", "end_date": "2018-09-30", "date_type": "action_date"}
        ],
        "agencies": [{"type": "awarding", "tier": "toptier", "name": DHS}],
    }
    amazon = query_for(queries, "company Amazon 2019-Q1")
    assert amazon.filters["recipient_search_text"] == ["AMAZON WEB SERVICES", "AMAZON.COM"]
    assert amazon.filters["time_period"][0]["end_date"] == "2019-03-31"
    assert "agencies" not in amazon.filters


@pytest.mark.unit
def test_quarters_start_no_earlier_than_usaspending_data() -> None:
    assert calendar_quarters((2007, 2007)) == [
        ("2007-Q4", dt.date(2007, 10, 1), dt.date(2007, 12, 31))
    ]
    assert [q[0] for q in calendar_quarters((2018, 2018))] == [f"2018-Q{i}" for i in (1, 2, 3, 4)]


# -- paging ------------------------------------------------------------------------------------


@pytest.mark.integration
def test_pages_while_has_next(awards_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, awards_server.url + "/")
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "agency DHS (070) 2018-Q3")
    pages = list(client.iter_awards(query))
    # 230 awards + AWS GovCloud and Four Points (both awarded by DHS in the quarter)
    assert [len(p.records) for p in pages] == [100, 100, 32]
    rows = [r for p in pages for r in p.records]
    assert len({r["generated_internal_id"] for r in rows}) == 232
    assert all(r["Awarding Agency"] == DHS for r in rows)
    amounts = [r["Award Amount"] for r in rows]
    assert amounts == sorted(amounts, reverse=True)
    assert list(rows[0]) == ["internal_id", *AWARD_FIELDS]
    bodies = [r.json() for r in awards_server.requests]
    assert [b["page"] for b in bodies] == [1, 2, 3]
    assert all(r.method == "POST" for r in awards_server.requests)
    assert bodies[0] == {
        "filters": query.filters,
        "fields": list(AWARD_FIELDS),
        "limit": 100,
        "page": 1,
        "sort": "Award Amount",
        "order": "desc",
    }
    assert pages[2].label.endswith("(body page=3) [agency DHS (070) 2018-Q3]")


@pytest.mark.integration
def test_recipient_search_matches_recipient_and_parent_names(awards_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, awards_server.url)
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "company Amazon 2018-Q3")
    (page,) = list(client.iter_awards(query))
    names = sorted(r["Recipient Name"] for r in page.records)
    # AWS GovCloud matches through its parent; the IDV is another award group; "NOT AMAZON
    # WEB SERVICES LLC" is a Q4 award; Four Points (a reseller) is not found by name at all
    assert names == ["AMAZON WEB SERVICES, INC.", "AWS GOVCLOUD LLC"]


@pytest.mark.integration
def test_a_500_then_success_mid_paging(awards_server: LocalApiServer) -> None:
    transport, sleep = quick_transport()
    client = UsaspendingClient(transport, awards_server.url)
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "agency DHS (070) 2018-Q3")
    pages = client.iter_awards(query)
    next(pages)
    awards_server.error_next(502)
    assert sum(len(p.records) for p in pages) == 132
    assert len(sleep.calls) == 1


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_422_detail_is_surfaced(awards_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, awards_server.url)
    filters = {
        "award_type_codes": ["A", "B", "C", "D"],
        "time_period": [{"start_date": "2007-01-01", "end_date": "2007-03-31"}],
    }
    with pytest.raises(SourceHTTPError) as caught:
        list(client.iter_awards(AwardQuery("too early", filters)))
    assert caught.value.status == 422
    assert caught.value.detail == (
        "Field 'filters|time_period|start_date' value '2007-01-01' is below min '2007-10-01'"
    )


@pytest.mark.integration
def test_a_row_without_its_key_is_malformed(api_server: LocalApiServer) -> None:
    api_server.reply_next(
        200,
        {
            "spending_level": "awards",
            "limit": 100,
            "results": [{"internal_id": 1, "Award ID": "X"}],
            "page_metadata": {"page": 1, "hasNext": False},
            "messages": [],
        },
    )
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, api_server.url)
    with pytest.raises(MalformedPageError) as caught:
        list(client.iter_awards(AwardQuery("agency DHS (070) 2018-Q3", {})))
    error = caught.value
    assert error.source == "usaspending"
    assert "(body page=1) [agency DHS (070) 2018-Q3]" in error.page
    assert "results[0] has no generated_internal_id" in error.reason


@pytest.mark.integration
def test_an_html_error_page_is_malformed(api_server: LocalApiServer) -> None:
    api_server.malformed_next(b"<html><title>Maintenance</title></html>")
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, api_server.url)
    with pytest.raises(MalformedPageError, match=r"\[usaspending\] malformed page POST .*Maint"):
        list(client.iter_awards(AwardQuery("q", {})))


@pytest.mark.unit
def test_more_than_the_record_window_is_refused() -> None:
    class AlwaysMore:
        calls = 0

        def send(self, request: Request) -> Response:
            self.calls += 1
            page = {
                "results": [{"generated_internal_id": f"CONT_AWD_{self.calls}"}],
                "page_metadata": {"page": self.calls, "hasNext": True},
            }
            return Response(request, 200, json.dumps(page).encode())

    transport = AlwaysMore()
    client = UsaspendingClient(transport, "http://usaspending.test")
    with pytest.raises(IngestError, match="more than 50000 awards"):
        list(client.iter_awards(AwardQuery("huge", {})))
    assert transport.calls == 500
    with pytest.raises(ValueError):
        UsaspendingClient(transport, "http://usaspending.test", limit=101)


# -- the fake itself ---------------------------------------------------------------------------


def ask(api: FakeUsaspendingApi, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    status, _, payload = api.handle(
        "POST", "/api/v2/search/spending_by_award/", {}, json.dumps(body).encode()
    )
    return status, json.loads(payload)


@pytest.mark.unit
def test_fake_usaspending_validates_like_the_api() -> None:
    api = FakeUsaspendingApi(universe())
    base: dict[str, Any] = {
        "filters": {"award_type_codes": ["A", "B", "C", "D"]},
        "fields": ["Award ID", "Award Amount"],
        "sort": "Award Amount",
    }
    assert ask(api, {**base, "limit": 101}) == (
        422,
        {"detail": "Field 'limit' value '101' is above max '100'"},
    )
    mixed = {**base, "filters": {"award_type_codes": ["A", "IDV_A"]}}
    status, body = ask(api, mixed)
    assert status == 422 and "one group" in body["detail"]
    status, body = ask(api, {**base, "limit": 100, "page": 501})
    assert status == 422 and "50000" in body["detail"]
    status, body = ask(api, {**base, "filters": {**base["filters"], "keywords": ["cloud"]}})
    assert status == 400 and "keywords" in body["detail"]
    status, body = ask(api, {**base, "sort": "Description"})
    assert status == 422 and "Sort value" in body["detail"]


@pytest.mark.unit
def test_fake_usaspending_answers_in_the_api_shape() -> None:
    api = FakeUsaspendingApi(universe())
    body = {
        "filters": {
            "award_type_codes": ["A", "B", "C", "D"],
            "agencies": [{"type": "awarding", "tier": "subtier", "name": ICE}],
            "time_period": [{"start_date": "2018-04-01", "end_date": "2018-06-30"}],
        },
        "fields": ["Award ID", "Award Amount"],
        "limit": 5,
        "page": 1,
        "sort": "Award Amount",
        "order": "asc",
    }
    status, answer = ask(api, body)
    assert status == 200
    assert list(answer) == ["spending_level", "limit", "results", "page_metadata", "messages"]
    assert [list(r) for r in answer["results"]] == [
        ["internal_id", "Award ID", "Award Amount", "generated_internal_id"]
    ] * 5
    assert answer["page_metadata"]["hasNext"] is True  # 7 awards in Q2
    last = answer["results"][-1]
    assert answer["page_metadata"]["last_record_unique_id"] == last["internal_id"]
    assert answer["page_metadata"]["last_record_sort_value"] == str(last["Award Amount"])
    status, second = ask(api, {**body, "page": 2})
    assert len(second["results"]) == 2 and second["page_metadata"]["hasNext"] is False
