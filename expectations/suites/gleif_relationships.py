"""raw.gleif_relationships: GLEIF Level 2 relationship records (accounting consolidation) with
their periods."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.gleif_common import (
    LEI_REGEX,
    PERIOD_TYPES,
    RELATIONSHIP_TYPES,
    timestamp,
    unparsable,
)

# One row per relationship record; its periods are checked through counts of bad periods, so a
# failure names the record that holds them.
PROJECTION = f"""
select
    record_key as relationship_key,
    record->>'$.type' as resource_type,
    record->>'$.attributes.relationship.startNode.id' as child_lei,
    record->>'$.attributes.relationship.endNode.id' as parent_lei,
    record->>'$.attributes.relationship.startNode.type' as child_node_type,
    record->>'$.attributes.relationship.endNode.type' as parent_node_type,
    record->>'$.attributes.relationship.type' as relationship_type,
    record->>'$.attributes.relationship.status' as relationship_status,
    (
        select count(*)
        from (
            select unnest(from_json(record->'$.attributes.relationship.periods', '["json"]')) as p
        )
        where {unparsable("p->>'$.startDate'")} or {unparsable("p->>'$.endDate'")}
            or {timestamp("p->>'$.endDate'")} < {timestamp("p->>'$.startDate'")}
    ) as bad_periods,
    (
        select count(*)
        from (
            select unnest(from_json(record->'$.attributes.relationship.periods', '["json"]')) as p
        )
        where coalesce(p->>'$.type', '') not in ({", ".join(f"'{t}'" for t in PERIOD_TYPES)})
    ) as periods_of_unknown_type,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="relationship_key")),
        critical(e.ExpectColumnValuesToBeUnique(column="relationship_key")),
        critical(
            e.ExpectColumnValuesToBeInSet(
                column="resource_type", value_set=["relationship-records"]
            )
        ),
        critical(e.ExpectColumnValuesToMatchRegex(column="child_lei", regex=LEI_REGEX)),
        critical(e.ExpectColumnValuesToMatchRegex(column="parent_lei", regex=LEI_REGEX)),
        critical(
            e.ExpectColumnValuesToBeInSet(column="relationship_type", value_set=RELATIONSHIP_TYPES)
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="relationship_status")),
        # every period's dates parse as staging parses them and end no earlier than they start
        critical(e.ExpectColumnValuesToBeBetween(column="bad_periods", max_value=0)),
        warning(e.ExpectColumnValuesToBeBetween(column="periods_of_unknown_type", max_value=0)),
        warning(e.ExpectColumnValuesToBeInSet(column="child_node_type", value_set=["LEI"])),
        warning(e.ExpectColumnValuesToBeInSet(column="parent_node_type", value_set=["LEI"])),
        warning(
            e.ExpectColumnValuesToBeInSet(
                column="relationship_status", value_set=["ACTIVE", "INACTIVE"]
            )
        ),
    ]


SUITE = SuiteSpec(
    name="raw.gleif_relationships",
    raw_table="raw.gleif_relationships",
    key_column="relationship_key",
    projection=PROJECTION,
    expectations=expectations,
)
