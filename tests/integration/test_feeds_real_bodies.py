"""The feed client, landing and the feed suite on two real publishers' feeds
(``tests/fixtures/real/feeds/``), served over HTTP by the local test server."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.load import run_load
from ingest.pulls import pull_feeds
from ingest.sources import FEED_ENTRIES
from ingest.watchlist import WatchedFeed, Watchlist
from tests.fakes.app import Reply
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

pytestmark = pytest.mark.integration

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "feeds"
FEEDS = {
    "/reuters/worldNews": REAL / "reuters_world_2018.xml",
    "/section/world-news/feed": REAL / "huffpost_world_2019.xml",
}


class RealFeeds:
    """Serves each recorded feed at its path, bytes as recorded."""

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if path not in FEEDS:
            return 404, {"Content-Type": "text/plain"}, b"not found"
        return 200, {"Content-Type": "application/rss+xml"}, FEEDS[path].read_bytes()


def test_the_real_feeds_are_parsed_and_landed(api_server: LocalApiServer, tmp_path: Path) -> None:
    api_server.app = RealFeeds()
    watchlist = Watchlist(
        companies=(),
        agencies=(),
        topics=(),
        feeds=tuple(WatchedFeed(api_server.url + path) for path in FEEDS),
    )
    transport, _ = quick_transport()
    suite = load_suite(FEED_ENTRIES.suite)
    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        load, outcome = run_load(
            con,
            FEED_ENTRIES.table,
            pull_feeds(transport, watchlist),
            lambda c, load_id: validate_batch(c, suite, load_id),
        )
        assert load.status == "succeeded", load.error
        assert outcome is not None and not outcome.critical_failures
        assert (load.counts.fetched, load.counts.inserted, load.counts.quarantined) == (6, 6, 0)
        rows = con.execute(
            """
            select url, record->>'$.entries[0].title', record->>'$.entries[0].published_utc',
                   record->>'$.entries[0].feed_title', record->>'$.entries[0].summary'
            from raw.feed_entries order by url
            """
        ).fetchall()
    by_url = {url: rest for url, *rest in rows}
    # Reuters 2018: FeedBurner links, pubDate at -0500 read as UTC
    reuters = by_url[
        "http://feeds.reuters.com/~r/Reuters/worldNews/~3/c3wXZD4kLB8/"
        "u-s-general-says-north-korea-not-demonstrated-all-components-of-icbm-idUSKBN1FJ23Z"
    ]
    assert reuters[1] == "2018-01-30T17:29:57Z"
    assert reuters[2].startswith("Reuters")
    # HuffPost 2019: the stray <meta> between <rss> and <channel> does not lose the entries;
    # the description's escaped entity comes out as text
    huffpost = by_url[
        "https://www.huffpost.com/entry/"
        "thousands-protesters-sudan-soldiers-fire-shots_n_5d19134de4b03d61163d842f"
    ]
    assert huffpost[0].startswith("Thousands Of Protesters Demand Civilian Rule In Sudan")
    assert huffpost[1] == "2019-06-30T20:09:58Z"
    assert huffpost[2] == "World News - Breaking News, Top Stories"
    assert "Sudan's defense ministry" in huffpost[3]
