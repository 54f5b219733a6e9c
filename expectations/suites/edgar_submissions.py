"""raw.edgar_submissions: SEC EDGAR submissions bodies (a company's current and former names).

Former names' dates are parsed as staging parses them (``edgar_date`` in
``dbt_models/macros/edgar_parsing.sql``: the first ten characters of the timestamp, a date), so a
batch that passes cannot break ``stg_edgar__company_names``.
"""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

# One row per record. ``unreadable_former_name``: the first formerNames entry without a name or
# with a from/to date that does not parse (as JSON text, so the failure shows it), else null.
PROJECTION = """
select
    record_key as cik,
    nullif(trim(record->>'$.name'), '') as company_name,
    json_type(record->'$.formerNames') as former_names_type,
    (
        select any_value(cast(entry as varchar))
        from unnest(cast(coalesce(record->'$.formerNames', '[]') as json[])) as f(entry)
        where nullif(trim(entry->>'$.name'), '') is null
            or try_cast(left(entry->>'$.from', 10) as date) is null
            or try_cast(left(entry->>'$.to', 10) as date) is null
    ) as unreadable_former_name,
    record->>'$.entityType' as entity_type,
    record->>'$.stateOfIncorporation' as state_of_incorporation,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="cik")),
        critical(e.ExpectColumnValuesToBeUnique(column="cik")),
        critical(e.ExpectColumnValuesToMatchRegex(column="cik", regex=r"^[0-9]{1,10}$")),
        critical(e.ExpectColumnValuesToNotBeNull(column="company_name")),
        # formerNames is a list (empty for a company that never changed its name)
        critical(e.ExpectColumnValuesToBeInSet(column="former_names_type", value_set=["ARRAY"])),
        critical(e.ExpectColumnValuesToBeNull(column="unreadable_former_name")),
        warning(e.ExpectColumnValuesToNotBeNull(column="entity_type")),
        warning(
            e.ExpectColumnValuesToMatchRegex(
                column="state_of_incorporation", regex=r"^[A-Z0-9]{2}$", mostly=0.9
            )
        ),
    ]


SUITE = SuiteSpec(
    name="raw.edgar_submissions",
    raw_table="raw.edgar_submissions",
    key_column="cik",
    projection=PROJECTION,
    expectations=expectations,
)
