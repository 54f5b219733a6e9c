"""A fake of the GLEIF API (https://api.gleif.org/api/v1) over a list of LEI records and
relationship records, answering the requests the client makes as the real API does: JSON:API
documents, ``page[size]`` (default 15, at most 200) and ``page[number]`` with
``meta.pagination`` and ``first``/``prev``/``next``/``last`` links, each LEI record's
``relationships`` links saying which parents and children it has, 404 with a JSON:API ``errors``
body for what does not exist.

Simplifications, so nobody mistakes it for the API's full behaviour: ``filter[entity.legalName]``
matches a record whose legal name contains every word of the value (case aside; a comma separates
alternatives, as in GLEIF's IN operator) and ``filter[lei]`` a comma-separated list of LEIs; other
filters are a 400. A record's parents come from its ACTIVE relationship records; its children and
child relationships are every relationship record pointing at it, whatever its status (whether
the API lists INACTIVE relationships there is not established). A ``page[size]`` above 200 is a
400 here. Records carry no ISIN, LEI issuer or field-modification data behind their links.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from tests.fakes.app import Reply, int_param, json_reply

# ============================================================================================
# GLEIF API

GLEIF_PREFIX = "/api/v1"
GLEIF_LINK_BASE = "https://api.gleif.org/api/v1"  # the host the API's own links name
DEFAULT_PAGE_SIZE = 15
MAX_PAGE_SIZE = 200
GOLDEN_COPY_PUBLISH_DATE = "2025-05-15T00:00:00Z"
DIRECT = "IS_DIRECTLY_CONSOLIDATED_BY"
ULTIMATE = "IS_ULTIMATELY_CONSOLIDATED_BY"
_RECORD = re.compile(r"^/lei-records/([A-Z0-9]{20})(?:/([a-z-]+))?$")
# sub-resource -> (relationship type, the LEI record's side of it: "start" = child)
_PARENT_RECORDS = {"direct-parent": DIRECT, "ultimate-parent": ULTIMATE}
_PARENT_RELATIONSHIPS = {
    "direct-parent-relationship": DIRECT,
    "ultimate-parent-relationship": ULTIMATE,
}
_CHILD_RECORDS = {"direct-children": DIRECT, "ultimate-children": ULTIMATE}
_CHILD_RELATIONSHIPS = {
    "direct-child-relationships": DIRECT,
    "ultimate-child-relationships": ULTIMATE,
}
_PAGED_FILTERS = ("filter[entity.legalName]", "filter[lei]")


class _Error(Exception):
    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(title)
        self.status, self.title, self.detail = status, title, detail

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"status": str(self.status), "title": self.title}
        if self.detail:
            error["detail"] = self.detail
        return {"errors": [error]}


def _words(text: str) -> list[str]:
    return re.findall(r"[0-9a-z]+", text.lower())


class FakeGleifApi:
    """``GET /api/v1/lei-records...`` over ``records`` (each an LEI record's ``attributes``:
    ``lei``, ``entity``, ``registration``) and ``relationships`` (each a relationship record's
    ``attributes``: ``relationship`` with ``startNode``, ``endNode``, ``type``, ``status``,
    ``periods``; ``registration``; optional ``validFrom``)."""

    def __init__(
        self,
        records: Sequence[dict[str, Any]],
        relationships: Sequence[dict[str, Any]] = (),
        prefix: str = GLEIF_PREFIX,
    ) -> None:
        self.records = {r["lei"]: r for r in records}
        self.relationships = list(relationships)
        self.prefix = prefix.rstrip("/")

    # -- the data ----------------------------------------------------------------------------

    @staticmethod
    def _ends(rel: dict[str, Any]) -> tuple[str, str, str, str]:
        r = rel["relationship"]
        return r["startNode"]["id"], r["endNode"]["id"], r["type"], r["status"]

    def _parent(self, lei: str, kind: str) -> dict[str, Any] | None:
        for rel in self.relationships:
            start, _, type_, status = self._ends(rel)
            if start == lei and type_ == kind and status == "ACTIVE":
                return rel
        return None

    def _children(self, lei: str, kind: str) -> list[dict[str, Any]]:
        return [rel for rel in self.relationships if self._ends(rel)[1:3] == (lei, kind)]

    def _record_object(self, attributes: dict[str, Any]) -> dict[str, Any]:
        lei = attributes["lei"]
        base = f"{GLEIF_LINK_BASE}/lei-records/{lei}"
        links: dict[str, Any] = {
            "managing-lou": {"links": {"related": f"{base}/managing-lou"}},
            "lei-issuer": {"links": {"related": f"{base}/lei-issuer"}},
            "field-modifications": {"links": {"related": f"{base}/field-modifications"}},
        }
        for parent, kind in _PARENT_RECORDS.items():
            if self._parent(lei, kind) is not None:
                links[parent] = {
                    "links": {
                        "relationship-record": f"{base}/{parent}-relationship",
                        "lei-record": f"{base}/{parent}",
                    }
                }
            else:
                links[parent] = {
                    "links": {"reporting-exception": f"{base}/{parent}-reporting-exception"}
                }
        for (children, kind), relationships in zip(
            _CHILD_RECORDS.items(), _CHILD_RELATIONSHIPS, strict=True
        ):
            if self._children(lei, kind):
                links[children] = {
                    "links": {
                        "relationship-records": f"{base}/{relationships}",
                        "related": f"{base}/{children}",
                    }
                }
        return {
            "type": "lei-records",
            "id": lei,
            "attributes": attributes,
            "relationships": links,
            "links": {"self": base},
        }

    def _relationship_object(self, attributes: dict[str, Any]) -> dict[str, Any]:
        start, end, type_, _ = self._ends(attributes)
        digest = hashlib.sha256(f"{start}|{end}|{type_}".encode()).hexdigest()
        body = {"validFrom": attributes.get("validFrom"), "validTo": attributes.get("validTo")}
        body.update({k: v for k, v in attributes.items() if k not in ("validFrom", "validTo")})
        body.setdefault("extension", {"deletedAt": None})
        return {
            "type": "relationship-records",
            "id": f"{start}|LEI|{type_}|1|{digest}|",
            "attributes": body,
            "relationships": {
                "start-node": {"links": {"related": f"{GLEIF_LINK_BASE}/lei-records/{start}"}},
                "end-node": {"links": {"related": f"{GLEIF_LINK_BASE}/lei-records/{end}"}},
            },
        }

    def lei_record_objects(self) -> list[dict[str, Any]]:
        """Every LEI record as the API answers it (the resource object of ``data``)."""
        return [self._record_object(r) for r in self.records.values()]

    def relationship_objects(self) -> list[dict[str, Any]]:
        """Every relationship record as the API answers it."""
        return [self._relationship_object(r) for r in self.relationships]

    # -- HTTP --------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        try:
            if method.upper() != "GET":
                raise _Error(405, "Method Not Allowed")
            if not path.startswith(self.prefix + "/"):
                raise _Error(404, "Not Found")
            return json_reply(200, self._route(path[len(self.prefix) :].rstrip("/"), query))
        except _Error as exc:
            return json_reply(exc.status, exc.body())

    def _route(self, route: str, query: dict[str, str]) -> dict[str, Any]:
        if route == "/lei-records":
            return self._search(route, query)
        match = _RECORD.match(route)
        if match is None:
            raise _Error(404, "Not Found")
        lei, sub = match.groups()
        if lei not in self.records:
            raise _Error(404, "Not Found", f"LEI record {lei} not found")
        if sub is None:
            return self._single(self._record_object(self.records[lei]))
        if sub in _PARENT_RECORDS:
            rel = self._parent(lei, _PARENT_RECORDS[sub])
            parent = self.records.get(self._ends(rel)[1]) if rel else None
            if parent is None:
                raise _Error(404, "Not Found")
            return self._single(self._record_object(parent))
        if sub in _PARENT_RELATIONSHIPS:
            rel = self._parent(lei, _PARENT_RELATIONSHIPS[sub])
            if rel is None:
                raise _Error(404, "Not Found")
            return self._single(self._relationship_object(rel))
        if sub in _CHILD_RECORDS:
            starts = [self._ends(r)[0] for r in self._children(lei, _CHILD_RECORDS[sub])]
            found = [self.records[s] for s in dict.fromkeys(starts) if s in self.records]
            return self._page(route, query, [self._record_object(r) for r in found])
        if sub in _CHILD_RELATIONSHIPS:
            rels = self._children(lei, _CHILD_RELATIONSHIPS[sub])
            return self._page(route, query, [self._relationship_object(r) for r in rels])
        raise _Error(404, "Not Found")

    def _search(self, route: str, query: dict[str, str]) -> dict[str, Any]:
        filters = {k: v for k, v in query.items() if k.startswith("filter[")}
        unknown = sorted(set(filters) - set(_PAGED_FILTERS))
        if unknown:
            raise _Error(400, "Bad Request", f"the fake does not implement {', '.join(unknown)}")
        found = list(self.records.values())
        if "filter[lei]" in filters:
            wanted = {v.strip().upper() for v in filters["filter[lei]"].split(",")}
            found = [r for r in found if r["lei"] in wanted]
        if "filter[entity.legalName]" in filters:
            alternatives = [_words(v) for v in filters["filter[entity.legalName]"].split(",")]
            found = [
                r
                for r in found
                if any(
                    words and set(words) <= set(_words(r["entity"]["legalName"]["name"]))
                    for words in alternatives
                )
            ]
        return self._page(route, query, [self._record_object(r) for r in found])

    @staticmethod
    def _single(data: dict[str, Any]) -> dict[str, Any]:
        return {"meta": {"goldenCopy": {"publishDate": GOLDEN_COPY_PUBLISH_DATE}}, "data": data}

    def _page(self, route: str, query: dict[str, str], items: list[Any]) -> dict[str, Any]:
        size = int_param(query.get("page[size]")) or DEFAULT_PAGE_SIZE
        number = int_param(query.get("page[number]")) or 1
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise _Error(400, "Bad Request", f"page[size] must be between 1 and {MAX_PAGE_SIZE}")
        if number < 1:
            raise _Error(400, "Bad Request", "page[number] must be at least 1")
        total = len(items)
        last = max(1, -(-total // size))
        chunk = items[(number - 1) * size : number * size]
        start = (number - 1) * size + 1

        def link(page: int) -> str:
            params = {k: v for k, v in query.items() if not k.startswith("page[")}
            params.update({"page[number]": str(page), "page[size]": str(size)})
            return f"{GLEIF_LINK_BASE}{route}?{urlencode(params)}"

        links = {"first": link(1)}
        if number > 1:
            links["prev"] = link(min(number - 1, last))
        if number < last:
            links["next"] = link(number + 1)
        links["last"] = link(last)
        return {
            "meta": {
                "goldenCopy": {"publishDate": GOLDEN_COPY_PUBLISH_DATE},
                "pagination": {
                    "currentPage": number,
                    "perPage": size,
                    "from": start if chunk else None,
                    "to": start + len(chunk) - 1 if chunk else None,
                    "total": total,
                    "lastPage": last,
                },
            },
            "links": links,
            "data": chunk,
        }
