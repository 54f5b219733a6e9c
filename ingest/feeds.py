"""RSS 2.0 and Atom feeds of publishers, read with feedparser.

Each feed is fetched through the project's ``Transport`` (live: retries, redirects, 429
``Retry-After``; tests: a local server; the sample: a recording) and its body, bytes as received,
is parsed by feedparser. Each entry is read into a dict: its own fields as the feed wrote them
(``link``, ``id``, ``title``, ``summary``, ``published``, ``updated``, ``author``), the UTC times
feedparser read from ``published``/``updated`` (``published_utc``, ``updated_utc``, ISO 8601,
null when it could not read them), and the feed it came from (``feed_url``, ``feed_title``,
``feed_version``).

Records are keyed by link: a record is ``{"link": ..., "entries": [...]}`` with every entry
that carries that link, in watchlist order, so a story in two watched feeds (a publisher's front
page and its technology section) is one record that keeps both feeds' entries, not two versions
of one key. An entry without a link is a record of its own, which the landing quarantines.

A body that is not a feed (an HTML page answered with 200, a login wall) or a broken feed with
nothing usable in it is a ``MalformedPageError`` naming the feed, never an empty result. A feed
that feedparser had to repair but that still has entries is kept, with a warning.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Iterable, Iterator
from typing import Any

import feedparser

from ingest.errors import MalformedPageError
from ingest.transport import FetchedPage, Request, Transport
from ingest.watchlist import WatchedFeed

log = logging.getLogger(__name__)

SOURCE = "feeds"
ENTRY_FIELDS = ("link", "id", "title", "summary", "published", "updated", "author")


def _utc(value: time.struct_time | None) -> str | None:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", value) if value else None


def _snippet(body: bytes) -> str:
    return " ".join(body[:160].decode("utf-8", "replace").split())


def parse_feed(body: bytes, feed_url: str, page: str) -> list[dict[str, Any]]:
    """The entries of one feed body as records (see the module docstring)."""
    # A stream, not bytes or str: feedparser would treat a str as a URL or a file name.
    parsed = feedparser.parse(io.BytesIO(body))
    problem = parsed.get("bozo_exception")
    if not parsed.get("version"):
        reason = "not an RSS or Atom feed"
        if problem is not None:
            reason += f" ({type(problem).__name__}: {problem})"
        raise MalformedPageError(SOURCE, page, f"{reason}; the body begins {_snippet(body)!r}")
    entries = parsed.entries
    if parsed.get("bozo") and not any(entry.get("link") for entry in entries):
        raise MalformedPageError(
            SOURCE,
            page,
            f"a broken {parsed.version} feed with no usable entry "
            f"({type(problem).__name__}: {problem})",
        )
    if parsed.get("bozo"):
        log.warning(
            "[%s] %s: feedparser repaired the feed (%s: %s); keeping its %d entries",
            SOURCE,
            page,
            type(problem).__name__,
            problem,
            len(entries),
        )
    feed_title = parsed.feed.get("title")
    records = []
    for entry in entries:
        record: dict[str, Any] = {name: entry.get(name) for name in ENTRY_FIELDS}
        record["published_utc"] = _utc(entry.get("published_parsed"))
        record["updated_utc"] = _utc(entry.get("updated_parsed"))
        record["feed_url"] = feed_url
        record["feed_title"] = feed_title
        record["feed_version"] = parsed.version
        records.append(record)
    return records


class FeedClient:
    """Fetches and parses feeds; entries are grouped into records by link across feeds."""

    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def feed_request(self, feed: WatchedFeed) -> Request:
        return Request(SOURCE, "GET", feed.url)

    def fetch_entries(self, feed: WatchedFeed) -> tuple[str, list[dict[str, Any]]]:
        """The feed's page label (for errors and the ledger) and its entries."""
        page = f"feed {feed.url}" + (f" ({feed.name})" if feed.name else "")
        response = self.transport.send(self.feed_request(feed))
        return page, parse_feed(response.body, feed.url, page)

    def iter_feeds(self, feeds: Iterable[WatchedFeed]) -> Iterator[FetchedPage]:
        """One page per feed, holding the records of the links first seen in that feed. Every
        feed is fetched before the first page is yielded (a link's record must hold the
        entries of all feeds)."""
        fetched = [self.fetch_entries(feed) for feed in feeds]
        by_link: dict[str, dict[str, Any]] = {}
        pages: list[FetchedPage] = []
        for page, entries in fetched:
            records: list[dict[str, Any]] = []
            for entry in entries:
                link = entry.get("link")
                if isinstance(link, str) and link.strip() and link in by_link:
                    by_link[link]["entries"].append(entry)
                    continue
                record = {"link": link, "entries": [entry]}
                if isinstance(link, str) and link.strip():
                    by_link[link] = record
                records.append(record)
            pages.append(FetchedPage(SOURCE, page, records))
        yield from pages
