"""The USAspending suites read raw fields by staging's rules, and a record the API legitimately
sends with a null lands (flagged) instead of quarantining its batch.

The records are those of the staging unit test
``stg_usaspending_awards_reads_fields_as_the_api_sends_them``; the values asserted here are the
ones that test expects of staging.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from expectations.suites.usaspending_common import amount, timestamp
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import USASPENDING_AWARDS
from ingest.transport import FetchedPage

pytestmark = [pytest.mark.integration]

DOD = {
    "Awarding Sub Agency": "Department of the Navy",
    "Recipient Name": "LOCKHEED MARTIN CORPORATION",
}
RECORDS: list[dict[str, Any]] = [
    {
        **DOD,
        "generated_internal_id": "CONT_AWD_N0001917C0001_9700_-NONE-_-NONE-",
        "Award ID": "N0001917C0001",  # every answer carries it (the suite requires the key)
        "Award Amount": 35135514910.2,
        "internal_id": 309494502,
        "Last Modified Date": "2020-08-31",
        "Base Obligation Date": "2017-06-30",
    },
    {
        **DOD,
        "generated_internal_id": "CONT_AWD_HSSCCG10J00265_7003_HSHQDC06D00026_7001",
        "Award ID": "HSSCCG10J00265",  # every answer carries it (the suite requires the key)
        "Award Amount": "15639242.36",
        "internal_id": "24261000",
        "Last Modified Date": "2021-03-04 10:11:12",
        "Base Obligation Date": "2012-06-20",
    },
    {
        **DOD,
        "generated_internal_id": "CONT_AWD_W58RGZ12C0008_9700_-NONE-_-NONE-",
        "Award ID": "W58RGZ12C0008",  # every answer carries it (the suite requires the key)
        "Award Amount": None,
        "internal_id": 7,
        "Last Modified Date": 1598918400000,
        "Base Obligation Date": None,
    },
]


def land(records: list[dict[str, Any]]) -> tuple[duckdb.DuckDBPyConnection, Any, Any]:
    con = duckdb.connect()
    suite = load_suite(USASPENDING_AWARDS.suite)
    load, outcome = run_load(
        con,
        USASPENDING_AWARDS.table,
        Pull({"test": True}, iter([FetchedPage("usaspending", "page 1", records)])),
        lambda c, load_id: validate_batch(c, suite, load_id),
    )
    return con, load, outcome


def test_the_suite_reads_the_three_date_forms_and_both_amount_types() -> None:
    con = duckdb.connect()
    values = con.execute(
        f"""
        select {timestamp("$.d")} from (
            select cast(col0 as json) as record
            from (values ('{{"d": "2020-08-31"}}'), ('{{"d": "2021-03-04 10:11:12"}}'),
                         ('{{"d": 1598918400000}}'))
        )
        """
    ).fetchall()
    assert values == [
        (dt.datetime(2020, 8, 31),),
        (dt.datetime(2021, 3, 4, 10, 11, 12),),
        (dt.datetime(2020, 9, 1),),
    ]


def test_null_total_and_signed_date_land_with_warnings_not_quarantine() -> None:
    con, load, outcome = land(RECORDS)
    assert load.status == "succeeded", outcome.reason()
    assert load.counts.inserted == 3 and load.counts.quarantined == 0
    warned = {(o.expectation_type, o.column) for o in outcome.warnings}
    assert ("expect_column_values_to_not_be_null", "award_amount") in warned
    assert ("expect_column_values_to_not_be_null", "base_obligation_date") in warned
    projected = con.execute(
        f"""select {amount('$."Award Amount"')} from raw.usaspending_awards
        order by generated_internal_id"""
    ).fetchall()
    assert projected == [(Decimal("15639242.36"),), (Decimal("35135514910.20"),), (None,)]


def test_present_but_unreadable_values_still_quarantine() -> None:
    bad = {**RECORDS[0], "Last Modified Date": "last Tuesday"}
    _, load, outcome = land([bad, *RECORDS[1:]])
    # the record alone: the others land
    assert (load.status, load.counts.inserted, load.counts.quarantined) == ("succeeded", 2, 1)
    assert "is_last_modified_date_unparsable" in outcome.reason()
    _, load, outcome = land([{**RECORDS[0], "Award Amount": "about a million"}])
    assert (load.status, load.counts.inserted, load.counts.quarantined) == ("succeeded", 0, 1)
    assert "is_award_amount_unparsable" in outcome.reason()
