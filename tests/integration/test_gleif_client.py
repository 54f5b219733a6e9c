"""The GLEIF client against the fake GLEIF API behind a local server: a legal-name search kept to
exact names, children paged past 200, parents followed only where the record links them, a 429
waited out by the transport, and the 60-requests-a-minute spacing."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest

from ingest import pulls
from ingest.config import load_settings
from ingest.errors import MalformedPageError
from ingest.gleif import MAX_PAGE_SIZE, GleifClient, comparable_name, search_term
from ingest.http import GLEIF_INTERVAL, MinIntervalRateLimiter, build_transport, default_intervals
from ingest.transport import FetchedPage
from ingest.watchlist import WatchedCompany, Watchlist
from tests.fakes.gleif import FakeGleifApi
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

pytestmark = pytest.mark.integration

PARENT = "SAMPLE0PARENT0000001"
GRANDPARENT = "SAMPLE0GRANDPARENT01"
CHILDREN = 450  # three pages of 200


def record(lei: str, name: str) -> dict[str, Any]:
    return {
        "lei": lei,
        "entity": {
            "legalName": {"name": name, "language": "en"},
            "otherNames": [],
            "transliteratedOtherNames": [],
            "jurisdiction": "US-DE",
            "status": "ACTIVE",
        },
        "registration": {"lastUpdateDate": "2024-06-01T00:00:00Z", "status": "ISSUED"},
    }


def relationship(child: str, parent: str, kind: str, start: str) -> dict[str, Any]:
    return {
        "relationship": {
            "startNode": {"id": child, "type": "LEI"},
            "endNode": {"id": parent, "type": "LEI"},
            "type": kind,
            "status": "ACTIVE",
            "periods": [{"startDate": start, "type": "RELATIONSHIP_PERIOD"}],
        },
        "registration": {"status": "PUBLISHED"},
    }


def child_lei(n: int) -> str:
    return f"SAMPLE0CHILD{n:08d}"


def fake_api() -> FakeGleifApi:
    # every child's name holds every word of the parent's: the legal-name filter answers them all
    records = [
        record(PARENT, "Sample Parent Holdings, Inc."),
        record(GRANDPARENT, "SAMPLE GRANDPARENT GROUP PLC"),
        *(
            record(child_lei(n), f"SAMPLE PARENT HOLDINGS INC UNIT {n} LLC")
            for n in range(CHILDREN)
        ),
    ]
    relationships = [
        relationship(PARENT, GRANDPARENT, "IS_DIRECTLY_CONSOLIDATED_BY", "2010-01-01T00:00:00Z"),
        relationship(PARENT, GRANDPARENT, "IS_ULTIMATELY_CONSOLIDATED_BY", "2010-01-01T00:00:00Z"),
        *(
            relationship(child_lei(n), PARENT, kind, "2012-05-01T00:00:00Z")
            for n in range(CHILDREN)
            for kind in ("IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY")
        ),
    ]
    return FakeGleifApi(records, relationships)


@pytest.fixture
def server() -> Iterator[LocalApiServer]:
    with LocalApiServer(fake_api()) as running:
        yield running


def watchlist(**company: Any) -> Watchlist:
    return Watchlist((WatchedCompany("Sample Parent", (), ("Sample",), **company),), (), ())


def pull(server: LocalApiServer, relationships: bool, **company: Any) -> list[FetchedPage]:
    return pull_with_parameters(server, relationships, **company)[0]


def pull_with_parameters(
    server: LocalApiServer, relationships: bool, **company: Any
) -> tuple[list[FetchedPage], dict[str, Any]]:
    settings = dataclasses.replace(load_settings({}), gleif_api_url=server.url + "/api/v1")
    transport, _ = quick_transport()
    how = pulls.pull_gleif_relationships if relationships else pulls.pull_gleif_lei_records
    try:
        done = how(transport, settings, watchlist(**company))
        return list(done.pages), done.parameters
    finally:
        transport.close()


def test_names_are_compared_case_and_punctuation_aside() -> None:
    assert comparable_name("Amazon.com, Inc.") == comparable_name("AMAZON.COM INC")
    assert comparable_name("Amazon.com, Inc.") != comparable_name("Amazon.com Services LLC")
    assert search_term("AMAZON.COM,  INC.") == "AMAZON.COM INC."


def test_a_name_search_keeps_the_exact_name_and_pages_the_children(
    server: LocalApiServer,
) -> None:
    pages, parameters = pull_with_parameters(
        server, False, legal_names=("SAMPLE PARENT HOLDINGS INC",)
    )
    assert parameters["legal_names_searched"] == ["SAMPLE PARENT HOLDINGS INC"]
    assert parameters["leis_found"] == {"Sample Parent": [PARENT]}  # for the load ledger
    found, *rest = pages
    # 451 candidates over three pages of 200; only the exactly named record is the company, and
    # it is fetched by its LEI
    assert [r["id"] for r in found.records] == [PARENT]
    assert found.label.endswith(f"/lei-records/{PARENT}")
    searches = [r for r in server.requests if r.path == "/api/v1/lei-records"]
    assert [r.query["page[number]"] for r in searches] == ["1", "2", "3"]
    assert {r.query["filter[entity.legalName]"] for r in searches} == {"SAMPLE PARENT HOLDINGS INC"}
    # then its record, its two parents' records and its children, each list in pages of 200
    children = [p for p in rest if "children" in p.label]
    assert [len(p.records) for p in children] == [200, 200, 50, 200, 200, 50]
    assert {r["id"] for p in children for r in p.records} == {child_lei(n) for n in range(450)}
    parents = [p for p in rest if "-parent" in p.label]
    assert [p.records[0]["id"] for p in parents] == [GRANDPARENT, GRANDPARENT]
    sizes = {r.query.get("page[size]") for r in server.requests if "children" in r.path}
    assert sizes == {str(MAX_PAGE_SIZE)}


def test_relationships_are_asked_where_the_record_links_them(server: LocalApiServer) -> None:
    pages = pull(server, True, leis=(PARENT,))
    records = [r for p in pages for r in p.records]
    kinds = {
        (r["attributes"]["relationship"]["type"], r["attributes"]["relationship"]["endNode"]["id"])
        for r in records
    }
    assert kinds == {
        ("IS_DIRECTLY_CONSOLIDATED_BY", GRANDPARENT),
        ("IS_ULTIMATELY_CONSOLIDATED_BY", GRANDPARENT),
        ("IS_DIRECTLY_CONSOLIDATED_BY", PARENT),
        ("IS_ULTIMATELY_CONSOLIDATED_BY", PARENT),
    }
    assert len(records) == 2 + 2 * CHILDREN
    # the grandparent has no parent: a child's page never asks for one, and no request was a 404
    server.clear_log()
    pull(server, True, leis=(GRANDPARENT,))
    assert not any("-parent" in r.path for r in server.requests)


def test_a_429_is_waited_out_and_the_pages_come_through(server: LocalApiServer) -> None:
    settings = dataclasses.replace(load_settings({}), gleif_api_url=server.url + "/api/v1")
    transport, sleep = quick_transport()
    server.throttle_next(times=2, retry_after="7", path_prefix="/api/v1/lei-records/" + PARENT)
    pages = list(pulls.pull_gleif_lei_records(transport, settings, watchlist(leis=(PARENT,))).pages)
    transport.close()
    assert sleep.calls == [7.0, 7.0]
    assert sum(len(p.records) for p in pages) == 1 + 2 + 2 * CHILDREN


def test_a_page_that_is_not_json_api_names_the_source_and_page(server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = GleifClient(transport, server.url + "/api/v1")
    server.malformed_next(body=b'{"data": "nothing"}', content_type="application/json")
    with pytest.raises(MalformedPageError) as raised:
        list(client.collection(f"/lei-records/{PARENT}/direct-children", "lei-records"))
    assert "[gleif] malformed page" in str(raised.value)
    assert "direct-children" in str(raised.value)
    transport.close()


def test_gleif_requests_are_spaced_to_sixty_a_minute() -> None:
    assert GLEIF_INTERVAL == pytest.approx(1.01)
    assert default_intervals(False)["gleif"] == GLEIF_INTERVAL
    clock = [0.0]
    waited: list[float] = []

    def sleep(seconds: float) -> None:
        waited.append(seconds)
        clock[0] += seconds

    limiter = MinIntervalRateLimiter(default_intervals(False), clock=lambda: clock[0], sleep=sleep)
    for _ in range(61):
        limiter.wait("gleif")
    assert clock[0] == pytest.approx(60 * GLEIF_INTERVAL)  # the 61st starts after a minute
    transport = build_transport(load_settings({}))
    assert isinstance(transport.rate_limiter, MinIntervalRateLimiter)
    assert transport.rate_limiter.intervals["gleif"] == GLEIF_INTERVAL
    transport.close()
