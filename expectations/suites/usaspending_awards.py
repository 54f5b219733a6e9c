"""raw.usaspending_awards: USAspending spending_by_award rows (contracts and IDVs)."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

PROJECTION = """
select
    record_key as generated_internal_id,
    record->>'$."Award ID"' as award_id,
    record->>'$."Recipient Name"' as recipient_name,
    record->>'$."Awarding Agency Code"' as awarding_agency_code,
    record->>'$."Awarding Sub Agency Code"' as awarding_sub_agency_code,
    record->>'$."Award Amount"' as award_amount_text,
    try_cast(record->>'$."Award Amount"' as double) as award_amount,
    record->>'$."Base Obligation Date"' as base_obligation_date_text,
    try_cast(record->>'$."Base Obligation Date"' as date) as base_obligation_date,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="generated_internal_id")),
        critical(e.ExpectColumnValuesToBeUnique(column="generated_internal_id")),
        critical(
            e.ExpectColumnValuesToMatchRegex(
                column="generated_internal_id", regex=r"^CONT_(?:AWD|IDV)_\S+$"
            )
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="awarding_agency_code")),
        critical(
            e.ExpectColumnValuesToMatchRegex(column="awarding_agency_code", regex=r"^[0-9]{3,4}$")
        ),
        warning(
            e.ExpectColumnValuesToMatchRegex(
                column="awarding_sub_agency_code", regex=r"^[0-9A-Z]{4}$"
            )
        ),
        # Money: the obligation must parse; de-obligations make a negative total possible but rare.
        critical(e.ExpectColumnValuesToNotBeNull(column="award_amount_text")),
        critical(e.ExpectColumnValuesToNotBeNull(column="award_amount")),
        warning(e.ExpectColumnValuesToBeBetween(column="award_amount", min_value=0)),
        critical(e.ExpectColumnValuesToNotBeNull(column="base_obligation_date")),
        critical(
            e.ExpectColumnValuesToBeBetween(
                column="base_obligation_date",
                min_value=dt.datetime(1990, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
            )
        ),
        warning(e.ExpectColumnValuesToNotBeNull(column="recipient_name")),
    ]


SUITE = SuiteSpec(
    name="raw.usaspending_awards",
    raw_table="raw.usaspending_awards",
    key_column="generated_internal_id",
    projection=PROJECTION,
    expectations=expectations,
)
