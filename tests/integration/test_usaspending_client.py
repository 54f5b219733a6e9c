"""The USAspending client against the fake spending_by_award endpoint behind a local server."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from ingest.errors import IngestError, MalformedPageError, SourceHTTPError
from ingest.transport import Request, Response
from ingest.usaspending import (
    AWARD_FIELDS,
    AwardQuery,
    UnusedFilterError,
    UsaspendingClient,
    award_queries,
    calendar_quarters,
)
from ingest.watchlist import Subtier, WatchedAgency, WatchedCompany, Watchlist
from tests.fakes.usaspending import FakeUsaspendingApi
from tests.sample.model import AwardFact
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
    assert (
        len(queries) == 2 * (2 + 1) * 8
    )  # two award groups; a company without recipient_search is not searched
    assert len({q.label for q in queries}) == len(queries)
    dhs = query_for(queries, "agency DHS (070) contracts 2018-Q3")
    assert dhs.filters == {
        "award_type_codes": ["A", "B", "C", "D"],
        "time_period": [
            {"start_date": "2018-07-01", "end_date": "2018-09-30", "date_type": "action_date"}
        ],
        "agencies": [{"type": "awarding", "tier": "toptier", "name": DHS}],
    }
    amazon = query_for(queries, "company Amazon contracts 2019-Q1")
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
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "agency DHS (070) contracts 2018-Q3")
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
    assert pages[2].label.endswith("(body page=3) [agency DHS (070) contracts 2018-Q3]")


@pytest.mark.integration
def test_a_filter_the_api_did_not_use_is_an_error_naming_it(awards_server: LocalApiServer) -> None:
    """The API answers a misspelt filter with national results and a message; the 2007-10-01
    notice every answer carries is not an error (the other tests page through it)."""
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, awards_server.url + "/")
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "agency DHS (070) contracts 2018-Q3")
    misspelt = AwardQuery("misspelt", {**query.filters, "recipient_serch_text": ["AMAZON"]})
    with pytest.raises(UnusedFilterError) as raised:
        list(client.iter_awards(misspelt))
    assert raised.value.filters == ["recipient_serch_text"]
    assert "recipient_serch_text" in str(raised.value)
    sent = json.loads(awards_server.requests[-1].body)
    assert sent["filters"]["recipient_serch_text"] == ["AMAZON"]


@pytest.mark.integration
def test_the_last_page_names_no_keyset(awards_server: LocalApiServer) -> None:
    """As the API: after the last row, ``last_record_unique_id`` is null and the sort value the
    text "None"; before it, the sort value is a string."""
    transport, _ = quick_transport()
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "agency DHS (070) contracts 2018-Q3")
    client = UsaspendingClient(transport, awards_server.url + "/")
    list(client.iter_awards(query))
    metadata = [
        transport.send(client.awards_request(query, page)).json()["page_metadata"]
        for page in (1, 3)
    ]
    assert isinstance(metadata[0]["last_record_sort_value"], str)
    assert isinstance(metadata[0]["last_record_unique_id"], int)
    assert metadata[1]["last_record_sort_value"] == "None"
    assert metadata[1]["last_record_unique_id"] is None


@pytest.mark.integration
def test_recipient_search_matches_recipient_and_parent_names(awards_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, awards_server.url)
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "company Amazon contracts 2018-Q3")
    (page,) = list(client.iter_awards(query))
    names = sorted(r["Recipient Name"] for r in page.records)
    # AWS GovCloud matches through its parent; the IDV is another award group; "NOT AMAZON
    # WEB SERVICES LLC" is a Q4 award; Four Points (a reseller) is not found by name at all
    assert names == ["AMAZON WEB SERVICES, INC.", "AWS GOVCLOUD LLC"]


@pytest.mark.integration
def test_a_500_then_success_mid_paging(awards_server: LocalApiServer) -> None:
    transport, sleep = quick_transport()
    client = UsaspendingClient(transport, awards_server.url)
    query = query_for(award_queries(WATCHLIST, (2018, 2018)), "agency DHS (070) contracts 2018-Q3")
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
        list(client.iter_awards(AwardQuery("agency DHS (070) contracts 2018-Q3", {})))
    error = caught.value
    assert error.source == "usaspending"
    assert "(body page=1) [agency DHS (070) contracts 2018-Q3]" in error.page
    assert "results[0] has no generated_internal_id" in error.reason


@pytest.mark.integration
def test_an_html_error_page_is_malformed(api_server: LocalApiServer) -> None:
    api_server.malformed_next(b"<html><title>Maintenance</title></html>")
    transport, _ = quick_transport()
    client = UsaspendingClient(transport, api_server.url)
    with pytest.raises(MalformedPageError, match=r"\[usaspending\] malformed page POST .*Maint"):
        list(client.iter_awards(AwardQuery("q", {})))


@pytest.mark.unit
def test_past_the_window_a_page_without_a_keyset_is_refused() -> None:
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
    with pytest.raises(IngestError, match=r"huge: cannot page past .*50000-record window"):
        list(client.iter_awards(AwardQuery("huge", {})))
    assert transport.calls == 500  # pages 1..500 by number; page 501 needs the keyset
    with pytest.raises(ValueError):
        UsaspendingClient(transport, "http://usaspending.test", limit=101)


# -- past the record window: keyset paging -----------------------------------------------------

WINDOW = 250  # instead of 50,000: with limit 100, pages 1 and 2 by number, then by keyset
KEYSET_FIELDS = ("last_record_sort_value", "last_record_unique_id")
BIG_QUERY = AwardQuery(
    "agency DOD (097) 2018-Q3",
    {
        "award_type_codes": ["A", "B", "C", "D"],
        "time_period": [
            {"start_date": "2018-07-01", "end_date": "2018-09-30", "date_type": "action_date"}
        ],
        "agencies": [{"type": "awarding", "tier": "toptier", "name": DOD}],
    },
)


class SmallWindowClient(UsaspendingClient):
    record_window = WINDOW


def big_universe(count: int = 705) -> list[AwardFact]:
    """``count`` DOD awards in 2018-Q3 (and a few others), in 40 groups of equal amounts so
    that page boundaries fall among ties, with internal ids in another order than the award
    ids (the tie-breaker is the internal id)."""
    awards = []
    for i in range(count):
        fact = make_award(10_000 + i, DOD, amount=1000.0 * (i % 40 + 1))
        fact.row["internal_id"] = 500_000 + (i * 389) % count
        awards.append(fact)
    return awards + universe()


def api_order(awards: list[AwardFact]) -> list[str]:
    """The generated ids of DOD 2018-Q3 contracts, by amount then internal id, descending."""
    rows = [
        f.row
        for f in awards
        if f.row["Awarding Agency"] == DOD
        and f.award_type_code in ("A", "B", "C", "D")
        and "2018-07-01" <= f.row["Base Obligation Date"] <= "2018-09-30"
    ]
    rows.sort(key=lambda r: (r["Award Amount"], r["internal_id"]), reverse=True)
    return [r["generated_internal_id"] for r in rows]


@pytest.fixture
def big_server(api_server: LocalApiServer) -> LocalApiServer:
    api_server.app = FakeUsaspendingApi(big_universe(), max_record_window=WINDOW)
    return api_server


@pytest.mark.integration
@pytest.mark.parametrize(("limit", "by_number"), [(100, 2), (60, 4)])
def test_past_the_window_pages_by_keyset(
    big_server: LocalApiServer, limit: int, by_number: int
) -> None:
    transport, _ = quick_transport()
    client = SmallWindowClient(transport, big_server.url, limit=limit)
    pages = list(client.iter_awards(BIG_QUERY))
    rows = [r for p in pages for r in p.records]
    expected = api_order(big_universe())
    assert len(expected) == 705 + 21  # the big ones and universe()'s DOD awards
    assert [r["generated_internal_id"] for r in rows] == expected  # each once, in order
    assert [len(p.records) for p in pages] == [limit] * (726 // limit) + [726 % limit]

    bodies = [r.json() for r in big_server.requests]
    assert len(bodies) == len(pages)
    base = {
        "filters": BIG_QUERY.filters,
        "fields": list(AWARD_FIELDS),
        "limit": limit,
        "sort": "Award Amount",
        "order": "desc",
    }
    # page numbers while page * limit <= the window ...
    for number, body in enumerate(bodies[:by_number], start=1):
        assert body == {**base, "page": number}
        assert number * limit <= WINDOW
    # ... then keyset: no page, the previous page's last record as the keyset
    assert (by_number + 1) * limit > WINDOW
    previous_pages = [p.records for p in pages]
    for i, body in enumerate(bodies[by_number:], start=by_number):
        last = previous_pages[i - 1][-1]
        assert body == {
            **base,
            "last_record_sort_value": str(last["Award Amount"]),
            "last_record_unique_id": last["internal_id"],
        }
    assert pages[by_number - 1].label.endswith(f"(body page={by_number}) [{BIG_QUERY.label}]")
    keyset_label = pages[by_number].label
    assert f"(keyset page {by_number + 1} after last_record_sort_value=" in keyset_label
    assert keyset_label.endswith(
        f"last_record_unique_id={previous_pages[by_number - 1][-1]['internal_id']}) "
        f"[{BIG_QUERY.label}]"
    )
    # the fake holds the client to it: page numbers past the window are a 422
    status, answer = ask(
        big_server.app,  # type: ignore[arg-type]
        {**base, "page": by_number + 1},
    )
    assert status == 422 and "last_record_sort_value" in answer["detail"]


class WithoutKeyset:
    """A server that knows nothing of keyset paging: drops the keyset from requests (so a keyset
    request is answered as page 1) or from ``page_metadata``."""

    def __init__(self, api: FakeUsaspendingApi, strip: str) -> None:
        self.api = api
        self.strip = strip

    def handle(
        self, method: str, path: str, query: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        if self.strip == "request" and body:
            asked = {k: v for k, v in json.loads(body).items() if k not in KEYSET_FIELDS}
            body = json.dumps(asked).encode()
        status, headers, payload = self.api.handle(method, path, query, body)
        if self.strip == "response" and status == 200:
            answer = json.loads(payload)
            for key in KEYSET_FIELDS:
                answer["page_metadata"].pop(key)
            payload = json.dumps(answer).encode()
        return status, headers, payload


@pytest.mark.integration
def test_a_keyset_that_does_not_advance_is_malformed(big_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = SmallWindowClient(transport, big_server.url)
    pages = client.iter_awards(BIG_QUERY)
    next(pages)
    second = next(pages)
    last = second.records[-1]
    # page 3 (the first by keyset) answers with the very keyset it was asked after
    big_server.reply_next(
        200,
        {
            "spending_level": "awards",
            "limit": 100,
            "results": second.records,
            "page_metadata": {
                "page": 1,
                "hasNext": True,
                "last_record_unique_id": last["internal_id"],
                "last_record_sort_value": str(last["Award Amount"]),
            },
            "messages": [],
        },
    )
    with pytest.raises(MalformedPageError) as caught:
        next(pages)
    assert f"(keyset page 3 after last_record_sort_value='{last['Award Amount']}'" in (
        caught.value.page
    )
    assert caught.value.page.endswith(f"[{BIG_QUERY.label}]")
    assert caught.value.reason == (
        "keyset paging does not advance: page_metadata.last_record_unique_id "
        f"{last['internal_id']} is the one this page was asked after"
    )


@pytest.mark.integration
def test_a_server_ignoring_the_keyset_is_caught(api_server: LocalApiServer) -> None:
    fake = FakeUsaspendingApi(big_universe(), max_record_window=10_000)
    api_server.app = WithoutKeyset(fake, strip="request")
    transport, _ = quick_transport()
    client = SmallWindowClient(transport, api_server.url)
    pages = client.iter_awards(BIG_QUERY)
    first = next(pages)
    next(pages)
    with pytest.raises(MalformedPageError, match="does not advance") as caught:
        next(pages)  # page 3, asked by keyset, is page 1 again
    assert "(keyset page 3 after" in caught.value.page
    assert caught.value.reason.endswith(f"{first.records[-1]['internal_id']} is an earlier page's")
    assert len(api_server.requests) == 3


@pytest.mark.integration
def test_missing_keyset_metadata_is_a_clear_error(api_server: LocalApiServer) -> None:
    api_server.app = WithoutKeyset(
        FakeUsaspendingApi(big_universe(), max_record_window=WINDOW), strip="response"
    )
    transport, _ = quick_transport()
    client = SmallWindowClient(transport, api_server.url)
    pages = client.iter_awards(BIG_QUERY)
    assert len(next(pages).records) == 100
    with pytest.raises(IngestError) as caught:
        next(pages)  # page 2 is fine, but page 3 needs its keyset
    assert not isinstance(caught.value, MalformedPageError)
    message = str(caught.value)
    assert message.startswith(f"[usaspending] {BIG_QUERY.label}: cannot page past POST ")
    assert f"(body page=2) [{BIG_QUERY.label}]" in message
    assert "lacks the keyset (last_record_unique_id=None, last_record_sort_value=None)" in message
    assert "250-record window" in message
    assert len(api_server.requests) == 2


@pytest.mark.integration
def test_missing_keyset_mid_keyset_paging_and_bad_types(big_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = SmallWindowClient(transport, big_server.url)
    row = big_universe()[0].row

    def answer(metadata: dict[str, Any]) -> dict[str, Any]:
        return {
            "spending_level": "awards",
            "limit": 100,
            "results": [row],
            "page_metadata": {"page": 1, "hasNext": True, **metadata},
            "messages": [],
        }

    pages = client.iter_awards(BIG_QUERY)
    next(pages), next(pages), next(pages)  # pages 1 and 2 by number, page 3 by keyset
    # what the API writes when it has no sort value: the string "None"
    big_server.reply_next(
        200, answer({"last_record_unique_id": None, "last_record_sort_value": "None"})
    )
    with pytest.raises(IngestError, match=r"cannot page past .*\(keyset page 4 after"):
        next(pages)

    pages = client.iter_awards(BIG_QUERY)
    next(pages)
    big_server.reply_next(
        200, answer({"last_record_unique_id": "12", "last_record_sort_value": "1000.0"})
    )
    with pytest.raises(MalformedPageError, match="last_record_unique_id is not an integer"):
        next(pages)


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


def keyset_walk(api: FakeUsaspendingApi, body: dict[str, Any]) -> list[str]:
    """Page 1 by number, then by keyset until hasNext is false: the generated ids in order."""
    status, answer = ask(api, {**body, "page": 1})
    assert status == 200
    ids = [r["generated_internal_id"] for r in answer["results"]]
    while answer["page_metadata"]["hasNext"]:
        assert len(ids) < 10_000, "keyset paging does not end"
        metadata = answer["page_metadata"]
        keyset = {k: metadata[k] for k in KEYSET_FIELDS}
        status, answer = ask(api, {**body, **keyset})
        assert status == 200
        ids += [r["generated_internal_id"] for r in answer["results"]]
    return ids


@pytest.mark.unit
@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("sort", ["Award Amount", "Description"])
def test_fake_usaspending_keyset_continues_the_page_order(order: str, sort: str) -> None:
    api = FakeUsaspendingApi(big_universe(300))
    body: dict[str, Any] = {
        "filters": {"award_type_codes": ["A", "B", "C", "D"]},
        "fields": ["Award ID", "Award Amount", "Description"],
        "limit": 7,
        "sort": sort,
        "order": order,
    }
    by_number: list[str] = []
    page = 1
    while page < 1_000:
        status, answer = ask(api, {**body, "page": page})
        assert status == 200
        by_number += [r["generated_internal_id"] for r in answer["results"]]
        if not answer["page_metadata"]["hasNext"]:
            break
        page += 1
    assert keyset_walk(api, body) == by_number
    assert len(set(by_number)) == len(by_number) == 300 + 261


@pytest.mark.unit
def test_fake_usaspending_keyset_ties_break_by_internal_id() -> None:
    api = FakeUsaspendingApi(big_universe(120))
    body: dict[str, Any] = {
        "filters": {"award_type_codes": ["A", "B", "C", "D"]},
        "fields": ["Award ID", "Award Amount"],
        "limit": 3,
        "sort": "Award Amount",
        "order": "desc",
    }
    # three awards of 40,000.0 (i = 39, 79, 119); after the middle one by internal id ...
    tied = sorted(
        (f.row["internal_id"], f.row["generated_internal_id"])
        for f in big_universe(120)
        if f.row["Award Amount"] == 40_000.0
        and f.row["Awarding Agency"] == DOD
        and f.row["Award ID"].startswith("HSCET001")
    )
    assert len(tied) == 3
    after = {"last_record_sort_value": "40000.0", "last_record_unique_id": tied[1][0]}
    status, answer = ask(api, {**body, **after})
    assert status == 200
    # ... comes the lower internal id of the tie, then the next amount down
    assert answer["results"][0]["generated_internal_id"] == tied[0][1]
    assert all(r["Award Amount"] < 40_000.0 for r in answer["results"][1:])
    assert answer["page_metadata"]["page"] == 1  # page defaults to 1 and is echoed back
    last = answer["results"][-1]
    assert answer["page_metadata"]["last_record_unique_id"] == last["internal_id"]
    assert answer["page_metadata"]["last_record_sort_value"] == str(last["Award Amount"])


@pytest.mark.unit
def test_fake_usaspending_keyset_validation_and_window() -> None:
    api = FakeUsaspendingApi(universe(), max_record_window=250)
    base: dict[str, Any] = {
        "filters": {"award_type_codes": ["A", "B", "C", "D"]},
        "fields": ["Award ID", "Award Amount"],
        "limit": 100,
        "sort": "Award Amount",
    }
    status, answer = ask(api, {**base, "page": 3})
    assert status == 422
    assert answer["detail"].startswith(
        "Page #3 with limit 100 is over the maximum result limit 250."
    )
    assert ask(api, {**base, "page": 2})[0] == 200
    keyset = {"last_record_sort_value": "500000.0", "last_record_unique_id": 900001}
    # with a keyset the window does not apply and page is only echoed back
    status, answer = ask(api, {**base, **keyset, "page": 7})
    assert status == 200 and answer["page_metadata"]["page"] == 7
    assert answer["results"] and all(r["Award Amount"] < 500_000.0 for r in answer["results"])
    status, answer = ask(api, {**base, "last_record_unique_id": 900001})
    assert status == 422 and "requires both" in answer["detail"]
    status, answer = ask(api, {**base, **keyset, "last_record_unique_id": "900001"})
    assert status == 422 and "(integer)" in answer["detail"]
    status, answer = ask(api, {**base, **keyset, "last_record_sort_value": 500000.0})
    assert status == 422 and "last_record_sort_value" in answer["detail"]
    status, answer = ask(api, {**base, **keyset, "last_record_sort_value": "lots"})
    assert status == 400 and "not a number" in answer["detail"]
    naics = {**base, "fields": ["Award ID", "NAICS"], "sort": "NAICS"}
    status, answer = ask(api, {**naics, **keyset})
    assert status == 400 and "keyset" in answer["detail"]
