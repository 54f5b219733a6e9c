"""Drift and poison records never pass silently (issue 12, item 5b), shown with real material.

The filings are the real Lockheed record of
``tests/fixtures/real/lda/filings_lockheed_2025_trimmed.json`` (see
``tests/fixtures/real/README.md`` for its provenance), read by the live transport and the
client's page parser from a local server. Its author trimmed ``dt_posted``: we give it one (ours),
then make two pages of 25 from it (the API's page size), each copy a report for another client id
with its own uuid and posting time (ours; every other field is the real record's). The variants
are the faults seen on the project:

- (a) one record with its ``income`` and ``expenses`` keys removed (read as "under $5,000", it
  would have taken $30,000 from the marts without a word);
- (b) one record, already landed good, fetched again with ``dt_posted`` "2019-13-45T99:99:99"
  (merged, it broke every later ``dbt build``);
- a drift: every record of the load without ``income`` and ``expenses``.

Landing, Great Expectations and ``dbt build`` are real; only the network is replaced.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.dbt_cli import run_dbt
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import LDA_FILINGS, raw_tables
from ingest.transport import FetchedPage
from tests.integration.test_lda_real_filings_dbt import fetch_real_lockheed
from tests.support.http_server import LocalApiServer
from tests.support.warehouse import query

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SUITE = load_suite(LDA_FILINGS.suite)
PAGE_SIZE = 25
RECORDS = 2 * PAGE_SIZE
INCOME = 30000  # the real record's income, "30000.00"
POISON_DATE = "2019-13-45T99:99:99"
POISONED = 10  # (b): a record landed good, then fetched with an impossible dt_posted
INCOMELESS = 40  # (a): a new record fetched without income and expenses


def validator(con: duckdb.DuckDBPyConnection, load_id: str):  # type: ignore[no-untyped-def]
    return validate_batch(con, SUITE, load_id)


def copies(real: dict[str, Any]) -> list[dict[str, Any]]:
    """The real record and 49 copies of it, each another client's report (uuid, client id and
    posting time ours)."""
    out = []
    for n in range(RECORDS):
        record = copy.deepcopy(real)
        record["dt_posted"] = f"2025-04-18T10:{n:02d}:05-04:00"
        if n:
            uuid = f"{real['filing_uuid'][:-4]}{n:04d}"
            record["filing_uuid"] = uuid
            record["url"] = f"https://lda.senate.gov/api/v1/filings/{uuid}/"
            record["client"] = dict(real["client"], id=real["client"]["id"] + n)
        out.append(record)
    return out


def load(con: duckdb.DuckDBPyConnection, records: list[dict[str, Any]]) -> landing.Load:
    """One load of ``records`` in pages of 25, as the client yields them."""
    pages = [
        FetchedPage("lda", f"GET /api/v1/filings/?page={i // PAGE_SIZE + 1}", records[i : i + 25])
        for i in range(0, len(records), PAGE_SIZE)
    ]
    result, _ = run_load(con, LDA_FILINGS.table, Pull({"test": True}, iter(pages)), validator)
    assert result.counts.reconciles()
    return result


def build(path: Path, work: Path) -> None:
    result = run_dbt(["build"], path, work=work, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:]


def reports(path: Path) -> tuple[int, int]:
    ((count, total),) = query(
        path, "select count(*), coalesce(sum(amount), 0)::bigint from marts.fct_lobbying_reports"
    )
    return count, total


@pytest.fixture(scope="module")
def real() -> dict[str, Any]:
    with LocalApiServer() as server:
        (lockheed,) = fetch_real_lockheed(server)
    return lockheed


@pytest.fixture(scope="module")
def story(
    real: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    """Four loads and two builds on one warehouse: good, poisoned, healed, drifted."""
    work = tmp_path_factory.mktemp("lda_drift")
    path = work / "warehouse.duckdb"
    good = copies(real)
    con = duckdb.connect(str(path))
    landing.ensure_schema(con, raw_tables())
    seen: dict[str, Any] = {"path": path, "good": good}
    try:
        # 1. every record but the (a) one, all good
        seen["first"] = load(con, [r for n, r in enumerate(good) if n != INCOMELESS])
        # 2. the same pages again with (b) poisoned, and (a) new but without its money keys
        poisoned = copy.deepcopy(good)
        poisoned[POISONED]["dt_posted"] = POISON_DATE
        del poisoned[INCOMELESS]["income"], poisoned[INCOMELESS]["expenses"]
        seen["poisoned"] = load(con, poisoned)
        seen["poisoned_quarantine"] = con.execute(
            "select record_key, page, reason, record->>'$.dt_posted' from audit.quarantine "
            "where load_id = ? order by record_key",
            [seen["poisoned"].load_id],
        ).fetchall()
        seen["posted_after_poison"] = con.execute(
            "select record->>'$.dt_posted' from raw.lda_filings where filing_uuid = ?",
            [good[POISONED]["filing_uuid"]],
        ).fetchone()
        con.close()
        build(path, work)
        seen["reports_after_poison"] = reports(path)
        # 3. a later run: the API sends both records good again
        con = duckdb.connect(str(path))
        seen["healed"] = load(con, good)
        con.close()
        build(path, work)
        seen["reports_after_heal"] = reports(path)
        # 4. a drift: the API stops sending income and expenses on every filing
        con = duckdb.connect(str(path))
        drifted = copy.deepcopy(good)
        for record in drifted:
            del record["income"], record["expenses"]
            record["dt_posted"] = record["dt_posted"].replace("2025-04-18", "2025-04-19")
        before = con.execute("select filing_uuid, record_hash from raw.lda_filings").fetchall()
        seen["drifted"] = load(con, drifted)
        seen["raw_unchanged_by_drift"] = before == (
            con.execute("select filing_uuid, record_hash from raw.lda_filings").fetchall()
        )
        seen["drift_quarantine"] = con.execute(
            "select count(*), count(distinct reason) from audit.quarantine where load_id = ?",
            [seen["drifted"].load_id],
        ).fetchone()
        seen["ledger"] = con.execute(
            "select status, records_fetched, records_inserted, records_updated, "
            "records_unchanged, records_quarantined from audit.load_ledger order by started_at"
        ).fetchall()
    finally:
        con.close()
    yield seen


def test_the_poison_records_alone_are_quarantined_with_their_reasons(
    story: dict[str, Any],
) -> None:
    good = story["good"]
    poisoned = story["poisoned"]
    assert poisoned.status == "succeeded"
    c = poisoned.counts
    # fetched = merged + quarantined: 48 unchanged, the 2 poison records quarantined
    assert (c.fetched, c.inserted, c.updated, c.unchanged, c.quarantined) == (50, 0, 0, 48, 2)
    quarantined = story["poisoned_quarantine"]
    rows = {key: (page, reason, posted) for key, page, reason, posted in quarantined}
    assert set(rows) == {good[POISONED]["filing_uuid"], good[INCOMELESS]["filing_uuid"]}

    page, reason, posted = rows[good[POISONED]["filing_uuid"]]
    assert page == "GET /api/v1/filings/?page=1" and posted == POISON_DATE  # kept as fetched
    assert reason.startswith(f"record {good[POISONED]['filing_uuid']} (page {page})")
    assert "on dt_posted" in reason

    page, reason, _ = rows[good[INCOMELESS]["filing_uuid"]]
    assert page == "GET /api/v1/filings/?page=2"
    assert reason.startswith(f"record {good[INCOMELESS]['filing_uuid']} (page {page})")
    assert "on has_income" in reason and "on has_expenses" in reason
    assert "dt_posted" not in reason  # only what is wrong with it


def test_the_good_version_stays_and_dbt_builds(story: dict[str, Any]) -> None:
    assert story["posted_after_poison"] == (story["good"][POISONED]["dt_posted"],)
    # the 49 reports of the first load, none lost; the (a) record is not read as "under $5,000"
    assert story["reports_after_poison"] == (49, 49 * INCOME)


def test_a_later_run_with_the_good_record_heals_it(story: dict[str, Any]) -> None:
    healed = story["healed"]
    assert healed.status == "succeeded"
    c = healed.counts
    assert (c.fetched, c.inserted, c.unchanged, c.quarantined) == (50, 1, 49, 0)
    assert story["reports_after_heal"] == (50, 50 * INCOME)


def test_a_drift_quarantines_the_batch_with_a_clear_reason(story: dict[str, Any]) -> None:
    drifted = story["drifted"]
    assert drifted.status == "quarantined"
    assert drifted.counts.quarantined == drifted.counts.fetched == 50
    error = drifted.error or ""
    assert error.startswith("50 of 50 records fail critical expectations, more than 5%")
    assert "on has_income" in error and "on has_expenses" in error
    assert story["drift_quarantine"] == (50, 1)  # the whole batch, one reason
    assert story["raw_unchanged_by_drift"]


def test_the_ledger_reconciles_every_load(story: dict[str, Any]) -> None:
    assert story["ledger"] == [
        ("succeeded", 49, 49, 0, 0, 0),
        ("succeeded", 50, 0, 0, 48, 2),
        ("succeeded", 50, 1, 0, 49, 0),
        ("quarantined", 50, 0, 0, 0, 50),
    ]
