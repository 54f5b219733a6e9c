"""raw.lda_filings: Senate LDA /filings/ objects."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.reference import LDA_FILING_PERIODS, lda_filing_types
from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

UUID_REGEX = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
MONEY_REGEX = r"^[0-9]+(?:\.[0-9]{1,2})?$"

PROJECTION = """
select
    record_key as filing_uuid,
    record->>'$.filing_type' as filing_type,
    record->>'$.filing_period' as filing_period,
    try_cast(record->>'$.filing_year' as integer) as filing_year,
    record->>'$.income' as income_text,
    try_cast(record->>'$.income' as decimal(18, 2)) as income,
    record->>'$.expenses' as expenses_text,
    try_cast(record->>'$.expenses' as decimal(18, 2)) as expenses,
    record->>'$.dt_posted' as dt_posted_text,
    -- the rule of the dbt macro lda_timestamp (null where that cast would fail)
    try_cast(record->>'$.dt_posted' as timestamp with time zone) as dt_posted,
    record->>'$.registrant.id' as registrant_id,
    record->>'$.client.id' as client_id,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="filing_uuid")),
        critical(e.ExpectColumnValuesToBeUnique(column="filing_uuid")),
        critical(e.ExpectColumnValuesToMatchRegex(column="filing_uuid", regex=UUID_REGEX)),
        critical(e.ExpectColumnValuesToBeInSet(column="filing_type", value_set=lda_filing_types())),
        critical(
            e.ExpectColumnValuesToBeInSet(column="filing_period", value_set=LDA_FILING_PERIODS)
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="filing_year")),
        critical(
            e.ExpectColumnValuesToBeBetween(column="filing_year", min_value=1999, max_value=2100)
        ),
        # Money: a decimal string or null ("under $5,000"); never negative.
        critical(e.ExpectColumnValuesToMatchRegex(column="income_text", regex=MONEY_REGEX)),
        critical(e.ExpectColumnValuesToMatchRegex(column="expenses_text", regex=MONEY_REGEX)),
        critical(e.ExpectColumnValuesToBeBetween(column="income", min_value=0)),
        critical(e.ExpectColumnValuesToBeBetween(column="expenses", min_value=0)),
        critical(e.ExpectColumnValuesToNotBeNull(column="registrant_id")),
        critical(e.ExpectColumnValuesToNotBeNull(column="client_id")),
        critical(e.ExpectColumnValuesToNotBeNull(column="dt_posted_text")),
        # One parsing rule: dt_posted is parsed here as staging parses it (the dbt macro
        # lda_timestamp); a value that cast cannot read (unparsable, or an impossible date such
        # as Feb 30) would break dbt build, so it blocks the batch here.
        critical(e.ExpectColumnValuesToNotBeNull(column="dt_posted")),
        # Legacy rows carry absurd posting dates (1905-...) that parse: worth seeing, not blocking.
        warning(
            e.ExpectColumnValuesToBeBetween(
                column="dt_posted", min_value=dt.datetime(1999, 1, 1, tzinfo=dt.UTC)
            )
        ),
    ]


SUITE = SuiteSpec(
    name="raw.lda_filings",
    raw_table="raw.lda_filings",
    key_column="filing_uuid",
    projection=PROJECTION,
    expectations=expectations,
)
