"""GDELT DOC 2.0 API client: news article metadata (``mode=ArtList``).

The API has no paging: one call returns at most 250 articles. The client asks for calendar-month
windows and, when a window comes back full, splits it in half and asks again, down to a minimum
window.

Answers are read as they come (``read_answer``): GDELT's known JSON defects (invalid ``\\``
escapes, unescaped quotes inside a title) are repaired and every article that parses is kept. A
body that cannot be read, and a rejected query (HTTP 200 with a plain-text/HTML message such as
"One or more of your keywords were too short..."), is never an empty result: the window's page
carries it as an ``UnreadablePart`` with the reason, which landing quarantines with the request,
so one watched term GDELT refuses, or one broken answer, does not sink the other windows. (If no
answer of a whole load could be read, the load fails: see ``ingest.load``.)
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.errors import MalformedPageError
from ingest.transport import FetchedPage, Request, Transport, UnreadablePart
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


# A backslash and what follows it: a valid JSON escape, or a lone backslash.
_ESCAPE = re.compile(r'\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})|\\')
# What may follow the quote that closes a JSON string (after blanks): a key's colon, the end of
# an object or array, or a comma before the next key, object or array.
_CLOSES_STRING = re.compile(r'\s*(?:[:}\]]|,\s*["{\[]|$)')
# Where one article object ends and the next begins, in an ArtList answer.
_ARTICLE_BOUNDARY = re.compile(r'\}\s*,\s*(?=\{\s*"url"\s*:)')


def _double_lone_backslashes(text: str) -> str:
    """A backslash that starts no JSON escape (``\\'``, ``\\ ``, ``\\x``) is doubled: the text
    keeps the backslash and the parser no longer stops at "Invalid \\escape"."""
    return _ESCAPE.sub(lambda m: m.group(0) if len(m.group(0)) > 1 else "\\\\", text)


def _escape_stray_quotes(text: str) -> str:
    """Escape a quote inside a string that does not close it: one not followed (after blanks) by
    a colon, a closing brace or bracket, or a comma and the next key, object or array. GDELT
    titles carry such quotes unescaped (``"... busca de " parceria estratégica " | ..."``)."""
    out: list[str] = []
    inside = False
    i = 0
    while i < len(text):
        char = text[i]
        if inside and char == "\\":
            out.append(text[i : i + 2])
            i += 2
            continue
        if char == '"':
            if not inside:
                inside = True
            elif _CLOSES_STRING.match(text, i + 1):
                inside = False
            else:
                out.append('\\"')
                i += 1
                continue
        out.append(char)
        i += 1
    return "".join(out)


def repair_json(text: str) -> str:
    """GDELT's known JSON defects repaired: lone backslashes (invalid escapes) doubled, stray
    quotes inside string values escaped. (Raw control characters inside strings are accepted by
    the parser itself, ``strict=False``.) Text that is valid JSON is returned unchanged."""
    return _escape_stray_quotes(_double_lone_backslashes(text))


def _loads(text: str) -> Any:
    return json.loads(text, strict=False)


def _decode(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def _check_articles(data: Any, page: str) -> list[dict[str, Any]]:
    """The articles of a parsed answer, or ``MalformedPageError`` when it is not of the
    documented shape (the API answered something else than an ArtList)."""
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


@dataclass(frozen=True)
class ParsedAnswer:
    """What could be read of one ArtList answer: the articles, and the parts that could not be
    read (a rejected query's message, a body or an article object beyond repair)."""

    articles: list[dict[str, Any]]
    unreadable: tuple[UnreadablePart, ...] = ()
    repaired: bool = False  # the body was not valid JSON and was repaired


def read_answer(body: bytes, page: str) -> ParsedAnswer:
    """Read one ArtList answer, repairing what GDELT is known to get wrong.

    - Valid JSON (``{}`` means none): its articles.
    - JSON with invalid ``\\`` escapes, stray quotes inside a value or raw control characters:
      repaired (``repair_json``), then its articles.
    - Still broken: each article object is read on its own (repaired); those that parse are kept,
      each one that does not is an unreadable part with the reason.
    - Not JSON at all (GDELT's plain-text/HTML answer to a rejected query, with HTTP 200): one
      unreadable part, the whole body, its reason saying so. A rejected query is reported, not
      raised: one watched term GDELT finds too short or too common must not sink the others.

    Raises ``MalformedPageError`` only for JSON of another shape (no articles list, an article
    without url or seendate): that is not a broken answer but a different API.
    """
    text = _decode(body)
    try:
        data = _loads(text)
    except ValueError as exc:
        error = exc
    else:
        return ParsedAnswer(_check_articles(data, page))
    if not text.lstrip().startswith("{"):
        snippet = " ".join(text[:200].split())
        return ParsedAnswer(
            [],
            (
                UnreadablePart(
                    text,
                    "GDELT answered with text instead of JSON (a rejected query?): "
                    + repr(snippet),
                ),
            ),
        )
    try:
        repaired = _loads(repair_json(text))
    except ValueError:
        return _read_article_by_article(text, page, error)
    return ParsedAnswer(_check_articles(repaired, page), repaired=True)


def _read_article_by_article(text: str, page: str, error: ValueError) -> ParsedAnswer:
    """The articles of a body that does not parse whole even repaired, read one by one."""
    opening = re.match(r'\s*\{\s*"articles"\s*:\s*\[\s*', text)
    if opening is None:
        return ParsedAnswer([], (UnreadablePart(text, _beyond_repair(error)),), repaired=True)
    inner = re.sub(r"\s*\]\s*\}\s*$", "", text[opening.end() :])
    chunks = _ARTICLE_BOUNDARY.split(inner)
    articles: list[dict[str, Any]] = []
    unreadable: list[UnreadablePart] = []
    for n, chunk in enumerate(chunks):
        candidate = chunk if chunk.rstrip().endswith("}") else chunk + "}"
        try:
            article = _loads(repair_json(candidate))
            (checked,) = _check_articles({"articles": [article]}, page)
        except (ValueError, MalformedPageError) as exc:
            reason = (
                f"article object {n + 1} of {len(chunks)} of a broken GDELT answer could not be "
                f"repaired ({exc}); the answer's error: {error}"
            )
            unreadable.append(UnreadablePart(chunk, reason))
            continue
        articles.append(checked)
    if not articles:
        return ParsedAnswer([], (UnreadablePart(text, _beyond_repair(error)),), repaired=True)
    return ParsedAnswer(articles, tuple(unreadable), repaired=True)


def _beyond_repair(error: ValueError) -> str:
    return f"GDELT answered with broken JSON that could not be repaired ({error})"


def parse_articles(body: bytes, page: str) -> list[dict[str, Any]]:
    """The articles of one ArtList JSON answer (``{}`` means none), repaired where needed.

    Raises ``MalformedPageError`` when any part of the body cannot be read (GDELT's
    plain-text/HTML error messages come with HTTP 200) or is not of the documented shape. The
    client itself uses ``read_answer``, which keeps what it can and reports the rest."""
    answer = read_answer(body, page)
    if answer.unreadable:
        raise MalformedPageError(SOURCE, page, answer.unreadable[0].reason)
    return answer.articles


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
        answer = read_answer(response.body, page)
        label = f"{request.label} [{query.label}]"
        if answer.repaired:
            log.warning(
                "[%s] %s: the answer was not valid JSON; repaired it, kept %d articles, "
                "%d part(s) unreadable",
                SOURCE,
                page,
                len(answer.articles),
                len(answer.unreadable),
            )
        if answer.unreadable and not answer.articles:
            # nothing read: the window's body goes to the quarantine with the reason
            log.warning("[%s] %s: %s", SOURCE, page, answer.unreadable[0].reason)
            yield FetchedPage(SOURCE, label, [], unreadable=answer.unreadable)
            return
        articles = answer.articles
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
        yield FetchedPage(SOURCE, label, articles, unreadable=answer.unreadable)
