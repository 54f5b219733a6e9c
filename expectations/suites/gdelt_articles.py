"""raw.gdelt_articles: GDELT DOC 2.0 ArtList articles."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

PROJECTION = """
select
    record_key as url,
    record->>'$.title' as title,
    record->>'$.domain' as domain,
    record->>'$.seendate' as seendate,
    try_strptime(record->>'$.seendate', '%Y%m%dT%H%M%SZ') as seen_at,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column="url")),
        critical(e.ExpectColumnValuesToBeUnique(column="url")),
        critical(
            e.ExpectColumnValuesToMatchRegex(column="url", regex=r"^https?://[^\s/]+\.[^\s]+$")
        ),
        critical(
            e.ExpectColumnValuesToMatchRegex(column="seendate", regex=r"^[0-9]{8}T[0-9]{6}Z$")
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="seen_at")),
        critical(
            e.ExpectColumnValuesToBeBetween(
                column="seen_at",
                min_value=dt.datetime(1979, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
            )
        ),
        warning(e.ExpectColumnValuesToNotBeNull(column="title")),
        warning(e.ExpectColumnValuesToNotBeNull(column="domain")),
    ]


SUITE = SuiteSpec(
    name="raw.gdelt_articles",
    raw_table="raw.gdelt_articles",
    key_column="url",
    projection=PROJECTION,
    expectations=expectations,
)
