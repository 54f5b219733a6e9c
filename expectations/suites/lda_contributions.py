"""raw.lda_contributions: Senate LDA LD-203 contribution reports (/contributions/)."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.lda_filings import UUID_REGEX

LD203_FILING_TYPES = ["MM", "MA", "YY", "YA"]
LD203_PERIODS = ["mid_year", "year_end"]

# One row per report; its contribution items are checked through counts of bad items, so a
# failure names the report that holds them.
PROJECTION = """
select
    record_key as filing_uuid,
    record->>'$.filing_type' as filing_type,
    record->>'$.filing_period' as filing_period,
    try_cast(record->>'$.filing_year' as integer) as filing_year,
    record->>'$.filer_type' as filer_type,
    record->>'$.registrant.id' as registrant_id,
    record->>'$.dt_posted' as dt_posted_text,
    -- the rule of the dbt macro lda_timestamp (null where that cast would fail)
    try_cast(record->>'$.dt_posted' as timestamp with time zone) as dt_posted,
    (
        select count(*)
        from (select unnest(from_json(record->'$.contribution_items', '["json"]')) as item)
        where try_cast(item->>'$.amount' as decimal(18, 2)) is null
    ) as unparsable_amount_items,
    (
        select count(*)
        from (select unnest(from_json(record->'$.contribution_items', '["json"]')) as item)
        where try_cast(item->>'$.amount' as decimal(18, 2)) < 0
    ) as negative_amount_items,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="filing_uuid")),
        critical(e.ExpectColumnValuesToBeUnique(column="filing_uuid")),
        critical(e.ExpectColumnValuesToMatchRegex(column="filing_uuid", regex=UUID_REGEX)),
        critical(e.ExpectColumnValuesToBeInSet(column="filing_type", value_set=LD203_FILING_TYPES)),
        critical(e.ExpectColumnValuesToBeInSet(column="filing_period", value_set=LD203_PERIODS)),
        critical(
            e.ExpectColumnValuesToBeBetween(column="filing_year", min_value=2008, max_value=2100)
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="registrant_id")),
        critical(e.ExpectColumnValuesToNotBeNull(column="dt_posted_text")),
        # parsed as staging parses it (macro lda_timestamp): what fails here would break dbt build
        critical(e.ExpectColumnValuesToNotBeNull(column="dt_posted")),
        critical(e.ExpectColumnValuesToBeBetween(column="unparsable_amount_items", max_value=0)),
        critical(e.ExpectColumnValuesToBeBetween(column="negative_amount_items", max_value=0)),
        # The API documents lobbyist and organization filers; another value is worth a look.
        warning(
            e.ExpectColumnValuesToBeInSet(
                column="filer_type", value_set=["lobbyist", "organization"]
            )
        ),
    ]


SUITE = SuiteSpec(
    name="raw.lda_contributions",
    raw_table="raw.lda_contributions",
    key_column="filing_uuid",
    projection=PROJECTION,
    expectations=expectations,
)
