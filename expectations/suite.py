"""What a suite is: a SQL projection of the batch and the expectations on its columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
from great_expectations.expectations import Expectation

CRITICAL = "critical"  # a failure quarantines the failing records, or the batch (see below)
WARNING = "warning"  # a failure is recorded and shown, the batch is merged

# Where a critical failure is one record's fault (a value of that row fails a row-level
# expectation: a missing key, an unparsable date, a bad id), only the failing records are
# quarantined and the rest of the batch is merged, so one poison record cannot block or break the
# warehouse. When more than this share of the batch fails (and more than one record), the fault
# is not the records' but the API's (a drift: a key the API always sent is gone from every
# record) and the whole batch is quarantined. A failure of a batch-level expectation (uniqueness:
# two versions of one key cannot be told apart, so neither is chosen) always quarantines the batch.
RECORD_FAILURE_SHARE = 0.05
# Row-level expectations that are nonetheless judged on the batch: their failure is a conflict
# between records, not one record's fault.
BATCH_LEVEL_TYPES = frozenset({"expect_column_values_to_be_unique"})


@dataclass(frozen=True)
class CheckedExpectation:
    expectation: Expectation
    severity: str

    @property
    def record_level(self) -> bool:
        """True when a failure names records that fail on their own (a column map expectation
        such as not-null, regex, set or range), False when it is the batch's (uniqueness, and
        every table or aggregate expectation)."""
        return is_record_level(self.expectation.expectation_type)


def is_record_level(expectation_type: str) -> bool:
    return (
        expectation_type.startswith("expect_column_values_to_")
        and expectation_type not in BATCH_LEVEL_TYPES
    )


@dataclass(frozen=True)
class SuiteSpec:
    """A Great Expectations suite for one raw table.

    ``projection`` is a SQL select over the batch table ``landing_batch`` (columns ``record_key``,
    ``record`` JSON, ``page``) that pulls out the fields the expectations look at. Projections
    read strings as strings (``->>``) and try-cast what must parse, so a malformed value shows up
    as a failed expectation naming its record rather than as an exception.
    """

    name: str
    raw_table: str
    key_column: str  # the projection's natural-key column, used to name failing records
    projection: str
    expectations: Callable[[], list[CheckedExpectation]]
    # the projection's column holding the batch's ``record_key`` (the record a failing row
    # belongs to, which is quarantined alone), when it is not ``key_column``
    record_key_column: str | None = None

    @property
    def landing_key(self) -> str:
        return self.record_key_column or self.key_column

    def columns_read(self) -> frozenset[str]:
        """The projection's columns that some expectation checks."""
        return frozenset(
            column
            for item in self.expectations()
            for column in [getattr(item.expectation, "column", None)]
            if isinstance(column, str)
        )

    def naming_columns(self) -> frozenset[str]:
        """The projection's columns that only name failing rows (the keys and ``page``, when
        no expectation checks them): a pass that only counts failures can leave them out."""
        return frozenset({self.key_column, self.landing_key, "page"}) - self.columns_read()

    def build(self) -> tuple[gx.ExpectationSuite, list[str]]:
        """A fresh ``ExpectationSuite`` and the severity of each expectation, in order."""
        checked = self.expectations()
        suite = gx.ExpectationSuite(name=self.name)
        for item in checked:
            suite.add_expectation(item.expectation)
        return suite, [item.severity for item in checked]


def critical(expectation: Expectation) -> CheckedExpectation:
    return CheckedExpectation(expectation, CRITICAL)


def warning(expectation: Expectation) -> CheckedExpectation:
    return CheckedExpectation(expectation, WARNING)
