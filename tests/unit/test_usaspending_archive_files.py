"""Which archive files a load takes, and the DuckDB query that reads one extracted CSV."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import duckdb
import pytest

from ingest import landing
from ingest.sources import USASPENDING_ARCHIVE_TRANSACTIONS
from ingest.usaspending_archive import (
    DELTA,
    FULL,
    RAW_COLUMNS,
    AgencyState,
    ArchiveFile,
    ArchiveSchemaError,
    MonthlyFile,
    agency_states,
    choose_files,
    fiscal_years,
    parse_file_name,
)
from tests.fakes.usaspending_archive import ARCHIVE_COLUMNS
from tests.support.warehouse import duckdb_hash

pytestmark = pytest.mark.unit

TABLE = USASPENDING_ARCHIVE_TRANSACTIONS.table


def listed(stamp: str, years: range, delta: bool = True) -> list[MonthlyFile]:
    files = [
        MonthlyFile(
            "097", FULL, y, f"FY{y}_097_Contracts_Full_{stamp}.zip", f"u/FY{y}_{stamp}", stamp
        )
        for y in years
    ]
    if delta:
        name = f"FY(All)_097_Contracts_Delta_{stamp}.zip"
        files.append(MonthlyFile("097", DELTA, None, name, f"u/{name}", stamp))
    return files


def names(choices: list) -> list[str]:
    return [c.file.file_name for c in choices]


def test_file_names_parse_into_kind_agency_year_and_stamp() -> None:
    assert parse_file_name("FY2020_097_Contracts_Full_20240106.zip") == (
        FULL,
        "097",
        2020,
        "20240106",
    )
    assert parse_file_name("FY(All)_1601_Contracts_Delta_20260906.zip") == (
        DELTA,
        "1601",
        None,
        "20260906",
    )
    assert parse_file_name("FY2020_097_Assistance_Full_20240106.zip") is None
    assert fiscal_years((2017, 2019)) == [2017, 2018, 2019, 2020]


def test_a_first_load_takes_the_full_file_of_every_fiscal_year_and_no_delta() -> None:
    files = listed("20260906", range(2017, 2021))
    choices = choose_files(files, [2018, 2019], AgencyState())
    assert names(choices) == [
        "FY2018_097_Contracts_Full_20260906.zip",
        "FY2019_097_Contracts_Full_20260906.zip",
    ]


def test_a_later_load_takes_a_newer_delta_only() -> None:
    state = AgencyState(frozenset({2018, 2019}), "20260906")
    assert choose_files(listed("20260906", range(2017, 2021)), [2018, 2019], state) == []
    choices = choose_files(listed("20261006", range(2017, 2021)), [2018, 2019], state)
    assert names(choices) == ["FY(All)_097_Contracts_Delta_20261006.zip"]
    assert choices[0].reason == "changes since the last load"


def test_a_wider_year_range_loads_every_year_in_full_and_no_delta() -> None:
    # never a Full and a Delta in one load: one action would be in the batch twice
    state = AgencyState(frozenset({2019}), "20260906")
    choices = choose_files(listed("20261006", range(2017, 2021)), [2018, 2019], state)
    assert names(choices) == [
        "FY2018_097_Contracts_Full_20261006.zip",
        "FY2019_097_Contracts_Full_20261006.zip",
    ]
    assert choices[0].reason == "fiscal years 2018 never loaded: all in full"


def test_a_missed_month_reloads_every_year_in_full() -> None:
    # the last load took September's files; December's Delta does not hold October's changes
    state = AgencyState(frozenset({2018, 2019}), "20260906")
    choices = choose_files(listed("20261206", range(2017, 2021)), [2018, 2019], state)
    assert names(choices) == [
        "FY2018_097_Contracts_Full_20261206.zip",
        "FY2019_097_Contracts_Full_20261206.zip",
    ]
    assert {c.reason for c in choices} == {"gap: the last load is older than the Delta covers"}


def test_agency_states_come_from_the_ledger_entries_of_earlier_loads() -> None:
    entries = [
        {"agency": "097", "kind": FULL, "fiscal_year": 2018, "stamp": "20260906"},
        {"agency": "097", "kind": FULL, "fiscal_year": 2019, "stamp": "20260906"},
        {"agency": "097", "kind": DELTA, "fiscal_year": None, "stamp": "20261006"},
        {"agency": "070", "kind": FULL, "fiscal_year": 2019, "stamp": "20260906"},
    ]
    assert agency_states(entries) == {
        "097": AgencyState(frozenset({2018, 2019}), "20261006"),
        "070": AgencyState(frozenset({2019}), "20260906"),
    }


def write_csv(path: Path, header: tuple[str, ...], rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return path


def row(key: str, sub: str, day: str, **values: str) -> dict[str, str]:
    return {
        "contract_transaction_unique_key": key,
        "contract_award_unique_key": f"CONT_AWD_{key}",
        "awarding_sub_agency_code": sub,
        "action_date": day,
        "federal_action_obligation": "12.50",
        **values,
    }


def select(file: ArchiveFile) -> list[dict]:
    """The rows of ``file`` as the landing lands them (``landing_batch`` after ``land_batch``:
    the file copied to a Parquet part and read back), by key."""
    with duckdb.connect() as con:
        load = landing.start_load(con, TABLE, {"test": True})
        landing.land_batch(con, load, [file])
        types = dict(
            con.execute(
                "select column_name, data_type from duckdb_columns() "
                "where table_name = 'landing_batch'"
            ).fetchall()
        )
        # the landing columns: the key as record_key, the record packed as JSON (for a
        # quarantine), the hash, page and place, and the columns of
        # raw.usaspending_archive_transactions (RAW_COLUMNS), each as text
        assert types == {
            "record_key": "VARCHAR",
            "record": "JSON",
            "record_hash": "UBIGINT",
            "page": "VARCHAR",
            "position": "BIGINT",
            **{c: "VARCHAR" for c in RAW_COLUMNS},
        }
        cursor = con.execute("select * exclude (record) from landing_batch order by record_key")
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def test_select_sql_lands_the_kept_columns_of_a_full_file(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "FY2018_070_Contracts_Full_20260906_1.csv",
        ARCHIVE_COLUMNS,
        [
            row("A_1", "7012", "2018-01-02", transaction_description='IT, "CLOUD"\nPHASE 2'),
            row("A_2", "7014", "2018-01-03", naics_code="007"),
            row("A_3", "7012", "2019-01-03"),
        ],
    )
    file = ArchiveFile(path, "FY2018_070_Contracts_Full_20260906.zip/x_1.csv", FULL, 2018)
    rows = select(file)
    assert [r["record_key"] for r in rows] == ["A_1", "A_2", "A_3"]
    assert {r["page"] for r in rows} == {"FY2018_070_Contracts_Full_20260906.zip/x_1.csv"}
    first = rows[0]
    assert first["transaction_description"] == 'IT, "CLOUD"\nPHASE 2'
    assert first["federal_action_obligation"] == "12.50"  # text, as written
    assert first["recipient_uei"] is None  # a blank field is null
    assert first["correction_delete_ind"] is None  # a Full file has no deletion mark
    assert rows[1]["naics_code"] == "007"  # codes keep leading zeros
    # the hash is DuckDB's hash of the row's stored columns, in order (a ubigint)
    for landed in rows:
        assert landed["record_hash"] == duckdb_hash([landed[c] for c in RAW_COLUMNS])
    assert len({r["record_hash"] for r in rows}) == 3


def test_select_sql_keeps_listed_subtiers_in_the_years_and_every_deletion(tmp_path: Path) -> None:
    header = ("correction_delete_ind", "agency_id", *ARCHIVE_COLUMNS)
    path = write_csv(
        tmp_path / "FY(All)_070_Contracts_Delta_20261006_1.csv",
        header,
        [
            row("A_1", "7012", "2018-01-02", correction_delete_ind="C"),
            row("A_2", "7014", "2018-01-03", correction_delete_ind="C"),  # another sub-agency
            row("A_3", "7012", "2016-05-03", correction_delete_ind="C"),  # before the years
            {"contract_transaction_unique_key": "A_4", "correction_delete_ind": "D"},
        ],
    )
    file = ArchiveFile(
        path,
        "delta/x_1.csv",
        DELTA,
        None,
        subtier_codes=("7012",),
        action_dates=(dt.date(2017, 1, 1), dt.date(2019, 12, 31)),
    )
    rows = select(file)
    assert [r["record_key"] for r in rows] == ["A_1", "A_4"]
    deletion = rows[1]
    assert deletion["correction_delete_ind"] == "D"
    assert deletion["action_date"] is None
    assert rows[0]["correction_delete_ind"] == "C"


def test_a_header_without_kept_columns_fails_naming_the_file_and_the_columns(
    tmp_path: Path,
) -> None:
    header = tuple(c for c in ARCHIVE_COLUMNS if c != "last_modified_date")
    path = write_csv(tmp_path / "old.csv", header, [row("A_1", "7012", "2018-01-02")])
    file = ArchiveFile(path, "FY2018_070_Contracts_Full_20200106.zip/old.csv", FULL, 2018)
    with pytest.raises(ArchiveSchemaError) as caught:
        file.select_sql()
    assert "FY2018_070_Contracts_Full_20200106.zip/old.csv" in str(caught.value)
    assert "last_modified_date" in str(caught.value)
    # a Delta file needs its correction_delete_ind too
    full_header = write_csv(tmp_path / "d.csv", ARCHIVE_COLUMNS, [])
    with pytest.raises(ArchiveSchemaError, match="correction_delete_ind"):
        ArchiveFile(full_header, "delta/d.csv", DELTA, None).checked()


def test_the_file_is_read_in_one_pass_without_numbering_its_rows(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "x.csv", ARCHIVE_COLUMNS, [row("A_1", "7012", "2018-01-02")])
    file = ArchiveFile(path, "x.zip/x.csv", FULL, 2018)
    with duckdb.connect() as con:
        explained = con.execute(f"explain {file.select_sql()}").fetchall()
    plan = "\n".join(r[1] for r in explained).upper()
    assert "READ_CSV" in plan
    # a window over the rows runs on one thread: the landing numbers a file's rows only to
    # name a row without a key
    assert "WINDOW" not in plan
