"""How GLEIF records are keyed and how the watchlist names their LEIs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.sources import GLEIF_LEI_RECORDS, GLEIF_RELATIONSHIPS
from ingest.watchlist import WatchlistError, load_watchlist

pytestmark = pytest.mark.unit


def relationship(start: object, end: object, kind: object) -> dict:
    return {
        "type": "relationship-records",
        "id": f"{start}|LEI|{kind}|1|abc|",
        "attributes": {
            "relationship": {"startNode": {"id": start}, "endNode": {"id": end}, "type": kind}
        },
    }


def test_a_relationship_is_keyed_by_child_parent_and_type() -> None:
    table = GLEIF_RELATIONSHIPS.table
    record = relationship(
        "254900LNRYNOQ9YPU758", "ZXTILKJKG63JELOEG630", "IS_ULTIMATELY_CONSOLIDATED_BY"
    )
    assert table.key_of(record) == (
        "254900LNRYNOQ9YPU758|ZXTILKJKG63JELOEG630|IS_ULTIMATELY_CONSOLIDATED_BY"
    )
    # a missing end node (or a path that breaks off) leaves the record without a key
    assert table.key_of(relationship("254900LNRYNOQ9YPU758", None, "X")) is None
    assert table.key_of({"attributes": {"relationship": "not an object"}}) is None
    assert table.key_description() == (
        "attributes.relationship.startNode.id + attributes.relationship.endNode.id + "
        "attributes.relationship.type"
    )


def test_an_lei_record_is_keyed_by_its_resource_id() -> None:
    assert GLEIF_LEI_RECORDS.table.key_of(
        {"type": "lei-records", "id": "ZXTILKJKG63JELOEG630"}
    ) == ("ZXTILKJKG63JELOEG630")


def test_watchlist_leis_are_read_and_checked(tmp_path: Path) -> None:
    path = tmp_path / "watchlist.yaml"
    path.write_text(
        "companies:\n"
        "  - name: Amazon\n"
        "    leis: [zxtilkjkg63jeloeg630]\n"
        "  - name: Microsoft\n"
        "    legal_names: [MICROSOFT CORPORATION]\n",
        encoding="utf-8",
    )
    amazon, microsoft = load_watchlist(path).companies
    assert amazon.leis == ("ZXTILKJKG63JELOEG630",) and amazon.legal_names == ()
    assert microsoft.leis == () and microsoft.legal_names == ("MICROSOFT CORPORATION",)
    path.write_text("companies:\n  - name: Amazon\n    leis: [ZXTILKJKG63]\n", encoding="utf-8")
    with pytest.raises(WatchlistError, match="not 20 letters and digits"):
        load_watchlist(path)


def test_the_bundled_watchlist_names_amazons_lei() -> None:
    (amazon,) = load_watchlist().companies
    assert amazon.leis == ("ZXTILKJKG63JELOEG630",)  # AMAZON.COM, INC. in GLEIF
