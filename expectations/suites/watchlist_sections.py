"""raw.watchlist_sections: the watchlist's companies, agencies and topics, a record a section."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical

SECTIONS = ["companies", "agencies", "topics"]

# One row per entry: what the news tagging needs of it (a name, and terms that are not blank).
PROJECTION = """
with entries as (
    select
        record_key as section,
        unnest(from_json(record->'$.entries', '["json"]')) as entry,
        page
    from landing_batch
)
select
    section || ' ' || coalesce(entry->>'$.name', '?') as entry_name,
    section,
    nullif(trim(entry->>'$.name'), '') as name,
    case when section = 'agencies' then entry->>'$.toptier_code' end as toptier_code,
    (
        select count(*)
        from (select unnest(from_json(entry->'$.news_terms', '["varchar"]')) as term)
        where nullif(trim(term), '') is null
    ) as blank_news_terms,
    page
from entries
union all
-- a section with no entries still has a row, so that a missing section is seen
select record_key, record_key, record_key, null, 0, page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToBeUnique(column="entry_name")),
        critical(e.ExpectColumnValuesToBeInSet(column="section", value_set=SECTIONS)),
        critical(e.ExpectColumnValuesToNotBeNull(column="name")),
        critical(
            e.ExpectColumnValuesToMatchRegex(
                column="toptier_code", regex=r"^[0-9]{3,4}$", mostly=1.0
            )
        ),
        critical(e.ExpectColumnValuesToBeBetween(column="blank_news_terms", max_value=0)),
        critical(e.ExpectColumnDistinctValuesToEqualSet(column="section", value_set=SECTIONS)),
    ]


SUITE = SuiteSpec(
    name="raw.watchlist_sections",
    raw_table="raw.watchlist_sections",
    key_column="entry_name",
    record_key_column="section",
    projection=PROJECTION,
    expectations=expectations,
)
