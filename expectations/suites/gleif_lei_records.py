"""raw.gleif_lei_records: GLEIF LEI records (Level 1) of the watched companies, their parents and
their subsidiaries."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.gleif_common import LEI_REGEX, unparsable

LAST_UPDATE = "record->>'$.attributes.registration.lastUpdateDate'"
INITIAL_REGISTRATION = "record->>'$.attributes.registration.initialRegistrationDate'"

PROJECTION = f"""
select
    record_key as lei,
    record->>'$.type' as resource_type,
    coalesce(record->>'$.attributes.lei' = record_key, false) as is_lei_consistent,
    nullif(trim(record->>'$.attributes.entity.legalName.name'), '') as legal_name,
    record->>'$.attributes.entity.status' as entity_status,
    record->>'$.attributes.registration.status' as registration_status,
    {unparsable(LAST_UPDATE)} as is_last_update_unparsable,
    {unparsable(INITIAL_REGISTRATION)} as is_initial_registration_unparsable,
    page
from landing_batch
"""

ENTITY_STATUSES = ["ACTIVE", "INACTIVE", "NULL"]
REGISTRATION_STATUSES = [
    "ISSUED",
    "LAPSED",
    "MERGED",
    "RETIRED",
    "ANNULLED",
    "CANCELLED",
    "TRANSFERRED",
    "PENDING_TRANSFER",
    "PENDING_ARCHIVAL",
    "DUPLICATE",
]


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="lei")),
        critical(e.ExpectColumnValuesToBeUnique(column="lei")),
        critical(e.ExpectColumnValuesToMatchRegex(column="lei", regex=LEI_REGEX)),
        critical(e.ExpectColumnValuesToBeInSet(column="resource_type", value_set=["lei-records"])),
        # the resource id is the record's own LEI
        critical(e.ExpectColumnValuesToBeInSet(column="is_lei_consistent", value_set=[True])),
        critical(e.ExpectColumnValuesToNotBeNull(column="legal_name")),
        # parsed as staging parses them (macro gleif_timestamp)
        critical(
            e.ExpectColumnValuesToBeInSet(column="is_last_update_unparsable", value_set=[False])
        ),
        critical(
            e.ExpectColumnValuesToBeInSet(
                column="is_initial_registration_unparsable", value_set=[False]
            )
        ),
        # the LEI-CDF's lists; another value is worth a look, not a reason to refuse the batch
        warning(e.ExpectColumnValuesToBeInSet(column="entity_status", value_set=ENTITY_STATUSES)),
        warning(
            e.ExpectColumnValuesToBeInSet(
                column="registration_status", value_set=REGISTRATION_STATUSES
            )
        ),
    ]


SUITE = SuiteSpec(
    name="raw.gleif_lei_records",
    raw_table="raw.gleif_lei_records",
    key_column="lei",
    projection=PROJECTION,
    expectations=expectations,
)
