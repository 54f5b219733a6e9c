"""The watchlist's feeds section."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.config import DEFAULT_WATCHLIST
from ingest.watchlist import WatchedFeed, WatchlistError, load_watchlist

pytestmark = pytest.mark.unit


def watchlist_file(tmp_path: Path, feeds: str) -> Path:
    path = tmp_path / "watchlist.yaml"
    path.write_text(
        "companies:\n  - name: Amazon\nagencies: []\ntopics: []\n" + feeds, encoding="utf-8"
    )
    return path


def test_feeds_are_urls_or_mappings_with_a_url(tmp_path: Path) -> None:
    path = watchlist_file(
        tmp_path,
        "feeds:\n"
        "  - https://a.example.com/rss.xml\n"
        "  - {url: ' https://b.example.com/atom ', name: B}\n",
    )
    assert load_watchlist(path).feeds == (
        WatchedFeed("https://a.example.com/rss.xml"),
        WatchedFeed("https://b.example.com/atom", "B"),
    )


def test_no_feeds_section_is_no_feeds(tmp_path: Path) -> None:
    assert load_watchlist(watchlist_file(tmp_path, "")).feeds == ()


@pytest.mark.parametrize(
    ("feeds", "message"),
    [
        ("feeds:\n  - {name: No url}\n", r":6: feeds\[0\]\.url: missing"),
        ("feeds:\n  - ftp://a.example.com/feed\n", r":6: feeds\[0\]: .* is not an http\(s\) URL"),
        ("feeds:\n  - [1, 2]\n", r":6: feeds\[0\]: expected a URL or a mapping with a url"),
    ],
)
def test_a_bad_feed_entry_names_its_place(tmp_path: Path, feeds: str, message: str) -> None:
    with pytest.raises(WatchlistError, match=message):
        load_watchlist(watchlist_file(tmp_path, feeds))


def test_the_default_watchlist_lists_feeds() -> None:
    feeds = load_watchlist(DEFAULT_WATCHLIST).feeds
    assert len(feeds) >= 2
    assert all(feed.url.startswith("https://") for feed in feeds)
