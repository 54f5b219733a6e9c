"""The feed client against publishers' feeds behind a local server: RSS 2.0, Atom, redirects,
retries, and bodies that are not feeds; then a pull landed and validated in DuckDB."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.errors import MalformedPageError, SourceHTTPError
from ingest.feeds import FeedClient, parse_feed
from ingest.http import FEED_ACCEPT
from ingest.load import run_load
from ingest.pulls import pull_feeds
from ingest.sources import FEED_ENTRIES
from ingest.watchlist import WatchedFeed, Watchlist
from tests.fakes.feeds import FakeFeed, FakeFeedsApi, FeedEntry
from tests.support import quick_transport
from tests.support.http_server import App, LocalApiServer

pytestmark = pytest.mark.integration

RSS = FakeFeed(
    "https://news.example.org/rss.xml",
    "rss",
    "Example News",
    "https://news.example.org/",
    (
        FeedEntry(
            "Tue, 23 Oct 2018 15:47:00 -0400",
            "https://news.example.org/2018/10/23/pitch/?utm_source=rss&utm_medium=feed",
            "Amazon & ICE: the emails",
            "<p>Staff met <b>ICE</b> officials in June.</p>",
            "A. Reporter",
        ),
        FeedEntry(
            "Wed, 24 Oct 2018 09:00:00 GMT",
            "https://news.example.org/2018/10/24/follow-up/",
            "A follow-up",
            "<p>More documents.</p>",
            "B. Reporter",
        ),
    ),
)
ATOM = FakeFeed(
    "https://blog.example.net/feeds/atom",
    "atom",
    "Example Blog",
    "https://blog.example.net/",
    (
        FeedEntry(
            "2018-10-24T10:00:00-04:00",
            "https://blog.example.net/2018/10/24/foia",
            "We asked Homeland Security for the records",
            "<p>Our FOIA request &amp; what it asks.</p>",
            "C. Writer",
        ),
    ),
)


def feed_at(server: LocalApiServer, path: str, name: str = "") -> WatchedFeed:
    return WatchedFeed(server.url + path, name)


@pytest.fixture
def feeds_server(make_api_server: Callable[[App | None], LocalApiServer]) -> LocalApiServer:
    return make_api_server(FakeFeedsApi([RSS, ATOM]))


def fetch(server: LocalApiServer, path: str) -> list[dict[str, Any]]:
    """The entries of one feed (each record holds the entries of one link)."""
    transport, _ = quick_transport()
    [page] = FeedClient(transport).iter_feeds([feed_at(server, path)])
    assert all(record["link"] == record["entries"][0]["link"] for record in page.records)
    return [entry for record in page.records for entry in record["entries"]]


def test_rss_entries_become_records_with_their_feed(feeds_server: LocalApiServer) -> None:
    records = fetch(feeds_server, "/rss.xml")

    assert [r["link"] for r in records] == [e.link for e in RSS.entries]
    first = records[0]
    assert first["title"] == "Amazon & ICE: the emails"
    assert first["summary"] == "<p>Staff met <b>ICE</b> officials in June.</p>"
    assert first["published"] == "Tue, 23 Oct 2018 15:47:00 -0400"  # as the feed wrote it
    assert first["published_utc"] == "2018-10-23T19:47:00Z"
    assert first["author"] == "A. Reporter"
    assert first["feed_url"] == feeds_server.url + "/rss.xml"
    assert first["feed_title"] == "Example News"
    assert first["feed_version"] == "rss20"
    assert records[1]["published_utc"] == "2018-10-24T09:00:00Z"
    [request] = feeds_server.requests
    assert request.header("Accept") == FEED_ACCEPT
    assert (request.header("User-Agent") or "").startswith("influence-warehouse/")


def test_atom_entries_become_records(feeds_server: LocalApiServer) -> None:
    [record] = fetch(feeds_server, "/feeds/atom")

    assert record["link"] == "https://blog.example.net/2018/10/24/foia"
    assert record["id"] == "https://blog.example.net/2018/10/24/foia"
    assert record["published_utc"] == "2018-10-24T14:00:00Z"
    assert record["updated_utc"] == "2018-10-24T14:00:00Z"
    assert record["summary"] == "<p>Our FOIA request &amp; what it asks.</p>"
    assert record["author"] == "C. Writer"
    assert record["feed_version"] == "atom10"


def test_a_moved_feed_is_followed_and_keeps_its_watchlist_url(
    make_api_server: Callable[[App | None], LocalApiServer], feeds_server: LocalApiServer
) -> None:
    old = make_api_server(None)
    old.redirect_all(feeds_server.url, status=301)

    records = fetch(old, "/rss.xml")

    assert len(records) == len(RSS.entries)
    assert records[0]["feed_url"] == old.url + "/rss.xml"  # the URL the watchlist names
    assert [r.path for r in old.requests] == ["/rss.xml"]
    assert [r.path for r in feeds_server.requests] == ["/rss.xml"]


def test_a_server_error_is_retried(feeds_server: LocalApiServer) -> None:
    feeds_server.error_next(503, times=2)
    transport, sleep = quick_transport()

    [page] = FeedClient(transport).iter_feeds([feed_at(feeds_server, "/feeds/atom")])

    assert len(page.records) == 1
    assert len(feeds_server.requests) == 3
    assert len(sleep.calls) == 2


def test_a_throttled_feed_waits_as_long_as_retry_after_says(feeds_server: LocalApiServer) -> None:
    feeds_server.throttle_next(retry_after="7")
    transport, sleep = quick_transport()

    [page] = FeedClient(transport).iter_feeds([feed_at(feeds_server, "/rss.xml")])

    assert len(page.records) == 2
    assert sleep.calls == [7.0]


def test_a_missing_feed_is_an_http_error_naming_it(feeds_server: LocalApiServer) -> None:
    transport, _ = quick_transport()
    with pytest.raises(SourceHTTPError, match=r"\[feeds\] HTTP 404 .*/gone\.xml") as caught:
        list(FeedClient(transport).iter_feeds([feed_at(feeds_server, "/gone.xml")]))
    assert caught.value.status == 404


def test_html_on_200_is_an_error_naming_the_feed(api_server: LocalApiServer) -> None:
    api_server.malformed_next(
        b"<html><head><title>Sign in</title></head><body>Log in</body></html>"
    )
    transport, _ = quick_transport()
    feed = feed_at(api_server, "/rss.xml", "Paywalled")

    with pytest.raises(MalformedPageError, match="not an RSS or Atom feed") as caught:
        list(FeedClient(transport).iter_feeds([feed]))

    assert caught.value.source == "feeds"
    assert f"feed {feed.url} (Paywalled)" in str(caught.value)
    assert "Sign in" in str(caught.value)  # what came back instead


def test_broken_xml_without_entries_is_an_error_naming_the_feed(
    api_server: LocalApiServer,
) -> None:
    api_server.malformed_next(
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>Cut off</title><item><title>A",
        content_type="application/rss+xml",
    )
    transport, _ = quick_transport()
    feed = feed_at(api_server, "/rss.xml")

    with pytest.raises(MalformedPageError, match="broken rss20 feed with no usable entry") as err:
        list(FeedClient(transport).iter_feeds([feed]))

    assert feed.url in str(err.value)
    assert "SAXParseException" in str(err.value)


def test_a_repaired_feed_with_entries_is_kept_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # an undefined entity: not well-formed XML, but feedparser still reads the entry
    body = (
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        b"<item><title>Caf&eacute; news</title><link>https://x.example.com/a</link></item>"
        b"</channel></rss>"
    )
    with caplog.at_level(logging.WARNING, logger="ingest.feeds"):
        records = parse_feed(body, "https://x.example.com/feed", "feed https://x.example.com/feed")

    assert [r["link"] for r in records] == ["https://x.example.com/a"]
    assert "repaired" in caplog.text


def test_an_empty_feed_is_no_entries_not_an_error() -> None:
    body = b"<?xml version='1.0'?><rss version='2.0'><channel><title>Quiet</title></channel></rss>"
    assert parse_feed(body, "https://q.example.com/feed", "feed q") == []


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def land(con: duckdb.DuckDBPyConnection, server: LocalApiServer, *paths: str):  # type: ignore[no-untyped-def]
    transport, _ = quick_transport()
    watchlist = Watchlist((), (), (), tuple(feed_at(server, p) for p in paths))
    suite = load_suite(FEED_ENTRIES.suite)
    return run_load(
        con,
        FEED_ENTRIES.table,
        pull_feeds(transport, watchlist),
        lambda c, load_id: validate_batch(c, suite, load_id),
    )


def test_a_pull_lands_every_feed_keyed_by_link_and_again_changes_nothing(
    con: duckdb.DuckDBPyConnection, feeds_server: LocalApiServer
) -> None:
    load, outcome = land(con, feeds_server, "/rss.xml", "/feeds/atom")

    assert load.status == "succeeded"
    assert outcome is not None and not outcome.critical_failures
    keys = [k for (k,) in con.execute("select url from raw.feed_entries order by url").fetchall()]
    assert keys == sorted(e.link for e in RSS.entries + ATOM.entries)

    again, _ = land(con, feeds_server, "/rss.xml", "/feeds/atom")
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 3)


def test_a_link_in_two_feeds_is_one_record_keeping_both_entries(
    con: duckdb.DuckDBPyConnection, make_api_server: Callable[[App | None], LocalApiServer]
) -> None:
    shared = RSS.entries[0]
    section = FakeFeed(
        "https://news.example.org/technology/rss.xml",
        "rss",
        "Example News: Technology",
        "https://news.example.org/technology/",
        (shared, FeedEntry(shared.published, "https://news.example.org/t/1", "Other", "", "C")),
    )
    server = make_api_server(FakeFeedsApi([RSS, section]))

    load, outcome = land(con, server, "/rss.xml", "/technology/rss.xml")

    assert load.status == "succeeded", outcome.reason() if outcome else load.error
    assert (load.counts.fetched, load.counts.inserted) == (3, 3)
    record = con.execute(
        "select record from raw.feed_entries where url = ?", [shared.link]
    ).fetchone()
    assert record is not None
    entries = json.loads(record[0])["entries"]
    assert [(e["feed_url"], e["feed_title"]) for e in entries] == [
        (server.url + "/rss.xml", "Example News"),
        (server.url + "/technology/rss.xml", "Example News: Technology"),
    ]


def test_an_entry_without_a_link_is_quarantined_naming_the_feed(
    con: duckdb.DuckDBPyConnection, api_server: LocalApiServer
) -> None:
    api_server.reply_next(
        200,
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
        b"<item><title>Has a link</title><link>https://x.example.com/a</link></item>"
        b"<item><title>Has none</title><guid isPermaLink='false'>tag-9</guid></item>"
        b"</channel></rss>",
        {"Content-Type": "application/rss+xml"},
    )

    load, _ = land(con, api_server, "/rss.xml")

    assert load.status == "succeeded"
    assert (load.counts.inserted, load.counts.quarantined) == (1, 1)
    assert load.counts.reconciles()
    [(reason, record)] = con.execute(
        "select reason, record->'$.entries[0]'->>'$.title' from audit.quarantine"
    ).fetchall()
    assert reason == f"record 1 of feed {api_server.url}/rss.xml has no usable link (got None)"
    assert record == "Has none"
