"""The live transport: sends ``Request`` objects to the real APIs with one ``requests.Session``.

What it adds on top of ``requests``:

- a User-Agent on every request, and per-source headers (the LDA token when ``LDA_API_KEY`` is
  set; the key never appears in logs, errors or ``repr``: the transport registers it with
  ``ingest.redaction`` and redacts what it logs and raises, and refuses a key that an HTTP header
  cannot carry; SEC EDGAR's own User-Agent naming who asks, from ``EDGAR_USER_AGENT``);
- redirects followed by hand, so a POST is re-sent as a POST (301/302/307/308) and the LDA token
  survives the move from the historic host to its successor (it is kept only when the new host
  has the same name or both hosts are known LDA hosts);
- bounded retries with exponential backoff and jitter on 429, 5xx, refused or dropped connections
  and timeouts; a 429 waits the larger of its ``Retry-After`` header and the delay its DRF-style
  body states ("Expected available in 4 seconds.");
- a client-side rate limiter per source (minimum interval between requests);
- ``download``: the same, with a 2xx body streamed to a file in chunks (archive zips);
- errors that name the source and the page: 401/403 -> ``SourceAuthError`` when the API refused
  (a JSON ``detail``); a 403 from a bot wall (an HTML "Access Denied" page) ->
  ``SourceBlockedError``, whose message names ``LDA_API_URL`` and the other official LDA host;
  other statuses ->
  ``SourceHTTPError`` carrying the API's ``detail``, unreachable -> ``SourceUnreachableError``.

The limiter, the sleep function, the jitter and the clock are injectable so tests never wait.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol
from urllib.parse import urljoin, urlsplit

import requests

from ingest.config import Settings, check_api_key, other_official_lda_url
from ingest.errors import (
    SourceAuthError,
    SourceBlockedError,
    SourceHTTPError,
    SourceUnreachableError,
)
from ingest.redaction import redact, register_secret
from ingest.transport import Request, Response

log = logging.getLogger(__name__)

USER_AGENT = "influence-warehouse/0.1 (+https://github.com/influence-warehouse)"
DEFAULT_TIMEOUT: tuple[float, float] = (10.0, 60.0)  # (connect, read) seconds
DEFAULT_MAX_RETRIES = 5
MAX_REDIRECTS = 10
DOWNLOAD_CHUNK = 1 << 20  # bytes written at a time by ``download``
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Hosts between which the LDA token may follow a redirect (the historic host and its successor).
LDA_HOSTS = frozenset({"lda.senate.gov", "lda.gov"})

# Minimum seconds between two requests to one source (the APIs' published or advised limits).
# The LDA counts requests as they arrive in any minute. Spacing the starts at exactly 60/limit
# seconds let network jitter put limit + 1 arrivals in one minute (measured by
# tests/benchmarks/bench_lda_load.py), so the interval keeps a 1% margin.
LDA_RATE_MARGIN = 1.01
LDA_REQUESTS_PER_MINUTE_ANONYMOUS = 15  # per IP without a key
LDA_REQUESTS_PER_MINUTE_WITH_KEY = 120  # per key
LDA_INTERVAL_ANONYMOUS = 60.0 / LDA_REQUESTS_PER_MINUTE_ANONYMOUS * LDA_RATE_MARGIN
LDA_INTERVAL_WITH_KEY = 60.0 / LDA_REQUESTS_PER_MINUTE_WITH_KEY * LDA_RATE_MARGIN
GDELT_INTERVAL = 5.0  # "about one request every 5 seconds"
USASPENDING_INTERVAL = 0.25  # no published limit: 4 requests/second is polite
# SEC fair access: at most 10 requests per second (https://www.sec.gov/os/accessing-edgar-data),
# kept with a 10% margin
EDGAR_INTERVAL = 0.1 * 1.1
# GLEIF: "Rate limiting is currently set at 60 requests, per minute, per user" (the API's
# quick-start guide); the same 1% margin as the LDA's
GLEIF_REQUESTS_PER_MINUTE = 60
GLEIF_INTERVAL = 60.0 / GLEIF_REQUESTS_PER_MINUTE * LDA_RATE_MARGIN
# GLEIF answers JSON:API documents
GLEIF_ACCEPT = "application/vnd.api+json"
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9"


def default_intervals(
    has_lda_key: bool, lda_requests_per_minute: int | None = None
) -> dict[str, float]:
    """The per-source minimum intervals (seconds) the live transport uses by default.

    ``lda_requests_per_minute`` overrides the LDA's published limit (a key with another quota).
    """
    if lda_requests_per_minute is not None:
        lda = 60.0 / lda_requests_per_minute * LDA_RATE_MARGIN
    else:
        lda = LDA_INTERVAL_WITH_KEY if has_lda_key else LDA_INTERVAL_ANONYMOUS
    return {
        "lda": lda,
        "gdelt": GDELT_INTERVAL,
        "usaspending": USASPENDING_INTERVAL,
        "edgar": EDGAR_INTERVAL,
        "gleif": GLEIF_INTERVAL,
    }


# --------------------------------------------------------------------------------------------
# Parsing what a throttled (or failing) API says


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (delta-seconds or an HTTP-date).

    Returns ``None`` when the header is absent or unparseable; a date in the past gives ``0.0``.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is not a delay
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return max(0.0, (when - now).total_seconds())


_THROTTLE_DELAY = re.compile(
    r"available in\s+(\d+(?:\.\d+)?)\s*(second|sec|s|minute|min)?", re.IGNORECASE
)


def parse_throttle_delay(body: bytes) -> float | None:
    """Seconds a DRF-style throttled body asks for, e.g. ``{"detail": "Request was throttled.
    Expected available in 4 seconds."}``; ``None`` when the body states no delay."""
    text = error_detail(body)
    match = _THROTTLE_DELAY.search(text)
    if not match:
        return None
    seconds = float(match.group(1))
    unit = (match.group(2) or "s").lower()
    return seconds * 60 if unit.startswith("min") else seconds


def error_detail(body: bytes, limit: int = 300) -> str:
    """The human-readable error an API put in a body: DRF/USAspending ``detail`` (or
    ``message``/``error``), else the body's text, shortened to ``limit`` characters."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data: Any = json.loads(text)
    except ValueError:
        data = None
    text = redact(text)  # before it is cut: no part of a secret it echoes is left
    if isinstance(data, dict):
        for key in ("detail", "message", "error", "errors"):
            value = data.get(key)
            if isinstance(value, str) and value:
                text = redact(value)
                break
            if value:
                text = redact(json.dumps(value, ensure_ascii=False))
                break
    text = " ".join(text.split())
    if not text:
        return "(empty body)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_bot_wall(content_type: str | None, body: bytes) -> bool:
    """Whether a 403 came from a bot wall in front of the API rather than from the API.

    The APIs refuse a token with JSON (DRF: ``{"detail": "Invalid token."}``). A bot wall (Akamai's
    "Access Denied", a CDN's challenge page) answers with HTML, or with anything that is not a
    JSON object stating a ``detail``.
    """
    if content_type and "html" in content_type.lower():
        return True
    text = body.decode("utf-8", "replace").strip()
    if text.startswith("<"):
        return True
    try:
        data: Any = json.loads(text)
    except ValueError:
        return True
    return not (isinstance(data, dict) and any(k in data for k in ("detail", "message", "error")))


_HTML_TITLE = re.compile(r"<title>\s*([^<]*?)\s*</title>", re.IGNORECASE)


def bot_wall_summary(body: bytes) -> str:
    """What a bot wall's page says: its title and reference number if it has them."""
    text = redact(body.decode("utf-8", "replace"))
    title = _HTML_TITLE.search(text)
    reference = re.search(r"Reference\s*#\s*([0-9a-f.]+)", text, re.IGNORECASE)
    parts = [f'"{title.group(1)}"' if title else "an HTML page"]
    if reference:
        parts.append(f"reference #{reference.group(1)}")
    return ", ".join(parts)


# --------------------------------------------------------------------------------------------
# Client-side rate limiting


class RateLimiter(Protocol):
    def wait(self, source: str) -> None:
        """Block until a request to ``source`` may be sent, and claim that slot."""
        ...


class NoRateLimit:
    """A limiter that never waits (tests, or a transport that throttles elsewhere)."""

    def wait(self, source: str) -> None:
        return None


class MinIntervalRateLimiter:
    """Keeps at least ``intervals[source]`` seconds between the starts of two requests to one
    source. Sources without an interval are not limited. Thread-safe."""

    def __init__(
        self,
        intervals: Mapping[str, float],
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.intervals = dict(intervals)
        self._clock = clock
        self._sleep = sleep
        self._next_slot: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, source: str) -> None:
        interval = self.intervals.get(source, 0.0)
        if interval <= 0:
            return
        with self._lock:
            now = self._clock()
            slot = max(now, self._next_slot.get(source, now))
            self._next_slot[source] = slot + interval
        if slot > now:
            self._sleep(slot - now)


# --------------------------------------------------------------------------------------------
# The transport


class LiveTransport:
    """Sends requests to the real APIs; see the module docstring for what it handles."""

    def __init__(
        self,
        *,
        lda_api_key: str | None = None,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        backoff_base: float = 1.0,
        backoff_max: float = 60.0,
        max_wait: float = 900.0,
        rate_limiter: RateLimiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        session: requests.Session | None = None,
        user_agent: str = USER_AGENT,
        edgar_user_agent: str | None = None,
    ) -> None:
        if max_retries < 0:
            raise ValueError("max_retries must be >= 0")
        if lda_api_key:
            register_secret("LDA_API_KEY", lda_api_key)
            check_api_key("LDA_API_KEY", lda_api_key)
        self._lda_api_key = lda_api_key or None
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.max_wait = max_wait
        self.rate_limiter: RateLimiter = rate_limiter or MinIntervalRateLimiter(
            default_intervals(self._lda_api_key is not None), sleep=sleep
        )
        self._sleep = sleep
        self._jitter = jitter
        self._now = now
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"
        self._moved_warned: set[str] = set()
        # the SEC requires a User-Agent naming who asks, with a contact address (EDGAR_USER_AGENT)
        self.edgar_user_agent = edgar_user_agent

    def __repr__(self) -> str:
        key = "set" if self._lda_api_key else "unset"
        return (
            f"LiveTransport(lda_api_key=<{key}>, timeout={self.timeout}, "
            f"max_retries={self.max_retries})"
        )

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> LiveTransport:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the Transport protocol --------------------------------------------------------------

    def send(self, request: Request) -> Response:
        return self._exchange(request, None)

    def download(self, request: Request, dest: Path) -> Response:
        """Stream the 2xx body of ``request`` to ``dest`` in chunks (an archive zip of hundreds
        of megabytes never sits in memory), with the retries, redirects and errors of ``send``;
        a connection dropped mid-body starts the file again."""
        return self._exchange(request, dest)

    def _exchange(self, request: Request, sink: Path | None) -> Response:
        source, label = request.source, request.label
        method = request.method.upper()
        url = request.full_url()
        data: bytes | None = None
        if request.json_body is not None:
            data = json.dumps(request.json_body, ensure_ascii=False).encode("utf-8")
        retries = 0
        redirects = 0
        while True:
            headers = self._headers(source, url, data is not None, request.full_url())
            self.rate_limiter.wait(source)
            try:
                answer = self.session.request(
                    method,
                    url,
                    data=data,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                    stream=sink is not None,
                )
                if sink is not None and 200 <= answer.status_code < 300:
                    with answer, sink.open("wb") as out:
                        for chunk in answer.iter_content(DOWNLOAD_CHUNK):
                            out.write(chunk)
                    body = b""
                else:
                    body = answer.content
            except (
                requests.ConnectionError,
                requests.Timeout,
                requests.exceptions.ChunkedEncodingError,
            ) as exc:
                reason = self._describe(exc)
                if retries >= self.max_retries:
                    raise SourceUnreachableError(
                        source, label, f"{reason} (gave up after {retries + 1} attempts)"
                    ) from None
                delay = self._backoff(retries)
                retries += 1
                log.warning(
                    "[%s] %s: %s; retry %d/%d in %.1fs",
                    source,
                    redact(label),
                    reason,
                    retries,
                    self.max_retries,
                    delay,
                )
                self._sleep(delay)
                continue
            except requests.RequestException as exc:
                raise SourceUnreachableError(source, label, self._describe(exc)) from None

            status = answer.status_code
            if 200 <= status < 300:
                return Response(request, status, body, dict(answer.headers), url=url)

            location = answer.headers.get("Location")
            if status in REDIRECT_STATUSES and location:
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise SourceHTTPError(
                        source, label, status, f"more than {MAX_REDIRECTS} redirects"
                    )
                new_url = urljoin(url, location)
                if status in (301, 308) and source not in self._moved_warned:
                    self._moved_warned.add(source)
                    log.warning(
                        "[%s] the API moved permanently: %s -> %s; update its URL setting",
                        source,
                        _origin(url),
                        _origin(new_url),
                    )
                if status == 303 and method != "HEAD":  # "see other": fetch it with GET
                    method, data = "GET", None
                url = new_url
                continue

            detail = self._scrub(error_detail(body))
            if status in (401, 403):
                if status == 403 and is_bot_wall(answer.headers.get("Content-Type"), body):
                    summary = self._scrub(bot_wall_summary(body))
                    raise SourceBlockedError(
                        source, label, status, self._bot_wall_message(source, url, summary)
                    )
                raise SourceAuthError(source, label, status, self._auth_message(source, detail))

            if status == 429 or status >= 500:
                if retries >= self.max_retries:
                    raise SourceHTTPError(
                        source,
                        label,
                        status,
                        f"{detail} (gave up after {retries + 1} attempts)",
                    )
                delay = self._retry_delay(status, answer.headers, body, retries)
                if delay > self.max_wait:
                    raise SourceHTTPError(
                        source,
                        label,
                        status,
                        f"{detail} (the API asks to wait {delay:.0f}s, more than the "
                        f"{self.max_wait:.0f}s this transport will wait)",
                    )
                retries += 1
                log.warning(
                    "[%s] %s: HTTP %d (%s); retry %d/%d in %.1fs",
                    source,
                    redact(label),
                    status,
                    detail,
                    retries,
                    self.max_retries,
                    delay,
                )
                self._sleep(delay)
                continue

            raise SourceHTTPError(source, label, status, detail)

    # -- helpers -----------------------------------------------------------------------------

    def _headers(self, source: str, url: str, has_body: bool, original_url: str) -> dict[str, str]:
        headers: dict[str, str] = {}
        if has_body:
            headers["Content-Type"] = "application/json"
        if source == "feeds":  # publishers' servers, not JSON APIs
            headers["Accept"] = FEED_ACCEPT
        if source == "edgar" and self.edgar_user_agent:
            headers["User-Agent"] = self.edgar_user_agent
        if source == "gleif":
            headers["Accept"] = GLEIF_ACCEPT
        if source == "lda" and self._lda_api_key and _token_may_go_to(original_url, url):
            headers["Authorization"] = f"Token {self._lda_api_key}"
        return headers

    def _backoff(self, retry: int) -> float:
        """Exponential backoff with "equal jitter": half fixed, half random."""
        ceiling = min(self.backoff_max, self.backoff_base * (2**retry))
        return ceiling / 2 + self._jitter() * ceiling / 2

    def _retry_delay(
        self, status: int, headers: Mapping[str, str], body: bytes, retry: int
    ) -> float:
        stated = [
            d
            for d in (
                parse_retry_after(headers.get("Retry-After"), self._now()),
                parse_throttle_delay(body) if status == 429 else None,
            )
            if d is not None
        ]
        if stated:
            # What the server says, plus a little jitter so parallel clients do not stampede.
            return max(stated) + self._jitter() * min(1.0, self.backoff_base)
        return self._backoff(retry)

    def _auth_message(self, source: str, detail: str) -> str:
        if source != "lda":
            return f"access refused: {detail}"
        if self._lda_api_key:
            return (
                f"the LDA API refused the key in LDA_API_KEY ({detail}); check it, or unset "
                "LDA_API_KEY to use anonymous access (15 requests/minute)"
            )
        return (
            f"the LDA API refused anonymous access ({detail}); set LDA_API_KEY to an API key "
            "registered with the LDA API"
        )

    def _bot_wall_message(self, source: str, url: str, detail: str) -> str:
        host = urlsplit(url).hostname or url
        said = f"{host} answered with a bot wall's page ({detail}), not the API's JSON"
        if source != "lda":
            return f"{said}: the request was blocked before it reached the API"
        other = other_official_lda_url(url)
        instead = (
            f"set LDA_API_URL to the other official host, {urlsplit(other).hostname} "
            f"({_origin(other)}/api/v1/)"
            if other
            else "set LDA_API_URL to an official host (https://lda.gov/api/v1/ or "
            "https://lda.senate.gov/api/v1/)"
        )
        return (
            f"{said}: a bot wall refuses scripted clients, so LDA_API_KEY is not the problem; "
            f"{instead}, or run from another network"
        )

    def _scrub(self, text: str) -> str:
        return redact(text)

    def _describe(self, exc: requests.RequestException) -> str:
        if isinstance(exc, requests.ConnectTimeout):
            return f"connection timed out after {self.timeout[0]}s"
        if isinstance(exc, requests.ReadTimeout):
            return f"no answer within {self.timeout[1]}s"
        cause = _root_cause(exc)
        return self._scrub(f"{type(exc).__name__}: {cause}")[:300]


def _root_cause(exc: BaseException) -> str:
    """The innermost message of a requests/urllib3 error chain (e.g. "Connection refused")."""
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    if match:
        return match.group(1).strip()
    for marker in ("RemoteDisconnected", "Connection aborted", "ConnectionResetError"):
        if marker in text:
            return "the connection was closed without an answer"
    return text


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _token_may_go_to(original_url: str, url: str) -> bool:
    """The LDA token follows a redirect only to the same host name or between known LDA hosts."""
    old, new = urlsplit(original_url).hostname, urlsplit(url).hostname
    return old == new or (old in LDA_HOSTS and new in LDA_HOSTS)


def build_transport(
    settings: Settings,
    *,
    rate_limiter: RateLimiter | None = None,
    sleep: Callable[[float], None] = time.sleep,
    **options: Any,
) -> LiveTransport:
    """The live transport for ``settings`` (the LDA key, if any, and the rate limits)."""
    if rate_limiter is None:
        rate_limiter = MinIntervalRateLimiter(
            default_intervals(settings.lda_api_key is not None, settings.lda_requests_per_minute),
            sleep=sleep,
        )
    return LiveTransport(
        lda_api_key=settings.lda_api_key,
        edgar_user_agent=settings.edgar_user_agent,
        rate_limiter=rate_limiter,
        sleep=sleep,
        **options,
    )
