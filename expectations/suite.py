"""What a suite is: a SQL projection of the batch and the expectations on its columns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import great_expectations as gx
from great_expectations.expectations import Expectation

CRITICAL = "critical"  # a failure quarantines the batch
WARNING = "warning"  # a failure is recorded and shown, the batch is merged


@dataclass(frozen=True)
class CheckedExpectation:
    expectation: Expectation
    severity: str


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
