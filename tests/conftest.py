"""Fixtures shared by the whole suite. Add yours below; keep each small."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ingest.redaction import forget_secrets
from tests.support.http_server import App, LocalApiServer


@pytest.fixture(autouse=True)
def _forget_secrets() -> Iterator[None]:
    """Each test's secrets (an LDA key it configured) are redacted in that test only."""
    yield
    forget_secrets()


@pytest.fixture
def api_server() -> Iterator[LocalApiServer]:
    """A running local HTTP server; mount a fake with ``api_server.app = ...``."""
    with LocalApiServer() as server:
        yield server


@pytest.fixture
def make_api_server() -> Iterator[Callable[[App | None], LocalApiServer]]:
    """A factory of running local servers (e.g. an old host and a new one), all stopped after."""
    servers: list[LocalApiServer] = []

    def make(app: App | None = None) -> LocalApiServer:
        server = LocalApiServer(app).start()
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()
