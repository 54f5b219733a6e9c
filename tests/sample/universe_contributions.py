"""Senate LDA ``/contributions/`` objects of the sample universe (LD-203 reports, 2017-2019).

Every registrant files an LD-203 per half year (``filer_type`` "organization") and so does every
lobbyist it lists (``filer_type`` "lobbyist"). The universe has them for Amazon's in-house
registrant and all its lobbyists, and for a sample of the other registrants of the LD-2 filings
(``universe_lda``): the same registrant objects and lobbyist objects, so the two sources join on
registrant and lobbyist ids. A lobbyist files for a half year in which some LD-2 report of its
registrant lists it.

What the records carry on purpose, because the real data does:

- Amendments (``MA``/``YA``): a new report with its own uuid and a later ``dt_posted`` for the
  same registrant, lobbyist (or none), year and period. The latest posting is the current one.
- The same contribution twice: a PAC's contribution is listed on the registrant's report and
  again, identically, on the report of the lobbyist who runs the PAC (same period).
- ``honoree_name`` written "Last, First", "First Last" or the string "None".
- Reports with ``no_contributions`` true and no items (most lobbyists' reports).

Candidates, committees, party committees and foundations are invented; no real politician is
named. Amounts and dates are synthetic. Shapes follow the real API field for field (the order of
a recorded ``/contributions/<uuid>/`` response).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from typing import Any

from tests.sample.universe import YEARS, eastern_iso, new_uuid, office_time, random_day, rng_for

API = "https://lda.senate.gov/api/v1/"
DOCUMENT = "https://lda.senate.gov/filings/public/contribution/{uuid}/print/"
PERIODS: tuple[str, ...] = ("mid_year", "year_end")
PERIOD_DISPLAY = {
    "mid_year": "Mid-Year (Jan 1 - Jun 30)",
    "year_end": "Year-End (July 1 - Dec 31)",
}
PERIOD_QUARTERS = {
    "mid_year": ("first_quarter", "second_quarter"),
    "year_end": ("third_quarter", "fourth_quarter"),
}
REPORT_TYPE = {"mid_year": "MM", "year_end": "YY"}
AMENDMENT_TYPE = {"mid_year": "MA", "year_end": "YA"}
FILING_TYPES = {  # as /constants/filing/filingtypes/
    "MM": "Mid-Year Report",
    "MA": "Mid-Year Amendment",
    "YY": "Year-End Report",
    "YA": "Year-End Amendment",
}
FILER_TYPES = {"lobbyist": "Lobbyist", "organization": "Registrant"}
CONTRIBUTION_TYPES = {  # as /constants/contribution/itemtypes/
    "feca": "FECA",
    "he": "Honorary Expenses",
    "me": "Meeting Expenses",
    "ple": "Presidential Library Expenses",
    "pic": "Presidential Inaugural Committee",
}

AMAZON_REGISTRANT_ID = 401103  # universe_lda.AMAZON_REGISTRANT_ID
AMAZON_PAC = "AMAZON.COM SERVICES, INC. PAC"  # as contributor_name
AMAZON_PAC_LISTED = "Amazon.com Services, Inc. PAC"  # as listed in pacs[]
BACKGROUND_REGISTRANTS = 9
AMENDED_BACKGROUND = 12

# -- invented names (no real politician, committee or foundation) ----------------------------

HONOREES: tuple[tuple[str, str, str], ...] = (  # first, last, principal campaign committee
    ("ADELINE", "HARROWGATE", "FRIENDS OF ADELINE HARROWGATE"),
    ("BENEDICT", "QUILLAN", "QUILLAN FOR CONGRESS"),
    ("CORDELIA", "MARLSTONE", "MARLSTONE FOR SENATE"),
    ("DESMOND", "FARRIDGE", "COMMITTEE TO ELECT DESMOND FARRIDGE"),
    ("EVANGELINE", "TRESSLER", "TRESSLER FOR CONGRESS"),
    ("FLETCHER", "BRANSCOMBE", "BRANSCOMBE VICTORY FUND"),
    ("GWENDOLYN", "ASHMORE", "ASHMORE FOR SENATE"),
    ("HORACE", "WYNDELL", "FRIENDS OF HORACE WYNDELL"),
    ("IMOGEN", "CALDERBANK", "CALDERBANK FOR CONGRESS"),
    ("JASPER", "OAKENSHAW", "OAKENSHAW FOR CONGRESS"),
    ("KATRINA", "VELLACOTT", "VELLACOTT FOR SENATE"),
    ("LEOPOLD", "DUNSWORTH", "DUNSWORTH FOR CONGRESS"),
    ("MIRABEL", "STRATHMORE", "FRIENDS OF MIRABEL STRATHMORE"),
    ("NATHANIEL", "PRESCOTT-VALE", "PRESCOTT-VALE FOR CONGRESS"),
    ("OPHELIA", "RANDLEMAN", "RANDLEMAN FOR SENATE"),
    ("PERCIVAL", "SUTHERBY", "SUTHERBY FOR CONGRESS"),
    ("ROSALIND", "KETTERWELL", "KETTERWELL FOR CONGRESS"),
    ("SILAS", "BRANDTMOOR", "COMMITTEE TO ELECT SILAS BRANDTMOOR"),
    ("THEODORA", "WINTERBOURNE", "WINTERBOURNE FOR SENATE"),
    ("ULRIC", "GARRINGTON", "GARRINGTON FOR CONGRESS"),
    ("VIVIENNE", "LOCKWELL", "FRIENDS OF VIVIENNE LOCKWELL"),
    ("WINSLOW", "FAIRHOLME", "FAIRHOLME FOR CONGRESS"),
    ("YVETTE", "BRAMBLEY", "BRAMBLEY FOR SENATE"),
    ("ZACHARIAH", "PENROSE", "PENROSE FOR CONGRESS"),
    ("JANE", "DOE", "FRIENDS OF JANE DOE"),
    ("JOHN", "ROE", "ROE FOR CONGRESS"),
    ("MARGUERITE", "ELLINGHAM", "ELLINGHAM FOR CONGRESS"),
    ("BARNABY", "THISTLEWOOD", "THISTLEWOOD FOR SENATE"),
)
LEADERSHIP_PACS = {  # honoree index -> leadership PAC
    0: "FORWARD TOGETHER LEADERSHIP PAC",
    1: "NEW FRONTIER PAC",
    2: "SUMMIT RIDGE LEADERSHIP FUND",
    18: "COMMON GROUND LEADERSHIP FUND",
}
PARTY_COMMITTEES = (  # payee and honoree are the committee
    "SENATE VICTORY ALLIANCE FUND",
    "HOUSE UNITY COMMITTEE OF AMERICA",
    "EVERGREEN STATE PARTY - FEDERAL ACCOUNT",
    "KEYSTONE STATE PARTY - FEDERAL ACCOUNT",
)
HONORARY_PAYEES = (
    "FOUNDATION FOR CIVIC LEADERSHIP",
    "CAPITOL HERITAGE INSTITUTE",
    "AMERICAN INNOVATION SCHOLARS FUND",
)
MEETING_PAYEES = ("HARBOR POINT CONFERENCE CENTER", "LAKEVIEW POLICY RETREAT, INC.")
LIBRARY = "PRESIDENTIAL LIBRARY FOUNDATION"
INAUGURAL = "PRESIDENTIAL INAUGURAL COMMITTEE"
AMENDMENT_COMMENTS = (
    "Amended to correct the amount of a contribution.",
    "Amended to add a contribution omitted from the original report.",
)


def _last_first(first: str, last: str) -> str:
    return f"{last.title()}, {first.title()}"


def _first_last(first: str, last: str) -> str:
    return f"{first.title()} {last.title()}"


def _period_days(year: int, period: str) -> tuple[dt.date, dt.date]:
    if period == "mid_year":
        return dt.date(year, 1, 1), dt.date(year, 6, 30)
    return dt.date(year, 7, 1), dt.date(year, 12, 31)


def _posted(rng: random.Random, year: int, period: str) -> dt.datetime:
    """Within 30 days after the period (the LD-203 is due by July 30 / January 30)."""
    end = _period_days(year, period)[1]
    moment = office_time(rng, end + dt.timedelta(days=rng.randint(1, 30)))
    return moment.replace(microsecond=rng.randint(1, 999) * 1000)  # the API keeps milliseconds


def item(
    ctype: str, contributor: str, payee: str, honoree: str, amount: int, day: dt.date
) -> dict[str, Any]:
    return {
        "contribution_type": ctype,
        "contribution_type_display": CONTRIBUTION_TYPES[ctype],
        "contributor_name": contributor,
        "payee_name": payee,
        "honoree_name": honoree,
        "amount": f"{amount}.00",
        "date": day.isoformat(),
    }


def report(
    rng: random.Random,
    reg: dict[str, Any],
    lobbyist: dict[str, Any] | None,
    year: int,
    period: str,
    filing_type: str,
    posted: dt.datetime,
    pacs: Sequence[str],
    items: Sequence[dict[str, Any]],
    comments: str | None = None,
) -> dict[str, Any]:
    """One LD-203 report in the API's shape and field order."""
    uid = new_uuid(rng)
    filer = "organization" if lobbyist is None else "lobbyist"
    if lobbyist is None:
        address_1, address_2 = reg["address_1"], reg["address_2"]
    else:  # lobbyists often give the organisation's name as the first address line
        address_1, address_2 = reg["name"], reg["address_1"]
    return {
        "url": f"{API}contributions/{uid}/",
        "filing_uuid": uid,
        "filing_type": filing_type,
        "filing_type_display": FILING_TYPES[filing_type],
        "filing_year": year,
        "filing_period": period,
        "filing_period_display": PERIOD_DISPLAY[period],
        "filing_document_url": DOCUMENT.format(uuid=uid),
        "filing_document_content_type": "text/html",
        "filer_type": filer,
        "filer_type_display": FILER_TYPES[filer],
        "dt_posted": eastern_iso(posted),
        "contact_name": reg["contact_name"] if lobbyist is None else None,
        "comments": comments,
        "address_1": address_1,
        "address_2": address_2,
        "city": reg["city"],
        "state": reg["state"],
        "state_display": reg["state_display"],
        "zip": reg["zip"],
        "country": reg["country"],
        "country_display": reg["country_display"],
        "registrant": dict(reg),
        "lobbyist": None if lobbyist is None else dict(lobbyist),
        "no_contributions": not items,
        "pacs": list(pacs),
        "contribution_items": [dict(i) for i in items],
    }


# -- who files --------------------------------------------------------------------------------


class _Filers:
    """Registrants, their in-house status and their lobbyists per half year, read off the LD-2
    filings (in the filings' order, so everything here is deterministic)."""

    def __init__(self, filings: Sequence[dict[str, Any]]) -> None:
        half = {q: p for p, quarters in PERIOD_QUARTERS.items() for q in quarters}
        self.registrants: dict[int, dict[str, Any]] = {}
        self.self_filers: dict[int, bool] = {}
        self.active: dict[tuple[int, int, str], dict[int, dict[str, Any]]] = {}
        for filing in filings:
            reg = filing["registrant"]
            rid = reg["id"]
            self.registrants.setdefault(rid, reg)
            if filing["client"]["client_self_select"]:
                self.self_filers[rid] = True
            people = self.active.setdefault(
                (rid, filing["filing_year"], half[filing["filing_period"]]), {}
            )
            for act in filing["lobbying_activities"]:
                for entry in act["lobbyists"]:
                    people.setdefault(entry["lobbyist"]["id"], entry["lobbyist"])

    def lobbyists(self, rid: int, year: int, period: str) -> list[dict[str, Any]]:
        people = self.active.get((rid, year, period), {})
        return [people[i] for i in sorted(people)]

    def files_in(self, rid: int, year: int, period: str) -> bool:
        return (rid, year, period) in self.active

    def everyone(self, rid: int) -> list[int]:
        ids = {i for (r, _, _), people in self.active.items() if r == rid for i in people}
        return sorted(ids)


# -- contribution items -------------------------------------------------------------------------


def _pac_items(
    rng: random.Random, pac: str, year: int, period: str, n: int
) -> list[dict[str, Any]]:
    first, last = _period_days(year, period)
    out = []
    for _ in range(n):
        day = random_day(rng, first, last)
        roll = rng.random()
        if roll < 0.12:
            party = rng.choice(PARTY_COMMITTEES)
            amount = rng.choice((5000, 10000, 15000))
            out.append(item("feca", pac, party, party.title(), amount, day))
            continue
        index = rng.randrange(len(HONOREES))
        given, family, committee = HONOREES[index]
        if roll < 0.22 and index in LEADERSHIP_PACS:
            committee = LEADERSHIP_PACS[index]
        amount = rng.choice((1000, 1000, 1500, 2000, 2500, 2500, 5000))
        out.append(item("feca", pac, committee, _last_first(given, family), amount, day))
    out.sort(key=lambda i: i["date"])
    return out


def _expense_items(
    rng: random.Random, contributor: str, year: int, period: str
) -> list[dict[str, Any]]:
    """Honorary and meeting expenses, and the occasional library or inaugural gift."""
    first, last = _period_days(year, period)
    out = []
    for _ in range(rng.randint(1, 2)):
        given, family, _ = rng.choice(HONOREES)
        if rng.random() < 0.6:
            payee, ctype = rng.choice(HONORARY_PAYEES), "he"
        else:
            payee, ctype = rng.choice(MEETING_PAYEES), "me"
        amount = rng.choice((2500, 5000, 10000, 25000))
        honoree = _last_first(given, family)
        day = random_day(rng, first, last)
        out.append(item(ctype, contributor, payee, honoree, amount, day))
    if (year, period) == (2017, "mid_year") and rng.random() < 0.5:
        day = random_day(rng, dt.date(2017, 1, 3), dt.date(2017, 1, 19))
        amount = rng.choice((25000, 50000, 100000))
        out.append(item("pic", contributor, INAUGURAL, INAUGURAL.title(), amount, day))
    elif rng.random() < 0.15:
        amount = rng.choice((10000, 25000))
        day = random_day(rng, first, last)
        out.append(item("ple", contributor, LIBRARY, LIBRARY.title(), amount, day))
    out.sort(key=lambda i: i["date"])
    return out


def _personal_items(
    rng: random.Random, person: dict[str, Any], year: int, period: str
) -> list[dict[str, Any]]:
    """A lobbyist's own gifts to candidates: contributor "LAST, FIRST", honorees written
    however the lobbyist wrote them."""
    first, last = _period_days(year, period)
    contributor = f"{person['last_name']}, {person['first_name']}"
    out = []
    for _ in range(rng.randint(1, 4)):
        given, family, committee = rng.choice(HONOREES)
        roll = rng.random()
        if roll < 0.6:
            honoree = _last_first(given, family)
        elif roll < 0.9:
            honoree = _first_last(given, family)
        else:
            honoree = "None"  # as the real data writes it
        amount = rng.choice((250, 500, 500, 1000, 1000, 1500, 2000, 2700))
        out.append(
            item("feca", contributor, committee, honoree, amount, random_day(rng, first, last))
        )
    out.sort(key=lambda i: i["date"])
    return out


# -- reports ----------------------------------------------------------------------------------


def _pac_name(rng: random.Random, name: str) -> tuple[str, str]:
    """(contributor_name, the pacs[] entry) of a registrant's PAC."""
    base = name.rstrip(".").replace(",", "")
    if rng.random() < 0.5:
        return f"{base} PAC", f"{name.title()} PAC"
    return (
        f"{base} POLITICAL ACTION COMMITTEE",
        f"{name.title()} Political Action Committee",
    )


def _registrant_reports(
    rng: random.Random,
    filers: _Filers,
    rid: int,
    pac: tuple[str, str] | None,
    treasurers: Sequence[int],
    pac_items: tuple[int, int],
) -> list[dict[str, Any]]:
    reg = filers.registrants[rid]
    out = []
    for year in YEARS:
        for period in PERIODS:
            if not filers.files_in(rid, year, period):
                continue
            kind = REPORT_TYPE[period]
            items: list[dict[str, Any]] = []
            if pac is not None:
                items = _pac_items(rng, pac[0], year, period, rng.randint(*pac_items))
            inaugural = (year, period) == (2017, "mid_year")
            if rid != AMAZON_REGISTRANT_ID and rng.random() < (0.6 if inaugural else 0.3):
                items = sorted(
                    items + _expense_items(rng, reg["name"], year, period),
                    key=lambda i: i["date"],
                )
            pacs = [pac[1]] if pac else []
            out.append(
                report(rng, reg, None, year, period, kind, _posted(rng, year, period), pacs, items)
            )
            pac_only = [i for i in items if pac is not None and i["contributor_name"] == pac[0]]
            for person in filers.lobbyists(rid, year, period):
                own = _personal_items(rng, person, year, period) if rng.random() < 0.45 else []
                listed: list[str] = []
                if person["id"] in treasurers and pac is not None:
                    # The PAC's treasurer lists the PAC and what it gave: the same items as the
                    # registrant's report.
                    listed = [pac[1]]
                    if pac_only:
                        picked = sorted(rng.sample(range(len(pac_only)), min(4, len(pac_only))))
                        own = sorted(
                            own + [dict(pac_only[i]) for i in picked], key=lambda i: i["date"]
                        )
                posted = _posted(rng, year, period)
                out.append(report(rng, reg, person, year, period, kind, posted, listed, own))
    return out


def _amend(rng: random.Random, original: dict[str, Any], how: int) -> dict[str, Any]:
    """A later report for the same filer and period: one amount corrected (how 0) or an item
    added (how 1). A lobbyist's correction touches the lobbyist's own gifts, not the PAC's."""
    posted = dt.datetime.fromisoformat(original["dt_posted"]).replace(tzinfo=None)
    posted += dt.timedelta(days=rng.randint(20, 200), minutes=rng.randint(0, 600))
    posted = posted.replace(microsecond=rng.randint(1, 999) * 1000)
    items = [dict(i) for i in original["contribution_items"]]
    year, period = original["filing_year"], original["filing_period"]
    person = original["lobbyist"]
    own = [
        n
        for n, i in enumerate(items)
        if person is None or i["contributor_name"].startswith(f"{person['last_name']}, ")
    ]
    if how == 0 and own:
        index = rng.choice(own)
        old = int(float(items[index]["amount"]))
        items[index]["amount"] = f"{old + rng.choice((-1, 1)) * (old // 2)}.00"
    else:
        how = 1
        first, last = _period_days(year, period)
        if person is not None:
            extra = _personal_items(rng, person, year, period)[0]
        elif gifts := [i for i in items if i["contribution_type"] == "feca"]:
            # the registrant's PAC gave once more than the original report says
            given, family, committee = rng.choice(HONOREES)
            extra = item(
                "feca",
                gifts[0]["contributor_name"],
                committee,
                _last_first(given, family),
                rng.choice((1000, 2500)),
                random_day(rng, first, last),
            )
        else:
            extra = _expense_items(rng, original["registrant"]["name"], year, period)[0]
        items = sorted([*items, extra], key=lambda i: i["date"])
    return report(
        rng,
        original["registrant"],
        person,
        year,
        period,
        AMENDMENT_TYPE[period],
        posted,
        original["pacs"],
        items,
        AMENDMENT_COMMENTS[how],
    )


def _find(
    reports: Sequence[dict[str, Any]], lobbyist_id: int | None, year: int, period: str
) -> dict[str, Any]:
    for r in reports:
        lid = None if r["lobbyist"] is None else r["lobbyist"]["id"]
        if (lid, r["filing_year"], r["filing_period"]) == (lobbyist_id, year, period):
            return r
    raise LookupError(f"no report of lobbyist {lobbyist_id} for {year} {period}")


def build_contributions(filings: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every LD-203 report of 2017-2019 in the universe, in posting order per period.

    ``filings`` are the universe's LD-2 filings (``universe_lda.build_filings()``), read only.
    """
    rng = rng_for("lda_contributions")
    filers = _Filers(filings)
    others = sorted(r for r in filers.registrants if r != AMAZON_REGISTRANT_ID)
    chosen = rng.sample(others, BACKGROUND_REGISTRANTS)

    amazon_staff = filers.everyone(AMAZON_REGISTRANT_ID)
    out = _registrant_reports(
        rng,
        filers,
        AMAZON_REGISTRANT_ID,
        (AMAZON_PAC, AMAZON_PAC_LISTED),
        amazon_staff[:2],
        (8, 16),
    )
    # the registrant adds a PAC contribution; the PAC's treasurer corrects a gift of their own
    amazon_amended = [
        (_find(out, None, 2018, "year_end"), 1),
        (_find(out, amazon_staff[0], 2019, "mid_year"), 0),
    ]
    background: list[dict[str, Any]] = []
    for rid in chosen:
        in_house = filers.self_filers.get(rid, False)
        has_pac = in_house or rng.random() < 0.35
        pac = _pac_name(rng, filers.registrants[rid]["name"]) if has_pac else None
        staff = filers.everyone(rid)
        treasurers = rng.sample(staff, 1) if staff and pac else []
        background += _registrant_reports(rng, filers, rid, pac, treasurers, (3, 10))
    amended = [_amend(rng, r, how) for r, how in amazon_amended]
    amended += [
        _amend(rng, r, i % 2) for i, r in enumerate(rng.sample(background, AMENDED_BACKGROUND))
    ]
    out += background + amended
    order = {p: i for i, p in enumerate(PERIODS)}
    out.sort(
        key=lambda r: (
            r["filing_year"],
            order[r["filing_period"]],
            dt.datetime.fromisoformat(r["dt_posted"]),
            r["filing_uuid"],
        )
    )
    return out
