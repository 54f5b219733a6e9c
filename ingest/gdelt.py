"""GDELT DOC 2.0 API client: news article metadata (``mode=ArtList``).

The API has no paging: one call returns at most 250 articles. A pull asks as few requests as that
cap allows (``article_queries``, ``GdeltClient``):

- **Combined terms.** Every news term of the watchlist (companies' and agencies' ``news_terms``,
  topics) is packed into ``(a OR "b c" OR ...)`` queries of at most ``max_query_chars``
  characters (``MAX_QUERY_CHARS``), so a whole watchlist is one or two term groups, not one query
  per entity. Which entity an article mentions is decided in dbt (int_news_mentions_tagged) from
  its title, as before; the raw table never recorded which query found an article.
- **Adaptive windows.** Each group is asked once over the whole range of the pull, sorted by date
  (``sort=DateAsc``). An answer below the cap is complete. A capped answer's last ``seendate``
  says where the cap cut: the next request continues from that second (articles of that second
  already received are not repeated), so a group costs one request per 250 articles plus one.
  When 250 articles share one second, the group is split in half for that second.
- **Rejected queries.** GDELT rejects a query with HTTP 200 and a line of text (e.g. "Your query
  was too short or too long.", "One or more of your parenthetical clauses had an error in it.").
  A group GDELT rejects is split in half and both halves are asked, down to single terms; a
  single term still rejected is reported, never dropped silently (below).

Answers are read as they come (``read_answer``): GDELT's known JSON defects (invalid ``\\``
escapes, unescaped quotes inside a title) are repaired and every article that parses is kept. A
body that cannot be read, and a term GDELT rejects on its own, is never an empty result: the
window's page carries it as an ``UnreadablePart`` with the reason, which landing quarantines with
the request, so one watched term GDELT refuses, or one broken answer, does not sink the others.
(If no answer of a whole load could be read, the load fails: see ``ingest.load``.)
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.errors import MalformedPageError
from ingest.transport import FetchedPage, Request, Transport, UnreadablePart
from ingest.watchlist import Watchlist

log = logging.getLogger(__name__)

SOURCE = "gdelt"
MAX_RECORDS = 250  # the API's maximum per call
DATETIME_FORMAT = "%Y%m%d%H%M%S"
SEENDATE_FORMAT = "%Y%m%dT%H%M%SZ"
ONE_SECOND = timedelta(seconds=1)
# The longest query (characters, before URL encoding) a term group may be. GDELT documents no
# limit (/work/research/issue13_research.md section 2: only "Your query was too short or too
# long." is known, and client libraries cap OR lists by habit); 250 is the low end of what those
# clients send, so a long watchlist costs one more group rather than a rejected query. If GDELT
# still rejects a group, it is split in half and retried (``GdeltClient``), so a lower real limit
# costs requests, never terms. Set per run with GDELT_MAX_QUERY_CHARS.
MAX_QUERY_CHARS = 250


@dataclass(frozen=True)
class ArticleQuery:
    """One GDELT search over one time window: ``terms`` (each as ``gdelt_term`` writes it) OR-ed
    together; ``start`` and ``end`` are UTC and both inclusive (the API takes whole seconds)."""

    label: str
    terms: tuple[str, ...]
    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if not self.terms:
            raise ValueError(f"ArticleQuery {self.label!r} has no terms")
        for name in ("start", "end"):
            value: datetime = getattr(self, name)
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(f"ArticleQuery.{name} must be timezone-aware (UTC): {value!r}")
        if self.end < self.start:
            raise ValueError(f"ArticleQuery {self.label!r}: end {self.end} is before start")

    @property
    def query(self) -> str:
        return joined_query(self.terms)

    def halves(self) -> tuple[ArticleQuery, ArticleQuery]:
        """The query's terms split in two groups (first half, second half), same window."""
        if len(self.terms) < 2:
            raise ValueError(f"ArticleQuery {self.label!r} has a single term: it cannot be split")
        middle = len(self.terms) // 2
        return (
            replace(self, label=f"{self.label} half 1", terms=self.terms[:middle]),
            replace(self, label=f"{self.label} half 2", terms=self.terms[middle:]),
        )


def gdelt_term(term: str) -> str:
    """One search term: a bare word as is, anything else (phrases, dots, hyphens) quoted."""
    cleaned = " ".join(term.replace('"', " ").split())
    if not cleaned:
        raise ValueError(f"empty GDELT search term {term!r}")
    return cleaned if cleaned.isalnum() else f'"{cleaned}"'


def joined_query(terms: Iterable[str]) -> str:
    """Terms already written by ``gdelt_term``, OR-ed in parentheses (GDELT rejects parentheses
    around a single term)."""
    parts = list(terms)
    if not parts:
        raise ValueError("a GDELT query needs at least one term")
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def or_query(terms: Iterable[str]) -> str:
    """Terms OR-ed in parentheses, each written by ``gdelt_term``, duplicates dropped."""
    return joined_query(dict.fromkeys(gdelt_term(t) for t in terms))


def watchlist_terms(watchlist: Watchlist) -> list[str]:
    """Every news term of the watchlist as ``gdelt_term`` writes it, once (GDELT matches without
    regard to case, so terms differing only in case are one), in watchlist order: companies'
    ``news_terms``, agencies' ``news_terms``, topics."""
    raw = [
        *(term for company in watchlist.companies for term in company.news_terms),
        *(term for agency in watchlist.agencies for term in agency.news_terms),
        *watchlist.topics,
    ]
    terms: dict[str, str] = {}
    for term in raw:
        written = gdelt_term(term)
        terms.setdefault(written.lower(), written)
    return list(terms.values())


def pack_terms(terms: Iterable[str], max_chars: int = MAX_QUERY_CHARS) -> list[tuple[str, ...]]:
    """Terms (written by ``gdelt_term``) packed into groups whose ``joined_query`` is at most
    ``max_chars`` long: each term goes into the first group it still fits (first fit, in order,
    so the result is deterministic and an entity's terms stay together when they can). Every term
    is in exactly one group; a term longer than ``max_chars`` on its own is a group of its own
    (GDELT may reject it: the client then reports it)."""
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, got {max_chars}")
    groups: list[list[str]] = []
    for term in dict.fromkeys(terms):
        for group in groups:
            if len(joined_query([*group, term])) <= max_chars:
                group.append(term)
                break
        else:
            groups.append([term])
    return [tuple(group) for group in groups]


def pull_range(years: tuple[int, int]) -> tuple[datetime, datetime]:
    """The first and the last second (UTC) of the inclusive year range."""
    first, last = years
    if first > last:
        raise ValueError(f"years {years} are not in order")
    return datetime(first, 1, 1, tzinfo=UTC), datetime(last + 1, 1, 1, tzinfo=UTC) - ONE_SECOND


def article_queries(
    watchlist: Watchlist, years: tuple[int, int], max_query_chars: int = MAX_QUERY_CHARS
) -> list[ArticleQuery]:
    """The news searches of a refresh: the watchlist's terms packed into groups
    (``pack_terms``), each group one search over the whole year range (``GdeltClient`` narrows
    the window only where an answer reaches the cap)."""
    start, end = pull_range(years)
    groups = pack_terms(watchlist_terms(watchlist), max_query_chars)
    return [
        ArticleQuery(f"group {n}/{len(groups)}", group, start, end)
        for n, group in enumerate(groups, start=1)
    ]


def estimate_requests(
    watchlist: Watchlist, years: tuple[int, int], max_query_chars: int = MAX_QUERY_CHARS
) -> int:
    """How many GDELT requests a pull of ``years`` for ``watchlist`` makes at least, before it
    runs (for ``influence refresh --plan``): one per term group (``article_queries``), since each
    group is first asked over the whole range. The range does not change this lower bound; the
    pull then adds about one request per 250 articles a group finds (and one per half of a
    group GDELT rejects). At GDELT's one request per 5 seconds, the time is at least 5 s times
    this."""
    return len(article_queries(watchlist, years, max_query_chars))


def seen_at(article: dict[str, Any]) -> datetime | None:
    """An article's ``seendate`` (``20181023T210400Z``) as a UTC time, or None if unreadable."""
    try:
        return datetime.strptime(str(article.get("seendate")), SEENDATE_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime(DATETIME_FORMAT)


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# A backslash and what follows it: a valid JSON escape, or a lone backslash.
_ESCAPE = re.compile(r'\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})|\\')
# What may follow the quote that closes a JSON string (after blanks): a key's colon, the end of
# an object or array, or a comma before the next key, object or array.
_CLOSES_STRING = re.compile(r'\s*(?:[:}\]]|,\s*["{\[]|$)')
# GDELT's throttling message, which it may send with HTTP 200: not an answer about the query.
_RATE_LIMITED = re.compile(r"limit requests", re.IGNORECASE)
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
    # the body is GDELT's plain-text answer to a query it rejects (not a rate-limit message,
    # not an HTML page)
    rejected: bool = False


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
            rejected=not text.lstrip().startswith("<") and _RATE_LIMITED.search(text) is None,
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
    """Fetches ArtList pages: each query over its whole window first, continuing after each
    answer that reached the cap, and splitting a term group GDELT rejects."""

    def __init__(self, transport: Transport, base_url: str, max_records: int = MAX_RECORDS) -> None:
        if not 1 <= max_records <= MAX_RECORDS:
            raise ValueError(f"max_records must be between 1 and {MAX_RECORDS}")
        self.transport = transport
        self.base_url = base_url
        self.max_records = max_records

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
        """Yield one page per request made for ``query``, each article once. Page labels are the
        request label and the query label (``group 1/2``, ``group 1/2 half 1`` for a half).

        The window is asked whole, sorted by date. An answer below the cap is complete. A
        capped answer holds every matching article up to its last ``seendate`` (GDELT sorts
        before it cuts; the fake in tests/fakes/gdelt.py does the same): the next request starts
        at that second, and the articles of that second already received are left out of its
        page. If all of a capped answer is one second, that second is asked again by each half
        of the term group (a single term: its 250 are kept with a warning), and the search goes
        on from the next second. A query GDELT rejects (a text answer) is asked again as two
        halves; a single term it rejects is yielded as an unreadable page."""
        yield from self._search(query, frozenset())

    def _search(self, query: ArticleQuery, known: frozenset[str]) -> Iterator[FetchedPage]:
        """``known``: urls already yielded of articles seen in the window's first second."""
        cursor = query.start
        while True:
            window = replace(query, start=cursor)
            answer, label = self._ask(window)
            if answer.rejected and len(window.terms) > 1:
                log.warning(
                    "[%s] GDELT rejected the query of %s (%d terms, %d characters): %s; asking "
                    "each half of its terms",
                    SOURCE,
                    window.label,
                    len(window.terms),
                    len(window.query),
                    answer.unreadable[0].reason,
                )
                for half in window.halves():
                    yield from self._search(half, known)
                return
            if answer.unreadable and not answer.articles:
                # nothing read: the window's body goes to the quarantine with the reason
                log.warning("[%s] %s: %s", SOURCE, label, answer.unreadable[0].reason)
                yield FetchedPage(SOURCE, label, [], unreadable=answer.unreadable)
                return
            fresh = [article for article in answer.articles if article["url"] not in known]
            yield FetchedPage(SOURCE, label, fresh, unreadable=answer.unreadable)
            if len(answer.articles) + len(answer.unreadable) < self.max_records:
                return
            last = self._last_seen(answer.articles, window, label)
            if last is None:
                return
            if last > cursor:
                known = frozenset(a["url"] for a in answer.articles if seen_at(a) == last)
                cursor = last
                continue
            # the cap was reached inside one second
            here = known | {article["url"] for article in answer.articles}
            if len(window.terms) > 1:
                for half in replace(window, end=cursor).halves():
                    yield from self._search(half, here)
            else:
                log.warning(
                    "[%s] %s: %d articles seen in the second %s by a single term; keeping "
                    "them, others of that second may be missing",
                    SOURCE,
                    label,
                    len(answer.articles),
                    _iso(cursor),
                )
            if cursor >= query.end:
                return
            cursor += ONE_SECOND
            known = frozenset()

    def _last_seen(
        self, articles: list[dict[str, Any]], window: ArticleQuery, label: str
    ) -> datetime | None:
        """The latest ``seendate`` of a capped answer: where the cap cut it."""
        times = [t for t in (seen_at(article) for article in articles) if t is not None]
        if not times:
            log.warning(
                "[%s] %s: the answer reached the cap but no seendate could be read; the rest of "
                "the window %s..%s is not asked",
                SOURCE,
                label,
                _iso(window.start),
                _iso(window.end),
            )
            return None
        last = max(times)
        if not window.start <= last <= window.end:
            raise MalformedPageError(
                SOURCE,
                label,
                f"an article seen at {_iso(last)}, outside the window asked "
                f"({_iso(window.start)}..{_iso(window.end)})",
            )
        return last

    def _ask(self, query: ArticleQuery) -> tuple[ParsedAnswer, str]:
        """One request: the answer read, and the page label (request label, query label)."""
        request = self.articles_request(query.query, query.start, query.end)
        label = f"{request.label} [{query.label}]"
        response = self.transport.send(request)
        answer = read_answer(response.body, label)
        if answer.repaired:
            log.warning(
                "[%s] %s: the answer was not valid JSON; repaired it, kept %d articles, "
                "%d part(s) unreadable",
                SOURCE,
                label,
                len(answer.articles),
                len(answer.unreadable),
            )
        return answer, label
