"""SEC EDGAR client: the company ticker list (``GET https://www.sec.gov/files/company_tickers.json``)
and each company's submissions (``GET https://data.sec.gov/submissions/CIK##########.json``).

The warehouse reads EDGAR for company identity: a company's current name and its former names
with their dates, all under one Central Index Key (CIK). Which companies: the CIKs the watchlist
lists (``ciks:``), and every company_tickers.json entry whose title matches a watched company's
name or one of its ``recipient_search`` values (``comparable_name``: upper case, punctuation made
spaces, a trailing legal form dropped). A submissions body is kept as fetched, ``filings`` (the
list of the company's recent filings) included.

The SEC's fair-access rules ask for a User-Agent that names who asks with a contact address, and
at most 10 requests per second: the live transport sends ``EDGAR_USER_AGENT`` and spaces the
requests (``ingest.http``). Documentation: https://www.sec.gov/search-filings/edgar-application-
programming-interfaces and https://www.sec.gov/os/accessing-edgar-data
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from ingest.errors import MalformedPageError, SourceHTTPError
from ingest.transport import FetchedPage, Request, Transport
from ingest.watchlist import Watchlist

log = logging.getLogger(__name__)

SOURCE = "edgar"
TICKERS_PATH = "company_tickers.json"  # under EDGAR_FILES_URL (https://www.sec.gov/files/)
SUBMISSIONS_PATH = "submissions/CIK{cik:010d}.json"  # under EDGAR_DATA_URL (data.sec.gov)

# Legal forms dropped from the end of a name before two names are compared (EDGAR writes
# "AMAZON COM INC" where the watchlist says "AMAZON.COM").
LEGAL_FORMS = frozenset(
    {"INC", "INCORPORATED", "CORP", "CORPORATION", "CO", "COMPANY", "LLC", "LTD", "LIMITED"}
    | {"PLC", "LP", "LLP", "SA", "AG", "NV", "HOLDINGS"}
)


def comparable_name(name: str) -> str:
    """A name as the scope compares it: upper case, every run of characters other than letters
    and digits made one space, trailing legal forms dropped ("Amazon.com, Inc." and
    "AMAZON COM INC" both give "AMAZON COM")."""
    words = re.sub(r"[^A-Z0-9]+", " ", name.upper()).split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


def tickers_request(files_url: str) -> Request:
    return Request(SOURCE, "GET", files_url.rstrip("/") + "/" + TICKERS_PATH)


def submissions_request(data_url: str, cik: int) -> Request:
    return Request(SOURCE, "GET", data_url.rstrip("/") + "/" + SUBMISSIONS_PATH.format(cik=cik))


def parse_company_tickers(data: Any, label: str) -> list[dict[str, Any]]:
    """The entries of company_tickers.json (``{"0": {"cik_str": 320193, "ticker": "AAPL",
    "title": "Apple Inc."}, ...}``), in the file's order."""
    if not isinstance(data, dict) or not data:
        raise MalformedPageError(SOURCE, label, "company_tickers.json is not an object of entries")
    entries = []
    for position, entry in data.items():
        cik = entry.get("cik_str") if isinstance(entry, dict) else None
        if isinstance(cik, str) and cik.isdigit():
            cik = int(cik)
        if (
            not isinstance(cik, int)
            or isinstance(cik, bool)
            or not isinstance(entry.get("title"), str)
        ):
            raise MalformedPageError(
                SOURCE, label, f"entry {position!r} has no numeric cik_str and title: {entry!r}"
            )
        entries.append({**entry, "cik_str": cik})
    return entries


def companies_in_scope(watchlist: Watchlist, tickers: Iterable[dict[str, Any]]) -> list[int]:
    """The CIKs to pull, each once, in order: the watchlist's own ``ciks``, then those of the
    ticker entries whose title compares equal to a watched company's name or recipient search
    (a company with several tickers is one CIK)."""
    ciks: list[int] = []
    wanted: set[str] = set()
    for company in watchlist.companies:
        ciks.extend(c for c in company.ciks if c not in ciks)
        wanted.update(comparable_name(n) for n in (company.name, *company.recipient_search))
    wanted.discard("")
    for entry in tickers:
        if comparable_name(entry["title"]) in wanted and entry["cik_str"] not in ciks:
            ciks.append(entry["cik_str"])
    return ciks


class EdgarClient:
    def __init__(self, transport: Transport, files_url: str, data_url: str) -> None:
        self.transport = transport
        self.files_url = files_url
        self.data_url = data_url

    def company_tickers(self) -> list[dict[str, Any]]:
        request = tickers_request(self.files_url)
        return parse_company_tickers(self.transport.send(request).json(), request.label)

    def iter_submissions(self, ciks: Iterable[int]) -> Iterator[FetchedPage]:
        """One page per CIK: its submissions object as fetched. A CIK EDGAR does not know (404)
        yields an empty page and a warning."""
        for cik in ciks:
            request = submissions_request(self.data_url, cik)
            try:
                data = self.transport.send(request).json()
            except SourceHTTPError as exc:
                if exc.status != 404:
                    raise
                log.warning("[%s] CIK %d: no submissions (404); skipped", SOURCE, cik)
                yield FetchedPage(SOURCE, request.label, [])
                continue
            if not isinstance(data, dict):
                raise MalformedPageError(SOURCE, request.label, "submissions are not an object")
            sent = data.get("cik")
            if not (isinstance(sent, str) and sent.isdigit() and int(sent) == cik):
                raise MalformedPageError(
                    SOURCE, request.label, f"asked for CIK {cik}, got cik {sent!r}"
                )
            yield FetchedPage(SOURCE, request.label, [data])
