"""raw.usaspending_recipients: USAspending recipient profiles (UEI, parent UEI and name)."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

PROJECTION = """
select
    record_key as recipient_id,
    record->>'$.recipient_level' as recipient_level,
    record->>'$.name' as recipient_name,
    record->>'$.uei' as uei,
    record->>'$.parent_uei' as parent_uei,
    record->>'$.parent_name' as parent_name,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="recipient_id")),
        critical(e.ExpectColumnValuesToBeUnique(column="recipient_id")),
        critical(
            e.ExpectColumnValuesToMatchRegex(column="recipient_id", regex=r"^[0-9a-f-]{36}-[CPR]$")
        ),
        critical(
            e.ExpectColumnValuesToBeInSet(column="recipient_level", value_set=["C", "P", "R"])
        ),
        warning(e.ExpectColumnValuesToMatchRegex(column="uei", regex=r"^[A-Z0-9]{12}$")),
        warning(e.ExpectColumnValuesToMatchRegex(column="parent_uei", regex=r"^[A-Z0-9]{12}$")),
        warning(e.ExpectColumnValuesToNotBeNull(column="recipient_name")),
    ]


SUITE = SuiteSpec(
    name="raw.usaspending_recipients",
    raw_table="raw.usaspending_recipients",
    key_column="recipient_id",
    projection=PROJECTION,
    expectations=expectations,
)
