"""The LDA client against the fake LDA API behind a local HTTP server."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ingest.errors import MalformedPageError, SourceAuthError
from ingest.lda import (
    MAX_PLAUSIBLE_PERIOD_COUNT,
    PERIODS,
    LdaClient,
    filing_periods,
    parse_filings_page,
)
from tests.fakes.lda import FakeLdaApi
from tests.support import quick_transport
from tests.support.http_server import App, LocalApiServer

KEY = "lda-key-0123456789abcdef"
MakeServer = Callable[[App | None], LocalApiServer]

PERIOD_DISPLAY = {
    "first_quarter": "1st Quarter (Jan 1 - Mar 31)",
    "second_quarter": "2nd Quarter (Apr 1 - June 30)",
    "third_quarter": "3rd Quarter (July 1 - Sep 30)",
    "fourth_quarter": "4th Quarter (Oct 1 - Dec 31)",
}


def make_filing(n: int, year: int = 2018, period: str = "third_quarter") -> dict[str, Any]:
    """An LD-2 report in the API's exact shape (an outside firm reporting income)."""
    quarter = PERIODS.index(period) + 1
    return {
        "url": f"https://lda.gov/api/v1/filings/00000000-0000-4000-8000-{n:012d}/",
        "filing_uuid": f"00000000-0000-4000-8000-{n:012d}",
        "filing_type": f"Q{quarter}",
        "filing_type_display": PERIOD_DISPLAY[period].split(" (")[0] + " - Report",
        "filing_year": year,
        "filing_period": period,
        "filing_period_display": PERIOD_DISPLAY[period],
        "filing_document_url": f"https://lda.gov/filings/public/filing/{n}/print/",
        "filing_document_content_type": "text/html",
        "income": f"{10000 * (n % 50 + 1)}.00",
        "expenses": None,
        "expenses_method": None,
        "expenses_method_display": None,
        "posted_by_name": "Jane Filer",
        "dt_posted": f"{year + (quarter == 4)}-{(quarter * 3) % 12 + 1:02d}-"
        f"{n % 28 + 1:02d}T{n % 24:02d}:00:00-04:00",
        "termination_date": None,
        "registrant_country": "USA",
        "registrant_ppb_country": "USA",
        "registrant_address_1": "1 Main St",
        "registrant_address_2": None,
        "registrant_different_address": None,
        "registrant_city": "Washington",
        "registrant_state": "DC",
        "registrant_zip": "20001",
        "registrant": {
            "id": 1000 + n % 7,
            "url": f"https://lda.gov/api/v1/registrants/{1000 + n % 7}/",
            "house_registrant_id": 30000 + n % 7,
            "name": f"FIRM {n % 7} LLC",
            "description": "Government relations",
            "address_1": "1 Main St",
            "address_2": None,
            "address_3": None,
            "address_4": None,
            "city": "Washington",
            "state": "DC",
            "state_display": "District of Columbia",
            "zip": "20001",
            "country": "US",
            "country_display": "United States of America",
            "ppb_country": "US",
            "ppb_country_display": "United States of America",
            "contact_name": "JANE FILER",
            "contact_telephone": "+1 202-555-0100",
            "dt_updated": "2018-10-01T10:00:00-04:00",
        },
        "client": {
            "id": 5000 + n,
            "url": f"https://lda.gov/api/v1/clients/{5000 + n}/",
            "client_id": 5000 + n,
            "name": f"CLIENT {n} INC.",
            "general_description": "Technology",
            "client_government_entity": None,
            "client_self_select": False,
            "state": "WA",
            "state_display": "Washington",
            "country": "US",
            "country_display": "United States of America",
            "ppb_state": "WA",
            "ppb_state_display": "Washington",
            "ppb_country": "US",
            "ppb_country_display": "United States of America",
            "effective_date": "2018-01-01",
        },
        "lobbying_activities": [
            {
                "general_issue_code": "HOM",
                "general_issue_code_display": "Homeland Security",
                "description": "Issues related to facial recognition technology",
                "foreign_entity_issues": "",
                "lobbyists": [
                    {
                        "lobbyist": {
                            "id": 70000 + n,
                            "prefix": None,
                            "prefix_display": None,
                            "first_name": "SAM",
                            "nickname": None,
                            "middle_name": None,
                            "last_name": f"LOBBYIST{n}",
                            "suffix": None,
                            "suffix_display": None,
                        },
                        "covered_position": "",
                        "new": False,
                    }
                ],
                "government_entities": [
                    {"id": 1, "name": "SENATE"},
                    {"id": 2, "name": "HOUSE OF REPRESENTATIVES"},
                ],
            }
        ],
        "conviction_disclosures": [],
        "foreign_entities": [],
        "affiliated_organizations": [],
    }


def universe() -> list[dict[str, Any]]:
    """60 filings of 2018 Q3 among filings of other periods and years."""
    q3 = [make_filing(n) for n in range(60)]
    others = [make_filing(100 + n, 2018, "second_quarter") for n in range(10)]
    others += [make_filing(200 + n, 2017, "third_quarter") for n in range(5)]
    return others[:5] + q3[:30] + others[5:] + q3[30:]


def api_base(server: LocalApiServer) -> str:
    return server.url + "/api/v1/"


@pytest.fixture
def lda_server(api_server: LocalApiServer) -> LocalApiServer:
    api_server.app = FakeLdaApi(universe(), api_base(api_server))
    return api_server


def uuids(pages: list[Any]) -> list[str]:
    return [f["filing_uuid"] for page in pages for f in page.records]


# -- planning ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_filing_periods() -> None:
    assert filing_periods((2018, 2018)) == [(2018, p) for p in PERIODS]
    assert len(filing_periods((2017, 2019))) == 12
    assert filing_periods((2007, 2008))[:3] == [
        (2007, "mid_year"),
        (2007, "year_end"),
        (2008, "first_quarter"),
    ]
    with pytest.raises(ValueError):
        filing_periods((2019, 2018))


@pytest.mark.unit
def test_page_validation_names_what_is_wrong() -> None:
    with pytest.raises(MalformedPageError, match="missing next, results"):
        parse_filings_page({"count": 1}, "p1")
    with pytest.raises(MalformedPageError, match=r"results\[1\] has no filing_uuid"):
        parse_filings_page({"count": 2, "next": None, "results": [make_filing(1), {}]}, "p1")
    with pytest.raises(MalformedPageError, match="count is not a non-negative integer"):
        parse_filings_page({"count": "7", "next": None, "results": []}, "p1")
    with pytest.raises(MalformedPageError, match="empty page that still links"):
        parse_filings_page({"count": 3, "next": "http://x/?page=2", "results": []}, "p1")


# -- paging ------------------------------------------------------------------------------------


@pytest.mark.integration
def test_pages_through_a_period_following_next(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = LdaClient(transport, api_base(lda_server))
    pages = list(client.iter_filings(2018, "third_quarter"))
    assert [len(p.records) for p in pages] == [25, 25, 10]
    assert all(p.source == "lda" for p in pages)
    got = uuids(pages)
    expected = [
        f["filing_uuid"]
        for f in universe()
        if (f["filing_year"], f["filing_period"]) == (2018, "third_quarter")
    ]
    assert sorted(got) == sorted(expected)
    assert len(set(got)) == 60
    posted = [f["dt_posted"] for p in pages for f in p.records]
    assert posted == sorted(posted)  # ordering=dt_posted (all with the same offset)
    first, second, third = lda_server.requests
    assert first.query == {
        "filing_year": "2018",
        "filing_period": "third_quarter",
        "page_size": "25",
        "ordering": "dt_posted",
    }
    assert second.query["page"] == "2" and third.query["page"] == "3"
    assert second.query["filing_period"] == "third_quarter"
    assert pages[1].label.startswith(f"GET {lda_server.url}/api/v1/filings/?")
    assert "page=2" in pages[1].label


@pytest.mark.integration
def test_copes_with_a_reduced_page_size(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = LdaClient(transport, api_base(lda_server), page_size=100)
    pages = list(client.iter_filings(2018, "third_quarter"))
    assert [len(p.records) for p in pages] == [25, 25, 10]
    assert [r.query["page_size"] for r in lda_server.requests] == ["100"] * 3  # echoed
    assert len(set(uuids(pages))) == 60


@pytest.mark.integration
def test_an_empty_period(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    pages = list(LdaClient(transport, api_base(lda_server)).iter_filings(2016, "first_quarter"))
    assert len(pages) == 1 and pages[0].records == []


@pytest.mark.integration
def test_throttled_mid_paging_waits_and_completes(lda_server: LocalApiServer) -> None:
    transport, sleep = quick_transport(lda_api_key=KEY)
    client = LdaClient(transport, api_base(lda_server))
    pages = client.iter_filings(2018, "third_quarter")
    next(pages)
    lda_server.throttle_next(retry_after="3", detail_seconds=5)
    rest = list(pages)
    assert len(rest) == 2
    assert len(sleep.calls) == 1 and sleep.calls[0] >= 5
    assert all(r.header("Authorization") == f"Token {KEY}" for r in lda_server.requests)


@pytest.mark.integration
def test_a_500_then_success_mid_paging(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    lda_server.error_next(500)
    pages = list(LdaClient(transport, api_base(lda_server)).iter_filings(2018, "third_quarter"))
    assert len(uuids(pages)) == 60


@pytest.mark.integration
def test_the_old_host_redirects_to_the_new_one(make_api_server: MakeServer) -> None:
    new = make_api_server(None)
    new.app = FakeLdaApi(universe(), api_base(new))
    old = make_api_server(None)
    old.redirect_all(new.url, status=301)
    transport, _ = quick_transport(lda_api_key=KEY)
    pages = list(LdaClient(transport, api_base(old)).iter_filings(2018, "third_quarter"))
    assert len(uuids(pages)) == 60
    assert len(old.requests) == 1  # the next links point at the new host
    assert len(new.requests) == 3
    assert all(r.header("Authorization") == f"Token {KEY}" for r in new.requests)


# -- guards ------------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_silently_ignored_filter_is_caught(api_server: LocalApiServer) -> None:
    class IgnoresPeriod(FakeLdaApi):
        def handle(
            self, method: str, path: str, query: dict[str, str], body: bytes | None
        ) -> tuple[int, dict[str, str], bytes]:
            query = {k: v for k, v in query.items() if k != "filing_period"}
            return super().handle(method, path, query, body)

    api_server.app = IgnoresPeriod(universe(), api_base(api_server))
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError) as caught:
        list(LdaClient(transport, api_base(api_server)).iter_filings(2018, "third_quarter"))
    error = caught.value
    assert error.source == "lda"
    assert "filing_period=third_quarter" in error.page
    assert "second_quarter" in error.reason and "ignored the filter" in error.reason


@pytest.mark.integration
def test_an_implausible_count_is_caught(api_server: LocalApiServer) -> None:
    api_server.reply_next(
        200,
        {
            "count": MAX_PLAUSIBLE_PERIOD_COUNT * 9,
            "next": None,
            "previous": None,
            "results": [],
        },
    )
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError, match="implausible"):
        list(LdaClient(transport, api_base(api_server)).iter_filings(2018, "third_quarter"))


@pytest.mark.integration
def test_paging_short_of_count_is_caught(api_server: LocalApiServer) -> None:
    page = {"count": 30, "next": None, "previous": None, "results": [make_filing(1)]}
    api_server.reply_next(200, page)
    transport, _ = quick_transport()
    with pytest.raises(
        MalformedPageError, match="ended after 1 filings but the API reports count 30"
    ):
        list(LdaClient(transport, api_base(api_server)).iter_filings(2018, "third_quarter"))


@pytest.mark.integration
def test_a_next_link_loop_is_caught(api_server: LocalApiServer) -> None:
    base = api_base(api_server)
    loop = f"{base}filings/?filing_period=third_quarter&filing_year=2018&page=2"
    api_server.reply_next(
        200, {"count": 50, "next": loop, "previous": None, "results": [make_filing(1)]}, times=3
    )
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError, match="already fetched"):
        list(LdaClient(transport, base).iter_filings(2018, "third_quarter"))


@pytest.mark.integration
def test_an_html_page_is_malformed_and_named(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    pages = LdaClient(transport, api_base(lda_server)).iter_filings(2018, "third_quarter")
    next(pages)
    lda_server.malformed_next(b"<html><body>Service temporarily unavailable</body></html>")
    with pytest.raises(MalformedPageError) as caught:
        next(pages)
    error = caught.value
    assert error.source == "lda"
    assert "page=2" in error.page
    assert "not JSON" in error.reason and "Service temporarily" in error.reason


@pytest.mark.integration
def test_truncated_json_is_malformed(lda_server: LocalApiServer) -> None:
    body = json.dumps({"count": 60, "next": None, "results": [make_filing(1)]})[:-40]
    lda_server.malformed_next(body, content_type="application/json")
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError, match=r"\[lda\] malformed page GET"):
        list(LdaClient(transport, api_base(lda_server)).iter_filings(2018, "third_quarter"))


@pytest.mark.integration
def test_a_refused_key_names_the_variable_not_the_key(lda_server: LocalApiServer) -> None:
    lda_server.unauthorized_next()
    transport, _ = quick_transport(lda_api_key=KEY)
    with pytest.raises(SourceAuthError) as caught:
        list(LdaClient(transport, api_base(lda_server)).iter_filings(2018, "third_quarter"))
    assert "LDA_API_KEY" in str(caught.value) and "refused" in str(caught.value)
    assert KEY not in str(caught.value)
    assert lda_server.requests[0].header("Authorization") == f"Token {KEY}"


# -- the fake itself ---------------------------------------------------------------------------


@pytest.mark.unit
def test_fake_lda_refuses_unfiltered_paging_and_reduces_page_size() -> None:
    api = FakeLdaApi(universe(), "http://lda.test/api/v1/")
    status, _, body = api.handle("GET", "/api/v1/filings/", {"page": "2"}, None)
    assert status == 400 and "filter" in json.loads(body)["detail"]
    status, headers, body = api.handle(
        "GET", "/api/v1/filings/", {"page_size": "100", "filing_year": "2018", "junk": "x"}, None
    )
    page = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert page["count"] == 70 and len(page["results"]) == 25
    assert list(page) == ["count", "next", "previous", "results"]
    next_query = dict(parse_qsl(urlsplit(page["next"]).query))
    assert next_query == {"filing_year": "2018", "junk": "x", "page": "2", "page_size": "100"}
    assert page["next"].startswith("http://lda.test/api/v1/filings/?")
    status, _, body = api.handle("GET", "/api/v1/filings/", {"filing_year": "x"}, None)
    assert status == 400 and json.loads(body) == {"filing_year": ["Enter a number."]}
    status, _, body = api.handle(
        "GET", "/api/v1/filings/", {"filing_year": "2018", "page": "99"}, None
    )
    assert status == 404 and json.loads(body) == {"detail": "Invalid page."}


@pytest.mark.unit
def test_fake_lda_filters_and_orders() -> None:
    api = FakeLdaApi(universe(), "http://lda.test/api/v1/")
    query = {"filing_year": "2018", "filing_period": "third_quarter", "ordering": "-dt_posted"}
    _, _, body = api.handle("GET", "/api/v1/filings/", {**query, "filing_type": "Q3"}, None)
    page = json.loads(body)
    assert page["count"] == 60
    posted = [f["dt_posted"] for f in page["results"]]
    assert posted == sorted(posted, reverse=True)
    one = universe()[7]["filing_uuid"]
    status, _, body = api.handle("GET", f"/api/v1/filings/{one}/", {}, None)
    assert status == 200 and json.loads(body)["filing_uuid"] == one
    assert api.handle("POST", "/api/v1/filings/", {}, b"{}")[0] == 405
    assert api.handle("GET", "/api/v1/unknown/", {}, None)[0] == 404
