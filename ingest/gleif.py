"""GLEIF API client: LEI records (Level 1) and their accounting-consolidation relationships
(Level 2), for the watched companies, their parents and their subsidiaries.

The API (https://api.gleif.org/api/v1, JSON:API documents) answers:

- ``GET /lei-records?filter[entity.legalName]=<name>``: LEI records whose legal name contains the
  words (a comma in a filter value means "any of", so names are searched without commas);
- ``GET /lei-records/<lei>``: one LEI record (``data`` an object of type ``lei-records``);
- ``GET /lei-records/<lei>/direct-children`` and ``/ultimate-children``: the subsidiaries' LEI
  records; ``/direct-child-relationships`` and ``/ultimate-child-relationships``: their
  relationship records. Collections are paged with ``page[size]`` (up to 200) and
  ``page[number]``; ``meta.pagination.lastPage`` says how many pages there are;
- ``GET /lei-records/<lei>/direct-parent`` / ``ultimate-parent`` (the parent's LEI record) and
  ``/direct-parent-relationship`` / ``ultimate-parent-relationship`` (the relationship record).

Which of these exist for an entity is stated in its LEI record: ``relationships.<name>.links``
holds ``lei-record``/``relationship-record`` (a parent), ``related``/``relationship-records``
(children) or only ``reporting-exception`` (no parent reported). The client asks only for what
the record links, so a refresh makes no request that answers 404.

A relationship record (``type`` ``relationship-records``) keeps the Level 2 data as GLEIF
publishes it: ``attributes.relationship.startNode.id`` (the child), ``endNode.id`` (the parent),
``type`` (``IS_DIRECTLY_CONSOLIDATED_BY`` / ``IS_ULTIMATELY_CONSOLIDATED_BY``), ``status`` and
``periods`` (``startDate``, optional ``endDate``, ``type``: ``RELATIONSHIP_PERIOD``,
``ACCOUNTING_PERIOD``, ``DOCUMENT_FILING_PERIOD``). Records are landed as fetched.

The API allows 60 requests a minute per user: the live transport spaces GLEIF requests
(``ingest.http.GLEIF_INTERVAL``) and retries a 429 after its ``Retry-After``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ingest.errors import MalformedPageError, SourceHTTPError
from ingest.transport import FetchedPage, Request, Transport
from ingest.watchlist import WatchedCompany

log = logging.getLogger(__name__)

SOURCE = "gleif"
API_DOCS = "https://www.gleif.org/en/lei-data/gleif-api"
MAX_PAGE_SIZE = 200
# a legal-name search reads at most this many pages of candidates (the filter matches words, so
# a short name can match thousands of records; the watched entity's LEI belongs in the watchlist)
MAX_SEARCH_PAGES = 5

LEI_RECORDS = "lei-records"
RELATIONSHIP_RECORDS = "relationship-records"
# relationship name in an LEI record -> the link (in its ``links``) saying the parent exists
PARENTS = ("direct-parent", "ultimate-parent")
CHILDREN = {
    # relationship name -> the endpoint of the children's relationship records
    "direct-children": "direct-child-relationships",
    "ultimate-children": "ultimate-child-relationships",
}


def comparable_name(name: str) -> str:
    """A legal name compared case and punctuation aside: "Amazon.com, Inc." and "AMAZON.COM INC"
    are the same name."""
    return " ".join(re.sub(r"[^0-9A-Z]+", " ", name.upper()).split())


def search_term(name: str) -> str:
    """The name as a ``filter[entity.legalName]`` value: without commas (a comma separates
    alternatives in GLEIF filters) and runs of spaces."""
    return " ".join(name.replace(",", " ").split())


@dataclass(frozen=True)
class WatchedEntity:
    """A watched company's LEIs: given in the watchlist, or found by legal name."""

    company: str
    leis: tuple[str, ...]
    # the records that the legal-name search matched (empty when the watchlist gives the LEIs);
    # not landed from here: each is fetched again by its LEI
    found: tuple[FetchedPage, ...] = ()


def _bad(page: str, reason: str) -> MalformedPageError:
    return MalformedPageError(SOURCE, page, reason)


def _links(record: dict[str, Any], relationship: str) -> dict[str, Any]:
    """``relationships.<relationship>.links`` of a resource object ({} when absent)."""
    relationships = record.get("relationships")
    entry = relationships.get(relationship) if isinstance(relationships, dict) else None
    links = entry.get("links") if isinstance(entry, dict) else None
    return links if isinstance(links, dict) else {}


def _check_resource(item: Any, kind: str, page: str, where: str) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise _bad(page, f"{where} is not an object but {type(item).__name__}")
    if item.get("type") != kind:
        raise _bad(page, f"{where} is of type {item.get('type')!r}, not {kind!r}")
    if not isinstance(item.get("id"), str) or not isinstance(item.get("attributes"), dict):
        raise _bad(page, f"{where} has no id or no attributes")
    return item


class GleifClient:
    """Reads LEI records and relationship records through the run's transport."""

    def __init__(self, transport: Transport, base_url: str, page_size: int = MAX_PAGE_SIZE):
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size}")
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.page_size = page_size

    # -- requests ----------------------------------------------------------------------------

    def request(self, path: str, params: dict[str, str] | None = None) -> Request:
        return Request(SOURCE, "GET", self.base_url + path, params=dict(params or {}))

    def _document(self, request: Request) -> dict[str, Any]:
        data = self.transport.send(request).json()
        if not isinstance(data, dict) or "data" not in data:
            raise _bad(request.label, "not a JSON:API document with data")
        return data

    def resource(self, path: str, kind: str) -> FetchedPage:
        """One resource (``data`` an object of type ``kind``), as a page of one record."""
        request = self.request(path)
        item = _check_resource(self._document(request)["data"], kind, request.label, "data")
        return FetchedPage(SOURCE, request.label, [item])

    def collection(
        self, path: str, kind: str, params: dict[str, str] | None = None, max_pages: int = 0
    ) -> Iterator[FetchedPage]:
        """Every page of a collection, page 1 to ``meta.pagination.lastPage`` (at most
        ``max_pages`` pages when it is positive)."""
        number = 1
        while True:
            request = self.request(
                path,
                {**(params or {}), "page[size]": str(self.page_size), "page[number]": str(number)},
            )
            data = self._document(request)
            items = data["data"]
            if not isinstance(items, list):
                raise _bad(request.label, "data is not a list")
            pagination = (data.get("meta") or {}).get("pagination")
            if not isinstance(pagination, dict):
                raise _bad(request.label, "meta.pagination is missing")
            last, current = pagination.get("lastPage"), pagination.get("currentPage")
            if not isinstance(last, int) or isinstance(last, bool) or last < 1:
                raise _bad(request.label, f"meta.pagination.lastPage is not a page: {last!r}")
            if current != number:
                raise _bad(request.label, f"asked for page {number}, got currentPage {current!r}")
            records = [
                _check_resource(item, kind, request.label, f"data[{i}]")
                for i, item in enumerate(items)
            ]
            if number < last and not records:
                raise _bad(request.label, f"an empty page {number} of {last}")
            yield FetchedPage(SOURCE, request.label, records)
            if number >= last or (max_pages and number >= max_pages):
                if number < last:
                    log.warning(
                        "[%s] %s: read %d of %d pages; the rest were not read",
                        SOURCE,
                        request.label,
                        number,
                        last,
                    )
                return
            number += 1

    # -- the watched entities ----------------------------------------------------------------

    def lei_record(self, lei: str) -> FetchedPage:
        """``GET /lei-records/<lei>``: the entity's LEI record."""
        page = self.resource(f"/lei-records/{lei}", LEI_RECORDS)
        if page.records[0]["id"] != lei:
            raise _bad(page.label, f"asked for LEI {lei}, got {page.records[0]['id']!r}")
        return page

    def search_legal_name(self, name: str) -> FetchedPage:
        """The LEI records whose legal name is ``name`` (case and punctuation aside), among the
        first pages the legal-name filter answers: one page holding the matches."""
        wanted = comparable_name(name)
        matches: list[dict[str, Any]] = []
        labels: list[str] = []
        for page in self.collection(
            "/lei-records",
            LEI_RECORDS,
            {"filter[entity.legalName]": search_term(name)},
            max_pages=MAX_SEARCH_PAGES,
        ):
            labels.append(page.label)
            for record in page.records:
                legal = ((record["attributes"].get("entity") or {}).get("legalName") or {}).get(
                    "name"
                )
                if isinstance(legal, str) and comparable_name(legal) == wanted:
                    matches.append(record)
        if not matches:
            log.warning("[%s] no LEI record is named %r; list its leis", SOURCE, name)
        label = labels[0] if len(labels) == 1 else f"{labels[0]} (+{len(labels) - 1} pages)"
        return FetchedPage(SOURCE, label, matches)

    def watched(self, company: WatchedCompany) -> WatchedEntity:
        """The company's LEIs: the watchlist's ``leis``, else the records named by its
        ``legal_names`` (or its name)."""
        if company.leis:
            return WatchedEntity(company.name, company.leis)
        found = tuple(
            self.search_legal_name(name) for name in (company.legal_names or (company.name,))
        )
        leis = tuple(dict.fromkeys(r["id"] for page in found for r in page.records))
        return WatchedEntity(company.name, leis, found)

    # -- what a refresh pulls ----------------------------------------------------------------

    def iter_lei_records(self, entities: Iterable[WatchedEntity]) -> Iterator[FetchedPage]:
        """For each watched LEI: its record, its parents' records and its direct and ultimate
        children's records (paged), as far as its record links them."""
        for entity in entities:
            # the search's matches are fetched again by LEI: a record lands as that endpoint
            # answers it, once
            for lei in entity.leis:
                page = self.lei_record(lei)
                yield page
                record = page.records[0]
                for parent in PARENTS:
                    if "lei-record" in _links(record, parent):
                        yield self.resource(f"/lei-records/{lei}/{parent}", LEI_RECORDS)
                for children in CHILDREN:
                    if "related" in _links(record, children):
                        yield from self.collection(f"/lei-records/{lei}/{children}", LEI_RECORDS)

    def iter_relationships(self, entities: Iterable[WatchedEntity]) -> Iterator[FetchedPage]:
        """For each watched LEI: the relationship records to its direct and ultimate parents and
        from its direct and ultimate children (paged), as far as its record links them."""
        for entity in entities:
            for lei in entity.leis:
                record = self.lei_record(lei).records[0]
                for parent in PARENTS:
                    if "relationship-record" in _links(record, parent):
                        path = f"/lei-records/{lei}/{parent}-relationship"
                        yield self._parent_relationship(path)
                for children, endpoint in CHILDREN.items():
                    if "relationship-records" in _links(record, children):
                        yield from self.collection(
                            f"/lei-records/{lei}/{endpoint}", RELATIONSHIP_RECORDS
                        )

    def _parent_relationship(self, path: str) -> FetchedPage:
        """A parent relationship record; one the record linked but the API no longer has (404:
        it changed between the two requests) is an empty page and a warning."""
        try:
            return self.resource(path, RELATIONSHIP_RECORDS)
        except SourceHTTPError as exc:
            if exc.status != 404:
                raise
            log.warning("[%s] %s: not found (404); skipped", SOURCE, exc.page)
            return FetchedPage(SOURCE, exc.page, [])
