"""One load, start to finish: fetch every page, land the batch, validate it, merge or quarantine.

The validator is passed in (``expectations.runner.validate_batch`` in the pipeline), so this
module needs neither Great Expectations nor Dagster to be used or tested.
"""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Mapping
from typing import Protocol

import duckdb

from ingest import landing
from ingest.errors import MalformedPageError
from ingest.landing import Load, RawTable
from ingest.pulls import Pull


class Validation(Protocol):
    @property
    def critical_failures(self) -> list: ...

    @property
    def blocks_batch(self) -> bool:
        """The whole batch must be quarantined (``reason`` says why)."""
        ...

    def record_reasons(self) -> Mapping[str, str]:
        """Records (by natural key) to quarantine alone, each with its reason."""
        ...

    def reason(self) -> str: ...


Validator = Callable[[duckdb.DuckDBPyConnection, str], Validation]


def run_load(
    con: duckdb.DuckDBPyConnection, table: RawTable, pull: Pull, validate: Validator
) -> tuple[Load, Validation | None]:
    """Run ``pull`` into the raw ``table``. Returns the load (status, counts) and the validation.

    Pages are landed to disk as they are fetched (``landing.land_batch``) and DuckDB is held to
    ``landing.LOAD_MEMORY_LIMIT`` (a columnar table: ``COLUMNAR_LOAD_MEMORY_LIMIT``)
    meanwhile, so a load's memory does not grow with its batch.

    - A fetch or parse error (HTTP failure, malformed page) is recorded in the ledger as
      ``failed`` and re-raised: nothing of the batch is merged.
    - A page the client could not read (wholly or in part: ``FetchedPage.unreadable``) is
      quarantined and the rest of the batch goes on. But when not one page could be read (every
      page unreadable, none with a record), the API is answering something else than it
      documents (an outage page, a changed format): the parts are kept in the quarantine and the
      load fails with ``MalformedPageError``, merging nothing.
    - A critical failure of a batch-level expectation (uniqueness), or record-level failures of
      more than one record and more than ``expectations.suite.RECORD_FAILURE_SHARE`` of the batch
      (an API drift), quarantine the batch: status ``quarantined``.
    - Otherwise the batch is merged: status ``succeeded``. Records that fail a critical
      record-level expectation (a key absent, an unparsable date) are quarantined alone, each
      with its reason, in the same transaction, so one poison record never reaches ``raw.*``.
    """
    with landing.load_memory(con, table):
        return _run_load(con, table, pull, validate)


def _run_load(
    con: duckdb.DuckDBPyConnection, table: RawTable, pull: Pull, validate: Validator
) -> tuple[Load, Validation | None]:
    load = landing.start_load(con, table, pull.parameters)
    landing.prune_batches(con, table)
    try:
        # pages are fetched as they are landed (to files: memory does not grow with the batch),
        # and nothing is merged before the last has arrived: a batch is all or nothing
        landing.land_batch(con, load, itertools.chain(pull.pages, pull.files or ()))
    except BaseException as exc:
        load.parameters = dict(pull.parameters)
        landing.discard_batch(con)
        with contextlib.suppress(Exception):
            landing.fail_load(con, load, exc)
        raise
    # what fetching learnt (the LDA: which host answered) is recorded with the outcome
    load.parameters = dict(pull.parameters)
    try:
        return _validate_and_merge(con, table, load, validate)
    except BaseException as exc:
        # whatever stopped it (a bug, an interrupt), the load does not stay `running`
        # (best effort: if even that cannot be written, the next load marks it abandoned)
        if load.status == "running":
            with contextlib.suppress(Exception):
                landing.fail_load(con, load, exc)
        raise
    finally:
        landing.discard_batch(con)


def _validate_and_merge(
    con: duckdb.DuckDBPyConnection,
    table: RawTable,
    load: Load,
    validate: Validator,
) -> tuple[Load, Validation | None]:
    if not load.readable:
        error = MalformedPageError(
            table.source,
            f"every page of the load ({load.counts.pages})",
            f"no answer could be read; the first: {load.first_unreadable}",
        )
        landing.fail_load(con, load, error)
        raise error
    outcome = validate(con, load.load_id)
    if outcome.critical_failures and outcome.blocks_batch:
        landing.quarantine_batch(con, load, outcome.reason())
    else:
        alone = outcome.record_reasons() if outcome.critical_failures else {}
        missing = landing.keys_not_in_batch(con, alone)
        if missing:  # never merge a failing record that cannot be told apart: keep the batch
            reason = f"failing records not found in the batch ({', '.join(missing[:3])}): "
            landing.quarantine_batch(con, load, reason + outcome.reason())
        else:
            landing.merge_batch(con, load, alone)
    return load, outcome
