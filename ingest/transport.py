"""What crosses the network boundary, as plain data.

Clients build ``Request`` objects and hand them to a ``Transport``; the live transport
(``ingest.http.LiveTransport``) sends them with ``requests``, the sample transport
(``ingest.sample.replay.SampleTransport``) answers them from the bundled recordings. Either way the
client parses the same bytes with the same code, so the bundled sample exercises the live parsing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable
from urllib.parse import parse_qsl, urlencode, urlsplit


@dataclass(frozen=True)
class Request:
    source: str  # "lda" | "usaspending" | "gdelt"
    method: str  # "GET" | "POST"
    url: str  # absolute; may already carry a query string (DRF's `next` links do)
    params: Mapping[str, str] = field(default_factory=dict)
    json_body: Mapping[str, Any] | None = None

    def full_url(self) -> str:
        """The URL with ``params`` merged into any query string it already has."""
        parts = urlsplit(self.url)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        query.update({k: str(v) for k, v in self.params.items()})
        return parts._replace(query=urlencode(sorted(query.items()))).geturl()

    @property
    def label(self) -> str:
        """Names the page in errors and logs: method, URL with query, and the POST page if any."""
        label = f"{self.method} {self.full_url()}"
        if self.json_body is not None:
            page = self.json_body.get("page")
            label += f" (body page={page})" if page is not None else " (POST body)"
        return label

    def key(self) -> str:
        """A host-independent key for the request: path, sorted query, canonical JSON body.

        The sample recordings are indexed by it, so they replay whatever base URL is configured.
        """
        parts = urlsplit(self.full_url())
        key = f"{self.method} {parts.path}"
        if parts.query:
            key += f"?{parts.query}"
        if self.json_body is not None:
            key += " " + json.dumps(self.json_body, sort_keys=True, separators=(",", ":"))
        return key


@dataclass(frozen=True)
class Response:
    request: Request
    status: int
    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)
    # the URL that answered, after any redirects (None: the request's own URL)
    url: str | None = None

    @property
    def answered_by(self) -> str:
        """The origin (scheme and host) that sent this response."""
        parts = urlsplit(self.url or self.request.url)
        return f"{parts.scheme}://{parts.netloc}"

    def json(self) -> Any:
        """Parse the body as JSON or raise ``MalformedPageError`` naming the source and page."""
        from ingest.errors import MalformedPageError
        from ingest.redaction import redact

        try:
            return json.loads(self.body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            # redacted before it is cut, so that no part of a secret it echoes is left
            snippet = redact(self.body[:2000].decode("utf-8", "replace"))[:80]
            raise MalformedPageError(
                self.request.source, self.request.label, f"body is not JSON ({exc}): {snippet!r}"
            ) from None


class Transport(Protocol):
    def send(self, request: Request) -> Response:
        """Return a 2xx response, or raise an ``ingest.errors.IngestError``."""
        ...

    def close(self) -> None:
        """Release what the transport holds (the live one's HTTP session)."""
        ...


@runtime_checkable
class DownloadingTransport(Transport, Protocol):
    """A transport that can also stream a large body (an archive zip) to a file, in chunks,
    never holding it in memory."""

    def download(self, request: Request, dest: Path) -> Response:
        """Write the 2xx body of ``request`` to ``dest``; the response's ``body`` is empty.
        Errors as ``send``."""
        ...


@dataclass(frozen=True)
class UnreadablePart:
    """A body (or a part of one) the client could not read into records: kept as received, with
    the reason, so that landing quarantines it and the load's counts still reconcile."""

    body: str  # the text as received (bytes decoded as UTF-8, undecodable bytes replaced)
    reason: str


@dataclass(frozen=True)
class FetchedPage:
    """One page of one API response, parsed into the API's own record dicts.

    A page the client could only partly read (or not at all) carries what it could not read in
    ``unreadable``: landing quarantines each part with its reason and the page's label (the
    request), and the records that were read are landed as usual."""

    source: str
    label: str  # the request label of the page, for errors and the load ledger
    records: list[dict[str, Any]]
    # how errors name each record ("line 7" of a file); empty: "record <index>"
    record_names: tuple[str, ...] = ()
    unreadable: tuple[UnreadablePart, ...] = ()
    # for progress only: how many records the API says answer this page's request (the LDA's
    # `count`), when it says; and which request of the pull's plan it answers (number, of how
    # many), when the pull has a plan (``ingest.pulls.each``)
    expected_records: int | None = None
    request: tuple[int, int] | None = None
