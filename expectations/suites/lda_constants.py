"""raw.lda_constants: the LDA's reference lists, one record per list."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical

CONSTANT_LISTS = ["filingtypes", "lobbyingactivityissues", "governmententities"]

PROJECTION = """
select
    record_key as constant_list,
    json_array_length(record->'$.items') as items_count,
    (
        select count(*)
        from (select unnest(from_json(record->'$.items', '["json"]')) as item)
        where coalesce(item->>'$.id', item->>'$.value') is null or item->>'$.name' is null
    ) as items_without_key_or_name,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToBeUnique(column="constant_list")),
        critical(e.ExpectColumnValuesToBeInSet(column="constant_list", value_set=CONSTANT_LISTS)),
        critical(e.ExpectColumnValuesToBeBetween(column="items_count", min_value=1)),
        critical(e.ExpectColumnValuesToBeBetween(column="items_without_key_or_name", max_value=0)),
    ]


SUITE = SuiteSpec(
    name="raw.lda_constants",
    raw_table="raw.lda_constants",
    key_column="constant_list",
    projection=PROJECTION,
    expectations=expectations,
)
