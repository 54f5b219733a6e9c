"""The bundled sample is exactly what regenerating it produces (byte for byte)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingest.config import SAMPLE_DIR
from tests.sample.generate import differences, generate

pytestmark = pytest.mark.integration


def test_regenerating_the_sample_reproduces_the_bundled_copy(tmp_path: Path) -> None:
    manifest = generate(tmp_path / "data")

    assert differences(SAMPLE_DIR, tmp_path / "data") == []
    recorded = manifest["recorded"]
    assert isinstance(recorded, dict)
    assert recorded["lda_filings"]["records"] == 2150
    assert recorded["usaspending_awards"]["distinct_keys"] >= 5000
    assert recorded["gdelt_articles"]["distinct_keys"] >= 500
    # both feeds (one RSS, one Atom) recorded, every entry of each kept
    assert recorded["feed_entries"]["pages"] == 2
    assert recorded["feed_entries"]["records"] == manifest["universe"]["feed_entries"]  # type: ignore[index]
    assert recorded["analyst_articles"]["records"] == manifest["universe"]["analyst_articles"]  # type: ignore[index]
    bundled = json.loads((SAMPLE_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert bundled == manifest
