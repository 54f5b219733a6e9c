"""A local HTTP server (127.0.0.1, a free port) that puts a fake API behind real HTTP.

    with LocalApiServer() as server:
        server.app = FakeLdaApi(filings, server.url + "/api/v1/")
        server.throttle_next(retry_after="2", detail_seconds=4)   # the next request gets a 429
        ...                                                      # then the fake answers
        assert server.requests[0].header("User-Agent").startswith("influence-warehouse/")

Scripted replies are consumed first-in, first-out by the requests they match (optionally only
requests under a path prefix); a reply with ``times=None`` answers every matching request. The
request log keeps method, path, query, headers and body of every request, scripted or not.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.fakes.app import App


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    scripted: bool  # answered by a scripted reply rather than the app
    received_at: float = 0.0  # time.monotonic() when the server read the request

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        for key, value in self.headers.items():
            if key.lower() == lowered:
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class ScriptedReply:
    """One scripted answer. ``status=None`` passes the request on to the app (after ``delay``)."""

    status: int | None = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    times: int | None = 1  # None: every matching request, forever
    path_prefix: str | None = None
    redirect_to: str | None = None  # a base URL: Location = redirect_to + path + query
    drop: bool = False  # close the connection without answering
    delay: float = 0.0  # seconds to wait before answering


def free_port() -> int:
    """A port on 127.0.0.1 with nothing listening on it (for "connection refused")."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _body(value: bytes | str | Mapping[str, Any] | list[Any]) -> bytes:
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class LocalApiServer:
    """A ThreadingHTTPServer routing to ``app.handle`` with a scriptable fault queue."""

    def __init__(self, app: App | None = None) -> None:
        self.app = app
        self._scripted: list[ScriptedReply] = []
        self._log: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> LocalApiServer:
        if self._server is not None:
            return self
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                # Headers and body go out in separate writes: without this, Nagle's algorithm
                # and delayed ACKs stall keep-alive exchanges by ~40 ms.
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                owner._serve(self)

            def do_POST(self) -> None:
                owner._serve(self)

            def do_PUT(self) -> None:
                owner._serve(self)

            def do_DELETE(self) -> None:
                owner._serve(self)

            def log_message(self, format: str, *args: Any) -> None:
                return None

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = None
        self._thread = None

    def __enter__(self) -> LocalApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the server is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://127.0.0.1:{self.port}"

    # -- the request log ---------------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- scripting ---------------------------------------------------------------------------

    def script(self, reply: ScriptedReply) -> ScriptedReply:
        with self._lock:
            self._scripted.append(reply)
        return reply

    def pending(self) -> list[ScriptedReply]:
        with self._lock:
            return [r for r in self._scripted if r.times is None or r.times > 0]

    def reply_next(
        self,
        status: int,
        body: bytes | str | Mapping[str, Any] | list[Any] = b"",
        headers: Mapping[str, str] | None = None,
        times: int | None = 1,
        path_prefix: str | None = None,
    ) -> ScriptedReply:
        """Answer the next ``times`` requests with this status and body (a dict becomes JSON)."""
        merged = {"Content-Type": "application/json"} if not isinstance(body, bytes | str) else {}
        merged.update(headers or {})
        return self.script(
            ScriptedReply(status, merged, _body(body), times=times, path_prefix=path_prefix)
        )

    def throttle_next(
        self,
        times: int = 1,
        retry_after: str | None = "1",
        detail_seconds: int | None = None,
        path_prefix: str | None = None,
    ) -> ScriptedReply:
        """429, with a ``Retry-After`` header and/or a DRF body stating when to come back."""
        detail = "Request was throttled."
        if detail_seconds is not None:
            detail += f" Expected available in {detail_seconds} seconds."
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return self.reply_next(429, {"detail": detail}, headers, times, path_prefix)

    def error_next(
        self,
        status: int = 500,
        detail: str = "A server error occurred.",
        times: int | None = 1,
        path_prefix: str | None = None,
    ) -> ScriptedReply:
        return self.reply_next(status, {"detail": detail}, None, times, path_prefix)

    def unauthorized_next(self, detail: str = "Invalid token.", times: int = 1) -> ScriptedReply:
        return self.reply_next(401, {"detail": detail}, None, times)

    def malformed_next(
        self,
        body: bytes | str = b"<html><body><h1>Bad Gateway</h1></body></html>",
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        times: int = 1,
    ) -> ScriptedReply:
        """A 200 whose body is not what the API documents (HTML, text, truncated JSON...)."""
        return self.reply_next(status, body, {"Content-Type": content_type}, times)

    def redirect_all(
        self, target_base_url: str, status: int = 301, times: int | None = None
    ) -> ScriptedReply:
        """Answer with a redirect to the same path and query on ``target_base_url``
        (``http://host:port``): the old host pointing at the new one."""
        return self.script(
            ScriptedReply(status, times=times, redirect_to=target_base_url.rstrip("/"))
        )

    def drop_next(self, times: int = 1) -> ScriptedReply:
        """Close the connection without answering (the client sees a connection error)."""
        return self.script(ScriptedReply(None, times=times, drop=True))

    def delay_next(self, seconds: float, times: int = 1) -> ScriptedReply:
        """Wait ``seconds`` before letting the app answer (to provoke read timeouts)."""
        return self.script(ScriptedReply(None, times=times, delay=seconds))

    # -- serving -----------------------------------------------------------------------------

    def _take(self, path: str) -> ScriptedReply | None:
        with self._lock:
            for reply in self._scripted:
                if reply.times is not None and reply.times <= 0:
                    continue
                if reply.path_prefix is not None and not path.startswith(reply.path_prefix):
                    continue
                if reply.times is not None:
                    reply.times -= 1
                return reply
        return None

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        reply = self._take(parts.path)
        with self._lock:
            self._log.append(
                RecordedRequest(
                    handler.command,
                    parts.path,
                    query,
                    dict(handler.headers.items()),
                    body,
                    scripted=reply is not None and reply.status is not None,
                    received_at=time.monotonic(),
                )
            )
        if reply is not None and reply.delay:
            time.sleep(reply.delay)
        if reply is not None and reply.drop:
            handler.close_connection = True
            return
        if reply is not None and reply.redirect_to is not None:
            location = reply.redirect_to + handler.path
            self._write(handler, reply.status or 301, {"Location": location}, b"")
            return
        if reply is not None and reply.status is not None:
            self._write(handler, reply.status, reply.headers, reply.body)
            return
        if self.app is None:
            self._write(handler, 404, {"Content-Type": "text/plain"}, b"no app mounted")
            return
        try:
            status, headers, payload = self.app.handle(
                handler.command, parts.path, query, body if body else None
            )
        except Exception as exc:  # a bug in a fake: answer 500 and say what it was
            detail = {"detail": f"fake API raised {type(exc).__name__}: {exc}"}
            status, headers, payload = 500, {"Content-Type": "application/json"}, _body(detail)
        self._write(handler, status, headers, payload)

    @staticmethod
    def _write(
        handler: BaseHTTPRequestHandler, status: int, headers: Mapping[str, str], body: bytes
    ) -> None:
        handler.send_response(status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        if handler.command != "HEAD" and body:
            handler.wfile.write(body)
