"""Every LDA government entity of the bundled constants list has an agency decision.

The crosswalk (``lda_government_entity_agency_codes.csv``) must decide each entity of the bundled
list (``lda_government_entities.csv``, the API's ``/constants/filing/governmententities/``): a
USAspending toptier code, a subtier code with its toptier, or explicitly no code. The dbt test
``assert_reference_government_entities_have_a_crosswalk_decision`` checks the same against the
API's current list too; this one needs no warehouse.
"""

from __future__ import annotations

import csv

import pytest

from ingest.config import REFERENCE_SEEDS_DIR as SEEDS
from tests.sample.constants import bundled_constants

pytestmark = pytest.mark.unit


NO_CODE = {"legislative_no_code", "placeholder", "no_usaspending_match"}


def _rows(name: str) -> list[dict[str, str]]:
    with (SEEDS / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_every_bundled_government_entity_has_one_decision() -> None:
    entities = {int(item["id"]) for item in bundled_constants()["governmententities"]}
    decided = [
        int(row["government_entity_id"]) for row in _rows("lda_government_entity_agency_codes")
    ]
    assert len(entities) == 256
    assert sorted(entities - set(decided)) == []
    assert len(decided) == len(set(decided)), "an entity decided twice"


def test_decisions_carry_the_codes_they_promise() -> None:
    toptiers = {row["toptier_code"] for row in _rows("usaspending_toptier_agencies")}
    subtiers = {
        row["subtier_code"]: row["toptier_code"] for row in _rows("usaspending_subtier_agencies")
    }
    for row in _rows("lda_government_entity_agency_codes"):
        decision, top, sub = row["decision"], row["toptier_code"], row["subtier_code"]
        where = f"{row['government_entity_id']} {row['government_entity_name']}"
        if decision == "toptier":
            assert top in toptiers and not sub, where
        elif decision == "subtier":
            assert top in toptiers and subtiers.get(sub) == top, where
        else:
            assert decision in NO_CODE and not top and not sub, where


def test_subtier_seed_rows_belong_to_the_toptier_of_their_list() -> None:
    rows = _rows("usaspending_subtier_agencies")
    toptier_of_list = {"dhs_complete": "070", "dod_selected": "097", "doj_selected": "015"}
    assert {row["source"] for row in rows} == set(toptier_of_list)
    assert all(row["toptier_code"] == toptier_of_list[row["source"]] for row in rows)
    codes = [row["subtier_code"] for row in rows]
    assert len(codes) == len(set(codes)), "a subtier listed twice"
    # the DHS list is the broker's whole list for CGAC 070
    assert sum(row["source"] == "dhs_complete" for row in rows) == 36


def test_congress_is_decided_as_legislative_without_a_code() -> None:
    rows = {int(r["government_entity_id"]): r for r in _rows("lda_government_entity_agency_codes")}
    assert rows[1]["decision"] == rows[2]["decision"] == "legislative_no_code"  # Senate, House
    assert (rows[251]["toptier_code"], rows[251]["subtier_code"]) == ("070", "7012")  # ICE
