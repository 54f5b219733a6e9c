"""Which critical failures quarantine records alone and which the batch (expectations.runner)."""

from __future__ import annotations

import great_expectations as gx
import pandas as pd
import pytest

from expectations.runner import validate_frame
from expectations.suite import RECORD_FAILURE_SHARE, SuiteSpec, critical
from expectations.suites import load_suite
from ingest.sources import LDA_FILINGS, USASPENDING_ARCHIVE_TRANSACTIONS

pytestmark = pytest.mark.unit
e = gx.expectations

SPEC = SuiteSpec(
    name="test.records",
    raw_table="raw.test_records",
    key_column="key",
    projection="",
    expectations=lambda: [
        critical(e.ExpectColumnValuesToBeInSet(column="has_income", value_set=[True])),
        critical(e.ExpectColumnValuesToBeUnique(column="key")),
    ],
)


def frame(size: int, failing: int, duplicate: bool = False) -> pd.DataFrame:
    keys = [f"r{n}" for n in range(size)]
    if duplicate:
        keys[1] = keys[0]
    return pd.DataFrame(
        {"key": keys, "has_income": [n >= failing for n in range(size)], "page": "p1"}
    )


def test_the_tolerated_share_is_five_percent() -> None:
    assert RECORD_FAILURE_SHARE == 0.05


@pytest.mark.parametrize(
    ("size", "failing", "alone"),
    [
        (1, 1, True),  # one record is never a drift, even alone in its batch
        (2, 1, True),
        (40, 2, True),  # 5%: not more than the share
        (40, 3, False),  # 7.5%
        (50, 50, False),  # every record: a drift
    ],
)
def test_failing_records_are_quarantined_alone_up_to_the_share(
    size: int, failing: int, alone: bool
) -> None:
    outcome = validate_frame(frame(size, failing), SPEC)

    assert outcome.batch_size == size
    assert outcome.blocks_batch is not alone
    reasons = outcome.record_reasons()
    if alone:
        assert sorted(reasons) == sorted(f"r{n}" for n in range(failing))
        assert reasons["r0"].startswith("record r0 (page p1) fails critical expectations: ")
        assert "on has_income (value False)" in reasons["r0"]
    else:
        assert reasons == {}
        assert outcome.reason().startswith(f"{failing} of {size} records fail")


def test_a_uniqueness_failure_quarantines_the_batch() -> None:
    outcome = validate_frame(frame(40, 0, duplicate=True), SPEC)

    assert outcome.critical_failures and outcome.blocks_batch
    assert outcome.record_reasons() == {}


def test_the_counting_pass_leaves_out_only_columns_no_expectation_checks() -> None:
    # the test suite checks its key (uniqueness): only ``page`` just names rows
    assert SPEC.naming_columns() == {"page"}
    # the LDA suite checks its key too; the archive's checks read columns derived from it
    assert load_suite(LDA_FILINGS.suite).naming_columns() == {"page"}
    archive = load_suite(USASPENDING_ARCHIVE_TRANSACTIONS.suite)
    assert archive.naming_columns() == {"contract_transaction_unique_key", "page"}
    assert {"is_key_missing", "key_first_place"} <= archive.columns_read()
