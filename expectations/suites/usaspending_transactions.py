"""raw.usaspending_transactions: USAspending spending_by_transaction rows (award actions)."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

PROJECTION = """
select
    record_key as transaction_key,
    record->>'$.generated_internal_id' as generated_internal_id,
    record->>'$.Mod' as modification_number,
    record->>'$."Transaction Amount"' as transaction_amount_text,
    try_cast(record->>'$."Transaction Amount"' as double) as transaction_amount,
    record->>'$."Action Date"' as action_date_text,
    try_cast(record->>'$."Action Date"' as date) as action_date,
    record->>'$."Awarding Agency"' as awarding_agency,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="transaction_key")),
        # one row per award, modification and action date: the same action with two different
        # contents in one batch is an error to look at, not a choice to make silently
        critical(e.ExpectColumnValuesToBeUnique(column="transaction_key")),
        critical(
            e.ExpectColumnValuesToMatchRegex(
                column="generated_internal_id", regex=r"^CONT_(?:AWD|IDV)_\S+$"
            )
        ),
        # money: an action's obligation must parse; de-obligations are negative by nature
        critical(e.ExpectColumnValuesToNotBeNull(column="transaction_amount_text")),
        critical(e.ExpectColumnValuesToNotBeNull(column="transaction_amount")),
        critical(e.ExpectColumnValuesToNotBeNull(column="action_date")),
        critical(
            e.ExpectColumnValuesToBeBetween(
                column="action_date",
                min_value=dt.datetime(1990, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
            )
        ),
        warning(e.ExpectColumnValuesToNotBeNull(column="awarding_agency")),
    ]


SUITE = SuiteSpec(
    name="raw.usaspending_transactions",
    raw_table="raw.usaspending_transactions",
    key_column="transaction_key",
    projection=PROJECTION,
    expectations=expectations,
)
