"""The archive suite validates what ``ArchiveFile.select_sql`` lands: the fake archive's Full and
Delta files (deletions included) pass; a bad value fails naming its record."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

from expectations.runner import ValidationOutcome, validate_frame
from expectations.suites.usaspending_archive_transactions import SUITE
from ingest.usaspending_archive import DELTA, FULL, ArchiveFile
from tests.fakes.usaspending_archive import ARCHIVE_COLUMNS, DELTA_LEADING, archive_row
from tests.integration.test_usaspending_archive import AWARDS, make_award

pytestmark = pytest.mark.integration


def write(path: Path, header: tuple[str, ...], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def full_rows() -> list[dict[str, str]]:
    return [archive_row(f, a) for f in AWARDS for a in f.transactions]


def validate(files: list[ArchiveFile]) -> tuple[ValidationOutcome, int]:
    with duckdb.connect() as con:
        rows = " union all ".join(f"(from ({f.select_sql()}) where is_kept)" for f in files)
        # the batch's rows with their places (``position``), as ``ingest.landing`` gives them
        con.execute(
            "create temp table landing_batch as "
            f"select *, row_number() over () as position from ({rows})"
        )
        frame = con.execute(SUITE.projection).df()
    return validate_frame(frame, SUITE), len(frame)


def test_full_and_delta_files_with_deletions_pass(tmp_path: Path) -> None:
    full = write(
        tmp_path / "full_1.csv",
        ARCHIVE_COLUMNS,
        [[r.get(c, "") for c in ARCHIVE_COLUMNS] for r in full_rows()],
    )
    changed = archive_row(
        make_award(900, days=("2019-02-01",)), make_award(900, days=("2019-02-01",)).transactions[0]
    )
    # an action an earlier load landed (a Delta is loaded alone, never with a Full file)
    deletion = {"contract_transaction_unique_key": "7012_-NONE-_PIID0000777_0_-NONE-_0"}
    delta_header = (*DELTA_LEADING, *ARCHIVE_COLUMNS)
    delta = write(
        tmp_path / "delta_1.csv",
        delta_header,
        [
            ["C", "7012", *[changed.get(c, "") for c in ARCHIVE_COLUMNS]],
            ["D", "7012", *[deletion.get(c, "") for c in ARCHIVE_COLUMNS]],
        ],
    )
    outcome, size = validate(
        [
            ArchiveFile(full, "full.zip/full_1.csv", FULL, 2018),
            ArchiveFile(delta, "d.zip/d_1.csv", DELTA, None),
        ]
    )
    assert size == len(full_rows()) + 2
    assert not outcome.critical_failures, outcome.reason()
    assert not outcome.blocks_batch


def test_an_unparsable_amount_or_a_missing_date_fails_naming_the_record(tmp_path: Path) -> None:
    rows = full_rows()
    rows[3]["federal_action_obligation"] = "12,50"
    rows[5]["action_date"] = ""
    path = write(
        tmp_path / "full_1.csv",
        ARCHIVE_COLUMNS,
        [[r.get(c, "") for c in ARCHIVE_COLUMNS] for r in rows],
    )
    outcome, _ = validate([ArchiveFile(path, "full.zip/full_1.csv", FULL, 2018)])
    reasons = outcome.record_reasons()
    bad = {rows[3]["contract_transaction_unique_key"], rows[5]["contract_transaction_unique_key"]}
    # two bad records of 34 are more than 5% of the batch: the batch is held, naming them
    assert outcome.blocks_batch
    assert {k for k in outcome.failing_records()} == bad
    assert "is_obligation_unparsable" in outcome.reason()
    assert "is_action_date_missing" in outcome.reason()
    assert reasons == {}


def test_an_award_key_of_another_shape_fails_naming_the_record(tmp_path: Path) -> None:
    rows = full_rows()
    # the archive's award keys are the search API's generated ids: CONT_AWD_... or CONT_IDV_...
    assert all(r["contract_award_unique_key"].startswith("CONT_") for r in rows)
    rows[2]["contract_award_unique_key"] = "ASST_NON_" + rows[2]["contract_award_unique_key"]
    rows[4]["contract_award_unique_key"] = "CONT_AWD_"  # nothing after the prefix
    path = write(
        tmp_path / "full_1.csv",
        ARCHIVE_COLUMNS,
        [[r.get(c, "") for c in ARCHIVE_COLUMNS] for r in rows],
    )
    outcome, _ = validate([ArchiveFile(path, "full.zip/full_1.csv", FULL, 2018)])
    malformed = [o for o in outcome.critical_failures if o.column == "is_award_key_malformed"]
    assert len(malformed) == 1 and malformed[0].unexpected_count == 2
    assert set(outcome.failing_records()) == {
        rows[2]["contract_transaction_unique_key"],
        rows[4]["contract_transaction_unique_key"],
    }
