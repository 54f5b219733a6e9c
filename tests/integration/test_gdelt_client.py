"""The GDELT client against the fake DOC API behind a local server: windows, slicing, errors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from ingest.errors import MalformedPageError
from ingest.gdelt import (
    ArticleQuery,
    GdeltClient,
    article_queries,
    month_windows,
    or_query,
    parse_articles,
)
from ingest.watchlist import WatchedAgency, WatchedCompany, Watchlist
from tests.fakes.gdelt import FakeGdeltApi, GdeltQueryError, parse_gdelt_query
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

PATH = "/api/v2/doc/doc"
OCTOBER = (datetime(2018, 10, 1, tzinfo=UTC), datetime(2018, 10, 31, 23, 59, 59, tzinfo=UTC))

WATCHLIST = Watchlist(
    companies=(
        WatchedCompany("Amazon", ("AMAZON.COM",), ("Amazon", "Amazon Web Services", "Rekognition")),
    ),
    agencies=(
        WatchedAgency(
            "Department of Homeland Security",
            "DHS",
            "070",
            (),
            ("Homeland Security", "Immigration and Customs Enforcement"),
        ),
        WatchedAgency("Department of Defense", "DOD", "097", (), ("Pentagon",)),
    ),
    topics=("facial recognition", "Rekognition"),
)


def make_article(n: int, seen: datetime, title: str) -> dict[str, Any]:
    """An ArtList article in the API's exact shape."""
    domain = ("www.washingtonpost.com", "www.engadget.com", "thehill.com", "www.itpro.co.uk")[n % 4]
    return {
        "url": f"https://{domain}/2018/{n}/story.html",
        "url_mobile": "",
        "title": title,
        "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
        "socialimage": f"https://{domain}/img/{n}.jpg",
        "domain": domain,
        "language": "English",
        "sourcecountry": "United Kingdom" if domain.endswith(".uk") else "United States",
    }


def spread(count: int, title: str, start: datetime = OCTOBER[0]) -> list[dict[str, Any]]:
    """``count`` articles spread evenly over October 2018."""
    step = (OCTOBER[1] - start) / count
    return [make_article(n, start + step * n, f"{title} {n}") for n in range(count)]


def base_url(server: LocalApiServer) -> str:
    return server.url + PATH


def amazon_october() -> ArticleQuery:
    query = [q for q in article_queries(WATCHLIST, (2018, 2018)) if q.label.endswith("2018-10")]
    return query[0]


# -- planning ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_article_queries_by_month() -> None:
    queries = article_queries(WATCHLIST, (2018, 2018))
    assert len(queries) == (1 + 2 + 2) * 12
    amazon = amazon_october()
    assert amazon.label == "company Amazon 2018-10"
    assert amazon.query == '(Amazon OR "Amazon Web Services" OR Rekognition)'
    assert (amazon.start, amazon.end) == OCTOBER
    by_label = {q.label: q.query for q in queries}
    assert by_label["agency DHS 2018-01"] == (
        '("Homeland Security" OR "Immigration and Customs Enforcement")'
    )
    assert by_label["agency DOD 2018-12"] == "Pentagon"  # GDELT rejects (Pentagon)
    assert by_label["topic facial recognition 2018-02"] == '"facial recognition"'
    assert by_label["topic Rekognition 2018-03"] == "Rekognition"


@pytest.mark.unit
def test_month_windows_do_not_overlap_and_cover_the_year() -> None:
    windows = month_windows((2018, 2018))
    assert windows[1] == (
        "2018-02",
        datetime(2018, 2, 1, tzinfo=UTC),
        datetime(2018, 2, 28, 23, 59, 59, tzinfo=UTC),
    )
    for (_, _, end), (_, start, _) in pairwise(windows):
        assert start - end == timedelta(seconds=1)
    assert windows[-1][2] == datetime(2018, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.unit
def test_terms_are_quoted_when_not_a_bare_word() -> None:
    assert or_query(["AMAZON.COM", "AWS", "AWS"]) == '("AMAZON.COM" OR AWS)'
    assert or_query(['say "hi"']) == '"say hi"'
    with pytest.raises(ValueError):
        or_query([])
    with pytest.raises(ValueError, match="timezone-aware"):
        ArticleQuery("x", "x", datetime(2018, 1, 1), datetime(2018, 1, 2))


@pytest.mark.unit
def test_parse_articles_shapes() -> None:
    assert parse_articles(b"{}", "p") == []
    assert parse_articles(b'{"articles": []}', "p") == []
    with pytest.raises(MalformedPageError, match="no articles list"):
        parse_articles(b'{"status": "ok"}', "p")
    with pytest.raises(MalformedPageError, match=r"articles\[0\] has no seendate"):
        parse_articles(b'{"articles": [{"url": "https://x"}]}', "p")


# -- fetching ----------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_month_window_with_few_articles(api_server: LocalApiServer) -> None:
    articles = spread(40, "Amazon pitched Rekognition to ICE") + spread(10, "Weather report")
    api_server.app = FakeGdeltApi(articles)
    transport, _ = quick_transport()
    (page,) = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    assert page.source == "gdelt"
    assert len(page.records) == 40
    assert page.label.endswith("[company Amazon 2018-10]")
    (seen,) = api_server.requests
    assert seen.query == {
        "query": '(Amazon OR "Amazon Web Services" OR Rekognition)',
        "mode": "ArtList",
        "format": "json",
        "maxrecords": "250",
        "startdatetime": "20181001000000",
        "enddatetime": "20181031235959",
        "sort": "DateAsc",
    }
    assert [a["seendate"] for a in page.records] == sorted(a["seendate"] for a in page.records)


@pytest.mark.integration
def test_nothing_found_is_an_empty_page(api_server: LocalApiServer) -> None:
    api_server.app = FakeGdeltApi(spread(5, "Weather report"))
    transport, _ = quick_transport()
    pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    assert [p.records for p in pages] == [[]]


@pytest.mark.integration
def test_a_full_window_is_split_until_complete(api_server: LocalApiServer) -> None:
    articles = spread(600, "Amazon Rekognition and ICE")
    api_server.app = FakeGdeltApi(articles)
    transport, _ = quick_transport()
    pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    urls = [a["url"] for p in pages for a in p.records]
    assert sorted(urls) == sorted(a["url"] for a in articles)  # each exactly once
    assert all(len(p.records) < 250 for p in pages)
    requests = api_server.requests
    assert requests[0].query["startdatetime"] == "20181001000000"
    assert requests[0].query["enddatetime"] == "20181031235959"
    assert requests[1].query["startdatetime"] == "20181001000000"  # the first half
    assert len(requests) > len(pages)  # full windows were asked, then replaced by halves
    windows = sorted((r.query["startdatetime"], r.query["enddatetime"]) for r in requests[1:])
    assert windows[0][0] == "20181001000000"


@pytest.mark.integration
def test_splitting_stops_at_the_minimum_window(
    api_server: LocalApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    moment = datetime(2018, 10, 23, 21, 4, tzinfo=UTC)
    api_server.app = FakeGdeltApi(
        [make_article(n, moment, f"Amazon met ICE {n}") for n in range(300)]
    )
    transport, _ = quick_transport()
    client = GdeltClient(transport, base_url(api_server), min_window=timedelta(hours=1))
    with caplog.at_level(logging.WARNING, logger="ingest.gdelt"):
        pages = list(client.iter_articles(amazon_october()))
    full = [p for p in pages if len(p.records) == 250]
    assert len(full) == 1
    assert sum(len(p.records) for p in pages) == 250  # kept what the smallest window had
    assert "smallest" in caplog.text
    window = dict(parse_qsl(urlsplit(full[0].label.split()[1]).query))
    start = datetime.strptime(window["startdatetime"], "%Y%m%d%H%M%S")
    end = datetime.strptime(window["enddatetime"], "%Y%m%d%H%M%S")
    assert start <= moment.replace(tzinfo=None) <= end
    assert end - start <= timedelta(hours=1)
    assert len(api_server.requests) < 30  # one full half per level, about ten levels


@pytest.mark.integration
def test_a_text_answer_to_a_rejected_query_is_an_unreadable_window(
    api_server: LocalApiServer,
) -> None:
    # a rejected query (one watched term GDELT refuses) is reported with the window, not raised:
    # the other terms' windows still load (landing quarantines this one with its reason)
    api_server.app = FakeGdeltApi(spread(5, "Amazon"))
    transport, _ = quick_transport()
    bad = ArticleQuery("company Amazon 2018-10", "(Amazon)", *OCTOBER)
    (page,) = list(GdeltClient(transport, base_url(api_server)).iter_articles(bad))
    assert page.source == "gdelt" and page.records == []
    assert page.label.endswith("[company Amazon 2018-10]")
    assert "startdatetime=20181001000000" in page.label
    (part,) = page.unreadable
    assert "a rejected query" in part.reason
    assert "Parentheses may only be used around OR'd statements." in part.reason
    assert part.body == "Parentheses may only be used around OR'd statements."


@pytest.mark.integration
def test_html_on_200_is_an_unreadable_window(api_server: LocalApiServer) -> None:
    api_server.app = FakeGdeltApi([])
    api_server.malformed_next(b"<!DOCTYPE html><html><body>Query too short</body></html>")
    transport, _ = quick_transport()
    (page,) = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    (part,) = page.unreadable
    assert "text instead of JSON" in part.reason and "Query too short" in part.reason


@pytest.mark.unit
def test_parse_articles_still_raises_on_an_unreadable_body() -> None:
    with pytest.raises(MalformedPageError, match="text instead of JSON"):
        parse_articles(b"One or more of your keywords were too short", "p")


@pytest.mark.integration
def test_a_gdelt_429_is_honoured(api_server: LocalApiServer) -> None:
    api_server.app = FakeGdeltApi(spread(3, "Amazon"))
    api_server.throttle_next(retry_after="5")
    transport, sleep = quick_transport()
    pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    assert len(pages[0].records) == 3
    assert sleep.calls and sleep.calls[0] >= 5


# -- the fake itself ---------------------------------------------------------------------------


def search(api: FakeGdeltApi, **params: str) -> tuple[int, str, bytes]:
    query = {"mode": "ArtList", "format": "json", **params}
    status, headers, body = api.handle("GET", PATH, query, None)
    return status, headers["Content-Type"], body


@pytest.mark.unit
def test_fake_gdelt_query_language() -> None:
    moment = datetime(2018, 10, 23, 12, tzinfo=UTC)
    articles = [
        make_article(0, moment, "Amazon met with ICE over facial recognition"),
        make_article(1, moment - timedelta(hours=1), "Amazon's record lobbying quarter"),
        make_article(2, moment, "ACLU: Facial Recognition test flagged Congress"),
        make_article(3, moment, "Amazon Rekognition details emerge"),
    ]
    api = FakeGdeltApi(articles)

    def titles(query: str, **params: str) -> list[str]:
        status, kind, body = search(api, query=query, **params)
        assert status == 200 and kind == "application/json", body
        return [a["title"] for a in json.loads(body).get("articles", [])]

    assert titles('"facial recognition"', sort="DateAsc") == [
        articles[0]["title"],
        articles[2]["title"],
    ]
    assert titles('Amazon ("facial recognition" OR Rekognition)') == [
        articles[0]["title"],
        articles[3]["title"],
    ]
    assert titles("Amazon", sort="DateAsc")[0] == articles[1]["title"]
    assert titles("Amazon -lobbying", maxrecords="1") == [articles[0]["title"]]
    assert titles("Amazon sourcecountry:unitedkingdom") == [articles[3]["title"]]
    assert titles("recognition domain:thehill.com") == [articles[2]["title"]]
    assert titles("Amazon", startdatetime="20181023120000", enddatetime="20181023120000") == [
        articles[0]["title"],
        articles[3]["title"],
    ]
    status, _, body = search(api, query="zebra")
    assert (status, body) == (200, b"{}")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("(Amazon)", "Parentheses may only be used around OR'd statements."),
        ("Amazon OR ICE", "must be enclosed in parentheses"),
        ("(Amazon OR ICE", "Unbalanced parentheses"),
        ('"facial recognition', "unterminated phrase"),
        ("", "Please specify a search query."),
    ],
)
def test_fake_gdelt_rejects_bad_queries_with_text(query: str, message: str) -> None:
    with pytest.raises(GdeltQueryError, match=message):
        parse_gdelt_query(query)
    status, kind, body = search(FakeGdeltApi([]), query=query)
    assert status == 200 and kind.startswith("text/html")
    assert message in body.decode()
