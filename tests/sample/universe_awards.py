"""USAspending contract awards (``spending_by_award`` rows) of the sample universe, 2017-2019.

Agency codes and names are real (the broker's agency list); recipients are Amazon under its real
recipient-name spellings, well-known contractors, an AWS reseller and invented small businesses.
Every amount is synthetic. The case's fact: no ICE (7012) award to any Amazon recipient in 2018.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from tests.sample.model import AwardFact
from tests.sample.universe import code, new_uuid, random_day, rng_for
from tests.sample.universe_transactions import with_idvs

FIRST_DAY, LAST_DAY = dt.date(2017, 1, 1), dt.date(2019, 12, 31)
TOPTIER = {
    "070": "Department of Homeland Security",
    "097": "Department of Defense",
    "047": "General Services Administration",
    "080": "National Aeronautics and Space Administration",
    "015": "Department of Justice",
}
# subtier code: (toptier code, name, PIID office prefix, weight)
SUBTIERS: dict[str, tuple[str, str, str, int]] = {
    "7012": ("070", "U.S. Immigration and Customs Enforcement", "70CDCR", 5),
    "7014": ("070", "U.S. Customs and Border Protection", "70B04C", 6),
    "7003": ("070", "U.S. Citizenship and Immigration Services", "70SBUR", 3),
    "7001": ("070", "Office of Procurement Operations", "70RTAC", 4),
    "7013": ("070", "Transportation Security Administration", "70T020", 3),
    "7008": ("070", "U.S. Coast Guard", "70Z023", 5),
    "7022": ("070", "Federal Emergency Management Agency", "70FA20", 3),
    "7009": ("070", "U.S. Secret Service", "70US09", 1),
    "7015": ("070", "Federal Law Enforcement Training Center", "70LGLY", 1),
    "97AK": ("097", "Defense Information Systems Agency", "HC1028", 3),
    "2100": ("097", "Department of the Army", "W91CRB", 7),
    "1700": ("097", "Department of the Navy", "N00039", 6),
    "5700": ("097", "Department of the Air Force", "FA8732", 6),
    "97AS": ("097", "Defense Logistics Agency", "SP4701", 4),
    "4732": ("047", "Federal Acquisition Service", "47QTCA", 3),
    "4740": ("047", "Public Buildings Service", "47PA05", 1),
    "8000": ("080", "National Aeronautics and Space Administration", "80GSFC", 2),
    "1549": ("015", "Federal Bureau of Investigation", "15F067", 2),
    "1540": ("015", "Federal Prison System / Bureau of Prisons", "15B301", 1),
    "1544": ("015", "U.S. Marshals Service", "15M102", 1),
}
AWARD_TYPES = {
    "A": "BPA CALL",
    "B": "PURCHASE ORDER",
    "C": "DELIVERY ORDER",
    "D": "DEFINITIVE CONTRACT",
}
PIID_LETTER = {"A": "A", "B": "P", "C": "F", "D": "C"}
NAICS = {
    "518210": "DATA PROCESSING, HOSTING, AND RELATED SERVICES",
    "541512": "COMPUTER SYSTEMS DESIGN SERVICES",
    "541511": "CUSTOM COMPUTER PROGRAMMING SERVICES",
    "541519": "OTHER COMPUTER RELATED SERVICES",
    "511210": "SOFTWARE PUBLISHERS",
    "454110": "ELECTRONIC SHOPPING AND MAIL-ORDER HOUSES",
    "336413": "OTHER AIRCRAFT PARTS AND AUXILIARY EQUIPMENT MANUFACTURING",
    "541330": "ENGINEERING SERVICES",
    "336414": "GUIDED MISSILE AND SPACE VEHICLE MANUFACTURING",
    "334220": "RADIO AND TELEVISION BROADCASTING AND WIRELESS COMMUNICATIONS EQUIPMENT "
    "MANUFACTURING",
    "541611": "ADMINISTRATIVE MANAGEMENT AND GENERAL MANAGEMENT CONSULTING SERVICES",
    "561110": "OFFICE ADMINISTRATIVE SERVICES",
    "611430": "PROFESSIONAL AND MANAGEMENT DEVELOPMENT TRAINING",
    "561210": "FACILITIES SUPPORT SERVICES",
    "561612": "SECURITY GUARDS AND PATROL SERVICES",
    "561720": "JANITORIAL SERVICES",
    "424120": "STATIONERY AND OFFICE SUPPLIES MERCHANT WHOLESALERS",
    "811111": "GENERAL AUTOMOTIVE REPAIR",
    "336611": "SHIP BUILDING AND REPAIRING",
    "517312": "WIRELESS TELECOMMUNICATIONS CARRIERS (EXCEPT SATELLITE)",
    "517311": "WIRED TELECOMMUNICATIONS CARRIERS",
    "485999": "ALL OTHER TRANSIT AND GROUND PASSENGER TRANSPORTATION",
}
PSC = {
    "D399": "IT AND TELECOM- OTHER IT AND TELECOMMUNICATIONS",
    "D302": "IT AND TELECOM- SYSTEMS DEVELOPMENT",
    "D307": "IT AND TELECOM- IT STRATEGY AND ARCHITECTURE",
    "D310": "IT AND TELECOM- CYBER SECURITY AND DATA BACKUP",
    "D318": "IT AND TELECOM- INTEGRATED HARDWARE/SOFTWARE/SERVICES SOLUTIONS, PREDOMINANTLY "
    "SERVICES",
    "D304": "IT AND TELECOM- TELECOMMUNICATIONS AND TRANSMISSION",
    "7030": "ADP SOFTWARE",
    "7510": "OFFICE SUPPLIES",
    "1560": "AIRFRAME STRUCTURAL COMPONENTS",
    "R425": "SUPPORT- PROFESSIONAL: ENGINEERING/TECHNICAL",
    "1410": "GUIDED MISSILES",
    "5820": "RADIO AND TELEVISION COMMUNICATION EQUIPMENT, EXCEPT AIRBORNE",
    "R408": "SUPPORT- PROFESSIONAL: PROGRAM MANAGEMENT/SUPPORT",
    "R699": "SUPPORT- ADMINISTRATIVE: OTHER",
    "U008": "EDUCATION/TRAINING- TRAINING/CURRICULUM DEVELOPMENT",
    "S216": "HOUSEKEEPING- FACILITIES OPERATIONS SUPPORT",
    "S206": "HOUSEKEEPING- GUARD",
    "S201": "HOUSEKEEPING- CUSTODIAL JANITORIAL",
    "J023": "MAINT/REPAIR/REBUILD OF EQUIPMENT- GROUND EFFECT VEHICLES, MOTOR VEHICLES, TRAILERS, "
    "AND CYCLES",
    "2040": "MARINE HARDWARE AND HULL ITEMS",
    "V119": "TRANSPORTATION/TRAVEL/RELOCATION- TRANSPORTATION: OTHER",
}
# sector: (awarding subtiers it wins from, (description, NAICS, PSC) of its work)
IT_WORK = (
    ("ENTERPRISE IT INFRASTRUCTURE SUPPORT SERVICES", "541512", "D399"),
    ("SOFTWARE LICENSES AND MAINTENANCE", "511210", "7030"),
    ("CYBERSECURITY OPERATIONS SUPPORT", "541512", "D310"),
    ("DATA ANALYTICS PLATFORM SUBSCRIPTION", "518210", "D399"),
    ("APPLICATION DEVELOPMENT AND MODERNIZATION", "541511", "D302"),
)
SVC_WORK = (
    ("PROGRAM MANAGEMENT SUPPORT SERVICES", "541611", "R408"),
    ("ADMINISTRATIVE SUPPORT SERVICES", "561110", "R699"),
    ("TRAINING AND CURRICULUM DEVELOPMENT", "611430", "U008"),
    ("IT SYSTEMS ENGINEERING SUPPORT", "541512", "D318"),
)
SECTORS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str, str], ...]]] = {
    "it": (
        (
            "7012",
            "7014",
            "7003",
            "7001",
            "7013",
            "7008",
            "97AK",
            "2100",
            "1700",
            "5700",
            "4732",
            "8000",
            "1549",
        ),
        IT_WORK,
    ),
    "def": (
        ("2100", "1700", "5700", "97AS", "97AK", "7008", "7014", "8000"),
        (
            ("AIRCRAFT SPARE PARTS", "336413", "1560"),
            ("ENGINEERING AND TECHNICAL SUPPORT SERVICES", "541330", "R425"),
            ("MISSILE COMPONENT PRODUCTION", "336414", "1410"),
            ("TACTICAL RADIO EQUIPMENT", "334220", "5820"),
        ),
    ),
    "svc": (
        (
            "7012",
            "7014",
            "7003",
            "7001",
            "7013",
            "7022",
            "2100",
            "1700",
            "5700",
            "4732",
            "8000",
            "1549",
        ),
        SVC_WORK,
    ),
    "det": (
        ("7012", "7012", "7012", "1540", "1544"),
        (
            ("DETENTION FACILITY OPERATIONS SERVICES", "561210", "S216"),
            ("DETAINEE TRANSPORTATION AND GUARD SERVICES", "485999", "V119"),
            ("SECURITY GUARD SERVICES AT PROCESSING CENTER", "561612", "S206"),
        ),
    ),
    "tel": (
        ("7014", "7001", "7008", "97AK", "2100", "4732", "1549"),
        (
            ("WIRELESS COMMUNICATIONS SERVICES", "517312", "D304"),
            ("TELECOMMUNICATIONS NETWORK SERVICES", "517311", "D304"),
        ),
    ),
    "bio": (
        ("7014", "7014", "7013", "7003", "7001", "1549"),
        (
            ("BIOMETRIC IDENTIFICATION SYSTEM SUPPORT", "541512", "D318"),
            ("BIOMETRIC ENTRY-EXIT PROCESSING TECHNOLOGY", "541512", "D302"),
        ),
    ),
    "gen": (
        tuple(c for c, s in SUBTIERS.items() for _ in range(s[3])),
        IT_WORK
        + SVC_WORK
        + (
            ("OFFICE SUPPLIES", "424120", "7510"),
            ("JANITORIAL SERVICES", "561720", "S201"),
            ("GUARD SERVICES", "561612", "S206"),
            ("FACILITIES SUPPORT SERVICES", "561210", "S216"),
            ("VEHICLE MAINTENANCE AND REPAIR", "811111", "J023"),
            ("VESSEL HULL REPAIR PARTS", "336611", "2040"),
        ),
    ),
}
# recipient names ("|"-separated spellings), parent recipient name, sector, number of awards
COMPANIES = (
    ("LOCKHEED MARTIN CORPORATION|LOCKHEED MARTIN CORP", "LOCKHEED MARTIN CORPORATION", "def", 90),
    ("RAYTHEON COMPANY|RAYTHEON CO", "RAYTHEON COMPANY", "def", 70),
    ("THE BOEING COMPANY|BOEING COMPANY, THE", "THE BOEING COMPANY", "def", 60),
    ("NORTHROP GRUMMAN SYSTEMS CORPORATION", "NORTHROP GRUMMAN CORPORATION", "def", 60),
    (
        "GENERAL DYNAMICS INFORMATION TECHNOLOGY, INC.|GENERAL DYNAMICS LAND SYSTEMS INC.",
        "GENERAL DYNAMICS CORPORATION",
        "def",
        60,
    ),
    ("L3 TECHNOLOGIES, INC.", "L3 TECHNOLOGIES, INC.", "def", 30),
    ("GENERAL ELECTRIC COMPANY", "GENERAL ELECTRIC COMPANY", "def", 20),
    ("PALANTIR USG INC|PALANTIR TECHNOLOGIES INC.", "PALANTIR TECHNOLOGIES INC.", "it", 30),
    ("MICROSOFT CORPORATION", "MICROSOFT CORPORATION", "it", 30),
    (
        "INTERNATIONAL BUSINESS MACHINES CORPORATION|IBM CORPORATION",
        "INTERNATIONAL BUSINESS MACHINES CORPORATION",
        "it",
        40,
    ),
    ("ORACLE AMERICA, INC.", "ORACLE CORPORATION", "it", 30),
    ("GOOGLE LLC", "ALPHABET INC.", "it", 10),
    ("SALESFORCE.COM, INC.", "SALESFORCE.COM, INC.", "it", 12),
    ("CISCO SYSTEMS, INC.", "CISCO SYSTEMS, INC.", "it", 15),
    ("DELL FEDERAL SYSTEMS L.P.|DELL MARKETING L.P.", "DELL TECHNOLOGIES INC.", "it", 40),
    ("UNISYS CORPORATION", "UNISYS CORPORATION", "it", 20),
    ("ACCENTURE FEDERAL SERVICES LLC", "ACCENTURE PUBLIC LIMITED COMPANY", "svc", 40),
    ("DELOITTE CONSULTING LLP", "DELOITTE LLP", "svc", 40),
    (
        "BOOZ ALLEN HAMILTON INC.|BOOZ ALLEN HAMILTON INC",
        "BOOZ ALLEN HAMILTON HOLDING CORPORATION",
        "svc",
        60,
    ),
    ("LEIDOS, INC.|LEIDOS INNOVATIONS CORPORATION", "LEIDOS HOLDINGS, INC.", "svc", 60),
    (
        "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION",
        "SCIENCE APPLICATIONS INTERNATIONAL CORPORATION",
        "svc",
        40,
    ),
    ("CACI, INC. - FEDERAL|CACI INC - FEDERAL", "CACI INTERNATIONAL INC", "svc", 40),
    (
        "MANTECH ADVANCED SYSTEMS INTERNATIONAL, INC.",
        "MANTECH INTERNATIONAL CORPORATION",
        "svc",
        25,
    ),
    ("CORECIVIC, INC.", "CORECIVIC, INC.", "det", 30),
    ("THE GEO GROUP, INC.|GEO GROUP, INC., THE", "THE GEO GROUP, INC.", "det", 35),
    ("MOTOROLA SOLUTIONS, INC.", "MOTOROLA SOLUTIONS, INC.", "tel", 25),
    (
        "VERIZON BUSINESS NETWORK SERVICES INC.|CELLCO PARTNERSHIP",
        "VERIZON COMMUNICATIONS INC.",
        "tel",
        30,
    ),
    ("AT&T CORP.|AT&T MOBILITY NATIONAL ACCOUNTS LLC", "AT&T INC.", "tel", 30),
    ("NEC CORPORATION OF AMERICA", "NEC CORPORATION", "bio", 10),
    ("IDEMIA IDENTITY & SECURITY USA LLC", "IDEMIA FRANCE SAS", "bio", 15),
)
GENERIC_A = (
    "APEX",
    "BLUE RIDGE",
    "CARDINAL",
    "DELTA PEAK",
    "EAGLE CREST",
    "FRONTIER",
    "GOLDEN GATE",
    "HORIZON",
    "INTEGRITY",
    "JUNIPER",
    "KESTREL",
    "LIBERTY BELL",
    "MOUNTAIN VIEW",
    "NOVA",
    "OMNI",
    "PATRIOT",
    "QUANTUM",
    "REDSTONE",
    "SENTINEL",
    "TRIDENT",
    "UNITY",
    "VANGUARD",
    "WESTWIND",
    "ZENITH",
)
GENERIC_B = (
    "SOLUTIONS",
    "TECHNOLOGIES",
    "SYSTEMS",
    "LOGISTICS",
    "CONSULTING GROUP",
    "FEDERAL SERVICES",
    "ENGINEERING",
    "ANALYTICS",
    "SECURITY SERVICES",
    "SUPPLY",
)
GENERIC_C = ("LLC", "INC.", "CORP", "INC")

AMAZON_PARENT = "AMAZON.COM, INC."
AWS_NAMES = ("AMAZON WEB SERVICES, INC.", "AMAZON WEB SERVICES INC")
AMAZON_RETAIL = "AMAZON.COM SERVICES, INC."
AWS_WORK = (
    ("AWS CLOUD HOSTING SERVICES", "518210", "D399"),
    ("AMAZON WEB SERVICES GOVCLOUD INFRASTRUCTURE AS A SERVICE", "518210", "D399"),
    ("COMMERCIAL CLOUD COMPUTING SERVICES - AWS", "541512", "D307"),
    ("AWS ENTERPRISE SUPPORT AND CLOUD MIGRATION SERVICES", "541512", "D318"),
    ("CLOUD STORAGE AND DATA BACKUP - AMAZON WEB SERVICES", "518210", "D310"),
)
RETAIL_WORK = (
    ("AMAZON BUSINESS MARKETPLACE PURCHASES - OFFICE SUPPLIES", "454110", "7510"),
    ("E-READERS AND DIGITAL CONTENT SUBSCRIPTIONS", "454110", "7030"),
)
AMAZON_AGENCIES = ("97AK", "97AK", "2100", "1700", "5700", "4732", "4732", "8000", "8000", "1549")
RESELLER = "FOUR POINTS TECHNOLOGY, L.L.C."
RESELLER_WORK = (
    ("AMAZON WEB SERVICES (AWS) CLOUD SERVICES - RESALE", "541519", "D399"),
    ("RESALE OF AMAZON WEB SERVICES GOVCLOUD CLOUD COMPUTING CAPACITY", "541519", "D399"),
    (
        "AMAZON WEB SERVICES CLOUD SUBSCRIPTION AND SUPPORT THROUGH AUTHORIZED RESELLER",
        "541512",
        "D318",
    ),
)

Recipient = tuple[str, str, str, str, str | None]  # name, UEI, recipient_id, parent, parent UEI
UEI_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"  # UEIs use neither I nor O


@dataclass
class _Builder:
    rng: random.Random
    internal_id: int = 61_400_000
    keys: set[str] = field(default_factory=set)  # membership tests only, never iterated
    facts: list[AwardFact] = field(default_factory=list)

    def uei(self) -> str:
        return code(self.rng, 1, "ABCDEFGHJKLMNPQRSTUVWXYZ") + code(self.rng, 11, UEI_ALPHABET)

    def recipient(self, name: str, parent: str | None, parent_uei: str | None) -> Recipient:
        kind = "-C" if parent else "-R"
        return name, self.uei(), new_uuid(self.rng) + kind, parent or name, parent_uei

    def piid(self, sub: str, day: dt.date, letter: str) -> str:
        fiscal_year = day.year + (1 if day.month >= 10 else 0)
        width = 8 if SUBTIERS[sub][0] == "070" else 4
        serial = code(self.rng, width, "0123456789")
        return f"{SUBTIERS[sub][2]}{fiscal_year % 100:02d}{letter}{serial}"

    def award(
        self,
        sub: str,
        day: dt.date,
        rec: Recipient,
        work: tuple[str, str, str],
        type_code: str,
        amount: float,
        funding: str | None = None,
    ) -> None:
        rng = self.rng
        while True:
            piid = self.piid(sub, day, PIID_LETTER[type_code])
            parent = "-NONE-_-NONE-"
            if type_code in ("A", "C"):
                same = [c for c, s in SUBTIERS.items() if s[0] == SUBTIERS[sub][0]]
                idv_sub = sub if rng.random() < 0.8 else rng.choice(same)
                idv_day = day - dt.timedelta(days=rng.randint(60, 1500))
                parent = (
                    f"{self.piid(idv_sub, idv_day, 'A' if type_code == 'A' else 'D')}_{idv_sub}"
                )
            key = f"CONT_AWD_{piid}_{sub}_{parent}"
            if key not in self.keys:
                break
        self.keys.add(key)
        self.internal_id += rng.randint(1, 40_000)
        funding = funding or sub
        description, naics, psc = work
        end = day + dt.timedelta(days=rng.choice((30, 90, 180, 364, 365, 729, 1094, 1825)))
        top, fund_top = SUBTIERS[sub][0], SUBTIERS[funding][0]
        row: dict[str, Any] = {
            "internal_id": self.internal_id,
            "Award ID": piid,
            "Recipient Name": rec[0],
            "Recipient UEI": rec[1],
            "recipient_id": rec[2],
            "Awarding Agency": TOPTIER[top],
            "Awarding Agency Code": top,
            "Awarding Sub Agency": SUBTIERS[sub][1],
            "Awarding Sub Agency Code": sub,
            "Funding Agency": TOPTIER[fund_top],
            "Funding Agency Code": fund_top,
            "Funding Sub Agency": SUBTIERS[funding][1],
            "Funding Sub Agency Code": funding,
            "Description": description,
            "Base Obligation Date": str(day),
            "Last Modified Date": str(random_day(rng, day, min(end, dt.date(2020, 9, 30)))),
            "Start Date": str(day),
            # as the API sends them: an IDV has no End Date but a last date to order
            "End Date": None if type_code.startswith("IDV") else str(end),
            "Last Date to Order": str(end) if type_code.startswith("IDV") else None,
            "Award Amount": round(amount, 2),
            "Total Outlays": round(amount * rng.choice((0.0, 0.25, 0.5, 0.8, 1.0, 1.0)), 2),
            "Contract Award Type": AWARD_TYPES[type_code],
            "NAICS": {"code": naics, "description": NAICS[naics]},
            "PSC": {"code": psc, "description": PSC[psc]},
            "generated_internal_id": key,
        }
        self.facts.append(AwardFact(row, type_code, rec[3], rec[4]))

    def amount(self, type_code: str) -> float:
        mu, sigma = {"A": (11.5, 1.3), "B": (10.0, 1.2), "C": (12.0, 1.5), "D": (13.0, 1.7)}[
            type_code
        ]
        return min(self.rng.lognormvariate(mu, sigma), 950_000_000.0)

    def type_code(self) -> str:
        return self.rng.choice("AABBBBCCCCCCDDDD")

    def some_awards(self, rec: Recipient, sector: str, count: int) -> None:
        rng = self.rng
        subs, works = SECTORS[sector]
        for _ in range(count):
            sub = rng.choice(subs)
            type_code = self.type_code()
            same = [c for c, s in SUBTIERS.items() if s[0] == SUBTIERS[sub][0]]
            funding = rng.choice(same) if rng.random() < 0.08 else sub
            day = random_day(rng, FIRST_DAY, LAST_DAY)
            self.award(sub, day, rec, rng.choice(works), type_code, self.amount(type_code), funding)


def _amazon(b: _Builder) -> None:
    rng = b.rng
    parent_uei = b.uei()
    aws = b.recipient(AWS_NAMES[0], AMAZON_PARENT, parent_uei)
    aws_alt = (AWS_NAMES[1], *aws[1:])  # the same recipient under another spelling
    retail = b.recipient(AMAZON_RETAIL, AMAZON_PARENT, parent_uei)
    for year in (2017, 2018, 2019):
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
        for _ in range(rng.randint(18, 24)):
            rec = rng.choice((aws, aws, aws_alt))
            type_code = rng.choice("ACCCD")
            amount = rng.uniform(80_000, 12_000_000)
            day = random_day(rng, first, last)
            b.award(rng.choice(AMAZON_AGENCIES), day, rec, rng.choice(AWS_WORK), type_code, amount)
        for _ in range(rng.randint(4, 7)):
            sub = rng.choice(("2100", "1700", "4732", "8000", "1549"))
            day = random_day(rng, first, last)
            b.award(sub, day, retail, rng.choice(RETAIL_WORK), "B", rng.uniform(2_000, 250_000))
    # DHS buys from Amazon directly only in 2019, and never through ICE
    for sub in ("7014", "7014", "7014", "7014", "7001", "7001", "7001"):
        day = random_day(rng, dt.date(2019, 1, 1), LAST_DAY)
        rec = rng.choice((aws, aws_alt))
        b.award(sub, day, rec, rng.choice(AWS_WORK), rng.choice("CD"), rng.uniform(150_000, 6e6))
    reseller = b.recipient(RESELLER, None, None)
    for sub in ("7014", "7003", "7001", "7001", "7022", "97AK", "2100", "5700", "4732", "7003"):
        day = random_day(rng, FIRST_DAY, LAST_DAY)
        b.award(sub, day, reseller, rng.choice(RESELLER_WORK), "C", rng.uniform(200_000, 9e6))


def build_awards() -> list[AwardFact]:
    """Every contract award of the universe (Base Obligation Date in 2017-2019)."""
    b = _Builder(rng_for("usaspending"))
    _amazon(b)
    for names, parent, sector, count in COMPANIES:
        parent_uei = b.uei()
        recs = [b.recipient(name, parent, parent_uei) for name in names.split("|")]
        for rec in recs:
            b.some_awards(rec, sector, count // len(recs))
    generic = [f"{a} {b_} {c}" for a in GENERIC_A for b_ in GENERIC_B for c in GENERIC_C]
    for name in b.rng.sample(generic, 500):
        b.some_awards(b.recipient(name, None, None), "gen", b.rng.randint(5, 12))
    return with_idvs(b.facts, {code: sub[1] for code, sub in SUBTIERS.items()})
