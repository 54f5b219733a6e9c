"""Known value sets the suites check against, from the bundled reference data."""

from __future__ import annotations

import csv
from functools import cache

from ingest.config import REFERENCE_SEEDS_DIR

LDA_FILING_PERIODS = [
    "first_quarter",
    "second_quarter",
    "third_quarter",
    "fourth_quarter",
    "mid_year",
    "year_end",
]


@cache
def lda_filing_types() -> list[str]:
    """The 50 LDA filing type codes (dbt seed ``lda_filing_types``)."""
    with (REFERENCE_SEEDS_DIR / "lda_filing_types.csv").open(encoding="utf-8", newline="") as f:
        return [row["filing_type"] for row in csv.DictReader(f)]
