"""One Great Expectations suite per raw table, keyed by the raw table's qualified name."""

from __future__ import annotations

from expectations.suite import SuiteSpec
from expectations.suites import (
    analyst_articles,
    feed_entries,
    gdelt_articles,
    lda_constants,
    lda_contributions,
    lda_filings,
    usaspending_awards,
    usaspending_recipients,
    usaspending_toptier_agencies,
    usaspending_transactions,
)

SUITES: dict[str, SuiteSpec] = {
    suite.raw_table: suite
    for suite in (
        lda_filings.SUITE,
        lda_contributions.SUITE,
        lda_constants.SUITE,
        usaspending_awards.SUITE,
        usaspending_transactions.SUITE,
        usaspending_recipients.SUITE,
        usaspending_toptier_agencies.SUITE,
        gdelt_articles.SUITE,
        analyst_articles.SUITE,
        feed_entries.SUITE,
    )
}
