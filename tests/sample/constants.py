"""Reference lists in the APIs' shapes, from the bundled copies (the dbt seeds), for the fake APIs
and the sample: the LDA constants (recorded from the live API in September 2024) and USAspending's
toptier agencies (the agency file USAspending loads, November 2024)."""

from __future__ import annotations

import csv
from typing import Any

from ingest.config import REFERENCE_SEEDS_DIR


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_SEEDS_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def bundled_constants() -> dict[str, list[dict[str, Any]]]:
    """``{list name: items}`` as ``GET constants/filing/<name>/`` answers them."""
    return {
        "filingtypes": [
            {"value": r["filing_type"], "name": r["filing_type_name"]}
            for r in _rows("lda_filing_types")
        ],
        "lobbyingactivityissues": [
            {"value": r["issue_code"], "name": r["issue_name"]} for r in _rows("lda_issue_codes")
        ],
        "governmententities": sorted(
            (
                {"id": int(r["government_entity_id"]), "name": r["government_entity_name"]}
                for r in _rows("lda_government_entities")
            ),
            key=lambda item: str(item["name"]),  # the API lists them by name
        ),
    }


def bundled_toptier_agencies() -> list[dict[str, str]]:
    """The toptier agencies USAspending offers in its agency pickers (``is_user_selectable``),
    which is about the set its ``references/toptier_agencies`` endpoint lists."""
    return [
        {
            "toptier_code": r["toptier_code"],
            "abbreviation": r["abbreviation"],
            "agency_name": r["agency_name"],
        }
        for r in _rows("usaspending_toptier_agencies")
        if r["is_user_selectable"] == "true"
    ]
