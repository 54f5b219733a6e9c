"""Filing periods of the Senate LDA as Dagster partitions: quarters from 2008 (the Honest
Leadership and Open Government Act made LD-2 reports quarterly), half-years from 1999 to 2007."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from ingest.lda import FIRST_QUARTERLY_YEAR, HALF_YEAR_PERIODS, PERIODS

FIRST_LDA_YEAR = 1999
_QUARTER_KEYS = dict(zip(("Q1", "Q2", "Q3", "Q4"), PERIODS, strict=True))
_HALF_KEYS = dict(zip(("H1", "H2"), HALF_YEAR_PERIODS, strict=True))


def filing_period_keys(last_year: int) -> list[str]:
    keys: list[str] = []
    for year in range(FIRST_LDA_YEAR, last_year + 1):
        labels = _QUARTER_KEYS if year >= FIRST_QUARTERLY_YEAR else _HALF_KEYS
        keys.extend(f"{year}-{label}" for label in labels)
    return keys


def parse_filing_period_key(key: str) -> tuple[int, str]:
    """'2018-Q3' -> (2018, 'third_quarter'); '2007-H2' -> (2007, 'year_end')."""
    year_text, _, label = key.partition("-")
    period = (_QUARTER_KEYS | _HALF_KEYS).get(label)
    if not year_text.isdigit() or period is None:
        raise ValueError(f"not a filing period partition key: {key!r}")
    return int(year_text), period


lda_filing_periods = dg.StaticPartitionsDefinition(filing_period_keys(dt.date.today().year))
