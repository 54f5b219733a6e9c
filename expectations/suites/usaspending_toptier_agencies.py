"""raw.usaspending_toptier_agencies: USAspending's toptier agency list (codes and names)."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

PROJECTION = """
select
    record_key as toptier_code,
    record->>'$.agency_name' as agency_name,
    record->>'$.abbreviation' as abbreviation,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="toptier_code")),
        critical(e.ExpectColumnValuesToBeUnique(column="toptier_code")),
        # CGAC (3 digits) or FREC (4 digits), leading zeros kept
        critical(e.ExpectColumnValuesToMatchRegex(column="toptier_code", regex=r"^[0-9]{3,4}$")),
        critical(e.ExpectColumnValuesToNotBeNull(column="agency_name")),
        warning(e.ExpectColumnValuesToNotBeNull(column="abbreviation")),
        # the list is whole or it is not the list: a short answer should not replace it
        critical(e.ExpectTableRowCountToBeBetween(min_value=50)),
    ]


SUITE = SuiteSpec(
    name="raw.usaspending_toptier_agencies",
    raw_table="raw.usaspending_toptier_agencies",
    key_column="toptier_code",
    projection=PROJECTION,
    expectations=expectations,
)
