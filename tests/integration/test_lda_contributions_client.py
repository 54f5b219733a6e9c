"""The LDA client's LD-203 pulls (``/contributions/``) against the fake LDA API behind a local
HTTP server."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ingest.errors import MalformedPageError
from ingest.lda import (
    CONTRIBUTION_PERIODS,
    MAX_PLAUSIBLE_CONTRIBUTION_COUNT,
    LdaClient,
    contribution_periods,
)
from tests.fakes.lda import FakeLdaApi
from tests.sample.universe import build_universe
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

TYPES = {"mid_year": ("MM", "Mid-Year Report"), "year_end": ("YY", "Year-End Report")}
PERIOD_DISPLAY = {
    "mid_year": "Mid-Year (Jan 1 - Jun 30)",
    "year_end": "Year-End (July 1 - Dec 31)",
}


def make_report(n: int, year: int = 2018, period: str = "mid_year") -> dict[str, Any]:
    """An LD-203 report in the API's exact shape: a registrant's (even n) or a lobbyist's."""
    uid = f"00000000-0000-4000-9000-{n:012d}"
    lobbyist = n % 2 == 1
    month = 7 if period == "mid_year" else 1
    posted_year = year if period == "mid_year" else year + 1
    offset = "-04:00" if period == "mid_year" else "-05:00"
    rid = 2000 + n % 5
    return {
        "url": f"https://lda.gov/api/v1/contributions/{uid}/",
        "filing_uuid": uid,
        "filing_type": TYPES[period][0],
        "filing_type_display": TYPES[period][1],
        "filing_year": year,
        "filing_period": period,
        "filing_period_display": PERIOD_DISPLAY[period],
        "filing_document_url": f"https://lda.gov/filings/public/contribution/{uid}/print/",
        "filing_document_content_type": "text/html",
        "filer_type": "lobbyist" if lobbyist else "organization",
        "filer_type_display": "Lobbyist" if lobbyist else "Registrant",
        "dt_posted": f"{posted_year}-{month:02d}-{n % 28 + 1:02d}T{n % 10 + 8:02d}:"
        f"{n % 60:02d}:00.{n % 1000:03d}000{offset}",
        "contact_name": None if lobbyist else "JANE FILER",
        "comments": None,
        "address_1": "1 Main St",
        "address_2": None,
        "city": "Washington",
        "state": "DC",
        "state_display": "District of Columbia",
        "zip": "20001",
        "country": "US",
        "country_display": "United States of America",
        "registrant": {
            "id": rid,
            "url": f"https://lda.gov/api/v1/registrants/{rid}/",
            "house_registrant_id": 31000 + n % 5,
            "name": f"COMPANY {n % 5} INC.",
            "description": "Technology",
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
            "dt_updated": "2018-10-01T10:00:00.123456-04:00",
        },
        "lobbyist": (
            {
                "id": 80000 + n,
                "prefix": None,
                "prefix_display": None,
                "first_name": "SAM",
                "nickname": None,
                "middle_name": None,
                "last_name": f"LOBBYIST{n}",
                "suffix": None,
                "suffix_display": None,
            }
            if lobbyist
            else None
        ),
        "no_contributions": n % 3 == 0,
        "pacs": [] if lobbyist else [f"Company {n % 5} Inc. PAC"],
        "contribution_items": (
            []
            if n % 3 == 0
            else [
                {
                    "contribution_type": "feca",
                    "contribution_type_display": "FECA",
                    "contributor_name": f"COMPANY {n % 5} INC. PAC",
                    "payee_name": "FRIENDS OF JANE DOE",
                    "honoree_name": "Doe, Jane",
                    "amount": f"{(n % 5 + 1) * 500}.00",
                    "date": f"{year}-{3 if period == 'mid_year' else 9:02d}-{n % 28 + 1:02d}",
                }
            ]
        ),
    }


def reports() -> list[dict[str, Any]]:
    """60 reports of 2018 mid-year among reports of other periods and years."""
    mid = [make_report(n) for n in range(60)]
    others = [make_report(100 + n, 2018, "year_end") for n in range(10)]
    others += [make_report(200 + n, 2017, "mid_year") for n in range(5)]
    return others[:5] + mid[:30] + others[5:] + mid[30:]


def api_base(server: LocalApiServer) -> str:
    return server.url + "/api/v1/"


@pytest.fixture
def lda_server(api_server: LocalApiServer) -> LocalApiServer:
    api_server.app = FakeLdaApi([], api_base(api_server), contributions=reports())
    return api_server


def uuids(pages: list[Any]) -> list[str]:
    return [r["filing_uuid"] for page in pages for r in page.records]


# -- planning ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_contribution_periods() -> None:
    assert CONTRIBUTION_PERIODS == ("mid_year", "year_end")
    assert contribution_periods((2017, 2019)) == [
        (2017, "mid_year"),
        (2017, "year_end"),
        (2018, "mid_year"),
        (2018, "year_end"),
        (2019, "mid_year"),
        (2019, "year_end"),
    ]
    assert contribution_periods((2006, 2008)) == [(2008, "mid_year"), (2008, "year_end")]
    assert contribution_periods((2005, 2007)) == []
    with pytest.raises(ValueError):
        contribution_periods((2019, 2018))


@pytest.mark.unit
def test_unknown_contribution_period_is_refused() -> None:
    transport, _ = quick_transport()
    client = LdaClient(transport, "http://lda.test/api/v1/")
    with pytest.raises(ValueError, match="first_quarter"):
        next(client.iter_contributions(2018, "first_quarter"))
    request = client.contributions_request(2018, "year_end")
    assert request.source == "lda" and request.method == "GET"
    assert request.url == "http://lda.test/api/v1/contributions/"
    assert request.params == {
        "filing_year": "2018",
        "filing_period": "year_end",
        "page_size": "25",
        "ordering": "dt_posted",
    }


# -- paging ------------------------------------------------------------------------------------


@pytest.mark.integration
def test_pages_through_a_half_year_following_next(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    pages = list(LdaClient(transport, api_base(lda_server)).iter_contributions(2018, "mid_year"))
    assert [len(p.records) for p in pages] == [25, 25, 10]
    assert all(p.source == "lda" for p in pages)
    got = uuids(pages)
    expected = [
        r["filing_uuid"]
        for r in reports()
        if (r["filing_year"], r["filing_period"]) == (2018, "mid_year")
    ]
    assert len(got) == len(set(got)) == 60
    assert sorted(got) == sorted(expected)
    posted = [r["dt_posted"] for p in pages for r in p.records]
    assert posted == sorted(posted)  # ordering=dt_posted (one offset in this half year)
    first, second, third = lda_server.requests
    assert first.path == "/api/v1/contributions/"
    assert first.query == {
        "filing_year": "2018",
        "filing_period": "mid_year",
        "page_size": "25",
        "ordering": "dt_posted",
    }
    assert second.query["page"] == "2" and third.query["page"] == "3"
    assert second.query["filing_year"] == "2018" and third.query["filing_period"] == "mid_year"
    assert pages[1].label.startswith(f"GET {lda_server.url}/api/v1/contributions/?")
    assert "page=2" in pages[1].label
    by_filer = {r["filer_type"] for p in pages for r in p.records}
    assert by_filer == {"organization", "lobbyist"}


@pytest.mark.integration
def test_copes_with_a_reduced_page_size(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = LdaClient(transport, api_base(lda_server), page_size=200)
    pages = list(client.iter_contributions(2018, "mid_year"))
    assert [len(p.records) for p in pages] == [25, 25, 10]
    assert [r.query["page_size"] for r in lda_server.requests] == ["200"] * 3  # echoed
    assert len(set(uuids(pages))) == 60


@pytest.mark.integration
def test_a_small_and_an_empty_half_year(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    client = LdaClient(transport, api_base(lda_server))
    pages = list(client.iter_contributions(2018, "year_end"))
    assert len(pages) == 1 and len(pages[0].records) == 10
    assert {r["filing_type"] for r in pages[0].records} == {"YY"}
    empty = list(client.iter_contributions(2016, "mid_year"))
    assert len(empty) == 1 and empty[0].records == []


@pytest.mark.integration
def test_the_sample_universe_comes_back_whole(api_server: LocalApiServer) -> None:
    universe = build_universe()
    base = api_base(api_server)
    api_server.app = FakeLdaApi(
        universe.lda_filings, base, contributions=universe.lda_contributions
    )
    transport, _ = quick_transport()
    client = LdaClient(transport, base)
    got = [
        r
        for year, period in contribution_periods((2017, 2019))
        for page in client.iter_contributions(year, period)
        for r in page.records
    ]
    assert len(got) == len(universe.lda_contributions) > 25 * 6
    assert sorted(r["filing_uuid"] for r in got) == sorted(
        r["filing_uuid"] for r in universe.lda_contributions
    )
    assert all(r["url"].endswith(f"/contributions/{r['filing_uuid']}/") for r in got)
    # the filings endpoint of the same fake still serves filings only
    filings = list(client.iter_filings(2018, "third_quarter"))
    assert all("client" in f for page in filings for f in page.records)


# -- guards ------------------------------------------------------------------------------------


class IgnoresPeriod(FakeLdaApi):
    def handle(
        self, method: str, path: str, query: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        query = {k: v for k, v in query.items() if k != "filing_period"}
        return super().handle(method, path, query, body)


@pytest.mark.integration
def test_a_silently_ignored_filter_is_caught(api_server: LocalApiServer) -> None:
    api_server.app = IgnoresPeriod([], api_base(api_server), contributions=reports())
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError) as caught:
        list(LdaClient(transport, api_base(api_server)).iter_contributions(2018, "mid_year"))
    error = caught.value
    assert error.source == "lda"
    # the fake's next links drop the ignored parameter; the year-end reports come last
    assert "/contributions/?" in error.page and "filing_year=2018" in error.page
    assert "page=3" in error.page
    assert "'year_end'" in error.reason and "ignored the filter" in error.reason


@pytest.mark.integration
def test_an_implausible_count_is_caught(api_server: LocalApiServer) -> None:
    page = {
        "count": MAX_PLAUSIBLE_CONTRIBUTION_COUNT + 1,
        "next": None,
        "previous": None,
        "results": [],
    }
    api_server.reply_next(200, page)
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError, match="implausible"):
        list(LdaClient(transport, api_base(api_server)).iter_contributions(2018, "mid_year"))


@pytest.mark.integration
def test_paging_short_of_count_is_caught(api_server: LocalApiServer) -> None:
    page = {"count": 30, "next": None, "previous": None, "results": [make_report(1)]}
    api_server.reply_next(200, page)
    transport, _ = quick_transport()
    with pytest.raises(
        MalformedPageError, match="ended after 1 filings but the API reports count 30"
    ):
        list(LdaClient(transport, api_base(api_server)).iter_contributions(2018, "mid_year"))


@pytest.mark.integration
def test_an_html_page_is_malformed_and_named(lda_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    pages = LdaClient(transport, api_base(lda_server)).iter_contributions(2018, "mid_year")
    next(pages)
    lda_server.malformed_next(b"<html><body>Service temporarily unavailable</body></html>")
    with pytest.raises(MalformedPageError) as caught:
        next(pages)
    error = caught.value
    assert error.source == "lda"
    assert "/contributions/?" in error.page and "page=2" in error.page
    assert "not JSON" in error.reason and "Service temporarily" in error.reason


@pytest.mark.integration
def test_a_report_without_uuid_is_malformed_and_named(lda_server: LocalApiServer) -> None:
    broken = [make_report(n) for n in range(3)]
    del broken[1]["filing_uuid"]
    lda_server.reply_next(200, {"count": 3, "next": None, "previous": None, "results": broken})
    transport, _ = quick_transport()
    with pytest.raises(MalformedPageError) as caught:
        list(LdaClient(transport, api_base(lda_server)).iter_contributions(2018, "mid_year"))
    assert caught.value.source == "lda"
    assert "/contributions/?" in caught.value.page
    assert caught.value.reason == "results[1] has no filing_uuid"


# -- the fake itself ---------------------------------------------------------------------------


def get(api: FakeLdaApi, path: str, query: dict[str, str]) -> tuple[int, Any]:
    status, _, body = api.handle("GET", path, query, None)
    return status, json.loads(body)


@pytest.mark.unit
def test_fake_refuses_unfiltered_paging_and_reduces_page_size() -> None:
    api = FakeLdaApi([], "http://lda.test/api/v1/", contributions=reports())
    path = "/api/v1/contributions/"
    status, body = get(api, path, {"page": "2"})
    assert status == 400 and "filter" in body["detail"]
    status, page = get(api, path, {"page_size": "100", "filing_year": "2018", "junk": "x"})
    assert status == 200 and page["count"] == 70 and len(page["results"]) == 25
    assert list(page) == ["count", "next", "previous", "results"]
    assert page["next"].startswith("http://lda.test/api/v1/contributions/?")
    assert dict(parse_qsl(urlsplit(page["next"]).query)) == {
        "filing_year": "2018",
        "junk": "x",
        "page": "2",
        "page_size": "100",
    }
    status, page = get(api, path, {"lobbyist_id": "80001", "page": "2"})
    assert status == 404 and page == {"detail": "Invalid page."}  # a filter: allowed, one page
    assert get(api, path, {"filing_period": "first_quarter"})[0] == 400
    assert get(api, path, {"registrant_id": "x"}) == (400, {"registrant_id": ["Enter a number."]})


@pytest.mark.unit
def test_fake_filters_and_orders() -> None:
    api = FakeLdaApi([], "http://lda.test/api/v1/", contributions=reports())
    path = "/api/v1/contributions/"
    year = {"filing_year": "2018", "page_size": "25"}
    _, page = get(api, path, {**year, "registrant_id": "2003"})
    assert page["count"] == 14 and {r["registrant"]["id"] for r in page["results"]} == {2003}
    _, page = get(api, path, {**year, "lobbyist_id": "80007"})
    assert [r["filing_uuid"] for r in page["results"]] == [make_report(7)["filing_uuid"]]
    _, page = get(api, path, {**year, "filing_type": "YY"})
    assert page["count"] == 10
    _, page = get(api, path, {"filing_year": "2017", "filing_period": "mid_year"})
    assert page["count"] == 5
    _, page = get(api, path, {**year, "filing_period": "mid_year", "ordering": "-dt_posted"})
    posted = [r["dt_posted"] for r in page["results"]]
    assert page["count"] == 60 and posted == sorted(posted, reverse=True)
    one = make_report(12)["filing_uuid"]
    assert get(api, f"/api/v1/contributions/{one}/", {}) == (200, make_report(12))
    assert get(api, f"/api/v1/filings/{one}/", {})[0] == 404
    assert get(api, "/api/v1/filings/", {"filing_year": "2018"})[1]["count"] == 0
    assert api.handle("POST", path, {}, b"{}")[0] == 405


@pytest.mark.unit
def test_fake_without_contributions_keeps_serving_filings() -> None:
    api = FakeLdaApi([], "http://lda.test/api/v1/")  # the existing call sites' form
    status, page = get(api, "/api/v1/contributions/", {"filing_year": "2018"})
    assert status == 200 and page == {"count": 0, "next": None, "previous": None, "results": []}
