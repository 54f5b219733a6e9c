"""Serve the bundled sample: recorded API responses, answered by request key, offline."""

from __future__ import annotations

import json
import shutil
from functools import cached_property
from pathlib import Path
from typing import Any

from ingest.config import SAMPLE_DIR
from ingest.errors import IngestError
from ingest.transport import Request, Response

MANIFEST = "manifest.json"


class SampleMissingPageError(IngestError):
    """The sample was recorded for other requests (another watchlist or other years)."""


class SampleTransport:
    """A Transport that answers from ``data/<source>/index.json`` (request key -> page file).

    The recordings hold the exact bytes the fake APIs served, so the clients parse them with the
    same code as live responses, paging links included.
    """

    def __init__(self, data_dir: Path = SAMPLE_DIR) -> None:
        self.data_dir = Path(data_dir)
        self._indexes: dict[str, dict[str, str]] = {}

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return read_manifest(self.data_dir)

    def _index(self, source: str) -> dict[str, str]:
        if source not in self._indexes:
            path = self.data_dir / source / "index.json"
            try:
                self._indexes[source] = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                raise SampleMissingPageError(
                    source, f"the bundled sample has no recordings at {path}"
                ) from None
        return self._indexes[source]

    def send(self, request: Request) -> Response:
        page = self._page(request)
        body = (self.data_dir / request.source / page).read_bytes()
        return Response(request, 200, body, {"Content-Type": "application/json"})

    def download(self, request: Request, dest: Path) -> Response:
        """Copy a recorded file (an archive zip) to ``dest``, in chunks."""
        shutil.copyfile(self.data_dir / request.source / self._page(request), dest)
        return Response(request, 200, b"", {"Content-Type": "application/zip"})

    def _page(self, request: Request) -> str:
        page = self._index(request.source).get(request.key())
        if page is None:
            years = self.manifest.get("years")
            raise SampleMissingPageError(
                request.source,
                f"the bundled sample has no page for {request.label}. It was recorded for "
                f"years {years} and the default watchlist; regenerate it with "
                "`python -m tests.sample.generate` after changing either.",
            )
        return page

    def close(self) -> None:
        """Nothing to release: the recordings are read per request."""


def read_manifest(data_dir: Path = SAMPLE_DIR) -> dict[str, Any]:
    path = Path(data_dir) / MANIFEST
    try:
        manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IngestError(
            "sample", f"no bundled sample at {data_dir}: run `python -m tests.sample.generate`"
        ) from None
    return manifest


def sample_years(data_dir: Path = SAMPLE_DIR) -> tuple[int, int]:
    first, last = read_manifest(data_dir)["years"]
    return (int(first), int(last))
