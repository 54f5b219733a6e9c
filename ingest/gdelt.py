"""GDELT DOC 2.0 API client: news article metadata (``mode=ArtList``).

The API has no paging: one call returns at most 250 articles. The client asks for calendar-month
windows and, when a window comes back full, splits it in half and asks again, down to a minimum
window. A rejected query comes back as HTTP 200 with a plain-text/HTML message instead of JSON:
that is a ``MalformedPageError`` naming the query and the window, never an empty result.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.errors import MalformedPageError
from ingest.transport import FetchedPage, Request, Transport
from ingest.watchlist import Watchlist

log = logging.getLogger(__name__)

SOURCE = "gdelt"
MAX_RECORDS = 250  # the API's maximum per call
DATETIME_FORMAT = "%Y%m%d%H%M%S"
ONE_SECOND = timedelta(seconds=1)


@dataclass(frozen=True)
class ArticleQuery:
    """One GDELT search over one time window; ``start`` and ``end`` are UTC and both inclusive
    (the API takes whole seconds)."""

    label: str
    query: str
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"ArticleQuery.{name} must be timezone-aware (UTC): {value!r}")
        if self.end < self.start:
            raise ValueError(f"ArticleQuery {self.label!r}: end {self.end} is before start")


def gdelt_term(term: str) -> str:
    """One search term: a bare word as is, anything else (phrases, dots, hyphens) quoted."""
    cleaned = " ".join(term.replace('"', " ").split())
    if not cleaned:
        raise ValueError(f"empty GDELT search term {term!r}")
    return cleaned if cleaned.isalnum() else f'"{cleaned}"'


def or_query(terms: Iterable[str]) -> str:
    """Terms OR-ed in parentheses (GDELT rejects parentheses around a single term)."""
    parts = list(dict.fromkeys(gdelt_term(t) for t in terms))
    if not parts:
        raise ValueError("a GDELT query needs at least one term")
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def month_windows(years: tuple[int, int]) -> list[tuple[str, datetime, datetime]]:
    """``(YYYY-MM, first second, last second)`` of every month of the inclusive year range, UTC."""
    first, last = years
    if first > last:
        raise ValueError(f"years {years} are not in order")
    windows = []
    for year in range(first, last + 1):
        for month in range(1, 13):
            start = datetime(year, month, 1, tzinfo=UTC)
            following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
            windows.append((f"{year}-{month:02d}", start, following - ONE_SECOND))
    return windows


def article_queries(watchlist: Watchlist, years: tuple[int, int]) -> list[ArticleQuery]:
    """The news searches of a refresh: one query per watched company (its ``news_terms``),
    agency (its ``news_terms``) and topic, each over every calendar month of ``years``."""
    searches: list[tuple[str, str]] = []
    for company in watchlist.companies:
        searches.append((f"company {company.name}", or_query(company.news_terms)))
    for agency in watchlist.agencies:
        searches.append(
            (f"agency {agency.abbreviation or agency.name}", or_query(agency.news_terms))
        )
    for topic in watchlist.topics:
        searches.append((f"topic {topic}", or_query([topic])))
    windows = month_windows(years)
    return [
        ArticleQuery(f"{label} {month}", query, start, end)
        for label, query in searches
        for month, start, end in windows
    ]


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime(DATETIME_FORMAT)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_articles(body: bytes, page: str) -> list[dict[str, Any]]:
    """The articles of one ArtList JSON answer (``{}`` means none).

    Raises ``MalformedPageError`` when the body is not JSON (GDELT's plain-text/HTML error
    messages come with HTTP 200) or not of the documented shape.
    """
    try:
        data: Any = json.loads(body, strict=False)
    except (UnicodeDecodeError, ValueError):
        snippet = " ".join(body[:200].decode("utf-8", "replace").split())
        raise MalformedPageError(
            SOURCE,
            page,
            "GDELT answered with text instead of JSON (a rejected query?): " + repr(snippet),
        ) from None
    if not isinstance(data, dict):
        raise MalformedPageError(SOURCE, page, f"expected a JSON object, got {type(data).__name__}")
    if not data:
        return []
    articles = data.get("articles")
    if not isinstance(articles, list):
        raise MalformedPageError(
            SOURCE, page, f"no articles list in the answer (keys: {sorted(data)[:10]})"
        )
    for i, article in enumerate(articles):
        if not isinstance(article, dict):
            raise MalformedPageError(
                SOURCE, page, f"articles[{i}] is not an object but {type(article).__name__}"
            )
        for key in ("url", "seendate"):
            if not isinstance(article.get(key), str) or not article[key]:
                raise MalformedPageError(SOURCE, page, f"articles[{i}] has no {key}")
    return articles


class GdeltClient:
    """Fetches ArtList pages, splitting full windows in half until each answer is complete."""

    def __init__(
        self,
        transport: Transport,
        base_url: str,
        max_records: int = MAX_RECORDS,
        min_window: timedelta = timedelta(hours=1),
    ) -> None:
        if not 1 <= max_records <= MAX_RECORDS:
            raise ValueError(f"max_records must be between 1 and {MAX_RECORDS}")
        if min_window < 2 * ONE_SECOND:
            raise ValueError("min_window must be at least two seconds")
        self.transport = transport
        self.base_url = base_url
        self.max_records = max_records
        self.min_window = min_window

    def articles_request(self, query: str, start: datetime, end: datetime) -> Request:
        return Request(
            SOURCE,
            "GET",
            self.base_url,
            params={
                "query": query,
                "mode": "ArtList",
                "format": "json",
                "maxrecords": str(self.max_records),
                "startdatetime": _stamp(start),
                "enddatetime": _stamp(end),
                "sort": "DateAsc",
            },
        )

    def iter_articles(self, query: ArticleQuery) -> Iterator[FetchedPage]:
        """Yield one page per window fetched for ``query`` (a window that came back full is
        replaced by its two halves). Page labels are the request label and the query label."""
        yield from self._window(query, query.start, query.end)

    def _window(self, query: ArticleQuery, start: datetime, end: datetime) -> Iterator[FetchedPage]:
        request = self.articles_request(query.query, start, end)
        page = f"{query.label} window {_iso(start)}..{_iso(end)} ({request.label})"
        response = self.transport.send(request)
        articles = parse_articles(response.body, page)
        if len(articles) >= self.max_records:
            if end - start > self.min_window:
                half = (end - start) / 2
                middle = start + timedelta(seconds=int(half.total_seconds()))
                yield from self._window(query, start, middle)
                yield from self._window(query, middle + ONE_SECOND, end)
                return
            log.warning(
                "[%s] %s: %d articles in a window of %s, the smallest this client splits to; "
                "keeping them, later ones in the window may be missing",
                SOURCE,
                page,
                len(articles),
                end - start,
            )
        yield FetchedPage(SOURCE, f"{request.label} [{query.label}]", articles)
