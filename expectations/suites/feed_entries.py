"""raw.feed_entries: entries of the watchlist's RSS and Atom feeds, as feedparser read them."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.news_common import article_url_expectations, plausible_date

PROJECTION = """
select
    record_key as url,
    nullif(trim(record->>'$.title'), '') as title,
    record->>'$.feed_url' as feed_url,
    record->>'$.feed_version' as feed_version,
    try_strptime(record->>'$.published_utc', '%Y-%m-%dT%H:%M:%SZ') as published_at,
    coalesce(record->>'$.published_utc', record->>'$.updated_utc') as dated_utc,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        # unique: one link in two feeds with different metadata is two versions of one key
        *article_url_expectations("url"),
        critical(e.ExpectColumnValuesToNotBeNull(column="feed_url")),
        critical(e.ExpectColumnValuesToMatchRegex(column="feed_version", regex=r"^(?:rss|atom)")),
        plausible_date("published_at"),
        # an entry without a date feedparser can read has no quarter (RSS dates are optional)
        warning(e.ExpectColumnValuesToNotBeNull(column="dated_utc")),
        warning(e.ExpectColumnValuesToNotBeNull(column="title")),
    ]


SUITE = SuiteSpec(
    name="raw.feed_entries",
    raw_table="raw.feed_entries",
    key_column="url",
    projection=PROJECTION,
    expectations=expectations,
)
