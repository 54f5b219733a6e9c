"""Fixtures shared by the whole suite. Add yours below; keep each small."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from ingest.config import DBT_PROJECT_DIR
from ingest.redaction import forget_secrets
from tests.support.http_server import App, LocalApiServer

# The suite runs on two workers (pytest-xdist, `-n 2` in pyproject.toml):
# - each worker parses the dbt project into a target folder of its own (two `dbt parse` writing
#   one manifest.json while the other worker's Dagster reads it would race);
# - a test module stays whole on one worker, so its module fixtures are built once, and the
#   end-to-end modules all run on one worker, so the session's sample refreshes (``built_run``,
#   shared by three of them) run once.
END_TO_END = "tests/end_to_end/"


def pytest_configure(config: pytest.Config) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker and "DBT_TARGET_PATH" not in os.environ:
        os.environ["DBT_TARGET_PATH"] = str(DBT_PROJECT_DIR / "target" / f"pytest-{worker}")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    from xdist.scheduler import LoadScopeScheduling

    class ByModule(LoadScopeScheduling):
        """Work units: a test module, or every end-to-end module together."""

        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return END_TO_END if module.startswith(END_TO_END) else module

    return ByModule(config, log)


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
