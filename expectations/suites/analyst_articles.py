"""raw.analyst_articles: rows of an analyst's own article list (CSV or JSON Lines)."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.news_common import article_url_expectations, plausible_date

# An ISO 8601 date, or date and time with an optional UTC offset (what dbt's staging reads).
ISO_DATE = (
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    r"(?:[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$"
)

# Failing records are named by file and row: that is where the analyst fixes them.
PROJECTION = """
select
    coalesce(record->>'$._file', '?') || ' row ' || coalesce(record->>'$._row', '?')
        || ' (' || record_key || ')' as file_row,
    record_key as url,
    nullif(trim(record->>'$.title'), '') as title,
    nullif(trim(record->>'$.publisher'), '') as publisher,
    nullif(trim(record->>'$.published'), '') as published,
    try_cast(left(trim(record->>'$.published'), 10) as date) as published_date,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        *article_url_expectations("url"),
        # a date the warehouse cannot read would put the article in no quarter: fix the file
        critical(e.ExpectColumnValuesToMatchRegex(column="published", regex=ISO_DATE)),
        plausible_date("published_date"),
        warning(e.ExpectColumnValuesToNotBeNull(column="published")),
        warning(e.ExpectColumnValuesToNotBeNull(column="title")),
        warning(e.ExpectColumnValuesToNotBeNull(column="publisher")),
    ]


SUITE = SuiteSpec(
    name="raw.analyst_articles",
    raw_table="raw.analyst_articles",
    key_column="file_row",
    record_key_column="url",
    projection=PROJECTION,
    expectations=expectations,
)
