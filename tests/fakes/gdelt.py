"""A fake of the GDELT DOC 2.0 API in ArtList mode over a list of article objects.

Simplifications, so nobody mistakes it for the API's full behaviour: terms match titles as
case-insensitive substrings; ``domain:``, ``sourcecountry:``, ``sourcelang:`` and ``-term`` are
understood; relevance order is the list's order. With ``sort=DateAsc``/``DateDesc`` the matches
are sorted by ``seendate`` before the ``maxrecords`` cut (at most 250), as GDELT does. A query
GDELT would reject is answered as GDELT does: HTTP 200 with a line of text (the texts GDELT is
known to send, as quoted by client libraries: /work/research/issue13_research.md section 2). That
includes a query longer than ``max_query_chars``: GDELT documents no limit, so the fake keeps its
own (``GDELT_MAX_QUERY_CHARS``, a constructor argument for tests), independent of the client's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tests.fakes.app import TEXT_HEADERS, Reply, int_param, json_reply

# ============================================================================================
# GDELT DOC 2.0


GDELT_PATH = "/api/v2/doc/doc"
GDELT_DEFAULT_RECORDS = 75
GDELT_MAX_RECORDS = 250
# The fake's own query length limit (characters of the decoded query). GDELT's real one is not
# documented; this is the fake's, not the client's: tests pass lower ones to exercise splitting.
GDELT_MAX_QUERY_CHARS = 300
TOO_LONG = "Your query was too short or too long."
BAD_PARENTHESES = "One or more of your parenthetical clauses had an error in it."
UNPARENTHESISED_OR = "Queries containing OR'd terms must be surrounded by ()."
_TOKEN = re.compile(r'\s*(\(|\)|-?"[^"]*"|"|[^\s()"]+)')


class GdeltQueryError(ValueError):
    """A query GDELT rejects; the message is what it answers, as text, with HTTP 200."""


@dataclass(frozen=True)
class _Term:
    kind: str  # "text" | "domain" | "sourcecountry" | "sourcelang"
    value: str
    negated: bool = False

    def matches(self, article: dict[str, Any]) -> bool:
        if self.kind == "text":
            hit = self.value in str(article.get("title") or "").lower()
        elif self.kind == "domain":
            domain = str(article.get("domain") or "").lower()
            hit = domain == self.value or domain.endswith("." + self.value)
        elif self.kind == "sourcecountry":
            hit = str(article.get("sourcecountry") or "").replace(" ", "").lower() == self.value
        else:
            hit = str(article.get("language") or "").lower() == self.value
        return hit != self.negated


def _term(token: str) -> _Term:
    negated = token.startswith("-")
    if negated:
        token = token[1:]
    if token.startswith('"'):
        phrase = " ".join(token.strip('"').split()).lower()
        if not phrase:
            raise GdeltQueryError("The specified phrase is empty.")
        return _Term("text", phrase, negated)
    name, sep, value = token.partition(":")
    if sep and name.lower() in ("domain", "sourcecountry", "sourcelang"):
        return _Term(name.lower(), value.lower(), negated)
    if len(token) < 2:
        raise GdeltQueryError(TOO_LONG)  # GDELT's answer to a single-character keyword
    return _Term("text", token.lower(), negated)


def parse_gdelt_query(query: str) -> list[list[_Term]]:
    """A query as AND-ed clauses, each a list of OR-ed terms."""
    tokens = _TOKEN.findall(query)
    clauses: list[list[_Term]] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token == '"':
            raise GdeltQueryError("The query contains an unterminated phrase.")
        if token == ")":
            raise GdeltQueryError(BAD_PARENTHESES)
        if token == "OR":
            raise GdeltQueryError(UNPARENTHESISED_OR)
        if token != "(":
            clauses.append([_term(token)])
            i += 1
            continue
        group: list[_Term] = []
        i += 1
        expect_term = True
        while i < len(tokens) and tokens[i] != ")":
            token = tokens[i]
            if token in ("(", '"'):
                raise GdeltQueryError("Nested parentheses or unterminated phrases are not allowed.")
            if expect_term:
                if token == "OR":
                    raise GdeltQueryError("OR must sit between two search terms.")
                group.append(_term(token))
            elif token != "OR":
                raise GdeltQueryError("Parentheses may only be used around OR'd statements.")
            expect_term = not expect_term
            i += 1
        if i >= len(tokens):
            raise GdeltQueryError(BAD_PARENTHESES)
        if expect_term or len(group) < 2:
            raise GdeltQueryError("Parentheses may only be used around OR'd statements.")
        clauses.append(group)
        i += 1  # the ")"
    if not clauses:
        raise GdeltQueryError("Please specify a search query.")
    return clauses


def _gdelt_time(value: str, name: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        raise GdeltQueryError(f"Invalid {name}: it must be YYYYMMDDHHMMSS.") from None


def _seen(article: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.strptime(str(article.get("seendate")), "%Y%m%dT%H%M%SZ").replace(
            tzinfo=dt.UTC
        )
    except ValueError:
        raise ValueError(
            f"article {article.get('url')!r} has a seendate GDELT would not send: "
            f"{article.get('seendate')!r} (expected like 20181023T210400Z)"
        ) from None


class FakeGdeltApi:
    """``GET /api/v2/doc/doc?mode=ArtList&format=json`` over GDELT article objects."""

    def __init__(
        self,
        articles: Sequence[dict[str, Any]],
        path: str = GDELT_PATH,
        max_query_chars: int = GDELT_MAX_QUERY_CHARS,
    ) -> None:
        self.articles = list(articles)
        self.path = path
        self.max_query_chars = max_query_chars
        self._seen = [_seen(article) for article in self.articles]
        self.searches = 0  # the searches answered (rejected ones included)

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if path.rstrip("/") != self.path.rstrip("/"):
            return 404, dict(TEXT_HEADERS), b"<html><body>404 Not Found</body></html>"
        try:
            return json_reply(200, self._search(query))
        except GdeltQueryError as exc:
            return 200, dict(TEXT_HEADERS), str(exc).encode("utf-8")

    def _search(self, query: dict[str, str]) -> dict[str, Any]:
        self.searches += 1
        text = query.get("query", "").strip()
        if not text:
            raise GdeltQueryError("Please specify a search query.")
        if len(text) > self.max_query_chars:
            raise GdeltQueryError(TOO_LONG)
        clauses = parse_gdelt_query(text)
        if query.get("mode", "").lower() != "artlist":
            raise GdeltQueryError("The fake GDELT API only implements mode=ArtList.")
        if query.get("format", "").lower() != "json":
            raise GdeltQueryError("The fake GDELT API only implements format=json.")
        records = int_param(query.get("maxrecords")) or GDELT_DEFAULT_RECORDS
        records = max(1, min(records, GDELT_MAX_RECORDS))
        start = (
            _gdelt_time(query["startdatetime"], "startdatetime")
            if "startdatetime" in query
            else None
        )
        end = _gdelt_time(query["enddatetime"], "enddatetime") if "enddatetime" in query else None
        found: list[tuple[dt.datetime, dict[str, Any]]] = []
        for seen, article in zip(self._seen, self.articles, strict=True):
            if (start and seen < start) or (end and seen > end):
                continue
            if all(any(term.matches(article) for term in clause) for clause in clauses):
                found.append((seen, article))
        order = query.get("sort", "").lower()
        if order in ("dateasc", "datedesc"):
            found.sort(key=lambda pair: pair[0], reverse=order == "datedesc")
        articles = [article for _, article in found[:records]]
        return {"articles": articles} if articles else {}
