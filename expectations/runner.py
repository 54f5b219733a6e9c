"""Validate a landed batch with its Great Expectations suite and store the results.

The batch is read from DuckDB into pandas (GX's SQL data source on DuckDB gave wrong results),
validated in an ephemeral GX context, and every expectation's outcome is written to
``audit.validation_results`` for analysts.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import math
import numbers
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import duckdb
import great_expectations as gx
import pandas as pd
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.validator.v1_validator import Validator

from expectations.suite import CRITICAL, RECORD_FAILURE_SHARE, SuiteSpec, is_record_level
from ingest.landing import BATCH_TABLE, batch_chunks, quote_identifier

MAX_EXAMPLES = 10
NAMED_FAILURES = 100_000  # failing rows always named, whatever the batch's size


@dataclass(frozen=True)
class ExpectationOutcome:
    index: int
    expectation_type: str
    column: str | None
    severity: str
    success: bool
    element_count: int | None
    unexpected_count: int | None
    examples: list[dict[str, Any]]  # {record: natural key, page: request label, value}
    # every failing row (not only the examples): {record: natural key, page, value, and
    # record_key: the key of the landed record the row comes from}
    failing: tuple[dict[str, Any], ...] = ()

    @property
    def record_level(self) -> bool:
        """A failure that names the records at fault (see ``expectations.suite``)."""
        return is_record_level(self.expectation_type)

    @property
    def names_its_records(self) -> bool:
        """A record-level failure whose every failing row names the landed record it is of."""
        return (
            self.record_level
            and bool(self.failing)
            and all(row.get("record_key") is not None for row in self.failing)
        )

    def describe(self) -> str:
        where = f" on {self.column}" if self.column else ""
        text = f"{self.expectation_type}{where}: {self.unexpected_count or 0} unexpected"
        if self.examples:
            shown = ", ".join(
                f"record {e['record']} (value {e['value']!r}, page {e['page']})"
                for e in self.examples[:3]
            )
            text += f", e.g. {shown}"
        return text


@dataclass(frozen=True)
class ValidationOutcome:
    suite_name: str
    raw_table: str
    outcomes: list[ExpectationOutcome]
    batch_size: int = 0  # records validated
    # more records failed than the batch may lose (``RECORD_FAILURE_SHARE``): validation stopped
    # naming them (``failing`` holds the first), and the batch is quarantined whole
    failing_truncated: bool = False

    @property
    def success(self) -> bool:
        return all(o.success for o in self.outcomes)

    @property
    def critical_failures(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity == CRITICAL]

    @property
    def warnings(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success and o.severity != CRITICAL]

    def failing_records(self) -> dict[str, list[str]]:
        """Record key -> why it fails, for every record that fails a critical record-level
        expectation: the record and its page first, then each failure with its field and
        value."""
        found: dict[str, list[str]] = {}
        for o in self.critical_failures:
            if not o.record_level:
                continue
            for row in o.failing:
                key, name = row.get("record_key"), row.get("record")
                if key is None:
                    continue
                why = found.setdefault(str(key), [f"record {name} (page {row.get('page')})"])
                why.append(f"{o.expectation_type} on {o.column} (value {row.get('value')!r})")
        return found

    @property
    def blocks_batch(self) -> bool:
        """True when the whole batch must be quarantined: a critical batch-level failure, a
        record-level failure that names no record, or more failing records than the share the
        suite tolerates (``RECORD_FAILURE_SHARE``: above it, and above one record, the API has
        drifted rather than sent one bad record)."""
        if self.failing_truncated or not all(o.names_its_records for o in self.critical_failures):
            return True
        failing = len(self.failing_records())
        return failing > 1 and failing > RECORD_FAILURE_SHARE * self.batch_size

    def record_reasons(self) -> dict[str, str]:
        """The records to quarantine alone, with their reasons; empty when the batch is blocked
        (then ``reason`` says why) or nothing critical failed."""
        if self.blocks_batch:
            return {}
        return {
            key: f"{why[0]} fails critical expectations: " + "; ".join(why[1:])
            for key, why in self.failing_records().items()
        }

    def reason(self) -> str:
        """Why the batch was quarantined: the failed critical expectations, with examples, and,
        when it is the records' number that blocks it, how many failed out of how many."""
        text = "; ".join(o.describe() for o in self.critical_failures)
        failing = len(self.failing_records())
        if self.failing_truncated or (
            failing > 1 and failing > RECORD_FAILURE_SHARE * self.batch_size
        ):
            text = (
                f"{'at least ' * self.failing_truncated}{failing} of {self.batch_size} records "
                "fail critical expectations, more than "
                f"{RECORD_FAILURE_SHARE:.0%} of the batch (the API's answers have changed, not "
                f"one record): {text}"
            )
        return text


@cache
def gx_context() -> Any:
    """One ephemeral GX context per process; progress bars off (they would flood the logs)."""
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    return context


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | bool):
        return value
    if pd.api.types.is_bool(value):  # numpy's: a flag column (has_income, is_..._unparsable)
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return None if math.isnan(value) else float(value)
    if pd.isna(value):
        return None
    return str(value)


# pandas' nanosecond range: a date outside it (a typo'd year 0201) keeps its unit
_NS_RANGE = (pd.Timestamp.min, pd.Timestamp.max)


def _gx_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its datetime columns in nanoseconds where every value fits (DuckDB gives
    microseconds, which GX compares with a range's bounds value by value, some five times as
    slowly); values are unchanged."""
    converted = {}
    for name in frame.columns:
        column = frame[name]
        if not pd.api.types.is_datetime64_dtype(column) or column.dtype == "datetime64[ns]":
            continue
        low, high = column.min(), column.max()
        if pd.isna(low) or (low >= _NS_RANGE[0] and high <= _NS_RANGE[1]):
            converted[name] = column.astype("datetime64[ns]")
    return frame.assign(**converted) if converted else frame


def validate_frame(
    frame: pd.DataFrame,
    suite_spec: SuiteSpec,
    *,
    name_failures: bool = True,
    records: int | None = None,
) -> ValidationOutcome:
    """Validate ``frame`` (the suite's projection of a batch) against the suite.

    ``name_failures`` asks GX for every failing row (its record and page); without it GX only
    counts them, which is many times faster on a batch where nothing fails. ``records``: the
    number of records the frame is of, when the frame lacks the suite's ``landing_key`` (a pass
    that only counts: ``SuiteSpec.naming_columns``)."""
    context = gx_context()
    name = f"{suite_spec.name}-{id(frame)}"
    source = context.data_sources.add_or_update_pandas(name)
    asset = source.add_dataframe_asset(name="batch")
    batch_definition = asset.add_batch_definition_whole_dataframe("whole")
    suite, severities = suite_spec.build()
    suite.name = name
    suite = context.suites.add(suite)
    # GX does not return results in suite order (an expectation on an all-null column can come
    # later): each result finds its place and severity by the id the suite gave its expectation.
    position = {expectation.id: index for index, expectation in enumerate(suite.expectations)}
    try:
        result_format: dict[str, Any] = (
            {
                # COMPLETE: every failing row is named, so failing records can be quarantined
                "result_format": "COMPLETE",
                "partial_unexpected_count": MAX_EXAMPLES,
                "unexpected_index_column_names": list(
                    dict.fromkeys([suite_spec.key_column, suite_spec.landing_key, "page"])
                ),
            }
            if name_failures
            else {"result_format": "SUMMARY", "partial_unexpected_count": 0}
        )
        # the validator a ValidationDefinition runs, without storing its result: one batch is
        # built (GX fingerprints the whole frame for each batch it builds)
        result = Validator(
            batch_definition=batch_definition,
            batch_parameters={"dataframe": _gx_frame(frame)},
            result_format=result_format,
        ).validate_expectation_suite(suite)
    finally:
        context.suites.delete(name)
        context.data_sources.delete(name)
    configured = [(item, item.expectation_config) for item in result.results]
    returned = [config.id if config else None for _, config in configured]
    if sorted(returned, key=str) != sorted(position, key=str):
        raise RuntimeError(f"suite {suite_spec.name}: GX results do not match its expectations")
    outcomes = []
    for item, config in sorted(configured, key=lambda pair: position[pair[1].id]):  # type: ignore[union-attr]
        assert config is not None
        index = position[config.id]
        severity = severities[index]
        details = item.result or {}
        column = config.kwargs.get("column")
        failing = tuple(
            {
                "record": _jsonable(row.get(suite_spec.key_column)),
                "page": _jsonable(row.get("page")),
                "value": _jsonable(row.get(column)) if column else None,
                "record_key": _jsonable(row.get(suite_spec.landing_key)),
            }
            for row in details.get("unexpected_index_list") or []
            if isinstance(row, dict)
        )
        examples = [
            {k: v for k, v in row.items() if k != "record_key"} for row in failing[:MAX_EXAMPLES]
        ]
        outcomes.append(
            ExpectationOutcome(
                index=index,
                expectation_type=config.type,
                column=column,
                severity=severity,
                success=bool(item.success),
                element_count=details.get("element_count"),
                unexpected_count=details.get("unexpected_count"),
                examples=examples,
                failing=failing if not item.success else (),
            )
        )
    if records is None:
        # the batch's size in records (a projection can have several rows per record)
        records = int(frame[suite_spec.landing_key].nunique()) if len(frame) else 0
    return ValidationOutcome(suite_spec.name, suite_spec.raw_table, outcomes, records)


def validate_batch(
    con: duckdb.DuckDBPyConnection, suite_spec: SuiteSpec, load_id: str
) -> ValidationOutcome:
    """Validate the batch in ``landing_batch`` and record every outcome for the load.

    The batch is validated one bucket at a time (``ingest.landing.batch_chunks``: each holds
    every record of its keys, so uniqueness is judged right), each bucket first only counted
    and, where something fails, validated again naming its failing rows; the buckets' outcomes
    add up to the batch's. Memory holds one bucket's projection, whatever the batch's size."""
    total_row = con.execute(f"select count(*) from {BATCH_TABLE}").fetchone()
    total = int(total_row[0]) if total_row else 0
    # past this many failing records the batch is quarantined whole: no need to name more
    # (but a small batch's drift is named in full: it costs nothing)
    most_failing = max(int(RECORD_FAILURE_SHARE * total) + 2, NAMED_FAILURES)
    parts: list[ValidationOutcome] = []
    counted, count_records = _counting_projection(con, suite_spec)
    with _collections_of_new_objects():
        for _ in batch_chunks(con):
            parts.append(_validate_chunk(con, suite_spec, counted, count_records))
    outcome = combine_outcomes(suite_spec, parts, most_failing)
    store_outcome(con, outcome, load_id)
    return outcome


@contextmanager
def _collections_of_new_objects() -> Iterator[None]:
    """Let Python's collector pass over the objects made inside the block only: every object
    alive when it starts (GX's modules, the process's own) is frozen (``gc.freeze``) and thawed
    at its end. The collection after each chunk then costs next to nothing: it took 0.16 s over
    the 265,000 objects a process holds once GX has started, and 0.25 s after a few chunks (5.1 s
    of a ten-million-row load's 141 s, measured with cProfile), against under a millisecond
    frozen. No collection first: it would cost a small batch's one chunk that much again; what
    was garbage already is collected after the block, by Python's next full collection.
    A process that froze objects itself (a forking server does) is left as it is: unfreezing
    thaws every frozen object, not only those frozen here."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _validate_chunk(
    con: duckdb.DuckDBPyConnection, suite_spec: SuiteSpec, counted: str, count_records: str | None
) -> ValidationOutcome:
    """Validate the chunk ``landing_batch`` points at (``validate_batch``)."""
    # first only counted, without the columns that only name failing rows (``page`` and,
    # where no expectation checks it, the key): ``page``'s text in every row took 0.2 of the
    # 1.4 s a chunk of 500,000 archive rows was read and validated, the key 0.6 of GX's 0.8 s
    # (``usaspending_archive_transactions``)
    frame = con.execute(counted).df()
    size = None
    if count_records:
        size_row = con.execute(count_records).fetchone()
        size = int(size_row[0]) if size_row else 0
    outcome = validate_frame(frame, suite_spec, name_failures=False, records=size)
    if not outcome.success:
        del frame
        frame = con.execute(suite_spec.projection).df()
        outcome = validate_frame(frame, suite_spec)
    del frame
    # GX's batch objects hold the frame in reference cycles: without a collection each chunk's
    # frame stayed until the next automatic one (+200 MB a chunk, measured)
    gc.collect()
    return outcome


def _counting_projection(
    con: duckdb.DuckDBPyConnection, suite_spec: SuiteSpec
) -> tuple[str, str | None]:
    """The query of the pass that only counts failures: the suite's projection without its
    naming columns (``SuiteSpec.naming_columns``); and, when that leaves out the landing key,
    the query of the chunk's number of records (else None: the frame counts them)."""
    present = con.sql(suite_spec.projection).columns  # bound, not run
    naming = suite_spec.naming_columns()
    left_out = [c for c in present if c in naming]
    if not left_out or len(left_out) == len(present):
        return suite_spec.projection, None
    listed = ", ".join(map(quote_identifier, left_out))
    counted = f"select * exclude ({listed}) from ({suite_spec.projection})"
    if suite_spec.landing_key not in left_out:
        return counted, None
    return counted, f"select count(distinct record_key) from {BATCH_TABLE}"


def combine_outcomes(
    suite_spec: SuiteSpec, parts: list[ValidationOutcome], most_failing: int
) -> ValidationOutcome:
    """One outcome for a batch validated in parts: counts added, examples and failing rows
    taken in order (failing rows up to ``most_failing`` records; past it the outcome says it
    stopped naming them)."""
    if len(parts) == 1 and len(parts[0].failing_records()) <= most_failing:
        return parts[0]
    if not parts:
        return validate_frame(pd.DataFrame(), suite_spec)
    combined = []
    truncated = False
    for index, first in enumerate(parts[0].outcomes):
        same = [part.outcomes[index] for part in parts]
        failing: list[dict[str, Any]] = []
        for o in same:
            room = most_failing - len(failing)
            if len(o.failing) > room:
                truncated = True
            failing.extend(o.failing[: max(room, 0)])
        counts = [o.unexpected_count for o in same if o.unexpected_count is not None]
        elements = [o.element_count for o in same if o.element_count is not None]
        combined.append(
            ExpectationOutcome(
                index=first.index,
                expectation_type=first.expectation_type,
                column=first.column,
                severity=first.severity,
                success=all(o.success for o in same),
                element_count=sum(elements) if elements else None,
                unexpected_count=sum(counts) if counts else None,
                examples=[e for o in same for e in o.examples][:MAX_EXAMPLES],
                failing=tuple(failing),
            )
        )
    return ValidationOutcome(
        suite_spec.name,
        suite_spec.raw_table,
        combined,
        sum(part.batch_size for part in parts),
        failing_truncated=truncated,
    )


def store_outcome(con: duckdb.DuckDBPyConnection, outcome: ValidationOutcome, load_id: str) -> None:
    now = dt.datetime.now(dt.UTC)
    con.executemany(
        """
        insert or replace into audit.validation_results
            (load_id, raw_table, suite_name, expectation_index, expectation_type, column_name,
             severity, success, element_count, unexpected_count, unexpected_examples, validated_at)
        values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            (
                load_id,
                outcome.raw_table,
                outcome.suite_name,
                o.index,
                o.expectation_type,
                o.column,
                o.severity,
                o.success,
                o.element_count,
                o.unexpected_count,
                json.dumps(o.examples),
                now,
            )
            for o in outcome.outcomes
        ],
    )
