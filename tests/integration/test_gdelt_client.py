"""The GDELT client against the fake DOC API behind a local server: term packing, capped
windows continued by date, rejected queries split, errors."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from ingest.config import DEFAULT_WATCHLIST, ConfigError, load_settings
from ingest.errors import MalformedPageError
from ingest.gdelt import (
    MAX_QUERY_CHARS,
    ArticleQuery,
    GdeltClient,
    article_queries,
    estimate_requests,
    gdelt_term,
    joined_query,
    or_query,
    pack_terms,
    parse_articles,
    watchlist_terms,
)
from ingest.transport import FetchedPage
from ingest.watchlist import WatchedAgency, WatchedCompany, Watchlist, load_watchlist
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


def spread(
    count: int, title: str, start: datetime = OCTOBER[0], first: int = 0
) -> list[dict[str, Any]]:
    """``count`` articles spread evenly over October 2018 from ``start``, numbered (and their
    urls) from ``first``."""
    step = (OCTOBER[1] - start) / count
    return [make_article(first + n, start + step * n, f"{title} {n}") for n in range(count)]


def base_url(server: LocalApiServer) -> str:
    return server.url + PATH


AMAZON_TERMS = ("Amazon", '"Amazon Web Services"', "Rekognition")


def amazon_october() -> ArticleQuery:
    return ArticleQuery("company Amazon 2018-10", AMAZON_TERMS, *OCTOBER)


def urls(pages: list[FetchedPage]) -> list[str]:
    return [a["url"] for p in pages for a in p.records]


# -- planning ----------------------------------------------------------------------------------


@pytest.mark.unit
def test_the_watchlist_is_one_query_over_the_whole_range() -> None:
    (query,) = article_queries(WATCHLIST, (2018, 2019))
    assert query.label == "group 1/1"
    # every term once ("Rekognition" is a company term and a topic), phrases quoted, in order
    assert query.query == (
        '(Amazon OR "Amazon Web Services" OR Rekognition OR "Homeland Security" OR '
        '"Immigration and Customs Enforcement" OR Pentagon OR "facial recognition")'
    )
    assert query.start == datetime(2018, 1, 1, tzinfo=UTC)
    assert query.end == datetime(2019, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert estimate_requests(WATCHLIST, (2018, 2019)) == 1


@pytest.mark.unit
@pytest.mark.parametrize("limit", [1, 20, 40, 60, 100, 250, 10_000])
def test_packing_honours_the_limit_and_keeps_every_term_once(limit: int) -> None:
    terms = watchlist_terms(WATCHLIST) + [gdelt_term(f"term number {n}") for n in range(30)]
    groups = pack_terms(terms, limit)
    packed = [term for group in groups for term in group]
    assert sorted(packed) == sorted(terms)  # every term in exactly one group
    for group in groups:
        query = joined_query(group)
        assert len(query) <= limit or len(group) == 1  # a lone over-long term stands alone
        if len(group) > 1:
            assert query.startswith("(") and query.endswith(")") and " OR " in query
    # first fit: no term that fits an earlier group was left for a later one
    for later, group in enumerate(groups):
        for term in group:
            for earlier in groups[:later]:
                assert len(joined_query([*earlier, term])) > limit
    queries = article_queries(WATCHLIST, (2018, 2018), max_query_chars=limit)
    assert [q.terms for q in queries] == pack_terms(watchlist_terms(WATCHLIST), limit)
    assert estimate_requests(WATCHLIST, (2018, 2018), max_query_chars=limit) == len(queries)


@pytest.mark.unit
def test_terms_are_quoted_when_not_a_bare_word_and_deduplicated() -> None:
    assert or_query(["AMAZON.COM", "AWS", "AWS"]) == '("AMAZON.COM" OR AWS)'
    assert or_query(['say "hi"']) == '"say hi"'
    watchlist = Watchlist(
        companies=(WatchedCompany("X", ("X",), ("Amazon", "amazon", "Amazon Web  Services")),),
        agencies=(),
        topics=("AMAZON", "facial-recognition"),
    )
    assert watchlist_terms(watchlist) == [
        "Amazon",
        '"Amazon Web Services"',
        '"facial-recognition"',
    ]
    with pytest.raises(ValueError):
        or_query([])
    with pytest.raises(ValueError, match="timezone-aware"):
        ArticleQuery("x", ("x",), datetime(2018, 1, 1), datetime(2018, 1, 2))
    with pytest.raises(ValueError, match="no terms"):
        ArticleQuery("x", (), *OCTOBER)


@pytest.mark.unit
def test_the_default_watchlist_fits_two_queries() -> None:
    watchlist = load_watchlist(DEFAULT_WATCHLIST)
    queries = article_queries(watchlist, (2019, 2020))
    assert len(queries) == 2 == estimate_requests(watchlist, (2019, 2020))
    assert all(len(q.query) <= MAX_QUERY_CHARS for q in queries)
    assert sorted(t for q in queries for t in q.terms) == sorted(watchlist_terms(watchlist))
    with pytest.raises(ValueError, match="not in order"):
        estimate_requests(watchlist, (2020, 2019))


@pytest.mark.unit
def test_the_query_length_is_a_setting() -> None:
    assert load_settings({}).gdelt_max_query_chars is None  # the client's MAX_QUERY_CHARS
    assert load_settings({"GDELT_MAX_QUERY_CHARS": " 80 "}).gdelt_max_query_chars == 80
    for bad in ("0", "-5", "lots"):
        with pytest.raises(ConfigError, match="GDELT_MAX_QUERY_CHARS must be a positive"):
            load_settings({"GDELT_MAX_QUERY_CHARS": bad})


@pytest.mark.unit
def test_halves_split_the_terms_and_keep_the_window() -> None:
    first, second = amazon_october().halves()
    assert (first.terms, second.terms) == (AMAZON_TERMS[:1], AMAZON_TERMS[1:])
    assert first.query == "Amazon" and second.query == '("Amazon Web Services" OR Rekognition)'
    assert (second.start, second.end) == OCTOBER
    assert second.label == "company Amazon 2018-10 half 2"
    with pytest.raises(ValueError, match="single term"):
        first.halves()


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
def test_a_window_with_few_articles_is_one_request(api_server: LocalApiServer) -> None:
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
def test_a_capped_window_continues_from_its_last_seendate(api_server: LocalApiServer) -> None:
    articles = spread(600, "Amazon Rekognition and ICE")
    api_server.app = FakeGdeltApi(articles)
    transport, _ = quick_transport()
    pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    assert sorted(urls(pages)) == sorted(a["url"] for a in articles)  # each exactly once
    requests = api_server.requests
    assert len(requests) == 3 == len(pages)  # ceil(600 / 250): the fewest the cap allows
    assert [r.query["enddatetime"] for r in requests] == ["20181031235959"] * 3
    assert requests[0].query["startdatetime"] == "20181001000000"
    # each continuation starts at the second of the previous answer's last article
    for page, following in pairwise(zip(pages, requests, strict=True)):
        last = page[0].records[-1]["seendate"]
        assert following[1].query["startdatetime"] == last.replace("T", "").rstrip("Z")
    # each continuation's answer repeats the article of the cut second, which its page leaves out
    assert [len(p.records) for p in pages] == [250, 249, 101]


@pytest.mark.integration
def test_articles_of_the_cut_second_are_not_repeated(api_server: LocalApiServer) -> None:
    # 240 articles, then 30 in one second: the first answer is cut inside that second
    moment = datetime(2018, 10, 20, 12, tzinfo=UTC)
    before = [
        make_article(n, OCTOBER[0] + timedelta(hours=n), f"Amazon story {n}") for n in range(240)
    ]
    assert all(a["seendate"] < moment.strftime("%Y%m%dT%H%M%SZ") for a in before)
    burst = [make_article(1000 + n, moment, f"Amazon burst {n}") for n in range(30)]
    after = spread(20, "Amazon later", start=moment + timedelta(hours=1), first=2000)
    api_server.app = FakeGdeltApi(before + burst + after)
    transport, _ = quick_transport()
    pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    found = urls(pages)
    assert len(found) == len(set(found)) == 290
    assert set(found) == {a["url"] for a in before + burst + after}
    assert [r.query["startdatetime"] for r in api_server.requests] == [
        "20181001000000",
        "20181020120000",
    ]
    assert [len(p.records) for p in pages] == [250, 40]  # the second page leaves out 10 known


@pytest.mark.integration
def test_a_second_holding_the_cap_is_asked_by_halves_of_the_group(
    api_server: LocalApiServer,
) -> None:
    moment = datetime(2018, 10, 23, 21, 4, tzinfo=UTC)
    same_second = [make_article(n, moment, f"Amazon met ICE {n}") for n in range(200)] + [
        make_article(200 + n, moment, f"Rekognition demo {n}") for n in range(150)
    ]
    later = spread(10, "Amazon later", start=moment + timedelta(days=1), first=1000)
    api_server.app = FakeGdeltApi(same_second + later)
    transport, _ = quick_transport()
    pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    found = urls(pages)
    assert len(found) == len(set(found)) == 360  # nothing lost, nothing twice
    asked = [
        (r.query["query"], r.query["startdatetime"], r.query["enddatetime"])
        for r in (api_server.requests)
    ]
    stamp = "20181023210400"
    assert asked == [
        ('(Amazon OR "Amazon Web Services" OR Rekognition)', "20181001000000", "20181031235959"),
        ('(Amazon OR "Amazon Web Services" OR Rekognition)', stamp, "20181031235959"),
        ("Amazon", stamp, stamp),
        ('("Amazon Web Services" OR Rekognition)', stamp, stamp),
        ('(Amazon OR "Amazon Web Services" OR Rekognition)', "20181023210401", "20181031235959"),
    ]


@pytest.mark.integration
def test_a_single_term_holding_the_cap_in_one_second_is_kept_with_a_warning(
    api_server: LocalApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    moment = datetime(2018, 10, 23, 21, 4, tzinfo=UTC)
    api_server.app = FakeGdeltApi(
        [make_article(n, moment, f"Pentagon briefing {n}") for n in range(300)]
        + spread(5, "Pentagon later", start=moment + timedelta(days=1), first=1000)
    )
    transport, _ = quick_transport()
    query = ArticleQuery("agency DOD", ("Pentagon",), *OCTOBER)
    with caplog.at_level(logging.WARNING, logger="ingest.gdelt"):
        pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(query))
    assert len(urls(pages)) == len(set(urls(pages))) == 255
    assert "others of that second may be missing" in caplog.text
    assert len(api_server.requests) == 3


@pytest.mark.integration
def test_a_query_too_long_for_gdelt_is_split_and_no_term_is_lost(
    api_server: LocalApiServer, caplog: pytest.LogCaptureFixture
) -> None:
    # the fake refuses queries over 60 characters; the client was told 10,000 would do
    names = [f"Contractor{n:02d}" for n in range(12)]
    articles = [
        make_article(n, OCTOBER[0] + timedelta(hours=n), f"{name} wins a bid")
        for n, name in enumerate(names)
    ]
    app = FakeGdeltApi(articles, max_query_chars=60)
    api_server.app = app
    transport, _ = quick_transport()
    (query,) = [
        ArticleQuery(q.label, q.terms, *OCTOBER)
        for q in article_queries(
            Watchlist(companies=(), agencies=(), topics=tuple(names)),
            (2018, 2018),
            max_query_chars=10_000,
        )
    ]
    with caplog.at_level(logging.WARNING, logger="ingest.gdelt"):
        pages = list(GdeltClient(transport, base_url(api_server)).iter_articles(query))
    assert sorted(urls(pages)) == sorted(a["url"] for a in articles)
    assert not any(p.unreadable for p in pages)
    asked = [r.query["query"] for r in api_server.requests]
    refused = [q for q in asked if len(q) > 60]
    answered = [q for q in asked if len(q) <= 60]
    assert len(refused) == 3 and len(answered) == 4  # 12 terms -> 2 x 6 -> 4 x 3
    assert sorted(t for q in answered for t in q.strip("()").split(" OR ")) == sorted(names)
    assert "Your query was too short or too long." in caplog.text


@pytest.mark.integration
def test_a_text_answer_to_a_rejected_query_is_an_unreadable_window(
    api_server: LocalApiServer,
) -> None:
    # a rejected single term is reported with the window, not raised: the other terms' windows
    # still load (landing quarantines this one with its reason)
    api_server.app = FakeGdeltApi(spread(5, "Amazon"))
    transport, _ = quick_transport()
    bad = ArticleQuery("company Amazon 2018-10", ("(Amazon)",), *OCTOBER)
    (page,) = list(GdeltClient(transport, base_url(api_server)).iter_articles(bad))
    assert page.source == "gdelt" and page.records == []
    assert page.label.endswith("[company Amazon 2018-10]")
    assert "startdatetime=20181001000000" in page.label
    (part,) = page.unreadable
    assert "a rejected query" in part.reason
    assert "Parentheses may only be used around OR'd statements." in part.reason
    assert part.body == "Parentheses may only be used around OR'd statements."


@pytest.mark.integration
@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><body>Query too short</body></html>",
        b"Please limit requests to one every 5 seconds or contact kalev.leetaru5@gmail.com",
    ],
)
def test_html_or_a_throttling_text_on_200_is_unreadable_not_split(
    api_server: LocalApiServer, body: bytes
) -> None:
    api_server.app = FakeGdeltApi([])
    api_server.malformed_next(body)
    transport, _ = quick_transport()
    (page,) = list(GdeltClient(transport, base_url(api_server)).iter_articles(amazon_october()))
    (part,) = page.unreadable
    assert "text instead of JSON" in part.reason and part.body == body.decode()
    assert len(api_server.requests) == 1


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
        ("Amazon OR ICE", "Queries containing OR'd terms must be surrounded by ()."),
        ("(Amazon OR ICE", "One or more of your parenthetical clauses had an error in it."),
        ("Amazon)", "One or more of your parenthetical clauses had an error in it."),
        ("(Amazon OR a)", "Your query was too short or too long."),
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


@pytest.mark.unit
def test_fake_gdelt_caps_sorts_and_refuses_long_queries() -> None:
    articles = spread(300, "Amazon news")
    api = FakeGdeltApi(list(reversed(articles)), max_query_chars=40)

    def answer(**params: str) -> list[dict[str, Any]]:
        status, kind, body = search(api, **params)
        assert status == 200 and kind == "application/json", body
        found: list[dict[str, Any]] = json.loads(body).get("articles", [])
        return found

    ascending = answer(query="Amazon", sort="DateAsc", maxrecords="1000")
    assert ascending == articles[:250]  # at most 250, the earliest first
    assert answer(query="Amazon", sort="DateDesc", maxrecords="5") == articles[::-1][:5]
    assert len(answer(query="Amazon")) == 75  # GDELT's default
    status, kind, body = search(api, query="(" + " OR ".join(["Amazon"] * 6) + ")")
    assert (status, body) == (200, b"Your query was too short or too long.")
    assert kind.startswith("text/")
