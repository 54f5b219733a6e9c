"""Real USAspending answers (``tests/fixtures/real/usaspending/``, provenance in its README) through
the client, landing, the Great Expectations suites and a real ``dbt build``.

Only the network is replaced: a local HTTP server answers each request with the recorded bytes.
The warehouse holds nothing but these rows (awards from the spending_by_award bodies, actions
from the spending_by_transaction bodies, the recipient profile), so the facts asserted are the
ones the bodies show: DoD award ids carry 9700 whatever the component, actions state their
agencies by name only, amounts come as numbers or strings, IDVs end on their last date to order,
and an unused filter is reported in ``messages`` while results come back anyway.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.dbt_cli import run_dbt
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import (
    USASPENDING_AWARDS,
    USASPENDING_RECIPIENTS,
    USASPENDING_TRANSACTIONS,
    SourceSpec,
    raw_tables,
)
from ingest.transport import FetchedPage
from ingest.usaspending import (
    AwardQuery,
    TransactionClient,
    TransactionQuery,
    UnusedFilterError,
    UsaspendingClient,
    iter_recipients,
    parse_awards_page,
    unused_filters,
)
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer
from tests.support.warehouse import query

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "usaspending"
AWARD_BODIES = (
    "spending_by_award_dod_mit_2026.json",
    "spending_by_award_dod_non_competed_2023.json",
    "spending_by_award_nasa_contracts.json",
    "spending_by_award_nasa_idvs.json",
)
DOC_EXAMPLE_ACTIONS = "spending_by_transaction_api_doc_example.json"
UNUSED_FILTER_ACTIONS = "spending_by_transaction_nasa_unused_filter.json"
RECIPIENT = "recipient_child_university.json"
JSON = {"Content-Type": "application/json"}


def real_bytes(name: str) -> bytes:
    return (REAL / name).read_bytes()


def award_query(name: str) -> AwardQuery:
    return AwardQuery(name, {"award_type_codes": ["A", "B", "C", "D"]})


def action_query(name: str) -> TransactionQuery:
    return TransactionQuery(name, {}, "contracts", dt.date(2008, 1, 1), dt.date(2020, 12, 31))


def first_award_page(server: LocalApiServer, name: str) -> FetchedPage:
    """The client's first page for a search answered with the recorded body (each body is one
    page of a longer answer: its hasNext is true, so only that page is read)."""
    server.reply_next(200, real_bytes(name), headers=JSON)
    transport, _ = quick_transport()
    return next(iter(UsaspendingClient(transport, server.url).iter_awards(award_query(name))))


def action_page(server: LocalApiServer, name: str) -> FetchedPage:
    """One spending_by_transaction page as the transaction client asks and reads it."""
    server.reply_next(200, real_bytes(name), headers=JSON)
    transport, _ = quick_transport()
    client = TransactionClient(transport, server.url)
    query = action_query(name)
    request = client.request(query, query.start, query.end, 1)
    _, results = parse_awards_page(transport.send(request).json(), name)
    return FetchedPage("usaspending", name, results)


# -- the client --------------------------------------------------------------------------------


@pytest.mark.unit
def test_the_unused_filter_message_names_its_filters() -> None:
    messages = json.loads(real_bytes(UNUSED_FILTER_ACTIONS))["messages"]
    assert [unused_filters(m) for m in messages] == [None, ["keyword_search"]]
    two = "The following filters from the request were not used: {'keywords', 'agencys'}. See"
    assert unused_filters(two) == ["agencys", "keywords"]


@pytest.mark.integration
def test_an_answer_saying_a_filter_was_not_used_is_an_error(api_server: LocalApiServer) -> None:
    with pytest.raises(UnusedFilterError) as raised:
        action_page(api_server, UNUSED_FILTER_ACTIONS)
    assert raised.value.filters == ["keyword_search"]
    assert "keyword_search" in str(raised.value)


@pytest.mark.integration
def test_every_real_search_body_parses_with_the_2007_notice(api_server: LocalApiServer) -> None:
    for name in AWARD_BODIES:
        data = json.loads(real_bytes(name))
        assert any("2007-10-01" in m for m in data["messages"])
        page = first_award_page(api_server, name)
        assert len(page.records) == len(data["results"])
        # keyset values as sent: the sort value a string, the unique id an integer
        assert isinstance(data["page_metadata"]["last_record_sort_value"], str)
        assert isinstance(data["page_metadata"]["last_record_unique_id"], int)
    doc = action_page(api_server, DOC_EXAMPLE_ACTIONS)
    assert {type(r["Transaction Amount"]) for r in doc.records} == {str}
    assert {type(r["internal_id"]) for r in doc.records} == {str}


# -- landing, the suites and dbt -----------------------------------------------------------------


def land(con: duckdb.DuckDBPyConnection, spec: SourceSpec, pages: list[FetchedPage]) -> Any:
    suite = load_suite(spec.suite)
    load, outcome = run_load(
        con,
        spec.table,
        Pull({"real_bodies": True}, iter(pages)),
        lambda c, load_id: validate_batch(c, suite, load_id),
    )
    return load, outcome


@pytest.fixture(scope="module")
def real_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    """A warehouse holding only the real rows, built by the real dbt."""
    work = tmp_path_factory.mktemp("real_usaspending")
    warehouse = work / "warehouse.duckdb"
    loads: dict[str, Any] = {}
    with LocalApiServer() as server:
        award_pages = [first_award_page(server, name) for name in AWARD_BODIES]
        action_pages = [action_page(server, DOC_EXAMPLE_ACTIONS)]
        # The NASA actions' answer is refused as a whole (its request named a filter the API did
        # not use); its rows are real actions all the same and land as sent.
        unused = json.loads(real_bytes(UNUSED_FILTER_ACTIONS))
        action_pages.append(FetchedPage("usaspending", UNUSED_FILTER_ACTIONS, unused["results"]))
        recipient_id = json.loads(real_bytes(RECIPIENT))["recipient_id"]
        server.reply_next(200, real_bytes(RECIPIENT), headers=JSON)
        transport, _ = quick_transport()
        recipient_pages = list(iter_recipients(transport, server.url, [recipient_id]))
    con = duckdb.connect(str(warehouse))
    try:
        landing.ensure_schema(con, raw_tables())
        loads["awards"] = land(con, USASPENDING_AWARDS, award_pages)
        loads["transactions"] = land(con, USASPENDING_TRANSACTIONS, action_pages)
        loads["recipients"] = land(con, USASPENDING_RECIPIENTS, recipient_pages)
    finally:
        con.close()
    result = run_dbt(["build"], warehouse, work, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    yield warehouse, {"loads": loads, "dbt": result.stdout}


@pytest.mark.integration
@pytest.mark.slow
def test_every_real_row_lands_and_nothing_is_quarantined(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, facts = real_warehouse
    for name, (load, outcome) in facts["loads"].items():
        assert load.status == "succeeded", (name, outcome.reason())
        assert load.counts.quarantined == 0, name
    counts = dict(
        query(
            warehouse,
            "select 'awards', count(*) from marts.fct_contract_awards union all "
            "select 'actions', count(*) from marts.fct_contract_transactions",
        )
    )
    assert counts == {"awards": 25, "actions": 13}


@pytest.mark.integration
@pytest.mark.slow
def test_dod_awards_get_toptier_097_and_their_component(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, _ = real_warehouse
    rows = {
        gid: rest
        for gid, *rest in query(
            warehouse,
            "select generated_internal_id, awarding_toptier_code, awarding_subtier_code, "
            "is_awarding_agency_unknown, is_awarding_subtier_unknown "
            "from marts.fct_contract_awards where generated_internal_id like '%\\_9700\\_%' "
            "escape '\\'",
        )
    }
    assert len(rows) == 20
    assert {r[0] for r in rows.values()} == {"097"}
    assert not any(r[2] for r in rows.values())
    # the component by its name through the bundled subtier seed
    assert rows["CONT_AWD_W58RGZ12C0008_9700_-NONE-_-NONE-"][1] == "2100"  # Army
    assert rows["CONT_AWD_0007_9700_FA870215D0001_9700"][1] == "5700"  # Air Force
    assert rows["CONT_AWD_N0001917C0001_9700_-NONE-_-NONE-"][1] == "1700"  # Navy
    # DCMA and MDA are not in the seed: kept, toptier from the award id's 9700, flagged
    dcma = rows["CONT_AWD_N0001914C0067_9700_-NONE-_-NONE-"]
    assert dcma == ["097", None, False, True]


@pytest.mark.integration
@pytest.mark.slow
def test_actions_take_their_agency_from_the_names_they_state(
    real_warehouse: tuple[Path, dict],
) -> None:
    warehouse, _ = real_warehouse
    rows = query(
        warehouse,
        "select generated_internal_id, modification_number, awarding_toptier_code, "
        "awarding_subtier_code, is_awarding_subtier_unknown, is_award_loaded, company_id "
        "from marts.fct_contract_transactions order by all",
    )
    by_key = {(r[0], r[1]): r[2:] for r in rows}
    # a DoD action whose award is not loaded: toptier 097 from "Department of Defense"; DFAS is
    # not in the seed, so its subtier is flagged (not 9700, not a failed build)
    dfas = by_key[("CONT_AWD_0148_9700_MDA22001D0002_9700", "9")]
    assert dfas[:4] == ("097", None, True, False)
    # its recipient (seen on no loaded award) is resolved all the same
    assert dfas[4] is not None
    uscis = by_key[("CONT_AWD_HSSCCG10J00265_7003_HSHQDC06D00026_7001", "P00011")]
    assert uscis[:3] == ("070", "7003", False)
    cms = by_key[("CONT_AWD_HHSM500201600013U_7530_GS00Q09BGD0039_4735", "5")]
    assert cms[:3] == ("075", None, True)
    gsa = by_key[("CONT_AWD_GSTO405BF0033_4735_GS09K99BHD0010_4735", "0")]
    assert gsa[0] == "047"
    # NASA: the subtier name maps to 8000 through the IDV award rows that carry the code; the
    # Europa Clipper award is loaded, so its two actions take its codes and company
    europa = [v for k, v in by_key.items() if k[0].startswith("CONT_AWD_80NM0018F0615_8000")]
    assert [v[:4] for v in europa] == [("080", "8000", False, True)] * 2
    # every toptier is known; no agency joins are lost
    assert all(r[2] is not None for r in rows)


@pytest.mark.integration
@pytest.mark.slow
def test_types_as_sent_and_what_comes_free_on_actions(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, _ = real_warehouse
    (doc,) = query(
        warehouse,
        "select transaction_amount from marts.fct_contract_transactions "
        "where generated_internal_id = 'CONT_AWD_HSSCCG10J00265_7003_HSHQDC06D00026_7001' "
        "and modification_number = 'P00011'",
    )
    assert doc == (Decimal("15639242.36"),)  # a string in the API's doc example
    (nasa,) = query(
        warehouse,
        "select transaction_amount, def_codes, naics_code, psc_code, performance_state_code, "
        "performance_country_code from marts.fct_contract_transactions "
        "where generated_internal_id = 'CONT_AWD_NNN13D494T_8000_NNN12AA01C_8000'",
    )
    assert nasa == (Decimal("350198386.00"), ["Q"], "541712", "AR22", "CA", "USA")
    internal_ids = query(
        warehouse,
        "select distinct internal_id from staging.stg_usaspending__transactions "
        "where generated_internal_id like 'CONT_AWD_HHSM500201600013U%'",
    )
    assert internal_ids == [(23325500,)]  # sent as the string "23325500"


@pytest.mark.integration
@pytest.mark.slow
def test_idvs_end_on_their_last_date_to_order(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, _ = real_warehouse
    (idv,) = query(
        warehouse,
        "select is_idv, end_date, last_date_to_order, last_modified_at, award_amount, "
        "awarding_toptier_code, awarding_subtier_code "
        "from marts.fct_contract_awards where generated_internal_id = 'CONT_IDV_NNJ09GA02B_8000'",
    )
    assert idv == (
        True,
        None,
        dt.date(2019, 12, 31),
        dt.datetime(2020, 8, 31),
        Decimal("2890983472.11"),
        "080",
        "8000",
    )


@pytest.mark.integration
@pytest.mark.slow
def test_awards_sent_without_a_signed_date_land_flagged(real_warehouse: tuple[Path, dict]) -> None:
    warehouse, _ = real_warehouse
    flagged = dict(
        query(
            warehouse,
            "select is_base_obligation_date_missing, count(*) from marts.fct_contract_awards "
            "group by all",
        )
    )
    # the DoD and NASA contract searches did not ask for Base Obligation Date; the IDVs did
    assert flagged == {True: 22, False: 3}
    (missing_amounts,) = query(
        warehouse, "select count(*) from marts.fct_contract_awards where is_award_amount_missing"
    )
    assert missing_amounts == (0,)


@pytest.mark.integration
@pytest.mark.slow
def test_unknown_agencies_are_counted_as_warnings_not_failures(
    real_warehouse: tuple[Path, dict],
) -> None:
    _, facts = real_warehouse
    log = facts["dbt"]
    assert "accepted_values_fct_contract_transactions_is_awarding_subtier_unknown" in log
    assert "WARN" in log
