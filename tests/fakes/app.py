"""What every fake API is: an ``App`` answering ``(method, path, query, body)`` with a ``Reply``.

The fakes answer as the real APIs do for the requests the clients make. They are test doubles, an
independent oracle: each keeps its own copy of its API's constants (paths, limits, filters) rather
than importing the client's. The local test server (``tests/support/http_server.py``) puts an app
behind real HTTP; the sample generator (``tests/sample/generate.py``) calls apps in-process and
records their bodies. Bodies are serialised deterministically (compact, API field order kept), so
recordings are stable.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

# (HTTP status, headers, body)
Reply = tuple[int, dict[str, str], bytes]

JSON_HEADERS = {"Content-Type": "application/json"}
TEXT_HEADERS = {"Content-Type": "text/html; charset=utf-8"}


class App(Protocol):
    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        """Answer one request: ``query`` holds the query string's parameters, ``body`` the raw
        request body (a JSON POST body), or None."""
        ...


def dumps(obj: Any) -> bytes:
    """The fakes' one serialisation: compact, UTF-8, keys in the API's order."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def json_reply(status: int, obj: Any) -> Reply:
    return status, dict(JSON_HEADERS), dumps(obj)


def int_param(value: str | None) -> int | None:
    """A query parameter read as an integer, or None when absent or not a number."""
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None
