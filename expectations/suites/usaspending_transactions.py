"""raw.usaspending_transactions: USAspending spending_by_transaction rows (award actions).

Fields are read by the rules staging uses (``usaspending_common``)."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.usaspending_common import (
    amount,
    day,
    presence_column,
    presence_columns,
    unparsable,
)

TRANSACTION_AMOUNT = '$."Transaction Amount"'
ACTION_DATE = '$."Action Date"'
LAST_DATE_TO_ORDER = '$."Last Date to Order"'

# Keys the search asks for (ingest.usaspending.TRANSACTION_FIELDS) that every real answer carries
# (tests/fixtures/real/usaspending/spending_by_transaction_*.json): absent, the API has changed.
ALWAYS_SENT = (
    "Award ID",
    "Mod",
    "Action Date",
    "Transaction Amount",
    "Recipient Name",
    "Awarding Agency",
    "generated_internal_id",
)

PROJECTION = f"""
select
    record_key as transaction_key,
    record->>'$.generated_internal_id' as generated_internal_id,
    record->>'$.Mod' as modification_number,
    {amount(TRANSACTION_AMOUNT)} as transaction_amount,
    {day(ACTION_DATE)} as action_date,
    {unparsable(LAST_DATE_TO_ORDER, day(LAST_DATE_TO_ORDER))} as is_last_date_to_order_unparsable,
    record->>'$."Awarding Agency"' as awarding_agency,
    {presence_columns(ALWAYS_SENT)},
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        *(
            critical(e.ExpectColumnValuesToBeInSet(column=presence_column(k), value_set=[True]))
            for k in ALWAYS_SENT
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="transaction_key")),
        # one row per award, modification and action date: the same action with two different
        # contents in one batch is an error to look at, not a choice to make silently
        critical(e.ExpectColumnValuesToBeUnique(column="transaction_key")),
        critical(
            e.ExpectColumnValuesToMatchRegex(
                column="generated_internal_id", regex=r"^CONT_(?:AWD|IDV)_\S+$"
            )
        ),
        # money: an action's obligation must be there and parse; de-obligations are negative
        critical(e.ExpectColumnValuesToNotBeNull(column="transaction_amount")),
        critical(e.ExpectColumnValuesToNotBeNull(column="action_date")),
        critical(
            e.ExpectColumnValuesToBeBetween(
                column="action_date",
                min_value=dt.datetime(1990, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
            )
        ),
        critical(
            e.ExpectColumnValuesToBeInSet(
                column="is_last_date_to_order_unparsable", value_set=[False]
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
