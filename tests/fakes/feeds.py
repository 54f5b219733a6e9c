"""Publishers' feeds behind a fake server: RSS 2.0 and Atom documents built from plain entries.

``FakeFeedsApi`` answers ``GET <feed path>`` with the feed's XML, as a publisher's server would;
any other path is an HTML 404 page. The documents are built with ElementTree, so titles and
summaries are escaped as real feeds escape them (the summary is HTML inside the XML).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from tests.fakes.app import TEXT_HEADERS, Reply

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_HEADERS = {"Content-Type": "application/rss+xml; charset=utf-8"}
ATOM_HEADERS = {"Content-Type": "application/atom+xml; charset=utf-8"}


@dataclass(frozen=True)
class FeedEntry:
    published: str  # RFC 822 (RSS) or ISO 8601 (Atom), as the feed writes it
    link: str
    title: str
    summary_html: str
    author: str


@dataclass(frozen=True)
class FakeFeed:
    url: str
    kind: str  # "rss" or "atom"
    title: str
    site: str
    entries: tuple[FeedEntry, ...]

    @property
    def path(self) -> str:
        return urlsplit(self.url).path


def feeds_from_tuples(
    rows: Iterable[tuple[str, str, str, str, Sequence[tuple[str, str, str, str, str]]]],
) -> list[FakeFeed]:
    """``universe_news.FEEDS`` as ``FakeFeed`` objects."""
    return [
        FakeFeed(url, kind, title, site, tuple(FeedEntry(*entry) for entry in entries))
        for url, kind, title, site, entries in rows
    ]


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def rss_document(feed: FakeFeed) -> bytes:
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", feed.title)
    _text(channel, "link", feed.site)
    _text(channel, "description", f"The latest from {feed.title}")
    for entry in feed.entries:
        item = ET.SubElement(channel, "item")
        _text(item, "title", entry.title)
        _text(item, "link", entry.link)
        _text(item, "guid", entry.link.split("?")[0], isPermaLink="true")
        _text(item, "description", entry.summary_html)
        _text(item, "pubDate", entry.published)
        _text(item, "{http://purl.org/dc/elements/1.1/}creator", entry.author)
    ET.register_namespace("dc", "http://purl.org/dc/elements/1.1/")
    return ET.tostring(rss, encoding="utf-8", xml_declaration=True)


def atom_document(feed: FakeFeed) -> bytes:
    ET.register_namespace("", ATOM_NS)

    def tag(name: str) -> str:
        return f"{{{ATOM_NS}}}{name}"

    root = ET.Element(tag("feed"))
    _text(root, tag("title"), feed.title)
    _text(root, tag("id"), feed.url)
    ET.SubElement(root, tag("link"), {"rel": "alternate", "href": feed.site})
    ET.SubElement(root, tag("link"), {"rel": "self", "href": feed.url})
    newest = max(dt.datetime.fromisoformat(e.published) for e in feed.entries)
    _text(root, tag("updated"), newest.isoformat())
    for entry in feed.entries:
        element = ET.SubElement(root, tag("entry"))
        _text(element, tag("title"), entry.title)
        ET.SubElement(element, tag("link"), {"rel": "alternate", "href": entry.link})
        _text(element, tag("id"), entry.link)
        _text(element, tag("published"), entry.published)
        _text(element, tag("updated"), entry.published)
        _text(element, tag("summary"), entry.summary_html, type="html")
        author = ET.SubElement(element, tag("author"))
        _text(author, tag("name"), entry.author)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


class FakeFeedsApi:
    """Serves each feed's document at its URL's path (hosts are ignored, as in the recordings)."""

    def __init__(self, feeds: Sequence[FakeFeed]) -> None:
        self.by_path = {feed.path: feed for feed in feeds}

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        feed = self.by_path.get(path)
        if feed is None or method != "GET":
            return 404, dict(TEXT_HEADERS), b"<html><body><h1>Page not found</h1></body></html>"
        if feed.kind == "rss":
            return 200, dict(RSS_HEADERS), rss_document(feed)
        return 200, dict(ATOM_HEADERS), atom_document(feed)
