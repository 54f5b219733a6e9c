"""raw.usaspending_awards: USAspending spending_by_award rows (contracts and IDVs).

Fields are read by the rules staging uses (``usaspending_common``). A field the API legitimately
sends null on some records (the total obligation, the signed date, agency codes when the row
states only names) is a warning: the award lands and staging flags it. A value that is present
but unreadable is critical: staging could not build on it.
"""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.usaspending_common import (
    amount,
    day,
    presence_column,
    presence_columns,
    text,
    timestamp,
    unparsable,
)

AWARD_AMOUNT = '$."Award Amount"'
BASE_OBLIGATION_DATE = '$."Base Obligation Date"'
LAST_MODIFIED_DATE = '$."Last Modified Date"'
INTERNAL_ID = "$.internal_id"

# Keys the search asks for (ingest.usaspending.AWARD_FIELDS) that every real answer carries, null
# or not (tests/fixtures/real/usaspending/spending_by_award_*.json): absent, the API has changed.
ALWAYS_SENT = ("Award ID", "Recipient Name", "Award Amount", "Awarding Sub Agency")

PROJECTION = f"""
select
    record_key as generated_internal_id,
    record->>'$."Award ID"' as award_id,
    record->>'$."Recipient Name"' as recipient_name,
    record->>'$."Awarding Agency Code"' as awarding_agency_code,
    record->>'$."Awarding Sub Agency Code"' as awarding_sub_agency_code,
    coalesce(
        record->>'$."Awarding Agency"', record->>'$."Awarding Sub Agency"'
    ) as awarding_agency_named,
    {amount(AWARD_AMOUNT)} as award_amount,
    {unparsable(AWARD_AMOUNT, amount(AWARD_AMOUNT))} as is_award_amount_unparsable,
    {day(BASE_OBLIGATION_DATE)} as base_obligation_date,
    {unparsable(BASE_OBLIGATION_DATE, day(BASE_OBLIGATION_DATE))}
        as is_base_obligation_date_unparsable,
    {unparsable(LAST_MODIFIED_DATE, timestamp(LAST_MODIFIED_DATE))}
        as is_last_modified_date_unparsable,
    {unparsable(INTERNAL_ID, f"try_cast({text(INTERNAL_ID)} as bigint)")}
        as is_internal_id_unparsable,
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
        critical(e.ExpectColumnValuesToNotBeNull(column="generated_internal_id")),
        critical(e.ExpectColumnValuesToBeUnique(column="generated_internal_id")),
        critical(
            e.ExpectColumnValuesToMatchRegex(
                column="generated_internal_id", regex=r"^CONT_(?:AWD|IDV)_\S+$"
            )
        ),
        # the agency: a code when asked for, else at least a name staging can look up
        critical(e.ExpectColumnValuesToNotBeNull(column="awarding_agency_named")),
        warning(e.ExpectColumnValuesToNotBeNull(column="awarding_agency_code")),
        critical(
            e.ExpectColumnValuesToMatchRegex(column="awarding_agency_code", regex=r"^[0-9]{3,4}$")
        ),
        warning(
            e.ExpectColumnValuesToMatchRegex(
                column="awarding_sub_agency_code", regex=r"^[0-9A-Z]{4}$"
            )
        ),
        # Money: a present obligation must parse; the API sends some awards without one (the
        # award lands, flagged in staging). De-obligations make a negative total possible.
        critical(
            e.ExpectColumnValuesToBeInSet(column="is_award_amount_unparsable", value_set=[False])
        ),
        warning(e.ExpectColumnValuesToNotBeNull(column="award_amount")),
        warning(e.ExpectColumnValuesToBeBetween(column="award_amount", min_value=0)),
        critical(
            e.ExpectColumnValuesToBeInSet(
                column="is_base_obligation_date_unparsable", value_set=[False]
            )
        ),
        warning(e.ExpectColumnValuesToNotBeNull(column="base_obligation_date")),
        critical(
            e.ExpectColumnValuesToBeBetween(
                column="base_obligation_date",
                min_value=dt.datetime(1990, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
            )
        ),
        critical(
            e.ExpectColumnValuesToBeInSet(
                column="is_last_modified_date_unparsable", value_set=[False]
            )
        ),
        critical(
            e.ExpectColumnValuesToBeInSet(column="is_internal_id_unparsable", value_set=[False])
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
