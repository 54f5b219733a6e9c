"""raw.feed_entries: the entries of the watchlist's RSS and Atom feeds, one record per link."""

from __future__ import annotations

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.news_common import article_url_expectations, plausible_date

# A record is one link with the entries of every feed that carried it; the first (in watchlist
# order) is the one checked for a title and a date, all of them for their feed.
PROJECTION = """
select
    record_key as url,
    nullif(trim(record->'$.entries[0]'->>'$.title'), '') as title,
    (
        select count(*) from (select unnest(from_json(record->'$.entries', '["json"]')) as entry)
        where entry->>'$.feed_url' is null
    ) as entries_without_feed,
    record->'$.entries[0]'->>'$.feed_version' as feed_version,
    try_strptime(
        record->'$.entries[0]'->>'$.published_utc', '%Y-%m-%dT%H:%M:%SZ'
    ) as published_at,
    coalesce(
        record->'$.entries[0]'->>'$.published_utc', record->'$.entries[0]'->>'$.updated_utc'
    ) as dated_utc,
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        *article_url_expectations("url"),
        critical(e.ExpectColumnValuesToBeBetween(column="entries_without_feed", max_value=0)),
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
