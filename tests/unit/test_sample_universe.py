"""The sample universe: the case's facts are there, keys are unique, output is deterministic."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

import pytest

from ingest.config import REFERENCE_SEEDS_DIR as SEEDS
from ingest.usaspending import AWARD_FIELDS
from tests.sample.model import Universe
from tests.sample.universe import build_universe

pytestmark = pytest.mark.unit


FILING_KEYS = (
    "url filing_uuid filing_type filing_type_display filing_year filing_period "
    "filing_period_display filing_document_url filing_document_content_type income expenses "
    "expenses_method expenses_method_display posted_by_name dt_posted termination_date "
    "registrant_country registrant_ppb_country registrant_address_1 registrant_address_2 "
    "registrant_different_address registrant_city registrant_state registrant_zip registrant "
    "client lobbying_activities conviction_disclosures foreign_entities affiliated_organizations"
).split()
NEWS_TERMS = (
    "amazon", "rekognition", "homeland security", "immigration and customs enforcement",
    "customs and border protection", "pentagon", "department of defense", "facial recognition",
)  # fmt: skip
QUARTER = {"first_quarter": 1, "second_quarter": 2, "third_quarter": 3, "fourth_quarter": 4}


@pytest.fixture(scope="module")
def universe() -> Universe:
    return build_universe()


def _seed(name: str) -> dict[str, str]:
    with (SEEDS / name).open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return {row[0]: row[1] for row in rows[1:]}


def _posted(filing: dict[str, Any]) -> dt.datetime:
    return dt.datetime.fromisoformat(filing["dt_posted"])


def _amount(filing: dict[str, Any]) -> str | None:
    return filing["expenses"] if filing["client"]["client_self_select"] else filing["income"]


def _is_amazon_filing(filing: dict[str, Any]) -> bool:
    return "AMAZON" in filing["client"]["name"].upper()


def _is_amazon_award(fact: Any) -> bool:
    names = (fact.row["Recipient Name"], fact.parent_recipient_name)
    return any("AMAZON" in name.upper() for name in names)


def test_minimum_counts(universe: Universe) -> None:
    assert len(universe.lda_filings) >= 2000
    assert len(universe.awards) >= 5000
    assert len(universe.articles) >= 500


def test_keys_are_unique(universe: Universe) -> None:
    uuids = [f["filing_uuid"] for f in universe.lda_filings]
    assert len(set(uuids)) == len(uuids)
    award_keys = [a.row["generated_internal_id"] for a in universe.awards]
    assert len(set(award_keys)) == len(award_keys)
    internal_ids = [a.row["internal_id"] for a in universe.awards]
    assert len(set(internal_ids)) == len(internal_ids)
    urls = [a["url"] for a in universe.articles]
    assert len(set(urls)) == len(urls)


def test_build_is_deterministic(universe: Universe) -> None:
    assert build_universe() == universe


def test_filings_have_the_api_shape_and_real_codes(universe: Universe) -> None:
    entities = _seed("lda_government_entities.csv")
    filing_types = _seed("lda_filing_types.csv")
    issues = _seed("lda_issue_codes.csv")
    for filing in universe.lda_filings:
        assert list(filing)[: len(FILING_KEYS)] == FILING_KEYS
        assert filing_types[filing["filing_type"]] == filing["filing_type_display"]
        assert 2017 <= filing["filing_year"] <= 2019
        assert filing["filing_period"] in QUARTER
        assert filing["url"] == f"https://lda.senate.gov/api/v1/filings/{filing['filing_uuid']}/"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-0[45]:00", filing["dt_posted"])
        for money in (filing["income"], filing["expenses"]):
            assert money is None or re.fullmatch(r"\d+\.00", money)
        for act in filing["lobbying_activities"]:
            assert issues[act["general_issue_code"]] == act["general_issue_code_display"]
            for entity in act["government_entities"]:
                assert entities[str(entity["id"])] == entity["name"]


def test_no_activity_and_termination_reports(universe: Universe) -> None:
    quiet = [f for f in universe.lda_filings if f["filing_type"].endswith("Y")]
    assert quiet and all(
        f["income"] is None and f["expenses"] is None and f["lobbying_activities"] == []
        for f in quiet
    )
    terminations = [f for f in universe.lda_filings if re.fullmatch(r"[1-4]T", f["filing_type"])]
    assert terminations and all(f["termination_date"] for f in terminations)
    assert sum(_amount(f) is not None for f in terminations) >= len(terminations) // 2


def test_amazon_2018_self_filed_expenses_by_quarter(universe: Universe) -> None:
    latest: dict[int, dict[str, Any]] = {}
    for filing in universe.lda_filings:
        if (
            filing["filing_year"] == 2018
            and filing["client"]["client_self_select"]
            and filing["registrant"]["name"] == "AMAZON.COM SERVICES, INC."
        ):
            quarter = QUARTER[filing["filing_period"]]
            if quarter not in latest or _posted(filing) > _posted(latest[quarter]):
                latest[quarter] = filing
    expenses = {q: f["expenses"] for q, f in sorted(latest.items())}
    assert expenses == {1: "3400000.00", 2: "3470000.00", 3: "3630000.00", 4: "3700000.00"}
    assert {f["registrant"]["id"] for f in latest.values()} == {401103}
    assert {f["client"]["id"] for f in latest.values()} == {77523}
    assert all(f["income"] is None and f["expenses_method"] == "A" for f in latest.values())


def test_amazon_q3_2018_issues_name_facial_recognition_and_dhs(universe: Universe) -> None:
    (report,) = [
        f
        for f in universe.lda_filings
        if f["client"]["id"] == 77523 and f["filing_year"] == 2018
        and f["filing_period"] == "third_quarter"
    ]  # fmt: skip
    texts = [a["description"] for a in report["lobbying_activities"]]
    assert any("facial recognition technology" in t for t in texts)
    assert any("cloud computing in the context of homeland security" in t for t in texts)
    assert any("sales tax" in t for t in texts)
    facial = next(
        a
        for a in report["lobbying_activities"]
        if "facial recognition technology" in a["description"]
    )
    assert {"id": 201, "name": "Homeland Security, Dept of (DHS)"} in facial["government_entities"]
    year_entities = {
        e["id"]
        for f in universe.lda_filings
        if f["client"]["id"] == 77523 and f["filing_year"] == 2018
        for a in f["lobbying_activities"]
        for e in a["government_entities"]
    }
    assert len(year_entities) >= 24


def test_amazon_is_a_client_of_outside_firms(universe: Universe) -> None:
    outside = [
        f
        for f in universe.lda_filings
        if _is_amazon_filing(f) and not f["client"]["client_self_select"]
    ]
    names = {f["client"]["name"] for f in outside}
    assert {"AMAZON.COM SERVICES, INC.", "AMAZON WEB SERVICES, INC."} <= names
    assert len({f["registrant"]["id"] for f in outside}) >= 2
    assert all(f["registrant"]["id"] != 401103 for f in outside)
    q3 = [f for f in outside if f["filing_year"] == 2018 and f["filing_period"] == "third_quarter"]
    assert len({f["registrant"]["id"] for f in q3}) >= 2
    assert all(f["expenses"] is None for f in outside)
    assert any(f["income"] for f in q3)


def test_amendments_supersede_an_earlier_original(universe: Universe) -> None:
    by_key: dict[tuple[int, int, int, str], list[dict[str, Any]]] = defaultdict(list)
    for f in universe.lda_filings:
        key = (f["registrant"]["id"], f["client"]["id"], f["filing_year"], f["filing_period"])
        by_key[key].append(f)
    amendments = [f for f in universe.lda_filings if re.fullmatch(r"[1-4]A", f["filing_type"])]
    assert len(amendments) >= 50
    for amendment in amendments:
        key = (
            amendment["registrant"]["id"],
            amendment["client"]["id"],
            amendment["filing_year"],
            amendment["filing_period"],
        )
        originals = [f for f in by_key[key] if re.fullmatch(r"Q[1-4]", f["filing_type"])]
        assert originals, amendment["filing_uuid"]
        assert all(_posted(o) < _posted(amendment) for o in originals)
        assert all(_amount(o) != _amount(amendment) for o in originals)


def test_awards_have_every_field(universe: Universe) -> None:
    types = {
        "A": "BPA CALL",
        "B": "PURCHASE ORDER",
        "C": "DELIVERY ORDER",
        "D": "DEFINITIVE CONTRACT",
    }
    idv_types = {"IDV_B": "IDC", "IDV_E": "BPA"}
    for fact in universe.awards:
        row = fact.row
        assert set(AWARD_FIELDS) | {"internal_id"} <= set(row)
        assert re.fullmatch(r"[A-Z0-9]{12}", row["Recipient UEI"])
        assert re.fullmatch(r"[0-9a-f-]{36}-[CR]", row["recipient_id"])
        assert isinstance(row["Award Amount"], float)
        assert set(row["NAICS"]) == set(row["PSC"]) == {"code", "description"}
        if fact.award_type_code.startswith("IDV"):
            assert idv_types[fact.award_type_code] == row["Contract Award Type"]
            assert row["generated_internal_id"] == (
                f"CONT_IDV_{row['Award ID']}_{row['Awarding Sub Agency Code']}"
            )
            continue
        assert "2017-01-01" <= row["Base Obligation Date"] <= "2019-12-31"
        assert types[fact.award_type_code] == row["Contract Award Type"]
        assert row["generated_internal_id"].startswith(
            f"CONT_AWD_{row['Award ID']}_{row['Awarding Sub Agency Code']}_"
        )


def test_award_actions_add_up_to_the_award_and_stay_in_its_life(universe: Universe) -> None:
    dated = 0
    for fact in universe.awards:
        row = fact.row
        actions = fact.transactions
        assert actions and actions[0]["Mod"] == "0"
        assert actions[0]["Action Date"] == row["Base Obligation Date"]
        total = sum(Decimal(str(a["Transaction Amount"])) for a in actions)
        assert total == Decimal(str(row["Award Amount"])).quantize(Decimal("0.01"))
        days = [a["Action Date"] for a in actions]
        assert days == sorted(days)
        assert days[-1] <= row["Last Modified Date"]
        assert len({a["Mod"] for a in actions}) == len(actions)
        dated += len({d[:7] for d in days}) > 1
    # many awards are obligated over more than one month, some with a de-obligation
    assert dated > 1000
    assert any(
        Decimal(str(a["Transaction Amount"])) < 0 for f in universe.awards for a in f.transactions
    )


def test_idvs_are_the_parents_their_orders_name(universe: Universe) -> None:
    keys = {f.row["generated_internal_id"] for f in universe.awards}
    idvs = [f for f in universe.awards if f.award_type_code.startswith("IDV")]
    assert len(idvs) > 100
    named = {
        "CONT_IDV_{}_{}".format(*k.split("_")[4:6])
        for k in keys
        if k.startswith("CONT_AWD_") and k.split("_")[4] != "-NONE-"
    }
    assert {f.row["generated_internal_id"] for f in idvs} <= named
    assert any(f.parent_recipient_name == "AMAZON.COM, INC." for f in idvs)


def test_no_ice_award_to_amazon_in_2018(universe: Universe) -> None:
    amazon = [a for a in universe.awards if _is_amazon_award(a)]
    in_2018 = [a for a in amazon if a.row["Base Obligation Date"].startswith("2018")]
    assert len(in_2018) >= 10
    assert not [a for a in in_2018 if a.row["Awarding Sub Agency Code"] == "7012"]
    assert not [a for a in in_2018 if a.row["Funding Sub Agency Code"] == "7012"]
    dhs_2019 = {
        a.row["Awarding Sub Agency Code"]
        for a in amazon
        if a.row["Awarding Agency Code"] == "070" and a.row["Base Obligation Date"] >= "2019"
    }
    assert dhs_2019 and dhs_2019 <= {"7014", "7001"}
    names = {a.row["Recipient Name"] for a in amazon}
    assert {"AMAZON WEB SERVICES, INC.", "AMAZON WEB SERVICES INC"} <= names
    assert {a.parent_recipient_name for a in amazon} == {"AMAZON.COM, INC."}
    resold = [
        a for a in universe.awards if a.row["Recipient Name"] == "FOUR POINTS TECHNOLOGY, L.L.C."
    ]
    assert resold and all("AMAZON WEB SERVICES" in a.row["Description"] for a in resold)


def test_articles_are_findable_and_carry_the_case_coverage(universe: Universe) -> None:
    per_term_month: dict[tuple[str, str], int] = defaultdict(int)
    for article in universe.articles:
        title = article["title"].lower()
        assert any(term in title for term in NEWS_TERMS), article["title"]
        assert re.fullmatch(r"20(17|18|19)\d{4}T\d{6}Z", article["seendate"])
        assert article["url"].startswith(f"https://{article['domain']}/")
        for term in NEWS_TERMS:
            if term in title:
                per_term_month[(term, article["seendate"][:6])] += 1
    assert max(per_term_month.values()) <= 200
    case = {
        a["domain"]
        for a in universe.articles
        if a["seendate"][:8] in ("20181023", "20181024")
        and "amazon" in a["title"].lower()
        and re.search(r"\bICE\b|Immigration and Customs Enforcement", a["title"])
    }
    assert {
        "www.washingtonpost.com", "www.engadget.com", "www.foxbusiness.com",
        "www.businessinsider.com", "thehill.com", "www.aclu.org", "www.axios.com",
        "www.cnet.com", "www.itpro.co.uk",
    } <= case  # fmt: skip
    fortune = [a for a in universe.articles if a["domain"] == "fortune.com"]
    assert any(a["seendate"].startswith("20181023") and "lobbying" in a["title"] for a in fortune)
    titles = [a["title"] for a in universe.articles]
    assert any(re.search(r"\bIce\b", t) and "Homeland Security" in t for t in titles)
    assert any(re.search(r"Amazon (rainforest|River|basin)", t) for t in titles)


# -- LD-203 contribution reports -----------------------------------------------------------------

CONTRIBUTION_KEYS = (
    "url filing_uuid filing_type filing_type_display filing_year filing_period "
    "filing_period_display filing_document_url filing_document_content_type filer_type "
    "filer_type_display dt_posted contact_name comments address_1 address_2 city state "
    "state_display zip country country_display registrant lobbyist no_contributions pacs "
    "contribution_items"
).split()
ITEM_KEYS = (
    "contribution_type contribution_type_display contributor_name payee_name honoree_name "
    "amount date"
).split()
ITEM_TYPES = {
    "feca": "FECA",
    "he": "Honorary Expenses",
    "me": "Meeting Expenses",
    "ple": "Presidential Library Expenses",
    "pic": "Presidential Inaugural Committee",
}
HALF = {
    "mid_year": ("MM", "MA", "Mid-Year (Jan 1 - Jun 30)", "01-01", "06-30"),
    "year_end": ("YY", "YA", "Year-End (July 1 - Dec 31)", "07-01", "12-31"),
}


def _filer(report: dict[str, Any]) -> tuple[int, int | None, int, str]:
    lobbyist = report["lobbyist"]
    return (
        report["registrant"]["id"],
        None if lobbyist is None else lobbyist["id"],
        report["filing_year"],
        report["filing_period"],
    )


def _item_key(report: dict[str, Any], item: dict[str, Any]) -> tuple[Any, ...]:
    return (
        report["registrant"]["id"],
        report["filing_year"],
        report["filing_period"],
        *(item[k] for k in ITEM_KEYS),
    )


def test_contributions_count_and_unique_keys(universe: Universe) -> None:
    reports = universe.lda_contributions
    assert 300 <= len(reports) <= 600
    uuids = [r["filing_uuid"] for r in reports]
    assert len(set(uuids)) == len(uuids)
    assert not set(uuids) & {f["filing_uuid"] for f in universe.lda_filings}
    assert {(r["filing_year"], r["filing_period"]) for r in reports} == {
        (y, p) for y in (2017, 2018, 2019) for p in HALF
    }
    assert len([r for r in reports if r["filing_type"] in ("MM", "YY")]) == len(
        {_filer(r) for r in reports}
    )  # one original per filer and period


def test_contributions_have_the_api_shape(universe: Universe) -> None:
    filing_types = _seed("lda_filing_types.csv")
    registrants = {f["registrant"]["id"]: f["registrant"] for f in universe.lda_filings}
    lobbyists = {
        p["lobbyist"]["id"]: p["lobbyist"]
        for f in universe.lda_filings
        for a in f["lobbying_activities"]
        for p in a["lobbyists"]
    }
    for r in universe.lda_contributions:
        uid = r["filing_uuid"]
        assert list(r) == CONTRIBUTION_KEYS
        assert r["url"] == f"https://lda.senate.gov/api/v1/contributions/{uid}/"
        assert r["filing_document_url"] == (
            f"https://lda.senate.gov/filings/public/contribution/{uid}/print/"
        )
        report_type, amendment_type, display, first, last = HALF[r["filing_period"]]
        assert r["filing_type"] in (report_type, amendment_type)
        assert filing_types[r["filing_type"]] == r["filing_type_display"]
        assert r["filing_period_display"] == display
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}000-0[45]:00", r["dt_posted"]), (
            r["dt_posted"]
        )
        end = dt.date.fromisoformat(f"{r['filing_year']}-{last}")
        posted = _posted(r).date()
        assert end < posted
        if r["filing_type"] == report_type:
            assert posted <= end + dt.timedelta(days=31)
        # the same registrant and lobbyist objects as the LD-2 filings
        assert r["registrant"] == registrants[r["registrant"]["id"]]
        if r["filer_type"] == "organization":
            assert r["filer_type_display"] == "Registrant" and r["lobbyist"] is None
            assert r["contact_name"] == r["registrant"]["contact_name"]
        else:
            assert r["filer_type"] == "lobbyist" and r["filer_type_display"] == "Lobbyist"
            assert r["lobbyist"] == lobbyists[r["lobbyist"]["id"]]
            assert set(r["lobbyist"]) >= {
                "id", "prefix", "first_name", "nickname", "middle_name", "last_name", "suffix"
            }  # fmt: skip
        assert r["no_contributions"] is (r["contribution_items"] == [])
        assert all(isinstance(p, str) and p for p in r["pacs"])
        for item in r["contribution_items"]:
            assert list(item) == ITEM_KEYS
            assert ITEM_TYPES[item["contribution_type"]] == item["contribution_type_display"]
            assert re.fullmatch(r"[1-9]\d*\.00", item["amount"])
            assert f"{r['filing_year']}-{first}" <= item["date"] <= f"{r['filing_year']}-{last}"
            assert item["contributor_name"] and item["payee_name"] and item["honoree_name"]
    kinds = {
        i["contribution_type"] for r in universe.lda_contributions for i in r["contribution_items"]
    }
    assert kinds == set(ITEM_TYPES)


def test_amazon_contribution_reports(universe: Universe) -> None:
    amazon = [r for r in universe.lda_contributions if r["registrant"]["id"] == 401103]
    own = [r for r in amazon if r["filer_type"] == "organization"]
    assert {(r["filing_year"], r["filing_period"]) for r in own} == {
        (y, p) for y in (2017, 2018, 2019) for p in HALF
    }
    assert all(r["registrant"]["name"] == "AMAZON.COM SERVICES, INC." for r in amazon)
    assert all(r["pacs"] == ["Amazon.com Services, Inc. PAC"] for r in own)
    assert all(
        len(r["contribution_items"]) >= 8
        and {i["contributor_name"] for i in r["contribution_items"]}
        == {"AMAZON.COM SERVICES, INC. PAC"}
        for r in own
    )
    staff = {r["lobbyist"]["id"] for r in amazon if r["filer_type"] == "lobbyist"}
    ld2_staff = {
        p["lobbyist"]["id"]
        for f in universe.lda_filings
        if f["registrant"]["id"] == 401103
        for a in f["lobbying_activities"]
        for p in a["lobbyists"]
    }
    assert staff == ld2_staff and len(staff) == 10
    lobbyist_reports = [r for r in amazon if r["filer_type"] == "lobbyist"]
    assert any(r["no_contributions"] for r in lobbyist_reports)
    assert any(not r["no_contributions"] for r in lobbyist_reports)
    assert {r["filing_type"] for r in amazon} == {"MM", "YY", "MA", "YA"}


def test_contributions_reported_by_both_filer_types(universe: Universe) -> None:
    originals = [r for r in universe.lda_contributions if r["filing_type"] in ("MM", "YY")]
    by_org = {
        _item_key(r, i) for r in originals if r["filer_type"] == "organization"
        for i in r["contribution_items"]
    }  # fmt: skip
    by_lobbyist = {
        _item_key(r, i) for r in originals if r["filer_type"] == "lobbyist"
        for i in r["contribution_items"]
    }  # fmt: skip
    both = by_org & by_lobbyist
    assert len(both) >= 50
    assert {k[0] for k in both} >= {401103}
    assert len({k[0] for k in both}) >= 3
    contributor = 3 + ITEM_KEYS.index("contributor_name")
    assert all(k[contributor].endswith(("PAC", "POLITICAL ACTION COMMITTEE")) for k in both)
    # and lobbyists also give on their own: "LAST, FIRST" contributors only lobbyists report
    personal = {k for k in by_lobbyist - by_org if "PAC" not in k[contributor]}
    assert len(personal) >= 100


def test_contribution_amendments_supersede_an_earlier_report(universe: Universe) -> None:
    by_filer: dict[tuple[int, int | None, int, str], list[dict[str, Any]]] = defaultdict(list)
    for r in universe.lda_contributions:
        by_filer[_filer(r)].append(r)
    amendments = [r for r in universe.lda_contributions if r["filing_type"] in ("MA", "YA")]
    assert len(amendments) >= 8
    assert {r["filer_type"] for r in amendments} == {"organization", "lobbyist"}
    assert {r["filing_type"] for r in amendments} == {"MA", "YA"}
    for amendment in amendments:
        (original,) = [r for r in by_filer[_filer(amendment)] if r["filing_type"] in ("MM", "YY")]
        assert _posted(original) < _posted(amendment)
        assert original["contribution_items"] != amendment["contribution_items"]
        assert amendment["comments"]
    amazon = [r for r in amendments if r["registrant"]["id"] == 401103]
    assert {(r["filer_type"], r["filing_type"]) for r in amazon} == {
        ("organization", "YA"),
        ("lobbyist", "MA"),
    }
