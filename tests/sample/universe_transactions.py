"""Award actions (transactions) and IDVs of the sample universe.

Every award is split into its actions: the base award (modification "0") on its base obligation
date and up to four modifications dated up to its last-modified date, with amounts that add up
to the award's total obligation (now and then a de-obligation). Some of the IDVs that the task
and delivery orders name as their parent (in ``generated_internal_id``) are added as awards of
the IDV group, with their own (mostly administrative, zero-dollar) actions.

Each award's actions come from a random generator seeded by its own key, so adding them leaves
the rest of the universe as it was. Everything here is synthetic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import replace
from decimal import Decimal
from typing import Any

from tests.sample.model import AwardFact
from tests.sample.universe import random_day

LAST_ACTION = dt.date(2020, 9, 30)
MOD_DESCRIPTIONS = (
    ("C", "INCREMENTAL FUNDING"),
    ("C", "FUNDING ONLY ACTION"),
    ("B", "EXERCISE OPTION PERIOD"),
    ("B", "SUPPLEMENTAL AGREEMENT FOR WORK WITHIN SCOPE"),
    ("M", "ADMINISTRATIVE CHANGE"),
)
DEOBLIGATION = ("K", "DE-OBLIGATION OF EXCESS FUNDS")
# the parent IDV's PIID letter (index 8 of a PIID here) -> type code, contract award type
IDV_KINDS = {"A": ("IDV_E", "BPA"), "D": ("IDV_B", "IDC")}
IDV_SHARE = 0.12  # of the background's parent IDVs that the universe holds as awards


def rng_for_key(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode("utf-8")).hexdigest()[:16], 16))


def _cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def split_actions(row: dict[str, Any], rng: random.Random, max_mods: int = 4) -> list[dict]:
    """The actions of one award: amounts (to the cent) that add up to its ``Award Amount``."""
    base = dt.date.fromisoformat(row["Base Obligation Date"])
    last = min(dt.date.fromisoformat(row["Last Modified Date"]), LAST_ACTION)
    total = _cents(Decimal(str(row["Award Amount"])))
    mods = rng.choice((0, 0, 1, 1, 2, 3, max_mods)) if last > base else 0
    mods = min(mods, max_mods)
    days = sorted(random_day(rng, base + dt.timedelta(days=1), last) for _ in range(mods))
    weights = [rng.uniform(2.0, 5.0)] + [rng.uniform(0.2, 1.5) for _ in days]
    shares = [_cents(total * Decimal(str(w / sum(weights)))) for w in weights]
    kinds = [rng.choice(MOD_DESCRIPTIONS) for _ in days]
    if days and total > 0 and rng.random() < 0.1:
        # a de-obligation: the last action gives money back, the others add up the rest
        back = _cents(total * Decimal("0.05"))
        shares[-1] = -back
        kinds[-1] = DEOBLIGATION
    shares[0] += total - sum(shares)  # the base award takes the rounding remainder
    actions = [
        {
            "Mod": "0",
            "Action Date": str(base),
            "Action Type": None,
            "Transaction Amount": float(shares[0]),
            "Transaction Description": row["Description"],
        }
    ]
    for number, (day, share, (action, description)) in enumerate(
        zip(days, shares[1:], kinds, strict=True), start=1
    ):
        actions.append(
            {
                "Mod": f"P{number:05d}",
                "Action Date": str(day),
                "Action Type": action,
                "Transaction Amount": float(share),
                "Transaction Description": f"{description} - {row['Description']}",
            }
        )
    return actions


def with_transactions(fact: AwardFact) -> AwardFact:
    rng = rng_for_key(fact.row["generated_internal_id"])
    return replace(fact, transactions=tuple(split_actions(fact.row, rng)))


def _idv_fact(child: AwardFact, piid: str, subtier: str, names: dict[str, str]) -> AwardFact:
    """The IDV ``piid`` of ``subtier`` that ``child`` was ordered under."""
    key = f"CONT_IDV_{piid}_{subtier}"
    rng = rng_for_key(key)
    type_code, kind = (
        IDV_KINDS[piid[8]] if len(piid) > 8 and piid[8] in IDV_KINDS else ("IDV_B", "IDC")
    )
    fiscal_year = 2000 + int(piid[6:8]) if piid[6:8].isdigit() else 2016
    first = max(dt.date(fiscal_year - 1, 10, 1), dt.date(2012, 10, 1))
    child_day = dt.date.fromisoformat(child.row["Base Obligation Date"])
    day = random_day(rng, min(first, child_day), min(first + dt.timedelta(days=364), child_day))
    end = day + dt.timedelta(days=rng.choice((1825, 1826, 3652)))
    modified = random_day(rng, max(day, dt.date(2017, 1, 15)), LAST_ACTION)
    amount = rng.choice((0.0, 0.0, 0.0, round(rng.uniform(2_500, 60_000), 2)))
    row = dict(child.row)
    row.update(
        {
            "internal_id": 70_000_000 + int(hashlib.sha256(key.encode()).hexdigest()[:6], 16),
            "Award ID": piid,
            "Awarding Sub Agency": names.get(subtier, child.row["Awarding Sub Agency"]),
            "Awarding Sub Agency Code": subtier,
            "Funding Sub Agency": names.get(subtier, child.row["Awarding Sub Agency"]),
            "Funding Sub Agency Code": subtier,
            "Funding Agency": child.row["Awarding Agency"],
            "Funding Agency Code": child.row["Awarding Agency Code"],
            "Description": f"{kind} FOR {child.row['Description']}",
            "Base Obligation Date": str(day),
            "Last Modified Date": str(modified),
            "Start Date": str(day),
            # an IDV: no End Date, a last date to order (as the API sends IDVs)
            "End Date": None,
            "Last Date to Order": str(end),
            "Award Amount": amount,
            "Total Outlays": amount,
            "Contract Award Type": kind,
            "generated_internal_id": key,
        }
    )
    actions = split_actions({**row, "Last Modified Date": str(modified)}, rng, max_mods=3)
    for action in actions[1:]:
        if action["Transaction Amount"] == 0:
            action["Action Type"] = "M"
            action["Transaction Description"] = "ADMINISTRATIVE CHANGE - " + row["Description"]
    return AwardFact(row, type_code, child.parent_recipient_name, child.parent_uei, tuple(actions))


def with_idvs(facts: list[AwardFact], subtier_names: dict[str, str]) -> list[AwardFact]:
    """``facts`` with their actions, followed by IDVs that some of them were ordered under: every
    parent IDV of an award to an Amazon recipient, and a share of the others."""
    out = [with_transactions(f) for f in facts]
    idvs: dict[str, AwardFact] = {}
    for fact in facts:
        parts = fact.row["generated_internal_id"].split("_")
        if len(parts) < 6 or parts[4] == "-NONE-":
            continue
        piid, subtier = parts[4], parts[5]
        key = f"CONT_IDV_{piid}_{subtier}"
        amazon = fact.parent_recipient_name.startswith("AMAZON")
        if key in idvs or not (amazon or rng_for_key(key).random() < IDV_SHARE):
            continue
        idvs[key] = _idv_fact(fact, piid, subtier, subtier_names)
    return out + list(idvs.values())
