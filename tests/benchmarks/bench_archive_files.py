"""Write a synthetic Award Data Archive Full file of N contract transactions, for the load
benchmark (not a test; prints figures only).

    python -m tests.benchmarks.bench_archive_files OUT_DIR [--transactions 10000000]
        [--row-limit 1000000] [--agency 097] [--fiscal-year 2024] [--stamp 20260906] [--seed 13]

Writes ``OUT_DIR/FY<fy>_<agency>_Contracts_Full_<stamp>.zip`` in the archive's layout
(``tests.fakes.usaspending_archive``): the 297 columns in order, parts ``<stem>_1.csv``,
``_2.csv``, ... of at most ``--row-limit`` rows, the header in every part, deflated. Rows are
streamed into the zip (memory stays flat whatever N). The values vary as real ones do: awards of
one to a dozen actions, thousands of recipient names built from word lists (with parents), sub-
agencies and offices, NAICS and PSC codes, lognormal amounts with de-obligations, action dates
over the fiscal year, descriptions, the business-type flags filled. Prints rows, parts, sizes
and seconds, then one summary line ``archive_files: ...``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

from tests.fakes.usaspending_archive import ARCHIVE_COLUMNS, ROW_LIMIT, write_zip

WORDS = (
    "ACME ADVANCED AEGIS ALLIED ALPHA APEX ATLAS BLUE BRIGHT CAPITAL CARDINAL CASCADE CENTURY "
    "COASTAL CONTINENTAL CREST DELTA DOMINION EAGLE EMPIRE FEDERAL FRONTIER GENERAL GLOBAL "
    "GRANITE HARBOR HERITAGE HORIZON INTEGRATED KEYSTONE LIBERTY MERIDIAN MERIT NATIONAL "
    "NORTHERN NOVA OMEGA PACIFIC PATRIOT PINNACLE PIONEER PRECISION PREMIER QUANTUM RELIANCE "
    "RIVERSIDE SENTINEL SIERRA SOUTHERN SPECTRUM STRATEGIC SUMMIT TITAN TRINITY UNITED VANGUARD "
    "VECTOR VERTEX VICTORY WESTERN ZENITH"
).split()
TRADES = (
    "SYSTEMS SOLUTIONS TECHNOLOGIES ENGINEERING SERVICES LOGISTICS AEROSPACE DEFENSE CONSTRUCTION "
    "MEDICAL RESEARCH ANALYTICS CONSULTING MANUFACTURING DYNAMICS LABORATORIES ENERGY NETWORKS"
).split()
FORMS = ("INC.", "LLC", "CORP", "CORPORATION", "CO", "LP", "GROUP, INC.", "JV LLC")
SUBTIERS = (
    ("2100", "Department of the Army"),
    ("1700", "Department of the Navy"),
    ("5700", "Department of the Air Force"),
    ("97AS", "Defense Logistics Agency"),
    ("97DH", "Defense Health Agency (DHA)"),
    ("9700", "Department of Defense"),
)
NAICS = (
    ("541330", "ENGINEERING SERVICES"),
    ("541512", "COMPUTER SYSTEMS DESIGN SERVICES"),
    ("336411", "AIRCRAFT MANUFACTURING"),
    ("541715", "RESEARCH AND DEVELOPMENT IN THE PHYSICAL, ENGINEERING, AND LIFE SCIENCES"),
    ("236220", "COMMERCIAL AND INSTITUTIONAL BUILDING CONSTRUCTION"),
    ("325412", "PHARMACEUTICAL PREPARATION MANUFACTURING"),
    ("561210", "FACILITIES SUPPORT SERVICES"),
)
PSC = (
    ("R425", "SUPPORT- PROFESSIONAL: ENGINEERING/TECHNICAL"),
    ("D399", "IT AND TELECOM - OTHER IT AND TELECOMMUNICATIONS"),
    ("1560", "AIRFRAME STRUCTURAL COMPONENTS"),
    ("AC13", "NATIONAL DEFENSE R&D SVCS; DEPARTMENT OF DEFENSE - MILITARY; EXPERIMENTAL"),
    ("Y1AA", "CONSTRUCTION OF OFFICE BUILDINGS"),
    ("6505", "DRUGS AND BIOLOGICALS"),
)
AWARD_TYPES = (
    ("A", "BPA CALL"),
    ("B", "PURCHASE ORDER"),
    ("C", "DELIVERY ORDER"),
    ("D", "DEFINITIVE CONTRACT"),
)
ACTIONS = (("C", "FUNDING ONLY ACTION"), ("B", "SUPPLEMENTAL AGREEMENT"), ("M", "OTHER ADMIN"))
STATES = ("VA", "MD", "CA", "TX", "FL", "AL", "WA", "CO", "OH", "GA", "AZ", "MA")
# the business-type flags (alaskan_native_corporation_owned_firm .. sba_certified_8a_joint_venture)
_FLAGS_START = ARCHIVE_COLUMNS.index("alaskan_native_corporation_owned_firm")
FLAG_COLUMNS = ARCHIVE_COLUMNS[
    _FLAGS_START : ARCHIVE_COLUMNS.index("highly_compensated_officer_1_name")
]


def recipient(rng: random.Random) -> tuple[str, str, str, str]:
    """(name, UEI, parent name, parent UEI): tens of thousands of distinct names."""
    words = rng.sample(WORDS, rng.choice((1, 2, 2, 3)))
    name = " ".join((*words, rng.choice(TRADES), rng.choice(FORMS)))
    uei = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=12))
    if rng.random() < 0.6:
        parent = " ".join((words[0], rng.choice(TRADES), "HOLDINGS INC."))
        parent_uei = f"P{abs(hash(parent)) % 10**11:011d}"
    else:
        parent, parent_uei = name, uei
    return name, uei, parent, parent_uei


def rows(n: int, agency: str, fiscal_year: int, seed: int) -> Iterator[list[str]]:
    """N transactions of one agency's fiscal year, grouped in awards, as archive rows."""
    rng = random.Random(seed)
    first = dt.date(fiscal_year - 1, 10, 1)
    span = (dt.date(fiscal_year, 9, 30) - first).days
    recipients = [recipient(rng) for _ in range(max(10, min(50_000, n // 20)))]
    index = {c: i for i, c in enumerate(ARCHIVE_COLUMNS)}
    template = [""] * len(ARCHIVE_COLUMNS)
    for column in FLAG_COLUMNS:
        template[index[column]] = "f"
    written = 0
    award = 0
    while written < n:
        award += 1
        sub_code, sub_name = rng.choice(SUBTIERS)
        office = f"W{rng.randrange(10, 99)}{rng.choice('ABCDEFGHJK')}{rng.randrange(10, 99)}"
        piid = f"{office}{fiscal_year % 100:02d}{rng.choice('CDFP')}{award:06d}"
        parent_piid = f"{office}1{rng.randrange(5, 9)}D{rng.randrange(1000, 9999)}"
        has_parent = rng.random() < 0.55
        award_key = (
            f"CONT_AWD_{piid}_{sub_code}_{parent_piid if has_parent else '-NONE-'}_"
            f"{sub_code if has_parent else '-NONE-'}"
        )
        name, uei, parent, parent_uei = rng.choice(recipients)
        naics, naics_text = rng.choice(NAICS)
        psc, psc_text = rng.choice(PSC)
        type_code, type_text = rng.choice(AWARD_TYPES)
        description = (
            f"{rng.choice(TRADES)} {rng.choice(('SUPPORT', 'SERVICES', 'PARTS'))} FOR {office}"
        )
        state = rng.choice(STATES)
        day = first + dt.timedelta(days=rng.randrange(span + 1))
        for mod in range(min(n - written, rng.choice((1, 1, 2, 3, 4, 6, 12)))):
            amount = round(rng.lognormvariate(10, 2.2), 2)
            if mod and rng.random() < 0.08:
                amount = -round(amount / 10, 2)
            action, action_text = ("", "") if mod == 0 else rng.choice(ACTIONS)
            mod_number = "0" if mod == 0 else f"P{mod:05d}"
            values = {
                "contract_transaction_unique_key": (
                    f"{sub_code}_{sub_code if has_parent else '-NONE-'}_{piid}_{mod_number}_"
                    f"{parent_piid if has_parent else '-NONE-'}_0"
                ),
                "contract_award_unique_key": award_key,
                "award_id_piid": piid,
                "modification_number": mod_number,
                "transaction_number": "0",
                "parent_award_agency_id": sub_code if has_parent else "",
                "parent_award_id_piid": parent_piid if has_parent else "",
                "federal_action_obligation": f"{amount:.2f}",
                "total_dollars_obligated": f"{abs(amount) * 3:.2f}",
                "action_date": day.isoformat(),
                "action_date_fiscal_year": str(fiscal_year),
                "period_of_performance_start_date": day.isoformat(),
                "awarding_agency_code": agency,
                "awarding_agency_name": "Department of Defense",
                "awarding_sub_agency_code": sub_code,
                "awarding_sub_agency_name": sub_name,
                "awarding_office_code": office,
                "awarding_office_name": f"{sub_name.upper()} OFFICE {office}",
                "funding_agency_code": agency,
                "funding_agency_name": "Department of Defense",
                "funding_sub_agency_code": sub_code,
                "funding_sub_agency_name": sub_name,
                "recipient_uei": uei,
                "recipient_name": name,
                "recipient_name_raw": name,
                "recipient_parent_uei": parent_uei,
                "recipient_parent_name": parent,
                "recipient_country_code": "USA",
                "recipient_state_code": state,
                "primary_place_of_performance_country_code": "USA",
                "primary_place_of_performance_state_code": state,
                "primary_place_of_performance_city_name": rng.choice(("ARLINGTON", "HUNTSVILLE")),
                "award_or_idv_flag": "AWARD",
                "award_type_code": type_code,
                "award_type": type_text,
                "action_type_code": action,
                "action_type": action_text,
                "transaction_description": description
                if mod == 0
                else f"{action_text}: {description}",
                "prime_award_base_transaction_description": description,
                "naics_code": naics,
                "naics_description": naics_text,
                "product_or_service_code": psc,
                "product_or_service_code_description": psc_text,
                "usaspending_permalink": f"https://www.usaspending.gov/award/{award_key}/",
                "initial_report_date": day.isoformat(),
                "last_modified_date": f"{day} {rng.randrange(24):02d}:{rng.randrange(60):02d}:00",
            }
            row = list(template)
            for column, value in values.items():
                row[index[column]] = value
            yield row
            written += 1
            day = min(day + dt.timedelta(days=rng.randrange(1, 60)), first + dt.timedelta(span))


def say(*parts: object) -> None:
    print(*parts, flush=True)  # noqa: T201 - a benchmark script reports on stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--transactions", type=int, default=10_000_000)
    parser.add_argument("--row-limit", type=int, default=ROW_LIMIT)
    parser.add_argument("--agency", default="097")
    parser.add_argument("--fiscal-year", type=int, default=2024)
    parser.add_argument("--stamp", default="20260906")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"FY{args.fiscal_year}_{args.agency}_Contracts_Full_{args.stamp}"
    path = args.out_dir / f"{stem}.zip"
    started = time.perf_counter()
    parts = write_zip(
        path,
        stem,
        ARCHIVE_COLUMNS,
        rows(args.transactions, args.agency, args.fiscal_year, args.seed),
        args.row_limit,
    )
    seconds = time.perf_counter() - started
    with zipfile.ZipFile(path) as archive:
        csv_bytes = sum(i.file_size for i in archive.infolist())
    zip_bytes = path.stat().st_size
    say(f"wrote {path}")
    say(f"  {args.transactions:,} transactions in {parts} part(s) of at most {args.row_limit:,}")
    say(f"  csv {csv_bytes / 1e6:,.1f} MB, zip {zip_bytes / 1e6:,.1f} MB, {seconds:,.1f} s")
    say(
        f"archive_files: transactions={args.transactions} parts={parts} "
        f"csv_mb={csv_bytes / 1e6:.1f} zip_mb={zip_bytes / 1e6:.1f} seconds={seconds:.1f} "
        f"path={path}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
