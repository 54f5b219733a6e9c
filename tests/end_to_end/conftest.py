"""The end-to-end modules' shared sample warehouse: built once per test session (about two
minutes), by the README's command, and read by test_sample_refresh.py and test_site.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.sample_refresh import Built, build_sample_twice


@pytest.fixture(scope="session")
def built_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    yield from build_sample_twice(tmp_path_factory.mktemp("e2e"))
