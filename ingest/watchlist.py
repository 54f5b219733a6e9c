"""The watchlist: which companies, agencies and topics scope the USAspending and GDELT pulls,
and which RSS/Atom feeds are read."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

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
class Watchlist:
    companies: tuple[WatchedCompany, ...]
    agencies: tuple[WatchedAgency, ...]
    topics: tuple[str, ...]
    feeds: tuple[WatchedFeed, ...] = ()


class WatchlistError(ValueError):
    pass


def _require(entry: dict, key: str, where: str) -> object:
    if key not in entry or entry[key] in (None, ""):
        raise WatchlistError(f"watchlist: {where} is missing {key!r}")
    return entry[key]


def _ueis(values: list[object], where: str) -> tuple[str, ...]:
    ueis = tuple(str(v).strip().upper() for v in values)
    for uei in ueis:
        if len(uei) != 12 or not uei.isalnum():
            raise WatchlistError(f"watchlist: {where} UEI {uei!r} is not 12 letters and digits")
    return ueis


def _ciks(values: list[object], where: str) -> tuple[int, ...]:
    ciks = []
    for value in values:
        text = str(value).strip()
        if not text.isdigit() or not 0 < int(text) < 10**10:
            raise WatchlistError(f"watchlist: {where} CIK {text!r} is not a number of 1-10 digits")
        ciks.append(int(text))
    return tuple(ciks)


def _leis(values: list[object], where: str) -> tuple[str, ...]:
    leis = tuple(str(v).strip().upper() for v in values)
    for lei in leis:
        if len(lei) != 20 or not lei.isalnum() or not lei.isascii():
            raise WatchlistError(f"watchlist: {where} LEI {lei!r} is not 20 letters and digits")
    return leis


def load_watchlist(path: Path = DEFAULT_WATCHLIST) -> Watchlist:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise WatchlistError(f"watchlist {path}: {exc}") from None
    companies = []
    for i, c in enumerate(data.get("companies") or []):
        where = f"companies[{i}]"
        companies.append(
            WatchedCompany(
                name=str(_require(c, "name", where)),
                recipient_search=tuple(str(s) for s in c.get("recipient_search") or []),
                news_terms=tuple(str(s) for s in c.get("news_terms") or [c["name"]]),
                ueis=_ueis(c.get("ueis") or [], where),
                ciks=_ciks(c.get("ciks") or [], where),
                leis=_leis(c.get("leis") or [], where),
                legal_names=tuple(str(s) for s in c.get("legal_names") or []),
            )
        )
    agencies = []
    for i, a in enumerate(data.get("agencies") or []):
        where = f"agencies[{i}]"
        code = str(_require(a, "toptier_code", where))
        if not (code.isdigit() and len(code) in (3, 4)):
            raise WatchlistError(
                f"watchlist: {where} toptier_code {code!r} is not a 3- or 4-digit code"
            )
        subtiers = []
        for s in a.get("subtiers") or []:
            scode = str(_require(s, "code", where + ".subtiers"))
            if not (scode.isdigit() and len(scode) == 4):
                raise WatchlistError(f"watchlist: {where} subtier code {scode!r} is not 4 digits")
            sname = str(_require(s, "name", f"{where}.subtiers {scode}"))
            subtiers.append(Subtier(scode, sname, str(s.get("abbreviation", ""))))
        pull = str(a.get("pull") or "toptier")
        if pull not in ("toptier", "subtiers"):
            raise WatchlistError(
                f"watchlist: {where} pull {pull!r} is neither 'toptier' nor 'subtiers'"
            )
        if pull == "subtiers" and not subtiers:
            raise WatchlistError(f"watchlist: {where} says pull: subtiers but lists none")
        agencies.append(
            WatchedAgency(
                name=str(_require(a, "name", where)),
                abbreviation=str(a.get("abbreviation", "")),
                toptier_code=code,
                subtiers=tuple(subtiers),
                news_terms=tuple(str(s) for s in a.get("news_terms") or [a["name"]]),
                pull=pull,
            )
        )
    topics = tuple(str(t) for t in data.get("topics") or [])
    feeds = []
    for i, f in enumerate(data.get("feeds") or []):
        where = f"feeds[{i}]"
        entry = {"url": f} if isinstance(f, str) else f
        if not isinstance(entry, dict):
            raise WatchlistError(f"watchlist: {where} is neither a URL nor a mapping with a url")
        url = str(_require(entry, "url", where)).strip()
        if not url.lower().startswith(("http://", "https://")):
            raise WatchlistError(f"watchlist: {where} url {url!r} is not an http(s) URL")
        feeds.append(WatchedFeed(url, str(entry.get("name") or "")))
    return Watchlist(tuple(companies), tuple(agencies), topics, tuple(feeds))


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
