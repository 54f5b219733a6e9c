"""A copy of the bundled sample with new records, as the APIs would answer a day later: for a
refresh that must find exactly those records new (the watchlist alerts' end-to-end test).

The copy links every recording to the bundled one but the pages it changes, which it rewrites:
the index (request key -> page) stays the same, so the refresh sends the same requests."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.config import SAMPLE_DIR


@dataclass(frozen=True)
class SampleChanges:
    data_dir: Path
    amended_filing_uuid: str  # the new LDA filing, an amendment of an Amazon report
    original_filing_uuid: str  # the filing it amends
    transaction: dict[str, Any]  # the new USAspending award action (a modification)


def _page(data_dir: Path, source: str, page: str) -> tuple[Path, dict[str, Any]]:
    path = data_dir / source / page
    return path, json.loads(path.read_text(encoding="utf-8"))


def _rewrite(path: Path, data: dict[str, Any]) -> None:
    path.unlink()  # a link to the bundled recording: write a file of its own instead
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def sample_with_changes(dest: Path) -> SampleChanges:
    """The sample in ``dest`` (links to the bundled files) with one LDA amendment (the outside
    firm's first-quarter 2017 report for Amazon, amended with a new income) and one award
    action (a modification of Amazon's first NASA purchase order of 2017)."""
    shutil.copytree(SAMPLE_DIR, dest, copy_function=os.symlink)
    index = json.loads((dest / "lda" / "index.json").read_text(encoding="utf-8"))
    query = "GET /api/v1/filings/?filing_period=first_quarter&filing_year=2017&ordering=dt_posted"
    pages = sorted((key, page) for key, page in index.items() if key.startswith(query))
    original = next(
        record
        for _, page in pages
        for record in _page(dest, "lda", page)[1]["results"]
        if record["client"]["name"].upper().startswith("AMAZON")
        and record["registrant"]["name"] != record["client"]["name"].upper()
        and record["filing_type"] == "Q1"
    )
    new_uuid = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    amendment = json.loads(
        json.dumps(original).replace(original["filing_uuid"], new_uuid)
    )  # its own uuid in every URL too
    amendment.update(
        filing_type="1A",
        filing_type_display="1st Quarter - Amendment",
        income="55000.00",
        dt_posted="2017-06-01T10:00:00-04:00",  # after every first-quarter filing
    )
    for _, page in pages:
        path, data = _page(dest, "lda", page)
        data["count"] += 1
        if data["next"] is None:  # the last page gets the amendment
            data["results"].append(amendment)
        _rewrite(path, data)

    index = json.loads((dest / "usaspending" / "index.json").read_text(encoding="utf-8"))
    key = next(
        key
        for key in index
        if key.startswith("POST /api/v2/search/spending_by_transaction/")
        and '"recipient_search_text":["AMAZON WEB SERVICES","AMAZON.COM"]' in key
        and '"start_date":"2017-01-01"' in key
    )
    path, data = _page(dest, "usaspending", index[key])
    transaction = dict(data["results"][0])
    transaction.update(
        {
            "Mod": "P00001",
            "Action Date": "2017-03-15",
            "Transaction Amount": 1234.56,
            "Transaction Description": "ADDITIONAL E-READER SUBSCRIPTIONS",
        }
    )
    data["results"].append(transaction)
    _rewrite(path, data)
    return SampleChanges(dest, new_uuid, original["filing_uuid"], transaction)
