"""Real GLEIF answers (``tests/fixtures/real/gleif/``, provenance in its README) through the
client, landing, the Great Expectations suites and a real ``dbt build`` of the GLEIF staging
models.

Only the network is replaced: a local HTTP server answers each request the client makes with the
recorded bytes of that endpoint (404, as a JSON:API error, for anything not recorded). The
watched LEIs are MICROSOFT CORPORATION (no parent reported; 12 direct and 14 ultimate children)
and Amazon Digital UK Limited (ultimately consolidated by AMAZON.COM, INC. since 2008-10-02), so
the facts asserted are the ones those bodies show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing, pulls
from ingest.config import load_settings
from ingest.dbt_cli import run_dbt
from ingest.errors import SourceHTTPError
from ingest.gleif import RELATIONSHIP_RECORDS, GleifClient
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import GLEIF_LEI_RECORDS, GLEIF_RELATIONSHIPS, SourceSpec, raw_tables
from ingest.watchlist import WatchedCompany, Watchlist
from tests.fakes.app import Reply, json_reply
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer
from tests.support.warehouse import query

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "gleif"
MICROSOFT = "INR2EJN1ERAN0W5ZP974"
AMAZON_DIGITAL_UK = "254900LNRYNOQ9YPU758"
AMAZON_COM_INC = "ZXTILKJKG63JELOEG630"
SHELL = "21380068P1DRHMJ8KU70"
PREFIX = "/api/v1/lei-records"
# the path each recorded body answers (its first page, for collections)
ROUTES = {
    f"{PREFIX}/{MICROSOFT}": "lei_record_microsoft.json",
    f"{PREFIX}/{MICROSOFT}/direct-children": "direct_children_microsoft.json",
    f"{PREFIX}/{MICROSOFT}/ultimate-children": "ultimate_children_microsoft.json",
    f"{PREFIX}/{MICROSOFT}/direct-child-relationships": "direct_child_relationships_microsoft.json",
    f"{PREFIX}/{MICROSOFT}/ultimate-child-relationships": (
        "ultimate_child_relationships_microsoft.json"
    ),
    f"{PREFIX}/{AMAZON_DIGITAL_UK}": "lei_record_amazon_digital_uk.json",
    f"{PREFIX}/{AMAZON_DIGITAL_UK}/ultimate-parent": "ultimate_parent_amazon_digital_uk.json",
    f"{PREFIX}/{AMAZON_DIGITAL_UK}/ultimate-parent-relationship": (
        "ultimate_parent_relationship_amazon_digital_uk.json"
    ),
    f"{PREFIX}/{AMAZON_DIGITAL_UK}/direct-children": "direct_children_amazon_digital_uk_empty.json",
    f"{PREFIX}/{SHELL}/direct-child-relationships": "direct_child_relationships_shell_page1.json",
}


class RecordedGleif:
    """Answers each recorded endpoint with its bytes; only page 1 of a collection is recorded."""

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        name = ROUTES.get(path)
        if name is None or query.get("page[number]", "1") != "1":
            return json_reply(404, {"errors": [{"status": "404", "title": "Not Found"}]})
        return 200, {"Content-Type": "application/vnd.api+json"}, (REAL / name).read_bytes()


def watchlist() -> Watchlist:
    return Watchlist(
        companies=(
            WatchedCompany("Microsoft", (), ("Microsoft",), leis=(MICROSOFT,)),
            WatchedCompany("Amazon", (), ("Amazon",), leis=(AMAZON_DIGITAL_UK,)),
        ),
        agencies=(),
        topics=(),
    )


def land(con: duckdb.DuckDBPyConnection, spec: SourceSpec, pull: Pull) -> Any:
    suite = load_suite(spec.suite)
    return run_load(con, spec.table, pull, lambda c, load_id: validate_batch(c, suite, load_id))


# -- the client ----------------------------------------------------------------------------------


@pytest.mark.integration
def test_a_real_first_page_of_eight_leads_to_page_two() -> None:
    with LocalApiServer(RecordedGleif()) as server:
        transport, _ = quick_transport()
        client = GleifClient(transport, server.url + "/api/v1")
        pages = client.collection(f"/lei-records/{SHELL}/direct-child-relationships", "x")
        with pytest.raises(Exception, match="relationship-records"):
            next(pages)  # the kind is checked: these are relationship records
        pages = client.collection(
            f"/lei-records/{SHELL}/direct-child-relationships", RELATIONSHIP_RECORDS
        )
        first = next(pages)
        assert len(first.records) == 15
        assert {r["attributes"]["relationship"]["endNode"]["id"] for r in first.records} == {SHELL}
        with pytest.raises(SourceHTTPError) as raised:
            next(pages)  # lastPage is 8: page 2 is asked next (and is not recorded)
        assert raised.value.status == 404
        assert "page%5Bnumber%5D=2" in raised.value.page
        transport.close()


# -- landing, the suites and dbt -----------------------------------------------------------------


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    """A warehouse holding only the real GLEIF rows, its staging models built by the real dbt."""
    work = tmp_path_factory.mktemp("real_gleif")
    warehouse = work / "warehouse.duckdb"
    facts: dict[str, Any] = {}
    with LocalApiServer(RecordedGleif()) as server:
        settings = dataclasses.replace(load_settings({}), gleif_api_url=server.url + "/api/v1")
        transport, _ = quick_transport()
        con = duckdb.connect(str(warehouse))
        try:
            landing.ensure_schema(con, raw_tables())
            facts["records"] = land(
                con,
                GLEIF_LEI_RECORDS,
                pulls.pull_gleif_lei_records(transport, settings, watchlist()),
            )
            facts["relationships"] = land(
                con,
                GLEIF_RELATIONSHIPS,
                pulls.pull_gleif_relationships(transport, settings, watchlist()),
            )
        finally:
            con.close()
            transport.close()
        facts["requests"] = server.requests
    result = run_dbt(["build", "--select", "staging.gleif"], warehouse, work, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    yield warehouse, facts


@pytest.mark.integration
@pytest.mark.slow
def test_every_real_record_lands_and_nothing_is_quarantined(
    real_warehouse: tuple[Path, dict],
) -> None:
    warehouse, facts = real_warehouse
    for name in ("records", "relationships"):
        load, outcome = facts[name]
        assert load.status == "succeeded", (name, outcome.reason())
        assert load.counts.quarantined == 0, name
    # Microsoft, its 14 distinct children (12 direct among them), Amazon Digital UK and its
    # ultimate parent; 12 + 14 relationships from Microsoft's children and Amazon Digital UK's one
    assert query(warehouse, "select count(*) from staging.stg_gleif__entities") == [(17,)]
    assert query(warehouse, "select count(*) from staging.stg_gleif__relationships") == [(27,)]


@pytest.mark.integration
@pytest.mark.slow
def test_the_client_asks_only_what_each_record_links(real_warehouse: tuple[Path, dict]) -> None:
    _, facts = real_warehouse
    paths = [r.path for r in facts["requests"]]
    assert all(r.header("Accept") == "application/vnd.api+json" for r in facts["requests"])
    # no parent is reported for Microsoft, none directly for Amazon Digital UK: never asked
    assert not any(f"{MICROSOFT}/direct-parent" in p for p in paths)
    assert not any(f"{MICROSOFT}/ultimate-parent" in p for p in paths)
    assert not any(f"{AMAZON_DIGITAL_UK}/direct-parent" in p for p in paths)
    # Amazon Digital UK has no children: its record has no children links
    assert not any(f"{AMAZON_DIGITAL_UK}/direct-children" in p for p in paths)
    children = [r for r in facts["requests"] if r.path.endswith("/direct-children")]
    assert children and all(r.query["page[size]"] == "200" for r in children)
    # every request was one the bodies answer (none went to a 404)
    assert set(paths) <= set(ROUTES)


@pytest.mark.integration
@pytest.mark.slow
def test_real_entities_and_their_names(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, _ = real_warehouse
    (amazon,) = query(
        warehouse,
        "select legal_name, legal_jurisdiction, entity_status, registration_status, "
        "legal_region_code, headquarters_country_code, headquarters_region_code, "
        "headquarters_city, last_update_at::date from staging.stg_gleif__entities "
        f"where lei = '{AMAZON_COM_INC}'",
    )
    assert amazon == (
        "AMAZON.COM, INC.",
        "US-DE",
        "ACTIVE",
        "ISSUED",
        "US-DE",
        "US",
        "US-WA",
        "Seattle",
        dt.date(2024, 10, 17),
    )
    names = set(
        query(
            warehouse,
            "select lei, entity_name, name_kind from staging.stg_gleif__entity_names "
            f"where lei in ('{AMAZON_DIGITAL_UK}', '213800JCN6PSGDRLT915')",
        )
    )
    assert names == {
        (AMAZON_DIGITAL_UK, "Amazon Digital UK Limited", "legal"),
        (AMAZON_DIGITAL_UK, "AMAZON VIDEO LIMITED", "previous_legal"),
        (AMAZON_DIGITAL_UK, "AMAZON INSTANT VIDEO LIMITED", "previous_legal"),
        (AMAZON_DIGITAL_UK, "LOVEFILM UK LIMITED", "previous_legal"),
        (AMAZON_DIGITAL_UK, "LOVEFILM LIMITED", "previous_legal"),
        ("213800JCN6PSGDRLT915", "METASWITCH NETWORKS LTD", "legal"),
        ("213800JCN6PSGDRLT915", "DATA CONNECTION LIMITED", "previous_legal"),
    }
    lapsed = query(
        warehouse,
        "select legal_name from staging.stg_gleif__entities "
        "where registration_status = 'LAPSED' order by 1",
    )
    assert lapsed == [("METASWITCH NETWORKS LTD",), ("MICROSOFT ROUND ISLAND ONE",)]
    (chinese,) = query(
        warehouse,
        "select legal_name from staging.stg_gleif__entities where lei = '836800FXO82WAQQSJI94'",
    )
    assert chinese == ("微软(中国)有限公司",)


@pytest.mark.integration
@pytest.mark.slow
def test_real_relationships_and_their_periods(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, _ = real_warehouse
    rows = {
        (child, parent, kind): rest
        for child, parent, kind, *rest in query(
            warehouse,
            "select child_lei, parent_lei, relationship_type, relationship_status, valid_from, "
            "valid_to, accounting_period_start_date, accounting_period_end_date "
            "from staging.stg_gleif__relationships",
        )
    }
    # Amazon Digital UK rolls up to AMAZON.COM, INC. from 2008-10-02, still open; the accounting
    # period beside it (ending 2024-03-31) is not the relationship's validity
    assert rows[(AMAZON_DIGITAL_UK, AMAZON_COM_INC, "ultimate")] == [
        "ACTIVE",
        dt.date(2008, 10, 2),
        None,
        dt.date(2008, 10, 2),
        dt.date(2024, 3, 31),
    ]
    # GITHUB INC, directly consolidated by Microsoft from 2025-03-06
    assert rows[("6354003LMZZAKOPXLX69", MICROSOFT, "direct")][:3] == [
        "ACTIVE",
        dt.date(2025, 3, 6),
        None,
    ]
    # Microsoft Corporation (India): its midnight written as 1994-08-24T18:30:00Z, the UTC date
    assert rows[("335800E7D8TEYEZOH405", MICROSOFT, "direct")][1] == dt.date(1994, 8, 24)
    direct = [k for k in rows if k[1] == MICROSOFT and k[2] == "direct"]
    ultimate = [k for k in rows if k[1] == MICROSOFT and k[2] == "ultimate"]
    assert (len(direct), len(ultimate)) == (12, 14)
    # LinkedIn's units roll up to Microsoft ultimately but not directly
    assert ("3358009KFDPSGIODYO73", MICROSOFT, "ultimate") in rows
    assert ("3358009KFDPSGIODYO73", MICROSOFT, "direct") not in rows
    assert all(v[0] == "ACTIVE" and v[1] is not None for v in rows.values())
