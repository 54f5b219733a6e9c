"""Senate LDA ``/filings/`` objects of the sample universe (LD-2 quarterly reports, 2017-2019).

Amazon's in-house reports carry the case's public facts; the outside firms (invented names) and
every background amount are synthetic. Shapes follow the real API, field for field.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from tests.sample.universe import (
    QUARTERS,
    YEARS,
    dollars,
    eastern_iso,
    new_uuid,
    office_time,
    quarter_end,
    quarter_start,
    random_day,
    rng_for,
    round_to,
)

API = "https://lda.senate.gov/api/v1/"
PERIODS = {1: "first_quarter", 2: "second_quarter", 3: "third_quarter", 4: "fourth_quarter"}
PERIOD_DISPLAY = {
    1: "1st Quarter (Jan 1 - Mar 31)",
    2: "2nd Quarter (Apr 1 - June 30)",
    3: "3rd Quarter (July 1 - Sep 30)",
    4: "4th Quarter (Oct 1 - Dec 31)",
}
ORDINAL = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th"}
KINDS = {  # kind -> (filing_type pattern, display suffix)
    "Q": ("Q{q}", "Report"),
    "QY": ("Q{q}Y", "Report (No Activity)"),
    "A": ("{q}A", "Amendment"),
    "T": ("{q}T", "Termination"),
    "TY": ("{q}TY", "Termination (No Activity)"),
}
# The expenses method as real filings send it: the letter in upper case, and the letter again as
# its display (a live Q1 2025 self-filer's report: "expenses_method": "A", see
# tests/fixtures/real/README.md), though the API's schema shows lower case.
METHODS = {"a": "A", "b": "B", "c": "C"}
COUNTRY = "United States of America"


class _Ids:
    """Unique ids, drawn without replacement from realistic ranges."""

    def __init__(self, rng: random.Random) -> None:
        self.registrants = rng.sample(range(402_000, 420_000), 400)
        self.clients = rng.sample(range(100_000, 300_000), 900)
        self.lobbyists = rng.sample(range(20_000, 90_000), 3000)


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)


def registrant(
    rng: random.Random, rid: int, name: str, desc: str, city: str, state: str, zip_: str
) -> dict[str, Any]:
    first, last = person(rng)
    suite = f"SUITE {rng.randint(2, 12)}00"
    updated = office_time(rng, dt.date(2020, 1, 6) + dt.timedelta(days=rng.randint(0, 900)))
    return {
        "id": rid,
        "url": f"{API}registrants/{rid}/",
        "house_registrant_id": rng.randint(30_000, 45_000) if rng.random() < 0.9 else None,
        "name": name,
        "description": desc,
        "address_1": f"{rng.randint(100, 1999)} {rng.choice(STREETS)}",
        "address_2": suite if rng.random() < 0.7 else None,
        "address_3": None,
        "address_4": None,
        "city": city,
        "state": state,
        "state_display": STATES[state],
        "zip": zip_,
        "country": "US",
        "country_display": COUNTRY,
        "ppb_country": "US",
        "ppb_country_display": COUNTRY,
        "contact_name": f"{first} {last}",
        "contact_telephone": f"{rng.choice(('202', '703', '301'))}5550{rng.randint(100, 199)}",
        "dt_updated": eastern_iso(updated.replace(microsecond=rng.randint(1, 999_999))),
    }


def client(
    rng: random.Random, cid: int, legacy: int, name: str, desc: str, state: str, self_select: bool
) -> dict[str, Any]:
    return {
        "id": cid,
        "url": f"{API}clients/{cid}/",
        "client_id": legacy,
        "name": name,
        "general_description": desc,
        "client_government_entity": False,
        "client_self_select": self_select,
        "state": state,
        "state_display": STATES[state],
        "country": "US",
        "country_display": COUNTRY,
        "ppb_state": state,
        "ppb_state_display": STATES[state],
        "ppb_country": "US",
        "ppb_country_display": COUNTRY,
        "effective_date": str(random_day(rng, dt.date(2005, 1, 1), dt.date(2016, 12, 31))),
    }


def lobbyists(rng: random.Random, ids: list[int], n: int) -> list[dict[str, Any]]:
    people = []
    for _ in range(n):
        first, last = person(rng)
        covered = rng.choice(
            ("N/A",) * 5 + ("Former Legislative Director, Rep.", "Former Counsel, Sen.")
        )
        people.append(
            {
                "lobbyist": {
                    "id": ids.pop(),
                    "prefix": None,
                    "prefix_display": None,
                    "first_name": first,
                    "nickname": None,
                    "middle_name": rng.choice((None, None, "A.", "J.", "M.")),
                    "last_name": last,
                    "suffix": None,
                    "suffix_display": None,
                },
                "covered_position": covered,
                "new": False,
            }
        )
    return people


def activity(
    code: str, text: str, people: list[dict[str, Any]], entity_ids: list[int]
) -> dict[str, Any]:
    return {
        "general_issue_code": code,
        "general_issue_code_display": ISSUES[code][0],
        "description": text,
        "foreign_entity_issues": None,
        "lobbyists": [dict(p, lobbyist=dict(p["lobbyist"])) for p in people],
        "government_entities": [{"id": i, "name": GOV_NAMES[i]} for i in entity_ids],
    }


def filing(
    rng: random.Random,
    reg: dict[str, Any],
    cli: dict[str, Any],
    year: int,
    q: int,
    kind: str,
    amount: int | None,
    activities: list[dict[str, Any]],
    posted: dt.datetime,
) -> dict[str, Any]:
    uid = new_uuid(rng)
    pattern, label = KINDS[kind]
    self_filer = bool(cli["client_self_select"])
    method = rng.choice("aaab") if self_filer else None
    terminated = kind.startswith("T")
    return {
        "url": f"{API}filings/{uid}/",
        "filing_uuid": uid,
        "filing_type": pattern.format(q=q),
        "filing_type_display": f"{ORDINAL[q]} Quarter - {label}",
        "filing_year": year,
        "filing_period": PERIODS[q],
        "filing_period_display": PERIOD_DISPLAY[q],
        "filing_document_url": f"https://lda.senate.gov/filings/public/filing/{uid}/print/",
        "filing_document_content_type": "text/html",
        "income": None if self_filer else dollars(amount),
        "expenses": dollars(amount) if self_filer else None,
        "expenses_method": METHODS[method] if method else None,
        "expenses_method_display": METHODS[method] if method else None,
        "posted_by_name": reg["contact_name"],
        "dt_posted": eastern_iso(posted),
        "termination_date": (
            str(random_day(rng, quarter_start(year, q), quarter_end(year, q)))
            if terminated
            else None
        ),
        "registrant_country": COUNTRY,
        "registrant_ppb_country": COUNTRY,
        "registrant_address_1": reg["address_1"],
        "registrant_address_2": reg["address_2"],
        "registrant_different_address": False,
        "registrant_city": reg["city"],
        "registrant_state": reg["state"],
        "registrant_zip": reg["zip"],
        "registrant": dict(reg),
        "client": dict(cli),
        "lobbying_activities": activities,
        "conviction_disclosures": [],
        "foreign_entities": [],
        "affiliated_organizations": [],
    }


# -- reference values (real LDA constants) and synthetic name lists --------------------------

GOV_NAMES: dict[int, str] = {  # ids and spellings exactly as /constants/filing/governmententities/
    1: "SENATE",
    2: "HOUSE OF REPRESENTATIVES",
    201: "Homeland Security, Dept of (DHS)",
    251: "U.S. Immigration & Customs Enforcement (ICE)",
    184: "U.S. Customs & Border Protection",
    25: "Defense, Dept of (DOD)",
    26: "Office of the Secretary of Defense",
    29: "Air Force, Dept of",
    30: "Army, Dept of (Other)",
    31: "Navy, Dept of",
    119: "Defense Information Systems Agency",
    123: "Defense Logistics Agency",
    116: "Defense Advanced Research Projects Agency (DARPA)",
    65: "General Services Administration (GSA)",
    68: "Natl Aeronautics & Space Administration (NASA)",
    37: "Justice, Dept of (DOJ)",
    150: "Federal Bureau of Investigation (FBI)",
    151: "Bureau of Prisons (BOP)",
    152: "U.S. Marshals Service",
    24: "Commerce, Dept of (DOC)",
    41: "Treasury, Dept of",
    188: "Internal Revenue Service (IRS)",
    64: "Federal Trade Commission (FTC)",
    53: "Federal Communications Commission (FCC)",
    11: "Executive Office of the President (EOP)",
    12: "White House Office",
    18: "Office of Management & Budget (OMB)",
    21: "Office of Science & Technology Policy (OSTP)",
    22: "U.S. Trade Representative (USTR)",
    39: "State, Dept of (DOS)",
    40: "Transportation, Dept of (DOT)",
    172: "Federal Aviation Administration (FAA)",
    34: "Health & Human Services, Dept of (HHS)",
    135: "Food & Drug Administration (FDA)",
    136: "Centers For Medicare and Medicaid Services (CMS)",
    139: "Natl Institutes of Health (NIH)",
    23: "Agriculture, Dept of (USDA)",
    38: "Labor, Dept of (DOL)",
    33: "Energy, Dept of",
    49: "Environmental Protection Agency (EPA)",
    32: "Education, Dept of",
    42: "Veterans Affairs, Dept of (VA)",
    99: "U.S. Postal Service (USPS)",
    90: "Small Business Administration (SBA)",
    88: "Securities & Exchange Commission (SEC)",
    219: "Natl Institute of Standards & Technology (NIST)",
    112: "Natl Telecommunications & Information Administration (NTIA)",
    113: "Patent & Trademark Office (PTO)",
    44: "Central Intelligence Agency (CIA)",
    215: "Director of National Intelligence (ODNI)",
    127: "Natl Security Agency (NSA)",
    204: "Transportation Security Administration (TSA)",
    171: "U.S. Coast Guard (USCG)",
    56: "Federal Emergency Management Agency (FEMA)",
    191: "U.S. Secret Service",
    81: "Office of Personnel Management (OPM)",
    198: "Natl Economic Council (NEC)",
    76: "Natl Science Foundation (NSF)",
    36: "Interior, Dept of (DOI)",
}
ISSUES: dict[str, tuple[str, ...]] = {  # code: (display, description, description)
    "CPI": (
        "Computer Industry",
        "Cloud computing adoption and data center policy",
        "Data privacy, encryption and cybersecurity standards",
    ),
    "TEC": (
        "Telecommunications",
        "Broadband deployment and spectrum auctions",
        "Net neutrality and internet governance",
    ),
    "TAX": (
        "Taxation/Internal Revenue Code",
        "Implementation of the Tax Cuts and Jobs Act",
        "International tax provisions and repatriation",
    ),
    "TRD": (
        "Trade (domestic/foreign)",
        "Section 301 tariffs on imports from China",
        "NAFTA modernization and digital trade provisions",
    ),
    "HOM": (
        "Homeland Security",
        "Border security technology and screening programs",
        "DHS appropriations for information technology modernization",
    ),
    "CSP": (
        "Consumer Issues/Safety/Products",
        "Consumer data protection legislation",
        "Product safety and recall procedures",
    ),
    "DEF": (
        "Defense",
        "National Defense Authorization Act provisions on acquisition reform",
        "Defense appropriations for research, development, test and evaluation",
    ),
    "BUD": (
        "Budget/Appropriations",
        "FY2018 and FY2019 appropriations bills",
        "Continuing resolutions and funding for federal programs",
    ),
    "AER": (
        "Aerospace",
        "Space launch programs and commercial space policy",
        "Military aircraft procurement",
    ),
    "GOV": (
        "Government Issues",
        "Federal IT acquisition and the Modernizing Government Technology Act",
        "FedRAMP authorization and federal cloud procurement",
    ),
    "HCR": (
        "Health Issues",
        "Health information technology and interoperability",
        "Implementation of health care coverage provisions",
    ),
    "LAW": (
        "Law Enforcement/Crime/Criminal Justice",
        "Criminal justice reform legislation",
        "Law enforcement technology and body cameras",
    ),
    "IMM": (
        "Immigration",
        "High-skilled immigration and H-1B visas",
        "Immigration detention standards and appropriations",
    ),
    "COM": (
        "Communications/Broadcasting/Radio/TV",
        "Media ownership rules",
        "Video programming and retransmission consent",
    ),
    "PHA": ("Pharmacy", "Drug pricing proposals", "Prescription drug supply chain security"),
    "MMM": ("Medicare/Medicaid", "Medicare Part D reforms", "Medicaid reimbursement policy"),
    "LBR": (
        "Labor Issues/Antitrust/Workplace",
        "Workforce training and apprenticeships",
        "Antitrust enforcement and merger review",
    ),
    "FOO": (
        "Food Industry (safety, labeling, etc.)",
        "Food labeling requirements",
        "Food safety modernization implementation",
    ),
    "AVI": (
        "Aviation/Airlines/Airports",
        "FAA reauthorization and unmanned aircraft systems",
        "Aviation security screening technology",
    ),
    "INT": (
        "Intelligence",
        "Intelligence Authorization Act provisions",
        "Information sharing within the intelligence community",
    ),
    "SCI": (
        "Science/Technology",
        "Artificial intelligence research and development",
        "Quantum computing and STEM education",
    ),
    "TRA": ("Transportation", "Autonomous vehicle legislation", "Infrastructure investment"),
    "ENG": ("Energy/Nuclear", "Renewable energy tax credits", "Grid security and resilience"),
    "POS": ("Postal", "Postal reform", "Parcel delivery pricing"),
    "CPT": ("Copyright/Patent/Trademark", "Patent reform", "Copyright enforcement"),
    "SMB": ("Small Business", "Small business contracting goals", "SBIR program reauthorization"),
}
STATES = {
    "WA": "Washington",
    "DC": "District of Columbia",
    "VA": "Virginia",
    "MD": "Maryland",
    "CA": "California",
    "NY": "New York",
    "TX": "Texas",
    "IL": "Illinois",
    "MA": "Massachusetts",
    "FL": "Florida",
    "TN": "Tennessee",
    "PA": "Pennsylvania",
    "AR": "Arkansas",
    "OH": "Ohio",
    "CO": "Colorado",
    "GA": "Georgia",
    "MN": "Minnesota",
}
STREETS = (
    "K STREET NW",
    "PENNSYLVANIA AVENUE NW",
    "NEW YORK AVENUE NW",
    "I STREET NW",
    "CONNECTICUT AVENUE NW",
    "L STREET NW",
    "17TH STREET NW",
    "WILSON BOULEVARD",
)
FIRST_NAMES = (
    "JAMES",
    "MARY",
    "ROBERT",
    "PATRICIA",
    "JOHN",
    "JENNIFER",
    "MICHAEL",
    "LINDA",
    "DAVID",
    "ELIZABETH",
    "WILLIAM",
    "SUSAN",
    "RICHARD",
    "JESSICA",
    "THOMAS",
    "SARAH",
    "DANIEL",
    "KAREN",
    "MATTHEW",
    "NANCY",
    "ANTHONY",
    "LISA",
    "MARK",
    "MARGARET",
    "STEVEN",
    "EMILY",
    "ANDREW",
    "MICHELLE",
    "KEVIN",
    "LAURA",
    "BRIAN",
    "RACHEL",
)
LAST_NAMES = (
    "ABERNATHY",
    "BALDWIN",
    "CALLOWAY",
    "DELACROIX",
    "EASTWOOD",
    "FAIRBANKS",
    "GALLOWAY",
    "HOLLISTER",
    "IVERSON",
    "JANSSEN",
    "KIRKLAND",
    "LINDQUIST",
    "MCALLISTER",
    "NORTHCUTT",
    "OKAFOR",
    "PEMBERTON",
    "QUINTERO",
    "RADCLIFFE",
    "SOMMERVILLE",
    "THORNBURY",
    "UPSHAW",
    "VANDERMEER",
    "WHITAKER",
    "YOUNGBLOOD",
    "ZIMMERMANN",
    "ASHFORD",
    "BRENNAN",
    "CHO",
    "DUARTE",
    "ELLSWORTH",
    "FONTAINE",
    "GRISWOLD",
    "HATHAWAY",
    "KOWALSKI",
    "MERCER",
)
# Issue texts of the named companies of one sector (COMPANIES), where their reports say something
# the shared texts above do not: the biometrics vendors lobby on facial recognition. The same number
# of texts per code as ISSUES, so the draws, and the rest of the universe, stay put.
SECTOR_ISSUES: dict[str, dict[str, tuple[str, str]]] = {
    "bio": {
        "HOM": (
            "Biometric entry-exit screening at airports and ports of entry",
            "Facial recognition technology in DHS traveler identity verification programs",
        ),
        "LAW": (
            "Standards for law enforcement use of facial recognition technology",
            "Fingerprint and iris identification systems for federal agencies",
        ),
    },
}
# sector: (client general_description, issue codes, government entity ids lobbied)
SECTORS: dict[str, tuple[str, tuple[str, ...], tuple[int, ...]]] = {
    "tech": (
        "Technology company",
        ("CPI", "TEC", "TAX", "TRD", "HOM", "CSP", "IMM", "SCI"),
        (24, 64, 53, 21, 112, 219, 113, 41, 22, 201),
    ),
    "def": (
        "Defense and aerospace manufacturer",
        ("DEF", "BUD", "AER", "HOM", "GOV", "INT"),
        (25, 26, 29, 30, 31, 119, 116, 18, 68),
    ),
    "svc": (
        "Government services and consulting",
        ("GOV", "BUD", "DEF", "HOM", "HCR", "CPI"),
        (65, 18, 81, 34, 136, 42, 201, 25),
    ),
    "det": (
        "Corrections and detention services",
        ("LAW", "IMM", "BUD", "HOM"),
        (201, 251, 151, 152, 37, 184),
    ),
    "tel": ("Telecommunications", ("TEC", "COM", "TAX", "CSP", "HOM"), (53, 112, 24, 64, 201)),
    "pha": ("Pharmaceuticals", ("HCR", "PHA", "MMM", "TAX", "TRD"), (34, 135, 136, 139, 22)),
    "ret": ("Retail", ("TAX", "TRD", "LBR", "FOO", "CSP"), (41, 188, 22, 38, 23, 99)),
    "bio": (
        "Biometrics and identity technology",
        ("HOM", "LAW", "IMM", "AVI", "GOV"),
        (201, 184, 204, 150, 39, 172, 251),
    ),
}
# names ("|"-separated: first is the self-filing name), "STATE|CITY", sector, self-files, firms
COMPANIES = (
    ("MICROSOFT CORPORATION|Microsoft Corp|MICROSOFT CORP.", "WA|REDMOND", "tech", 1, 3),
    ("PALANTIR TECHNOLOGIES INC.|Palantir Technologies", "CA|PALO ALTO", "svc", 1, 2),
    ("ORACLE CORPORATION|ORACLE AMERICA, INC.|Oracle Corp", "CA|REDWOOD CITY", "tech", 1, 3),
    ("IBM CORPORATION|International Business Machines Corp.", "NY|ARMONK", "tech", 1, 2),
    ("GOOGLE LLC|Google Inc.|ALPHABET INC.", "CA|MOUNTAIN VIEW", "tech", 1, 4),
    ("MOTOROLA SOLUTIONS, INC.|Motorola Solutions Inc", "IL|CHICAGO", "tel", 1, 2),
    ("LOCKHEED MARTIN CORPORATION|Lockheed Martin Corp", "MD|BETHESDA", "def", 1, 3),
    ("RAYTHEON COMPANY|Raytheon Co.", "MA|WALTHAM", "def", 1, 3),
    (
        "GENERAL DYNAMICS CORPORATION|General Dynamics Information Technology",
        "VA|RESTON",
        "def",
        1,
        2,
    ),
    ("THE BOEING COMPANY|BOEING CO", "IL|CHICAGO", "def", 1, 3),
    ("ACCENTURE FEDERAL SERVICES LLC|Accenture", "VA|ARLINGTON", "svc", 1, 1),
    ("DELOITTE CONSULTING LLP|Deloitte LLP", "NY|NEW YORK", "svc", 0, 2),
    ("BOOZ ALLEN HAMILTON INC.|Booz Allen Hamilton", "VA|MCLEAN", "svc", 1, 1),
    ("LEIDOS, INC.|Leidos Holdings, Inc.", "VA|RESTON", "svc", 1, 2),
    ("CORECIVIC|CoreCivic, Inc.", "TN|NASHVILLE", "det", 1, 3),
    ("THE GEO GROUP, INC.|GEO Group Inc", "FL|BOCA RATON", "det", 1, 3),
    ("VERIZON COMMUNICATIONS INC.|Verizon", "NY|NEW YORK", "tel", 1, 3),
    ("AT&T SERVICES, INC.|AT&T Inc.", "TX|DALLAS", "tel", 1, 3),
    ("COMCAST CORPORATION|Comcast Corp", "PA|PHILADELPHIA", "tel", 1, 3),
    ("FACEBOOK, INC.|Facebook Inc", "CA|MENLO PARK", "tech", 1, 3),
    ("APPLE INC.|Apple Inc", "CA|CUPERTINO", "tech", 1, 2),
    ("PFIZER INC.|Pfizer Inc|PFIZER, INC.", "NY|NEW YORK", "pha", 1, 4),
    ("WALMART INC.|Wal-Mart Stores, Inc.", "AR|BENTONVILLE", "ret", 1, 3),
    ("NORTHROP GRUMMAN CORPORATION|Northrop Grumman Systems Corp", "VA|FALLS CHURCH", "def", 1, 2),
    ("SALESFORCE.COM, INC.|Salesforce", "CA|SAN FRANCISCO", "tech", 1, 2),
    ("CISCO SYSTEMS, INC.|Cisco Systems", "CA|SAN JOSE", "tech", 1, 2),
    ("INTEL CORPORATION|Intel Corp", "CA|SANTA CLARA", "tech", 1, 2),
    ("DELL TECHNOLOGIES INC.|Dell Inc.", "TX|ROUND ROCK", "tech", 0, 2),
    ("SCIENCE APPLICATIONS INTERNATIONAL CORPORATION|SAIC", "VA|RESTON", "svc", 0, 2),
    ("CACI INTERNATIONAL INC|CACI, Inc. - Federal", "VA|ARLINGTON", "svc", 0, 2),
    ("MANTECH INTERNATIONAL CORPORATION|ManTech International", "VA|HERNDON", "svc", 0, 1),
    ("NEC CORPORATION OF AMERICA|NEC Corp. of America", "TX|IRVING", "bio", 0, 2),
    ("IDEMIA IDENTITY & SECURITY USA LLC|Idemia", "MA|BILLERICA", "bio", 0, 2),
    ("UNISYS CORPORATION|Unisys Corp", "PA|BLUE BELL", "svc", 0, 2),
    ("L3 TECHNOLOGIES, INC.|L3 Technologies", "NY|NEW YORK", "def", 1, 2),
    ("GENERAL ELECTRIC COMPANY|General Electric Co.", "MA|BOSTON", "def", 1, 3),
)
FIRMS = (  # invented outside lobbying firms (not real firms)
    "CAPITOL BRIDGE STRATEGIES LLC",
    "HARBORVIEW PUBLIC AFFAIRS",
    "MERIDIAN LANE ADVISORS",
    "POTOMAC CROSSING GROUP",
    "STONEGATE GOVERNMENT RELATIONS",
    "BLUE HERON POLICY PARTNERS",
    "IRONWOOD CAPITOL ADVISORS",
    "NORTHFIELD & ASHBY LLP",
    "CEDAR ROW STRATEGIES",
    "TIDEWATER POLICY GROUP, INC.",
    "LANTERN HILL ASSOCIATES",
    "SUMMIT RIDGE CONSULTING LLC",
    "BRICKYARD PUBLIC STRATEGIES",
    "WESTLAKE FEDERAL AFFAIRS",
    "GRANITE POINT GOVERNMENT SOLUTIONS",
    "OAKMONT & PRYOR LLP",
)
BEHALF_OF = (  # (firm index, client name)
    (7, "DUNMORE LEGAL GROUP on behalf of Microsoft Corporation"),
    (15, "ALDER & VANCE LLP on behalf of NEC Corporation of America"),
    (15, "ALDER & VANCE LLP on behalf of IDEMIA IDENTITY & SECURITY USA LLC"),
)
SMALL_A = (
    "LAKESHORE",
    "PRAIRIE",
    "COASTAL",
    "PIONEER",
    "KEYSTONE",
    "BLUEWATER",
    "RIVERBEND",
    "CASCADE",
    "HIGH DESERT",
    "TRI-STATE",
    "GREAT PLAINS",
    "APPALACHIAN",
    "GULF COAST",
)
SMALL_B = (
    "MEDICAL DEVICES, INC.",
    "WATER AUTHORITY",
    "ENERGY COOPERATIVE",
    "SHIPBUILDERS LLC",
    "SOFTWARE CORP.",
    "PORT AUTHORITY",
    "HEALTH SYSTEM",
    "GROWERS ASSOCIATION",
    "RAIL SERVICES, INC.",
    "STATE UNIVERSITY",
    "DATA SYSTEMS LLC",
    "TRANSIT DISTRICT",
)

# -- Amazon: the case's public facts -------------------------------------------------------

AMAZON_NAME = "AMAZON.COM SERVICES, INC."
AMAZON_REGISTRANT_ID = 401103
AMAZON_CLIENT_ID = 77523
AMAZON_EXPENSES = {  # 2018 from press reports of the filings; 2017 and 2019 synthetic
    2017: (3030000, 3210000, 3340000, 3200000),
    2018: (3400000, 3470000, 3630000, 3700000),
    2019: (3950000, 4190000, 3830000, 4070000),
}
FACIAL = (
    "CPI",
    "Issues related to artificial intelligence, machine learning and facial "
    "recognition technology; data privacy and security",
)
CLOUD_HS = ("HOM", "Issues related to cloud computing in the context of homeland security")
SALES_TAX = ("TAX", "Issues related to online sales tax and the collection of remote sales taxes")
AMAZON_ISSUES = (
    ("TRD", "Issues related to tariffs, trade agreements, customs modernization and de minimis"),
    ("AVI", "Issues related to unmanned aircraft systems and package delivery by drone"),
    ("POS", "Issues related to postal reform and parcel delivery pricing"),
    ("GOV", "Issues related to federal procurement of commercial items through online portals"),
    ("DEF", "Issues related to cloud computing for the Department of Defense"),
    ("CSP", "Issues related to consumer product safety and counterfeit goods sold online"),
    ("TEC", "Issues related to net neutrality, broadband deployment and spectrum policy"),
    ("LBR", "Issues related to workforce development, apprenticeships and employee benefits"),
    ("HCR", "Issues related to health data interoperability and cloud computing in health care"),
    ("CPT", "Issues related to copyright, patents and intellectual property enforcement online"),
    ("ENG", "Issues related to renewable energy procurement for data centers"),
    ("TRA", "Issues related to autonomous vehicles and freight transportation"),
)
AMAZON_ENTITY_POOL = (
    25,
    26,
    29,
    30,
    31,
    119,
    65,
    68,
    37,
    150,
    24,
    41,
    188,
    64,
    53,
    11,
    12,
    18,
    21,
    22,
    39,
    40,
    172,
    34,
    135,
    136,
    23,
    38,
    33,
    49,
    32,
    42,
    99,
    90,
    219,
    112,
    113,
    44,
    215,
    204,
    56,
    81,
    198,
    76,
)
AMAZON_FIRMS = (  # (firm index, client name, issue codes, first and last quarter index 0..11)
    (0, "AMAZON.COM SERVICES, INC.", ("TAX", "TRD", "LBR"), 0, 11),
    (1, "AMAZON WEB SERVICES, INC.", ("HOM", "DEF", "GOV", "CPI"), 2, 11),
    (2, "Amazon.com Services, Inc.", ("TAX", "TRA", "CSP"), 0, 7),
)
QLIST = [(y, q) for y in YEARS for q in QUARTERS]


def _posted(rng: random.Random, year: int, q: int) -> dt.datetime:
    return office_time(rng, quarter_end(year, q) + dt.timedelta(days=rng.randint(1, 20)))


def _amazon(rng: random.Random) -> list[dict[str, Any]]:
    reg = registrant(
        rng,
        AMAZON_REGISTRANT_ID,
        AMAZON_NAME,
        "Online retailer, cloud computing and technology company",
        "SEATTLE",
        "WA",
        "98109",
    )
    reg.update(address_1="410 TERRY AVENUE NORTH", address_2=None)
    cli = client(rng, AMAZON_CLIENT_ID, 1, AMAZON_NAME, reg["description"], "WA", True)
    staff = lobbyists(rng, list(range(10_001, 10_011)), 10)
    out = []
    for year, q in QLIST:
        if (year, q) == (2018, 3):
            issues = [FACIAL, CLOUD_HS, SALES_TAX, *AMAZON_ISSUES[:9]]
        else:
            issues = [SALES_TAX, *rng.sample(AMAZON_ISSUES, rng.randint(6, 10))]
            if (year, q) >= (2018, 2):
                issues.insert(0, CLOUD_HS)
            if (year, q) >= (2018, 3):
                issues.insert(0, FACIAL)
        entities = [2, 1, 201, *rng.sample(AMAZON_ENTITY_POOL, rng.randint(18, 26))]
        acts = [activity(c, t, rng.sample(staff, rng.randint(3, 7)), entities) for c, t in issues]
        amount = AMAZON_EXPENSES[year][q - 1]
        posted = _posted(rng, year, q)
        if (year, q) == (2017, 4):  # an amended report: the later one carries the amount
            first = filing(rng, reg, cli, year, q, "Q", amount - 20000, acts, posted)
            first.update(expenses_method=METHODS["a"], expenses_method_display=METHODS["a"])
            out.append(first)
            posted += dt.timedelta(days=41, hours=2)
            kind = "A"
        else:
            kind = "Q"
        report = filing(rng, reg, cli, year, q, kind, amount, acts, posted)
        report.update(expenses_method=METHODS["a"], expenses_method_display=METHODS["a"])
        out.append(report)
    return out


# -- background ----------------------------------------------------------------------------


def _firm(rng: random.Random, ids: _Ids, name: str) -> dict[str, Any]:
    reg = registrant(
        rng,
        ids.registrants.pop(),
        name,
        "Government relations and lobbying",
        "WASHINGTON",
        "DC",
        f"2000{rng.randint(1, 6)}",
    )
    return {"reg": reg, "staff": lobbyists(rng, ids.lobbyists, rng.randint(3, 8)), "clients": 0}


def _engagement(
    rng: random.Random,
    ids: _Ids,
    firm: dict[str, Any],
    name: str,
    state: str,
    sector: str,
    span: tuple[int, int],
    base: int,
    issues: tuple[str, ...] = (),
    texts: dict[str, tuple[str, str]] | None = None,
) -> list[dict[str, Any]]:
    desc, codes, entity_pool = SECTORS[sector]
    texts = texts or {}
    firm["clients"] += 1
    self_select = name == firm["reg"]["name"]
    cli = client(rng, ids.clients.pop(), firm["clients"], name, desc, state, self_select)
    codes = issues or codes
    terminate = span[1] < len(QLIST) - 1 and rng.random() < 0.6
    out = []
    for index in range(span[0], span[1] + 1):
        year, q = QLIST[index]
        last = index == span[1] and terminate
        quiet = rng.random() < (0.02 if self_select else 0.08)
        kind = ("TY" if quiet else "T") if last else ("QY" if quiet else "Q")
        amount = None if quiet else round_to(base * rng.uniform(0.75, 1.3))
        if not quiet and not self_select and rng.random() < 0.03:
            amount = None  # under $5,000: the box is ticked, no amount
        acts = []
        if not quiet:
            entities = [2, 1, *rng.sample(entity_pool, rng.randint(0, min(5, len(entity_pool))))]
            for code in rng.sample(codes, rng.randint(1, min(4, len(codes)))):
                text = rng.choice(texts.get(code) or ISSUES[code][1:])
                people = rng.sample(firm["staff"], rng.randint(1, min(4, len(firm["staff"]))))
                acts.append(activity(code, text, people, entities))
        out.append(
            filing(rng, firm["reg"], cli, year, q, kind, amount, acts, _posted(rng, year, q))
        )
    return out


def _span(rng: random.Random) -> tuple[int, int]:
    start = rng.choice((0, 0, 0, 1, 2, 3, 4, 5, 6))
    return start, min(len(QLIST) - 1, start + rng.randint(3, 11))


def _background(rng: random.Random, ids: _Ids) -> list[dict[str, Any]]:
    firms = [_firm(rng, ids, name) for name in FIRMS]
    out = []
    for firm, name, codes, first, last in AMAZON_FIRMS:
        base = rng.choice((40_000, 60_000, 80_000, 100_000))
        out += _engagement(rng, ids, firms[firm], name, "WA", "tech", (first, last), base, codes)
    for names, place, sector, self_files, n_firms in COMPANIES:
        texts = SECTOR_ISSUES.get(sector)  # the named companies' own texts, not the small clients'
        variants = names.split("|")
        state, city = place.split("|")
        if self_files:
            zip_ = f"{rng.randint(10_000, 99_999)}"
            own = {
                "reg": registrant(
                    rng, ids.registrants.pop(), variants[0], SECTORS[sector][0], city, state, zip_
                ),
                "staff": lobbyists(rng, ids.lobbyists, rng.randint(2, 6)),
                "clients": 0,
            }
            base = round_to(rng.uniform(150_000, 4_500_000))
            out += _engagement(
                rng, ids, own, variants[0], state, sector, (0, 11), base, texts=texts
            )
        for outside in rng.sample(firms, n_firms):
            base = rng.choice((20_000, 30_000, 50_000, 80_000, 120_000, 200_000))
            out += _engagement(
                rng,
                ids,
                outside,
                rng.choice(variants),
                state,
                sector,
                _span(rng),
                base,
                texts=texts,
            )
    for firm, name in BEHALF_OF:
        out += _engagement(rng, ids, firms[firm], name, "DC", "bio", _span(rng), 30_000)
    small = [f"{a} {b}" for a in SMALL_A for b in SMALL_B]
    for name in rng.sample(small, 140):
        sector = rng.choice(tuple(SECTORS))
        base = rng.choice((10_000, 20_000, 30_000, 40_000, 60_000))
        state = rng.choice(tuple(STATES))
        out += _engagement(rng, ids, rng.choice(firms), name, state, sector, _span(rng), base)
    return out


def _amend(rng: random.Random, original: dict[str, Any]) -> dict[str, Any]:
    uid = new_uuid(rng)
    q = int(original["filing_type"][1])
    posted = dt.datetime.fromisoformat(original["dt_posted"]).replace(tzinfo=None)
    posted += dt.timedelta(days=rng.randint(10, 240), minutes=rng.randint(0, 600))
    money = "expenses" if original["client"]["client_self_select"] else "income"
    old = int(float(original[money] or 0))
    new = max(10_000, old + rng.choice((-1, 1)) * rng.choice((10_000, 20_000, 40_000, 60_000)))
    if new == old:
        new = old + 10_000
    amended = {k: (dict(v) if isinstance(v, dict) else v) for k, v in original.items()}
    amended.update(
        url=f"{API}filings/{uid}/",
        filing_uuid=uid,
        filing_type=f"{q}A",
        filing_type_display=f"{ORDINAL[q]} Quarter - Amendment",
        filing_document_url=f"https://lda.senate.gov/filings/public/filing/{uid}/print/",
        dt_posted=eastern_iso(posted),
        **{money: dollars(new)},
        lobbying_activities=[dict(a) for a in original["lobbying_activities"]],
    )
    return amended


def build_filings() -> list[dict[str, Any]]:
    """Every LD-2 quarterly filing of 2017-2019 in the universe, in posting order per quarter."""
    rng = rng_for("lda")
    ids = _Ids(rng)
    out = _amazon(rng) + _background(rng, ids)
    candidates = [
        f
        for f in out
        if f["filing_type"] in ("Q1", "Q2", "Q3", "Q4") and f["client"]["id"] != AMAZON_CLIENT_ID
    ]
    out += [_amend(rng, f) for f in rng.sample(candidates, 80)]
    period = {v: k for k, v in PERIODS.items()}
    out.sort(
        key=lambda f: (
            f["filing_year"],
            period[f["filing_period"]],
            f["dt_posted"][:19],
            f["filing_uuid"],
        )
    )
    return out
