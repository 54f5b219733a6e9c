"""Expectations every news input's suite shares (GDELT, feeds, the analyst's list)."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, critical

# A link the warehouse can canonicalise and key: an absolute http(s) URL with a dotted host.
ARTICLE_URL = r"^https?://[^\s/]+\.[^\s]+$"
EARLIEST = dt.datetime(1979, 1, 1)  # GDELT's oldest records
LATEST = dt.datetime(2100, 1, 1)


def article_url_expectations(column: str = "url") -> list[CheckedExpectation]:
    """The key of a raw news table: present, unique in the batch, an absolute http(s) URL."""
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToNotBeNull(column=column)),
        critical(e.ExpectColumnValuesToBeUnique(column=column)),
        critical(e.ExpectColumnValuesToMatchRegex(column=column, regex=ARTICLE_URL)),
    ]


def plausible_date(column: str) -> CheckedExpectation:
    """A parsed article date between GDELT's first records and 2100 (nulls are not judged)."""
    return critical(
        gx.expectations.ExpectColumnValuesToBeBetween(
            column=column, min_value=EARLIEST, max_value=LATEST
        )
    )
