"""A fake of the Senate LDA API (``/filings/``, ``/contributions/``, ``/constants/``) over a list
of filing objects, answering as the real API does for the requests the clients make: DRF page-number
paging with a page size capped at 25, ``next`` links, the 400 for ``page>1`` without a filter.

Simplifications, so nobody mistakes it for the API's full behaviour: ``/filings/`` filters
``filing_year``, ``filing_period``, ``filing_type``, ``filing_uuid``, ``registrant_id``,
``client_id``, ``registrant_name``/``client_name`` (case-insensitive substring) and
``filing_dt_posted_after``/``_before``; ``/contributions/`` (LD-203) filters ``filing_year``,
``filing_period`` (``mid_year``/``year_end`` only), ``filing_type``, ``filing_uuid``,
``registrant_id``, ``registrant_name`` and ``lobbyist_id``. Other parameters are ignored, as the
real API ignores unknown ones. The wording of the "page>1 needs a filter" 400 is the fake's own.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit

from tests.fakes.app import Reply, int_param, json_reply

# ============================================================================================
# Senate LDA


LDA_PERIODS = (
    "first_quarter",
    "second_quarter",
    "third_quarter",
    "fourth_quarter",
    "mid_year",
    "year_end",
)
LDA_MAX_PAGE_SIZE = 25
LDA_FILTERS = (
    "filing_year",
    "filing_period",
    "filing_type",
    "filing_uuid",
    "registrant_id",
    "client_id",
    "registrant_name",
    "client_name",
    "filing_dt_posted_after",
    "filing_dt_posted_before",
)


CONTRIBUTION_PERIODS = ("mid_year", "year_end")
CONTRIBUTION_FILTERS = (
    "filing_year",
    "filing_period",
    "filing_type",
    "filing_uuid",
    "registrant_id",
    "registrant_name",
    "lobbyist_id",
)


def _lda_posted(filing: dict[str, Any]) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(str(filing.get("dt_posted")))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def _period_error(period: str) -> Reply:
    return json_reply(
        400,
        {
            "filing_period": [
                f"Select a valid choice. {period} is not one of the available choices."
            ]
        },
    )


def _ordered(rows: Sequence[dict[str, Any]], query: dict[str, str]) -> list[dict[str, Any]]:
    ordering = query.get("ordering")
    if ordering in ("dt_posted", "-dt_posted"):
        return sorted(rows, key=_lda_posted, reverse=ordering.startswith("-"))
    return list(rows)


class FakeLdaApi:
    """``GET <base_url>filings/`` (and ``filings/<uuid>/``) and ``GET <base_url>contributions/``
    (and ``contributions/<uuid>/``, LD-203 reports) with DRF page-number paging."""

    def __init__(
        self,
        filings: Sequence[dict[str, Any]],
        base_url: str,
        contributions: Sequence[dict[str, Any]] | None = None,
        constants: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        self.filings = list(filings)
        self.contributions = list(contributions or [])
        self.constants = dict(constants or {})
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.base_path = urlsplit(self.base_url).path

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if not path.startswith(self.base_path):
            return json_reply(404, {"detail": "Not found."})
        rest = path[len(self.base_path) :]
        constants = re.fullmatch(r"constants/filing/([a-z]+)/", rest)
        if constants and method.upper() == "GET":
            items = self.constants.get(constants.group(1))
            if items is None:
                return json_reply(404, {"detail": "Not found."})
            return json_reply(200, items)  # constants are a plain list, not paged
        if rest not in ("filings/", "contributions/") and not re.fullmatch(
            r"(filings|contributions)/[^/]+/", rest
        ):
            return json_reply(404, {"detail": "Not found."})
        if method.upper() != "GET":
            return json_reply(405, {"detail": f'Method "{method.upper()}" not allowed.'})
        if rest in ("filings/", "contributions/"):
            return self._list(path, query)
        endpoint, uuid = rest.split("/")[:2]
        records = self.filings if endpoint == "filings" else self.contributions
        for record in records:
            if record.get("filing_uuid") == uuid:
                return json_reply(200, record)
        kind = "Filing" if endpoint == "filings" else "ContributionReport"
        return json_reply(404, {"detail": f"No {kind} matches the given query."})

    def _matches(self, query: dict[str, str]) -> list[dict[str, Any]] | Reply:
        rows = self.filings
        year = query.get("filing_year")
        if year:
            wanted = int_param(year)
            if wanted is None:
                return json_reply(400, {"filing_year": ["Enter a number."]})
            rows = [f for f in rows if f.get("filing_year") == wanted]
        period = query.get("filing_period")
        if period:
            if period not in LDA_PERIODS:
                return _period_error(period)
            rows = [f for f in rows if f.get("filing_period") == period]
        for key in ("filing_type", "filing_uuid"):
            if query.get(key):
                rows = [f for f in rows if f.get(key) == query[key]]
        for key, entity in (("registrant_id", "registrant"), ("client_id", "client")):
            if query.get(key):
                wanted = int_param(query[key])
                if wanted is None:
                    return json_reply(400, {key: ["Enter a number."]})
                rows = [f for f in rows if (f.get(entity) or {}).get("id") == wanted]
        for key, entity in (("registrant_name", "registrant"), ("client_name", "client")):
            if query.get(key):
                needle = query[key].lower()
                rows = [
                    f for f in rows if needle in str((f.get(entity) or {}).get("name", "")).lower()
                ]
        for key in ("filing_dt_posted_after", "filing_dt_posted_before"):
            if query.get(key):
                try:
                    day = dt.date.fromisoformat(query[key])
                except ValueError:
                    return json_reply(400, {key: ["Enter a valid date."]})
                after = key.endswith("after")
                rows = [
                    f
                    for f in rows
                    if (_lda_posted(f).date() >= day if after else _lda_posted(f).date() <= day)
                ]
        return _ordered(rows, query)

    def _contribution_matches(self, query: dict[str, str]) -> list[dict[str, Any]] | Reply:
        """The LD-203 reports a ``/contributions/`` query selects, in the asked order."""
        rows = self.contributions
        year = query.get("filing_year")
        if year:
            wanted = int_param(year)
            if wanted is None:
                return json_reply(400, {"filing_year": ["Enter a number."]})
            rows = [r for r in rows if r.get("filing_year") == wanted]
        period = query.get("filing_period")
        if period:
            if period not in CONTRIBUTION_PERIODS:
                return _period_error(period)
            rows = [r for r in rows if r.get("filing_period") == period]
        for key in ("filing_type", "filing_uuid"):
            if query.get(key):
                rows = [r for r in rows if r.get(key) == query[key]]
        for key, entity in (("registrant_id", "registrant"), ("lobbyist_id", "lobbyist")):
            if query.get(key):
                wanted = int_param(query[key])
                if wanted is None:
                    return json_reply(400, {key: ["Enter a number."]})
                rows = [r for r in rows if (r.get(entity) or {}).get("id") == wanted]
        if query.get("registrant_name"):
            needle = query["registrant_name"].lower()
            rows = [
                r
                for r in rows
                if needle in str((r.get("registrant") or {}).get("name", "")).lower()
            ]
        return _ordered(rows, query)

    def _link(self, path: str, query: dict[str, str], page: int) -> str:
        # DRF's replace_query_param / remove_query_param: parameters sorted, page replaced.
        params = {k: v for k, v in query.items() if k != "page"}
        if page > 1:
            params["page"] = str(page)
        url = self.base_url + path[len(self.base_path) :]
        encoded = urlencode(sorted(params.items()))
        return f"{url}?{encoded}" if encoded else url

    def _list(self, path: str, query: dict[str, str]) -> Reply:
        raw_page = query.get("page", "1")
        page = int_param(raw_page)
        if page is None or page < 1:
            return json_reply(404, {"detail": "Invalid page."})
        contributions = path[len(self.base_path) :] == "contributions/"
        filters = CONTRIBUTION_FILTERS if contributions else LDA_FILTERS
        if page > 1 and not any(query.get(k) for k in filters):
            return json_reply(
                400,
                {
                    "detail": "Paging past the first page requires at least one filter, "
                    "such as filing_year or filing_period."
                },
            )
        matched = self._contribution_matches(query) if contributions else self._matches(query)
        if isinstance(matched, tuple):
            return matched
        size = int_param(query.get("page_size"))
        size = LDA_MAX_PAGE_SIZE if size is None or size < 1 else min(size, LDA_MAX_PAGE_SIZE)
        count = len(matched)
        pages = max(1, math.ceil(count / size))
        if page > pages:
            return json_reply(404, {"detail": "Invalid page."})
        start = (page - 1) * size
        return json_reply(
            200,
            {
                "count": count,
                "next": self._link(path, query, page + 1) if page < pages else None,
                "previous": self._link(path, query, page - 1) if page > 1 else None,
                "results": matched[start : start + size],
            },
        )
