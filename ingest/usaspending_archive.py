"""USAspending's Award Data Archive: per-agency, per-fiscal-year contract transaction files.

The archive (https://files.usaspending.gov/award_data_archive/) publishes, for every awarding
toptier agency, one Full zip per fiscal year (``FY2020_097_Contracts_Full_<YYYYMMDD>.zip``) and
one rolling Delta zip of the month's changes (``FY(All)_097_Contracts_Delta_<YYYYMMDD>.zip``).
The stamp changes every month and old files disappear, so file names are always taken from
``POST /api/v2/bulk_download/list_monthly_files/`` (which takes the database id of the agency,
found with ``POST /api/v2/bulk_download/list_agencies/``), never built here.

A zip holds ``<zip stem>_1.csv``, ``_2.csv``, ... of at most 1,000,000 rows each, each with a
header; a Delta file's rows start with two more columns, ``correction_delete_ind`` ("D" marks a
deletion, whose other columns are blank but for the keys) and ``agency_id``. Provenance:
fedspendingtransparency/usaspending-api @ 13a1ee0f, ``download/v2/list_monthly_downloads.py``,
``download/management/commands/populate_monthly_files.py``, ``populate_monthly_delta_files.py``
and ``download/filestreaming/download_generation.py`` (see /work/research/issue13_research.md).

Zips are downloaded to disk in chunks (``DownloadingTransport.download``) and unzipped member by
member with ``zipfile`` (DuckDB cannot read zip); each extracted CSV becomes an ``ArchiveFile``
whose ``select_sql`` is the DuckDB query that lands it (its rows within scope copied to Parquet
as record key, the kept columns as text and page), so no row passes through Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ingest.errors import IngestError, MalformedPageError, SourceHTTPError
from ingest.landing import quote_identifier
from ingest.transport import DownloadingTransport, Request, Transport
from ingest.watchlist import WatchedAgency, Watchlist

log = logging.getLogger(__name__)

SOURCE = "usaspending"
LIST_AGENCIES_PATH = "/api/v2/bulk_download/list_agencies/"
LIST_MONTHLY_FILES_PATH = "/api/v2/bulk_download/list_monthly_files/"
ARCHIVE_TYPE = "contracts"
FULL = "full"
DELTA = "delta"

# The columns of the archive's contract transaction files that the warehouse keeps, named as in
# the files' header (usaspending-api download_column_historical_lookups.py,
# query_paths["transaction_search"]["d1"]). A file whose header lacks one is schema drift.
KEPT_COLUMNS: tuple[str, ...] = (
    "contract_transaction_unique_key",
    "contract_award_unique_key",
    "award_id_piid",
    "modification_number",
    "transaction_number",
    "parent_award_agency_id",
    "parent_award_id_piid",
    "federal_action_obligation",
    "total_dollars_obligated",
    "action_date",
    "action_date_fiscal_year",
    "period_of_performance_start_date",
    "period_of_performance_current_end_date",
    "ordering_period_end_date",
    "awarding_agency_code",
    "awarding_agency_name",
    "awarding_sub_agency_code",
    "awarding_sub_agency_name",
    "awarding_office_code",
    "awarding_office_name",
    "funding_agency_code",
    "funding_agency_name",
    "funding_sub_agency_code",
    "funding_sub_agency_name",
    "recipient_uei",
    "recipient_name",
    "recipient_parent_uei",
    "recipient_parent_name",
    "primary_place_of_performance_country_code",
    "primary_place_of_performance_state_code",
    "primary_place_of_performance_city_name",
    "award_type_code",
    "award_type",
    "idv_type_code",
    "idv_type",
    "action_type_code",
    "transaction_description",
    "naics_code",
    "naics_description",
    "product_or_service_code",
    "product_or_service_code_description",
    "disaster_emergency_fund_codes_for_overall_award",
    "usaspending_permalink",
    "last_modified_date",
)
# A Delta file's rows start with these two columns; "D" in the first marks a deletion.
DELTA_LEADING_COLUMNS: tuple[str, ...] = ("correction_delete_ind", "agency_id")
DELETION = "D"
KEY_COLUMN = "contract_transaction_unique_key"
# The columns of raw.usaspending_archive_transactions: every kept column, then the Delta's
# deletion mark (null in a Full file's rows), each as the file's text.
RAW_COLUMNS: tuple[str, ...] = (*KEPT_COLUMNS, DELTA_LEADING_COLUMNS[0])

# Full: FY2020_097_Contracts_Full_20240106.zip; Delta: FY(All)_097_Contracts_Delta_20240106.zip
_FULL_NAME = re.compile(r"^FY(\d{4})_(\w+?)_Contracts_Full_(\d{8})\.zip$")
_DELTA_NAME = re.compile(r"^FY\(All\)_(\w+?)_Contracts_Delta_(\d{8})\.zip$")
DOWNLOAD_CHUNK = 1 << 20


def _quote_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class ArchiveSchemaError(IngestError):
    """An archive file's header lacks columns the warehouse keeps: the archive's format changed."""


def read_header(path: Path) -> list[str]:
    """The column names of a CSV file's first line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle), [])


@dataclass(frozen=True)
class ArchiveFile:
    """One CSV extracted from an archive zip, and the query that lands its rows.

    ``subtier_codes`` (an agency watched with ``pull: subtiers``) keeps only the rows of those
    awarding sub-agencies; ``action_dates`` keeps only actions dated in the window. Deletion rows
    of a Delta file (blank but for their keys) are always kept."""

    path: Path
    label: str  # "<zip name>/<member name>": names the file in errors and as the rows' page
    kind: str  # FULL | DELTA
    fiscal_year: int | None  # None for a Delta file (it spans every fiscal year)
    subtier_codes: tuple[str, ...] = ()
    action_dates: tuple[dt.date, dt.date] | None = None
    header: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if self.kind not in (FULL, DELTA):
            raise ValueError(f"archive file kind must be {FULL!r} or {DELTA!r}, not {self.kind!r}")

    @property
    def required_columns(self) -> tuple[str, ...]:
        """The kept columns its header must have (a Delta file's deletion mark too)."""
        return (*KEPT_COLUMNS, DELTA_LEADING_COLUMNS[0]) if self.kind == DELTA else KEPT_COLUMNS

    def checked(self) -> ArchiveFile:
        """This file with its header read, or ``ArchiveSchemaError`` naming the file and the
        kept columns its header lacks."""
        header = tuple(read_header(self.path))
        missing = [c for c in self.required_columns if c not in header]
        if missing:
            raise ArchiveSchemaError(
                SOURCE,
                f"{self.label}: the header lacks column(s) {', '.join(missing)} that the "
                f"warehouse keeps ({len(header)} columns found): the archive's format has "
                "changed; nothing of this load was landed",
            )
        return ArchiveFile(
            self.path,
            self.label,
            self.kind,
            self.fiscal_year,
            self.subtier_codes,
            self.action_dates,
            header,
        )

    def select_sql(self) -> str:
        """A DuckDB select of every row of this file, in file order, as landing columns
        (``ingest.landing.FilePart``): ``record_key``, every column of ``RAW_COLUMNS`` but the
        key (text, named by the header, no sniffing; a Full file's ``correction_delete_ind``
        null), ``page`` and ``is_kept``, whether the row is within the file's scope
        (``subtier_codes``, ``action_dates``; a Delta file's deletion rows always)."""
        file = self if self.header else self.checked()
        columns = ", ".join(
            f"{_quote_literal(name)}: 'VARCHAR'" for name in file.header
        )  # every column as text, named by the header, no sniffing
        reader = (
            f"read_csv({_quote_literal(str(self.path))}, header = true, auto_detect = false, "
            f"delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}})"
        )
        conditions = []
        if self.subtier_codes:
            codes = ", ".join(_quote_literal(c) for c in self.subtier_codes)
            conditions.append(f"awarding_sub_agency_code in ({codes})")
        if self.action_dates is not None:
            first, last = self.action_dates
            conditions.append(
                f"try_cast(action_date as date) between date '{first}' and date '{last}'"
            )
        kept = " and ".join(conditions)
        if kept and self.kind == DELTA:
            kept = f"correction_delete_ind = '{DELETION}' or ({kept})"
        values = ",\n        ".join(
            f"{quote_identifier(name) if name in self.required_columns else 'null::varchar'}"
            f" as {quote_identifier(name)}"
            for name in RAW_COLUMNS
            if name != KEY_COLUMN
        )
        return f"""
select
    {quote_identifier(KEY_COLUMN)} as record_key,
    {values},
    {_quote_literal(self.label)} as page,
    coalesce({kept or "true"}, false) as is_kept
from {reader}
"""


# --------------------------------------------------------------------------------------------
# The listing


@dataclass(frozen=True)
class MonthlyFile:
    """One ``list_monthly_files`` entry: a Full file of one fiscal year or the Delta file."""

    toptier_code: str
    kind: str
    fiscal_year: int | None
    file_name: str
    url: str
    stamp: str  # YYYYMMDD, from the file name

    def ledger_entry(self) -> dict[str, Any]:
        return {
            "agency": self.toptier_code,
            "kind": self.kind,
            "fiscal_year": self.fiscal_year,
            "file_name": self.file_name,
            "stamp": self.stamp,
        }


def parse_file_name(file_name: str) -> tuple[str, str, int | None, str] | None:
    """``(kind, toptier code, fiscal year, stamp)`` of an archive file name, or None."""
    full = _FULL_NAME.match(file_name)
    if full:
        return FULL, full.group(2), int(full.group(1)), full.group(3)
    delta = _DELTA_NAME.match(file_name)
    if delta:
        return DELTA, delta.group(1), None, delta.group(2)
    return None


class ArchiveClient:
    """Lists and downloads the archive's contract files through the run's transport (its
    retries, rate limit and the sample's recordings apply as for every USAspending request)."""

    def __init__(self, transport: Transport, base_url: str) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")

    def agency_ids(self) -> dict[str, int]:
        """toptier code -> ``toptier_agency_id`` (the number ``list_monthly_files`` takes)."""
        request = Request(
            SOURCE,
            "POST",
            self.base_url + LIST_AGENCIES_PATH,
            json_body={"type": "award_agencies"},
        )
        data = self.transport.send(request).json()
        groups = data.get("agencies") if isinstance(data, dict) else None
        if not isinstance(groups, dict):
            raise MalformedPageError(SOURCE, request.label, "no agencies object")
        ids: dict[str, int] = {}
        for group in ("cfo_agencies", "other_agencies"):
            rows = groups.get(group)
            if not isinstance(rows, list):
                raise MalformedPageError(SOURCE, request.label, f"agencies.{group} is not a list")
            for i, row in enumerate(rows):
                # "toptier_code" since 2021; older answers named it "cgac_code"
                code = (
                    row.get("toptier_code", row.get("cgac_code")) if isinstance(row, dict) else None
                )
                agency_id = row.get("toptier_agency_id") if isinstance(row, dict) else None
                if not isinstance(code, str) or not isinstance(agency_id, int):
                    raise MalformedPageError(
                        SOURCE,
                        request.label,
                        f"agencies.{group}[{i}] lacks a toptier_code or toptier_agency_id",
                    )
                ids[code] = agency_id
        return ids

    def monthly_files(
        self, toptier_code: str, agency_id: int, fiscal_year: int
    ) -> list[MonthlyFile]:
        """The agency's current Full file(s) of ``fiscal_year`` and its Delta file."""
        request = Request(
            SOURCE,
            "POST",
            self.base_url + LIST_MONTHLY_FILES_PATH,
            json_body={"agency": agency_id, "fiscal_year": fiscal_year, "type": ARCHIVE_TYPE},
        )
        data = self.transport.send(request).json()
        rows = data.get("monthly_files") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise MalformedPageError(SOURCE, request.label, "no monthly_files list")
        files = []
        for i, row in enumerate(rows):
            name = row.get("file_name") if isinstance(row, dict) else None
            url = row.get("url") if isinstance(row, dict) else None
            parsed = parse_file_name(name) if isinstance(name, str) else None
            if parsed is None or not isinstance(url, str):
                raise MalformedPageError(
                    SOURCE,
                    request.label,
                    f"monthly_files[{i}] is not a contracts Full or Delta file: {name!r}",
                )
            kind, code, year, stamp = parsed
            if code != toptier_code or (kind == FULL and year != fiscal_year):
                raise MalformedPageError(
                    SOURCE,
                    request.label,
                    f"monthly_files[{i}] {name!r} is not agency {toptier_code}'s file of "
                    f"FY{fiscal_year}",
                )
            files.append(MonthlyFile(code, kind, year, str(name), url, stamp))
        return files

    def download(self, file: MonthlyFile, dest: Path) -> None:
        """Stream ``file`` to ``dest``. A 404 means the listing went stale (the archive replaces
        its files monthly): an ``IngestError`` naming the file."""
        if not isinstance(self.transport, DownloadingTransport):
            raise IngestError(
                SOURCE,
                f"{type(self.transport).__name__} cannot stream a download to disk, which "
                f"{file.file_name} needs",
            )
        request = Request(SOURCE, "GET", file.url)
        try:
            self.transport.download(request, dest)
        except SourceHTTPError as exc:
            if exc.status != 404:
                raise
            raise IngestError(
                SOURCE,
                f"archive file {file.file_name} (stamp {file.stamp}) is gone (404 at {file.url}): "
                "the archive replaces its files every month and the listing it came from is "
                "stale; run the refresh again to list the current files",
            ) from None


def zip_members(path: Path, label: str) -> list[str]:
    """The CSV members of a zip, in part order (``_1.csv``, ``_2.csv``, ... ``_10.csv``);
    ``label`` (the download request) names it if it is not a zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if n.lower().endswith(".csv")]
    except zipfile.BadZipFile as exc:
        raise MalformedPageError(SOURCE, label, f"not a readable zip file ({exc})") from None

    def part(name: str) -> tuple[int, str]:
        match = re.search(r"_(\d+)\.csv$", name, re.IGNORECASE)
        return (int(match.group(1)) if match else 0, name)

    return sorted(names, key=part)


def extract_member(zip_path: Path, member: str, dest_dir: Path) -> Path:
    """Copy one member out of the zip to ``dest_dir`` in chunks; returns its path."""
    target = dest_dir / Path(member).name
    with (
        zipfile.ZipFile(zip_path) as archive,
        archive.open(member) as src,
        target.open("wb") as out,
    ):
        shutil.copyfileobj(src, out, DOWNLOAD_CHUNK)
    return target


# --------------------------------------------------------------------------------------------
# Which files to load


def archive_agencies(watchlist: Watchlist) -> list[WatchedAgency]:
    """The watched agencies loaded from the archive: every agency (``pull: toptier`` or
    ``subtiers``); companies stay on the search API."""
    return [a for a in watchlist.agencies if a.pull in ("toptier", "subtiers")]


def fiscal_years(years: tuple[int, int]) -> list[int]:
    """The fiscal years holding actions dated in the calendar years (FY N: Oct N-1 .. Sep N)."""
    first, last = years
    return list(range(first, last + 2))


@dataclass(frozen=True)
class AgencyState:
    """What earlier loads took of one agency's archive: the fiscal years loaded in full and the
    newest stamp of any file loaded."""

    full_years: frozenset[int] = frozenset()
    loaded_through: str | None = None


@dataclass(frozen=True)
class FileChoice:
    file: MonthlyFile
    reason: str


def choose_files(
    listed: Sequence[MonthlyFile],
    years: Sequence[int],
    state: AgencyState,
    max_delta_gap_days: int = 35,
) -> list[FileChoice]:
    """The files of one agency to load this time: its Full files, or its Delta file alone.

    - A first load, or a fiscal year never loaded in full (a wider year range): the Full file of
      every fiscal year of ``years``. Not a Delta beside them: the Full files of the same stamp
      hold its changes already, and one action in two files of a load would be two versions of
      one key in one batch.
    - Else the Delta file, when its stamp is newer than the newest file loaded. A Delta covers
      about a month (the archive is regenerated monthly); when the last load is older than
      ``max_delta_gap_days`` before the Delta's stamp, the changes in between are in no file
      any more, so every fiscal year is loaded in full again.
    """
    fulls = {f.fiscal_year: f for f in listed if f.kind == FULL}
    deltas = sorted((f for f in listed if f.kind == DELTA), key=lambda f: f.stamp)
    delta = deltas[-1] if deltas else None
    missing_years = [y for y in years if y not in fulls]
    if missing_years:
        log.warning(
            "[%s] agency %s: the archive lists no Full file for FY %s",
            SOURCE,
            listed[0].toptier_code if listed else "?",
            ", ".join(map(str, missing_years)),
        )
    new_years = [y for y in years if y not in state.full_years]
    gap = False
    if not new_years and state.loaded_through is not None and delta is not None:
        days = (_stamp_date(delta.stamp) - _stamp_date(state.loaded_through)).days
        gap = days > max_delta_gap_days
    if new_years or gap:
        reason = (
            "gap: the last load is older than the Delta covers"
            if gap
            else "first load of this fiscal year"
            if not state.full_years
            else f"fiscal years {', '.join(map(str, new_years))} never loaded: all in full"
        )
        return [FileChoice(fulls[y], reason) for y in years if y in fulls]
    if delta is not None and (state.loaded_through is None or delta.stamp > state.loaded_through):
        return [FileChoice(delta, "changes since the last load")]
    return []


def _stamp_date(stamp: str) -> dt.date:
    return dt.datetime.strptime(stamp, "%Y%m%d").date()


def agency_states(loaded: Sequence[dict[str, Any]]) -> dict[str, AgencyState]:
    """Each agency's ``AgencyState`` from the ledger entries (``MonthlyFile.ledger_entry``) of
    earlier successful loads."""
    years: dict[str, set[int]] = {}
    stamps: dict[str, str] = {}
    for entry in loaded:
        agency = str(entry.get("agency"))
        stamp = str(entry.get("stamp"))
        if entry.get("kind") == FULL and isinstance(entry.get("fiscal_year"), int):
            years.setdefault(agency, set()).add(int(entry["fiscal_year"]))
        if agency not in stamps or stamp > stamps[agency]:
            stamps[agency] = stamp
    return {
        agency: AgencyState(frozenset(years.get(agency, set())), stamps.get(agency))
        for agency in {*years, *stamps}
    }


@dataclass
class ArchivePlan:
    """The files chosen for every archive agency, listed up front (the ledger records them)."""

    choices: list[tuple[WatchedAgency, FileChoice]]
    listed: dict[str, list[MonthlyFile]]

    def ledger(self) -> list[dict[str, Any]]:
        return [{**c.file.ledger_entry(), "reason": c.reason} for _, c in self.choices]


def plan_archive(
    client: ArchiveClient,
    watchlist: Watchlist,
    years: tuple[int, int],
    states: dict[str, AgencyState],
) -> ArchivePlan:
    """List every archive agency's files of the years' fiscal years and choose what to load."""
    agencies = archive_agencies(watchlist)
    if not agencies:
        return ArchivePlan([], {})
    ids = client.agency_ids()
    choices: list[tuple[WatchedAgency, FileChoice]] = []
    listed: dict[str, list[MonthlyFile]] = {}
    for agency in agencies:
        agency_id = ids.get(agency.toptier_code)
        if agency_id is None:
            raise IngestError(
                SOURCE,
                f"agency {agency.name} ({agency.toptier_code}): list_agencies does not list this "
                "toptier code, so its archive files cannot be found; check the watchlist",
            )
        files: dict[str, MonthlyFile] = {}
        for year in fiscal_years(years):
            for f in client.monthly_files(agency.toptier_code, agency_id, year):
                files[f.file_name] = f
        listed[agency.toptier_code] = list(files.values())
        state = states.get(agency.toptier_code, AgencyState())
        for choice in choose_files(list(files.values()), fiscal_years(years), state):
            choices.append((agency, choice))
    return ArchivePlan(choices, listed)


def iter_archive_files(
    client: ArchiveClient,
    plan: ArchivePlan,
    years: tuple[int, int],
    work_dir: Path | None = None,
) -> Iterator[ArchiveFile]:
    """Download each chosen zip, extract its CSVs one at a time and yield each as a checked
    ``ArchiveFile``.

    Two steps run ahead of the landing, each on a thread of its own:
    - the next zip is downloaded while the one before it is extracted and landed (the main
      thread makes no request meanwhile, so the transport's spacing holds), so at most two zips
      are on disk at a time; a download's error is raised where the zip's turn comes, as before;
    - a zip's next CSV is extracted while the one before it is landed (zlib lets go of Python's
      lock while it inflates), so at most two of its CSVs are on disk at a time. Measured:
      extracting one 1,000,000-row part took 4.9 s and landing another 5.2 s, 6.1 s both at
      once; a zip of three such parts pulled and loaded whole took 40.4 and 40.7 s against 44.1
      and 41.7 s extracted in turn (on two cores, which the load already keeps busy: more cores
      gain more).

    A file's CSV is deleted when the next is asked for, a zip once its members are done. If the
    iteration stops early (a failed load), it waits for the download and the extraction under
    way (a download cannot be stopped half-way: at most one zip's), then deletes their files;
    the temporary folder goes when the iteration ends or is closed."""
    window = (dt.date(years[0], 1, 1), dt.date(years[1], 12, 31))
    with (
        tempfile.TemporaryDirectory(prefix="usaspending-archive-", dir=work_dir) as tmp,
        ThreadPoolExecutor(1, thread_name_prefix="archive-download") as downloading,
        ThreadPoolExecutor(1, thread_name_prefix="archive-extract") as extracting,
    ):
        folder = Path(tmp)

        def download(index: int) -> Future[Path] | None:
            if index >= len(plan.choices):
                return None
            file = plan.choices[index][1].file
            zip_path = folder / file.file_name

            def fetch() -> Path:
                client.download(file, zip_path)
                return zip_path

            return downloading.submit(fetch)

        ahead = download(0)
        try:
            for index, (agency, choice) in enumerate(plan.choices):
                file = choice.file
                assert ahead is not None
                zip_path = ahead.result()
                ahead = download(index + 1)
                upcoming: Future[Path] | None = None
                try:
                    members = zip_members(zip_path, f"GET {file.url}")
                    if not members:
                        raise MalformedPageError(SOURCE, f"GET {file.url}", "the zip holds no CSV")
                    subtiers = (
                        tuple(s.code for s in agency.subtiers) if agency.pull == "subtiers" else ()
                    )
                    upcoming = extracting.submit(extract_member, zip_path, members[0], folder)
                    for member_index, member in enumerate(members):
                        csv_path = upcoming.result()
                        if member_index + 1 < len(members):
                            upcoming = extracting.submit(
                                extract_member, zip_path, members[member_index + 1], folder
                            )
                        try:
                            yield ArchiveFile(
                                csv_path,
                                f"{file.file_name}/{member}",
                                file.kind,
                                file.fiscal_year,
                                subtiers,
                                window,
                            ).checked()
                        finally:
                            csv_path.unlink(missing_ok=True)
                finally:
                    if upcoming is not None:  # an extraction the iteration no longer waits for
                        with suppress(Exception):
                            upcoming.result()
                    zip_path.unlink(missing_ok=True)
        finally:
            if ahead is not None:  # a download the iteration no longer waits for
                with suppress(Exception):
                    ahead.result().unlink(missing_ok=True)
