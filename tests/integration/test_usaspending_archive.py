"""The Award Data Archive client and pull against the fake archive behind a local server (and
against the bundled sample's recordings)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import time
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest import landing
from ingest.config import load_settings
from ingest.errors import IngestError, MalformedPageError
from ingest.pulls import pull_usaspending_archive
from ingest.sample.replay import SampleTransport
from ingest.sources import USASPENDING_ARCHIVE_TRANSACTIONS
from ingest.usaspending_archive import (
    DELTA,
    FULL,
    KEPT_COLUMNS,
    AgencyState,
    ArchiveClient,
    ArchiveFile,
    ArchivePlan,
    ArchiveSchemaError,
    iter_archive_files,
    plan_archive,
)
from ingest.watchlist import Subtier, WatchedAgency, WatchedCompany, Watchlist, load_watchlist
from tests.fakes.usaspending import transaction_row
from tests.fakes.usaspending_archive import ARCHIVE_COLUMNS, FakeArchive
from tests.sample.model import AwardFact
from tests.sample.universe import build_universe
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer, ScriptedReply

pytestmark = pytest.mark.integration

DHS = "Department of Homeland Security"
DOD = "Department of Defense"
ICE = "U.S. Immigration and Customs Enforcement"
CBP = "U.S. Customs and Border Protection"
AGENCIES = [
    {"toptier_code": "070", "abbreviation": "DHS", "agency_name": DHS},
    {"toptier_code": "097", "abbreviation": "DOD", "agency_name": DOD},
    {"toptier_code": "089", "abbreviation": "DOE", "agency_name": "Department of Energy"},
]
SUBTIERS = {ICE: "7012", CBP: "7014", "Department of the Army": "2100"}


def make_award(n: int, agency: str = DHS, sub: str = ICE, days: tuple[str, ...] = ()) -> AwardFact:
    """A contract award with one action per day in ``days`` (mods 0, P00001, ...)."""
    code = SUBTIERS[sub]
    piid = f"PIID{n:07d}"
    row: dict[str, Any] = {
        "internal_id": 500 + n,
        "Award ID": piid,
        "Recipient Name": f"RECIPIENT {n}, INC.",
        "Recipient UEI": f"UEI{n:09d}",
        "Awarding Agency": agency,
        "Awarding Agency Code": "070" if agency == DHS else "097",
        "Awarding Sub Agency": sub,
        "Awarding Sub Agency Code": code,
        "Funding Agency": agency,
        "Funding Agency Code": "070" if agency == DHS else "097",
        "Funding Sub Agency": sub,
        "Funding Sub Agency Code": code,
        "Description": f'SERVICES, "PHASE {n}"\nSECOND LINE',
        "Last Modified Date": "2019-10-01",
        "Start Date": days[0] if days else None,
        "End Date": None,
        "Last Date to Order": None,
        "Award Amount": 100.0 * len(days),
        "Contract Award Type": "DEFINITIVE CONTRACT",
        "NAICS": {"code": "541512", "description": "COMPUTER SYSTEMS DESIGN SERVICES"},
        "PSC": {"code": "D399", "description": "IT AND TELECOM - OTHER"},
        "generated_internal_id": f"CONT_AWD_{piid}_{code}_-NONE-_-NONE-",
    }
    actions = tuple(
        {
            "Mod": "0" if i == 0 else f"P{i:05d}",
            "Action Date": day,
            "Action Type": None if i == 0 else "C",
            "Transaction Amount": 100.0,
            "Transaction Description": row["Description"],
        }
        for i, day in enumerate(days)
    )
    return AwardFact(row, "C", f"PARENT {n % 3}", None, actions)


def watchlist(dhs_pull: str = "toptier") -> Watchlist:
    subtiers = (Subtier("7012", ICE, "ICE"),)
    return Watchlist(
        companies=(WatchedCompany("Acme", ("ACME",), ("Acme",)),),
        agencies=(
            WatchedAgency(DHS, "DHS", "070", subtiers, ("Homeland Security",), pull=dhs_pull),
            WatchedAgency(DOD, "DOD", "097", (), ("Pentagon",)),
        ),
        topics=(),
    )


AWARDS = [
    # FY2018 (Oct 2017 - Sep 2018) and FY2019, DHS ICE
    *(make_award(n, days=("2017-11-02", "2018-03-04", "2018-12-01")) for n in range(10)),
    # DHS CBP (left out when DHS is watched by sub-agency)
    make_award(50, sub=CBP, days=("2018-02-02",)),
    # DoD, FY2018
    *(make_award(100 + n, DOD, "Department of the Army", ("2018-06-30",)) for n in range(3)),
]


def rows_of(files: list[ArchiveFile]) -> list[dict[str, Any]]:
    """Every row the landing lands from the files (``landing_batch`` after ``land_batch``), a
    file at a time, by key."""
    out: list[dict[str, Any]] = []
    with duckdb.connect() as con:
        for f in files:
            load = landing.start_load(con, USASPENDING_ARCHIVE_TRANSACTIONS.table, {"test": True})
            landing.land_batch(con, load, [f])
            cursor = con.execute("select * exclude (record) from landing_batch order by record_key")
            names = [d[0] for d in cursor.description]
            out.extend(dict(zip(names, values, strict=True)) for values in cursor.fetchall())
    return out


def materialized(files: Any) -> list[tuple[ArchiveFile, list[dict[str, Any]]]]:
    """Each file with its rows, read while the file still exists (the pull deletes it next)."""
    return [(f, rows_of([f])) for f in files]


@pytest.fixture
def server() -> Any:
    with LocalApiServer() as srv:
        yield srv


def archive_on(server: LocalApiServer, **options: Any) -> FakeArchive:
    fake = FakeArchive(AWARDS, AGENCIES, files_url=server.url, **options)
    server.app = fake
    return fake


def test_list_agencies_maps_toptier_codes_to_the_ids_that_list_monthly_files_takes(
    server: LocalApiServer,
) -> None:
    fake = archive_on(server)
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    ids = client.agency_ids()
    assert ids["097"] == fake.agency_ids["097"] != 97
    files = client.monthly_files("097", ids["097"], 2018)
    assert [(f.kind, f.fiscal_year, f.file_name, f.stamp) for f in files] == [
        (FULL, 2018, "FY2018_097_Contracts_Full_20260906.zip", "20260906"),
        (DELTA, None, "FY(All)_097_Contracts_Delta_20260906.zip", "20260906"),
    ]
    assert files[0].url == f"{server.url}/award_data_archive/FY2018_097_Contracts_Full_20260906.zip"
    bodies = [r.json() for r in server.requests]
    assert bodies == [
        {"type": "award_agencies"},
        {"agency": ids["097"], "fiscal_year": 2018, "type": "contracts"},
    ]


def test_a_first_load_streams_every_part_of_each_full_file_and_reads_them_with_duckdb(
    server: LocalApiServer, tmp_path: Path
) -> None:
    fake = archive_on(server, row_limit=7)  # 20 DHS FY2018 actions: parts of 7, 7 and 6
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    plan = plan_archive(client, watchlist(), (2018, 2018), {})
    chosen = [(c.file.file_name, c.reason) for _, c in plan.choices]
    assert [name for name, _ in chosen] == [
        "FY2018_070_Contracts_Full_20260906.zip",
        "FY2019_070_Contracts_Full_20260906.zip",
        "FY2018_097_Contracts_Full_20260906.zip",
        "FY2019_097_Contracts_Full_20260906.zip",
    ]  # a first load: no Delta
    read = materialized(iter_archive_files(client, plan, (2018, 2018), tmp_path))
    labels = [f.label for f, _ in read]
    assert labels[:3] == [
        f"FY2018_070_Contracts_Full_20260906.zip/FY2018_070_Contracts_Full_20260906_{n}.csv"
        for n in (1, 2, 3)
    ]
    # 21 actions of FY2018 in date order, 7 a part: ten of 2017-11-02 (left out: not in 2018),
    # then ten of 2018-03-04 and CBP's of 2018-02-02
    assert [len(rows) for _, rows in read[:3]] == [0, 4, 7]
    rows = [row for _, file_rows in read for row in file_rows]
    # dated in 2018 only: the FY2018 actions of 2017-11-02 and the FY2019 one of 2018-12-01 stay
    # out; 2018-03-04 (10), 2018-12-01 (10), CBP 2018-02-02 (1), DoD 2018-06-30 (3)
    assert len(rows) == 24
    assert len({r["record_key"] for r in rows}) == 24
    assert set(KEPT_COLUMNS) <= set(rows[0])  # every kept column, named as in the header
    # quotes, commas and line breaks inside a field read back as written
    descriptions = {r["transaction_description"] for r in rows}
    assert 'SERVICES, "PHASE 0"\nSECOND LINE' in descriptions
    assert all(f.kind == FULL and f.fiscal_year in (2018, 2019) for f, _ in read)
    assert fake.served == [name for name, _ in chosen]
    assert list(tmp_path.iterdir()) == []  # the temporary files are gone


def test_a_zips_next_part_is_extracted_while_one_is_landed_and_nothing_outlives_the_pull(
    server: LocalApiServer, tmp_path: Path
) -> None:
    archive_on(server, row_limit=7)  # FY2018 DHS in parts of 7, 7 and 6
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    plan = plan_archive(client, watchlist(), (2018, 2018), {})
    files = iter_archive_files(client, plan, (2018, 2018), tmp_path)
    first = next(files)
    assert first.path.name.endswith("_1.csv")
    second_path = first.path.with_name(first.path.name.replace("_1.csv", "_2.csv"))
    deadline = time.monotonic() + 10
    while not second_path.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert second_path.exists() and first.path.exists()  # both on disk while the first lands
    second = next(files)
    assert second.path == second_path
    assert not first.path.exists()  # deleted once the next was asked for
    files.close()  # the pull stops here (a failed load)
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("archive-extract")]


def first_load_plan(server: LocalApiServer) -> tuple[FakeArchive, ArchiveClient, ArchivePlan]:
    """The archive on ``server``, a client of it and the plan of a first load of 2018 (the Full
    files of FY2018 and FY2019 of both watched agencies)."""
    fake = archive_on(server)
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    return fake, client, plan_archive(client, watchlist(), (2018, 2018), {})


def test_the_next_zip_is_downloaded_while_one_is_landed_and_nothing_outlives_the_pull(
    server: LocalApiServer, tmp_path: Path
) -> None:
    fake, client, plan = first_load_plan(server)
    names = [c.file.file_name for _, c in plan.choices]
    files = iter_archive_files(client, plan, (2018, 2018), tmp_path)
    first = next(files)
    assert first.label.startswith(f"{names[0]}/")
    next_zip = first.path.parent / names[1]
    deadline = time.monotonic() + 10
    while not zipfile.is_zipfile(next_zip) and time.monotonic() < deadline:
        time.sleep(0.01)
    # the second zip whole on disk while the first's first part lands; the third not asked for
    assert zipfile.is_zipfile(next_zip) and first.path.exists()
    assert fake.served == names[:2]
    files.close()  # the pull stops here (a failed load)
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("archive-")]


def test_a_download_that_fails_ahead_is_raised_at_its_zips_turn(
    server: LocalApiServer, tmp_path: Path
) -> None:
    fake, client, plan = first_load_plan(server)
    fake.stamp = "20261006"  # the listing went stale: every chosen file is gone
    with pytest.raises(IngestError) as caught:
        next(iter_archive_files(client, plan, (2018, 2018), tmp_path))
    assert plan.choices[0][1].file.file_name in str(caught.value)
    assert "stale" in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    assert not [t for t in threading.enumerate() if t.name.startswith("archive-")]


def test_subtiers_keep_only_the_listed_sub_agencies(server: LocalApiServer, tmp_path: Path) -> None:
    archive_on(server)
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    plan = plan_archive(client, watchlist("subtiers"), (2018, 2018), {})
    rows = [
        row
        for _, rows in materialized(iter_archive_files(client, plan, (2018, 2018)))
        for row in rows
    ]
    subs = {r["awarding_agency_code"]: set() for r in rows}
    for r in rows:
        record = r
        subs[record["awarding_agency_code"]].add(record["awarding_sub_agency_code"])
    assert subs == {"070": {"7012"}, "097": {"2100"}}


def test_a_later_load_takes_the_newer_delta_with_its_deletions(
    server: LocalApiServer, tmp_path: Path
) -> None:
    changed = make_award(0, days=("2017-11-02", "2018-03-04", "2018-12-01", "2019-01-15"))
    deleted_key = "7012_-NONE-_PIID0000001_P00001_-NONE-_0"
    archive_on(server, stamp="20261006", delta_awards=[changed], deleted=[deleted_key])
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    loaded = AgencyState(frozenset({2018, 2019, 2020}), "20260906")
    plan = plan_archive(client, watchlist("subtiers"), (2018, 2019), {"070": loaded})
    assert [(c.file.file_name, c.reason) for _, c in plan.choices] == [
        ("FY(All)_070_Contracts_Delta_20261006.zip", "changes since the last load"),
        ("FY2018_097_Contracts_Full_20261006.zip", "first load of this fiscal year"),
        ("FY2019_097_Contracts_Full_20261006.zip", "first load of this fiscal year"),
        ("FY2020_097_Contracts_Full_20261006.zip", "first load of this fiscal year"),
    ]
    read = materialized(iter_archive_files(client, plan, (2018, 2019)))
    delta_file, delta_rows = read[0]
    assert delta_file.kind == DELTA and delta_file.fiscal_year is None
    header = delta_file.header
    assert header[:3] == ("correction_delete_ind", "agency_id", "contract_transaction_unique_key")
    assert len(header) == 2 + 297
    records = [r for r in delta_rows]
    deletions = [r for r in records if r["correction_delete_ind"] == "D"]
    assert [d["contract_transaction_unique_key"] for d in deletions] == [deleted_key]
    assert deletions[0]["action_date"] is None  # blank but for its keys, and kept all the same
    assert deletions[0]["modification_number"] == "P00001"
    changes = [r for r in records if r["correction_delete_ind"] == "C"]
    assert sorted(r["action_date"] for r in changes) == [
        "2018-03-04",
        "2018-12-01",
        "2019-01-15",
    ]  # 2017-11-02 is outside the years


def test_a_file_gone_since_the_listing_is_an_error_naming_it(server: LocalApiServer) -> None:
    fake = archive_on(server)
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    listed = client.monthly_files("097", fake.agency_ids["097"], 2018)
    fake.stamp = "20261006"  # the archive published next month's files and deleted these
    with pytest.raises(IngestError) as caught:
        client.download(listed[0], Path("/nonexistent-dir/unused.zip"))
    message = str(caught.value)
    assert "FY2018_097_Contracts_Full_20260906.zip" in message
    assert "404" in message and "stale" in message


def test_a_header_without_a_kept_column_is_schema_drift_naming_the_file_and_columns(
    server: LocalApiServer,
) -> None:
    drifted = tuple(c for c in ARCHIVE_COLUMNS if c not in ("naics_code", "recipient_uei"))
    archive_on(server, columns=drifted)
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    plan = plan_archive(client, watchlist(), (2018, 2018), {})
    files = iter_archive_files(client, plan, (2018, 2018))
    with pytest.raises(ArchiveSchemaError) as caught:
        next(files)
    message = str(caught.value)
    assert "FY2018_070_Contracts_Full_20260906.zip/FY2018_070_Contracts_Full_20260906_1.csv" in (
        message
    )
    assert "naics_code" in message and "recipient_uei" in message


def test_a_body_that_is_not_a_zip_is_a_malformed_page_naming_the_request(
    server: LocalApiServer,
) -> None:
    fake = archive_on(server)
    transport, _ = quick_transport()
    client = ArchiveClient(transport, server.url)
    plan = plan_archive(client, watchlist(), (2018, 2018), {})
    server.script(
        ScriptedReply(
            body=b"<html>502 Bad Gateway</html>", path_prefix="/award_data_archive/", times=None
        )
    )
    with pytest.raises(MalformedPageError) as caught:
        next(iter_archive_files(client, plan, (2018, 2018)))
    assert "/award_data_archive/FY2018_070_Contracts_Full_20260906.zip" in str(caught.value)
    assert fake.served == []


def test_download_streams_to_disk_and_starts_again_after_a_dropped_connection(
    server: LocalApiServer, tmp_path: Path
) -> None:
    fake = archive_on(server, row_limit=5)
    transport, sleep = quick_transport()
    client = ArchiveClient(transport, server.url)
    listed = client.monthly_files("070", fake.agency_ids["070"], 2018)
    server.script(ScriptedReply(drop=True, path_prefix="/award_data_archive/"))
    dest = tmp_path / listed[0].file_name
    client.download(listed[0], dest)
    assert len(sleep.calls) == 1  # one retry
    with zipfile.ZipFile(dest) as archive:
        names = archive.namelist()
        assert names == [f"FY2018_070_Contracts_Full_20260906_{n}.csv" for n in (1, 2, 3, 4, 5)]
        for name in names:  # the header in every part, at most row_limit rows each
            text = archive.read(name).decode("utf-8")
            parsed = list(csv.reader(io.StringIO(text)))
            assert tuple(parsed[0]) == ARCHIVE_COLUMNS
            assert 1 <= len(parsed) - 1 <= 5


def search_api_agency_keys(agency_names: set[str], years: tuple[int, int]) -> set[str]:
    """The search API's keys (award, modification, action date) of the sample universe's actions
    of these awarding agencies dated in ``years``, from the rows its fake serves (the sample no
    longer asks the search API for agencies: the archive answers for them)."""
    first, last = f"{years[0]}-01-01", f"{years[1]}-12-31"
    keys = set()
    for award in build_universe().awards:
        for action in award.transactions:
            row = transaction_row(award, action)
            if row["Awarding Agency"] in agency_names and first <= row["Action Date"] <= last:
                keys.add(f"{row['generated_internal_id']}|{row['Mod']}|{row['Action Date']}")
    return keys


def test_the_bundled_sample_holds_the_archive_of_the_watched_agencies(tmp_path: Path) -> None:
    """The sample's archive answers the same actions as the search API's agency queries: the
    API's key (award, modification, action date) is contract_award_unique_key +
    modification_number + action_date of the archive."""
    settings = replace(load_settings({}), source="sample")
    watched = load_watchlist(settings.watchlist)
    transport = SampleTransport(settings.sample_dir)
    years = (2017, 2019)
    with duckdb.connect() as con:
        pull = pull_usaspending_archive(con, transport, settings, watched, years, tmp_path)
        assert pull.files is not None
        read = materialized(pull.files)
    assert len(read) == 4 * 4  # four agencies, FY2017-FY2020, one part each
    assert {f.fiscal_year for f, _ in read} == {2017, 2018, 2019, 2020}
    assert [f["file_name"] for f in pull.parameters["files"]][:2] == [
        "FY2017_070_Contracts_Full_20260906.zip",
        "FY2018_070_Contracts_Full_20260906.zip",
    ]
    archive_keys = {
        "|".join(
            (
                (record := r)["contract_award_unique_key"],
                record["modification_number"],
                record["action_date"],
            )
        )
        for _, rows in read
        for r in rows
    }
    api_keys = search_api_agency_keys({a.name for a in watched.agencies}, years)
    assert archive_keys == api_keys
    assert len(archive_keys) > 10_000
    assert all(dt.date(2017, 1, 1) <= dt.date.fromisoformat(k[-10:]) for k in archive_keys)
