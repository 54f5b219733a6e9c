"""Serve a built site folder over HTTP on 127.0.0.1 only (``influence site serve``).

The site is plain files and works from ``file://`` too; serving it is for a quick look in a
browser, or for a colleague on the same machine. The server is the standard library's, bound to
the loopback address so that nothing outside this machine can reach it.
"""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"


class SiteNotBuilt(Exception):
    """The folder holds no built site (no index.html)."""


class QuietHandler(SimpleHTTPRequestHandler):
    """Serves the files of one folder; logs only requests that fail (a page view is not news)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if str(code).isdigit() and int(code) >= 400:
            super().log_request(code, size)


def make_server(directory: Path, port: int = 8000) -> ThreadingHTTPServer:
    """An HTTP server of ``directory`` bound to 127.0.0.1:``port`` (0: any free port), not yet
    serving: call ``serve_forever`` (and ``shutdown``/``server_close``). Raises ``SiteNotBuilt``
    when the folder has no index.html, ``OSError`` when the port is taken."""
    if not (directory / "index.html").is_file():
        raise SiteNotBuilt(
            f"no site in {directory} (no index.html): run `influence site build` first"
        )
    handler = functools.partial(QuietHandler, directory=str(directory))
    return ThreadingHTTPServer((HOST, port), handler)


def site_url(server: ThreadingHTTPServer) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}/"
