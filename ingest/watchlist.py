"""The watchlist: which companies, agencies and topics scope the USAspending and GDELT pulls,
and which RSS/Atom feeds are read."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ingest.config import DEFAULT_WATCHLIST


@dataclass(frozen=True)
class Subtier:
    code: str
    name: str
    abbreviation: str


@dataclass(frozen=True)
class WatchedCompany:
    name: str
    recipient_search: tuple[str, ...]
    news_terms: tuple[str, ...]
    # USAspending UEIs of the company's recipients (searched as well: the API matches UEIs)
    ueis: tuple[str, ...] = ()
    # SEC EDGAR Central Index Keys of the company's registrants (their submissions are pulled,
    # beside those whose EDGAR title matches the company's names: ingest/edgar.py)
    ciks: tuple[int, ...] = ()
    # GLEIF Legal Entity Identifiers of the company (its top entity, usually the ultimate parent);
    # without them GLEIF is searched by legal_names
    leis: tuple[str, ...] = ()
    # the company's registered legal names, searched in GLEIF when no LEI is given (default: name)
    legal_names: tuple[str, ...] = ()


@dataclass(frozen=True)
class WatchedAgency:
    name: str
    abbreviation: str
    toptier_code: str
    subtiers: tuple[Subtier, ...]
    news_terms: tuple[str, ...]
    # "toptier": every award of the agency; "subtiers": only those of the listed sub-agencies
    pull: str = "toptier"


@dataclass(frozen=True)
class WatchedFeed:
    url: str  # an http(s) URL of an RSS 2.0 or Atom feed
    name: str = ""  # for people reading the watchlist; the feed's own title is recorded too


@dataclass(frozen=True)
class Alerts:
    """Where the watchlist digest of each refresh goes besides its files (ingest/alerts.py)."""

    webhook_url: str = ""  # an http(s) URL the JSON digest is POSTed to; empty: none


@dataclass(frozen=True)
class Watchlist:
    companies: tuple[WatchedCompany, ...]
    agencies: tuple[WatchedAgency, ...]
    topics: tuple[str, ...]
    feeds: tuple[WatchedFeed, ...] = ()
    alerts: Alerts = Alerts()


class WatchlistError(ValueError):
    """The watchlist file is not valid. ``problems`` holds every problem found, one line each,
    as ``<file>:<line>: <key>: <what is wrong>`` (the line 1-based, the key as a path such as
    ``companies[0].recipent_search``)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


# The watchlist's schema: each kind of entry with its keys (in the order the file's header
# documents them) and those it requires. A key not listed here is an error, never ignored: a
# misspelt `recipient_search` would otherwise drop a company's awards without a word.
@dataclass(frozen=True)
class EntrySchema:
    what: str  # how messages name one entry
    keys: tuple[str, ...]
    required: tuple[str, ...]


COMPANY = EntrySchema(
    "company",
    ("name", "recipient_search", "ueis", "news_terms", "ciks", "leis", "legal_names"),
    ("name",),
)
SUBTIER = EntrySchema("subtier", ("code", "name", "abbreviation"), ("code", "name"))
AGENCY = EntrySchema(
    "agency",
    ("name", "abbreviation", "toptier_code", "subtiers", "pull", "news_terms"),
    ("name", "toptier_code"),
)
FEED = EntrySchema("feed", ("url", "name"), ("url",))
ALERTS = EntrySchema("webhook setting", ("webhook_url",), ())
# the top-level sections; companies is required and must list at least one company
TOP_LEVEL = EntrySchema(
    "watchlist", ("companies", "agencies", "topics", "feeds", "alerts"), ("companies",)
)
PULLS = ("toptier", "subtiers")

_NULL = "tag:yaml.org,2002:null"


def _describe(node: Node) -> str:
    if isinstance(node, SequenceNode):
        return "a list"
    if isinstance(node, MappingNode):
        return "a mapping"
    return f"the value {node.value!r}"


def _closest(key: str, known: Sequence[str]) -> str:
    match = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
    if match:
        return f"unknown key; did you mean {match[0]}?"
    return f"unknown key; known keys: {', '.join(known)}"


def _absent(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _NULL)


class _Reader:
    """Reads the watchlist's YAML nodes against the schema, collecting every problem with the
    file, the line and the key, so that all are reported together."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._problems: list[tuple[int, str]] = []

    @property
    def problems(self) -> list[str]:
        """The problems in the order of their lines."""
        return [text for _, text in sorted(self._problems, key=lambda p: p[0])]

    def problem(self, node: Node | None, where: str, what: str) -> None:
        line = node.start_mark.line + 1 if node is not None else 1
        at = f" {where}:" if where else ""
        self._problems.append((line, f"{self.path}:{line}:{at} {what}"))

    def mapping(self, node: Node, where: str, schema: EntrySchema) -> dict[str, Node] | None:
        """The entry's keys and their value nodes, or None if ``node`` is not a mapping."""
        if not isinstance(node, MappingNode):
            self.problem(
                node,
                where,
                f"expected a {schema.what} (a mapping with {', '.join(schema.keys)}), "
                f"got {_describe(node)}",
            )
            return None
        found: dict[str, Node] = {}
        for key_node, value in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            at = f"{where}.{key}" if where else key
            if key not in schema.keys:
                self.problem(key_node, at, _closest(key, schema.keys))
            elif key in found:
                self.problem(key_node, at, "duplicate key (the first one would be ignored)")
            else:
                found[key] = value
        for key in schema.required:
            value = found.get(key)
            if _absent(value) or (isinstance(value, ScalarNode) and not value.value.strip()):
                at = f"{where}.{key}" if where else key
                self.problem(found.get(key, node), at, f"missing; every {schema.what} needs one")
        return found

    def text(self, node: Node | None, where: str, default: str = "") -> str:
        """One value (a string or a number, as written)."""
        if _absent(node):
            return default
        assert node is not None
        if not isinstance(node, ScalarNode):
            self.problem(node, where, f"expected a single value, got {_describe(node)}")
            return default
        return str(node.value)

    def texts(self, node: Node | None, where: str) -> tuple[str, ...]:
        """A list of values; a single value where a list is expected is an error."""
        return tuple(self.text(item, f"{where}[{i}]") for i, item in self.items(node, where))

    def items(self, node: Node | None, where: str, of: str = "") -> list[tuple[int, Node]]:
        """The items of a list, numbered; ``of`` names them when they are entries (companies)."""
        if _absent(node):
            return []
        assert node is not None
        if not isinstance(node, SequenceNode):
            hint = ""
            if of and isinstance(node, MappingNode):
                hint = " (start each entry with '- ')"
            elif not of and isinstance(node, ScalarNode):
                hint = f" (write [{node.value}])"
            expected = f"a list of {of}" if of else "a list"
            self.problem(node, where, f"expected {expected}, got {_describe(node)}{hint}")
            return []
        return list(enumerate(node.value))

    def codes(
        self, node: Node | None, where: str, label: str, ok: Callable[[str], bool], rule: str
    ) -> tuple[str, ...]:
        """A list of identifiers, upper-cased, each checked by ``ok``."""
        values = []
        for i, item in self.items(node, where):
            value = self.text(item, f"{where}[{i}]").strip().upper()
            if not ok(value):
                self.problem(item, f"{where}[{i}]", f"{label} {value!r} is not {rule}")
            values.append(value)
        return tuple(values)


def _read_company(r: _Reader, node: Node, where: str) -> WatchedCompany | None:
    c = r.mapping(node, where, COMPANY)
    if c is None:
        return None
    name = r.text(c.get("name"), f"{where}.name")
    ciks = r.codes(
        c.get("ciks"),
        f"{where}.ciks",
        "CIK",
        lambda v: v.isdigit() and 0 < int(v) < 10**10,
        "a number of 1-10 digits",
    )
    return WatchedCompany(
        name=name,
        recipient_search=r.texts(c.get("recipient_search"), f"{where}.recipient_search"),
        news_terms=r.texts(c.get("news_terms"), f"{where}.news_terms") or (name,),
        ueis=r.codes(
            c.get("ueis"),
            f"{where}.ueis",
            "UEI",
            lambda v: len(v) == 12 and v.isalnum(),
            "12 letters and digits",
        ),
        ciks=tuple(int(v) for v in ciks if v.isdigit()),
        leis=r.codes(
            c.get("leis"),
            f"{where}.leis",
            "LEI",
            lambda v: len(v) == 20 and v.isalnum() and v.isascii(),
            "20 letters and digits",
        ),
        legal_names=r.texts(c.get("legal_names"), f"{where}.legal_names"),
    )


def _read_agency(r: _Reader, node: Node, where: str) -> WatchedAgency | None:
    a = r.mapping(node, where, AGENCY)
    if a is None:
        return None
    name = r.text(a.get("name"), f"{where}.name")
    code = r.text(a.get("toptier_code"), f"{where}.toptier_code").strip()
    if code and not (code.isdigit() and len(code) in (3, 4)):
        r.problem(
            a["toptier_code"],
            f"{where}.toptier_code",
            f'{code!r} is not a 3- or 4-digit code (quote it: "070")',
        )
    subtiers = []
    for i, item in r.items(a.get("subtiers"), f"{where}.subtiers", "subtiers"):
        at = f"{where}.subtiers[{i}]"
        s = r.mapping(item, at, SUBTIER)
        if s is None:
            continue
        scode = r.text(s.get("code"), f"{at}.code").strip()
        if scode and not (scode.isdigit() and len(scode) == 4):
            r.problem(s["code"], f"{at}.code", f"{scode!r} is not 4 digits")
        subtiers.append(
            Subtier(
                scode,
                r.text(s.get("name"), f"{at}.name"),
                r.text(s.get("abbreviation"), f"{at}.abbreviation"),
            )
        )
    pull = r.text(a.get("pull"), f"{where}.pull", "toptier")
    if pull not in PULLS:
        r.problem(a["pull"], f"{where}.pull", f"{pull!r} is neither 'toptier' nor 'subtiers'")
    elif pull == "subtiers" and not subtiers:
        r.problem(a["pull"], f"{where}.pull", "says subtiers but the agency lists none")
    return WatchedAgency(
        name=name,
        abbreviation=r.text(a.get("abbreviation"), f"{where}.abbreviation"),
        toptier_code=code,
        subtiers=tuple(subtiers),
        news_terms=r.texts(a.get("news_terms"), f"{where}.news_terms") or (name,),
        pull=pull,
    )


def _read_feed(r: _Reader, node: Node, where: str) -> WatchedFeed | None:
    url_node: Node
    if isinstance(node, ScalarNode) and not _absent(node):
        url_node, name = node, ""
    elif isinstance(node, MappingNode):
        f = r.mapping(node, where, FEED)
        if f is None or _absent(f.get("url")):
            return None
        url_node, name = f["url"], r.text(f.get("name"), f"{where}.name")
        where = f"{where}.url"
    else:
        r.problem(node, where, f"expected a URL or a mapping with a url, got {_describe(node)}")
        return None
    url = r.text(url_node, where).strip()
    if url and not url.lower().startswith(("http://", "https://")):
        r.problem(url_node, where, f"{url!r} is not an http(s) URL")
    return WatchedFeed(url, name)


def _read_alerts(r: _Reader, node: Node | None) -> Alerts:
    if _absent(node):
        return Alerts()
    assert node is not None
    a = r.mapping(node, "alerts", ALERTS)
    if a is None:
        return Alerts()
    url = r.text(a.get("webhook_url"), "alerts.webhook_url").strip()
    if url and not url.lower().startswith(("http://", "https://")):
        r.problem(a["webhook_url"], "alerts.webhook_url", f"{url!r} is not an http(s) URL")
    return Alerts(webhook_url=url)


def load_watchlist(path: Path = DEFAULT_WATCHLIST) -> Watchlist:
    """The watchlist in ``path``, checked against the schema above. Raises ``WatchlistError``
    with every problem found (file, line, key), not only the first."""
    path = Path(path)
    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except OSError as exc:
        raise WatchlistError(
            [f"{path}: cannot read the watchlist: {exc.strerror or exc}"]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise WatchlistError([f"{path}:{line}: not valid YAML: {problem}"]) from None
    r = _Reader(path)
    if root is None:
        raise WatchlistError([f"{path}:1: companies: missing; the watchlist lists no company"])
    top = r.mapping(root, "", TOP_LEVEL)
    if top is None:
        raise WatchlistError(r.problems)
    company_items = r.items(top.get("companies"), "companies", "companies")
    listed = top.get("companies")
    if isinstance(listed, SequenceNode) and not listed.value:
        r.problem(listed, "companies", "is empty; list at least one company")
    companies = [_read_company(r, n, f"companies[{i}]") for i, n in company_items]
    agencies = [
        _read_agency(r, n, f"agencies[{i}]")
        for i, n in r.items(top.get("agencies"), "agencies", "agencies")
    ]
    topics = r.texts(top.get("topics"), "topics")
    feeds = [
        _read_feed(r, n, f"feeds[{i}]") for i, n in r.items(top.get("feeds"), "feeds", "feeds")
    ]
    alerts = _read_alerts(r, top.get("alerts"))
    if r.problems:
        raise WatchlistError(r.problems)
    return Watchlist(
        tuple(c for c in companies if c is not None),
        tuple(a for a in agencies if a is not None),
        topics,
        tuple(f for f in feeds if f is not None),
        alerts,
    )


# The watchlist's sections that say what to look for, in this order; each is one record of
# raw.watchlist_sections, so that dbt can tag the news with the watched entities' own terms.
WATCHLIST_SECTIONS = ("companies", "agencies", "topics")


def section_records(watchlist: Watchlist) -> list[dict[str, Any]]:
    """The watchlist's companies, agencies and topics as records, one per section, each with its
    entries as written (lists for tuples). A section with no entry is still a record (with an
    empty list), so an entity removed from the watchlist leaves the table at the next load."""
    return [
        {"section": "companies", "entries": [asdict(c) for c in watchlist.companies]},
        {"section": "agencies", "entries": [asdict(a) for a in watchlist.agencies]},
        {"section": "topics", "entries": [{"name": topic} for topic in watchlist.topics]},
    ]
