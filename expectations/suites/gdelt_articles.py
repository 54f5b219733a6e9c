"""raw.gdelt_articles: GDELT DOC 2.0 ArtList articles."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.news_common import article_url_expectations, plausible_date

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
        *article_url_expectations("url"),
        critical(
            e.ExpectColumnValuesToMatchRegex(column="seendate", regex=r"^[0-9]{8}T[0-9]{6}Z$")
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="seen_at")),
        plausible_date("seen_at"),
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
