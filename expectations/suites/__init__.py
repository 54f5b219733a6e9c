"""One Great Expectations suite per raw table, each in its own module as ``SUITE``.

A source names its suite's module in its declaration (``ingest.sources.SourceSpec.suite``);
``load_suite`` imports it. Nothing else registers a suite.
"""

from __future__ import annotations

from importlib import import_module

from expectations.suite import SuiteSpec


def load_suite(module: str) -> SuiteSpec:
    """The ``SUITE`` defined by ``module`` (e.g. ``expectations.suites.lda_filings``)."""
    suite = getattr(import_module(module), "SUITE", None)
    if not isinstance(suite, SuiteSpec):
        raise LookupError(f"{module} defines no SUITE (an expectations.suite.SuiteSpec)")
    return suite
