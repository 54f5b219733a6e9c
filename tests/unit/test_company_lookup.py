"""Resolving a typed company name (``influence company NAME``) on a tiny in-memory warehouse: the
query's normalisation, exact matches winning, near matches ranked, ambiguity refused."""

from __future__ import annotations

import re
from collections.abc import Iterator

import duckdb
import pytest

from ingest.company_lookup import (
    LEGAL_SUFFIXES,
    WORD_EXPANSIONS,
    NotResolved,
    find_company,
    normalize_name,
)
from ingest.config import DBT_PROJECT_DIR

MACRO = DBT_PROJECT_DIR / "macros" / "normalize_company_name.sql"

pytestmark = pytest.mark.unit

COMPANIES = [
    # company_id, company_name, parent_company_id
    ("amazon", "Amazon", None),
    ("whole-foods-market", "Whole Foods Market", "amazon"),
    ("general-dynamics", "General Dynamics", None),
    ("general-motors", "General Motors", None),
    ("acme-one", "Acme Widgets", None),
    ("acme-two", "ACME WIDGETS INC", None),
]
ALIASES = [("AMAZON", "amazon"), ("AMAZONCOM", "amazon")]
NAMES = [
    # company_name_raw, normalized_name (as the dbt macro made it), company_id, match_rule
    ("AMAZON WEB SERVICES, INC.", "AMAZON WEB SERVICES", "amazon", "alias_exact"),
    ("AMAZON.COM SERVICES, INC.", "AMAZONCOM SERVICES", "amazon", "alias_exact"),
    ("GENERAL DYNAMICS CORP", "GENERAL DYNAMICS", "general-dynamics", "alias_exact"),
    ("ACME WIDGETS, INC.", "ACME WIDGETS", "acme-one", "normalized_name"),
    ("ACME WIDGETS INC", "ACME WIDGETS", "acme-two", "normalized_name"),
]


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as con:
        con.execute(
            """
            create schema marts;
            create schema reference;
            create schema intermediate;
            create table marts.dim_company (
                company_id varchar, company_name varchar, parent_company_id varchar
            );
            create table reference.company_aliases (normalized_name varchar, company_id varchar);
            create table intermediate.int_company_name_matches (
                company_name_raw varchar, normalized_name varchar, company_id varchar,
                match_rule varchar
            );
            """
        )
        con.executemany("insert into marts.dim_company values (?, ?, ?)", COMPANIES)
        con.executemany("insert into reference.company_aliases values (?, ?)", ALIASES)
        con.executemany(
            "insert into intermediate.int_company_name_matches values (?, ?, ?, ?)", NAMES
        )
        yield con


def test_the_copied_steps_are_the_macros() -> None:
    macro = MACRO.read_text(encoding="utf-8")
    expansions = macro.split("{% macro company_word_expansions")[1].split("endmacro")[0]
    assert dict(re.findall(r"'([A-Z]+)': '([A-Z]+)'", expansions)) == WORD_EXPANSIONS
    assert f"'{LEGAL_SUFFIXES}'" in macro


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("Amazon.com", "AMAZONCOM"),
        ("  amazon.com, inc. ", "AMAZONCOM"),
        ("AMAZON WEB SERVICES", "AMAZON WEB SERVICES"),
        ("The Boeing Co.", "BOEING"),
        ("AT&T Corp", "AT AND T"),
        ("Nestlé S.A.", "NESTLE"),
        ("Natl Grid PLC", "NATIONAL GRID"),
        ("...", None),
    ],
)
def test_a_typed_name_is_normalised_like_the_warehouses_names(
    con: duckdb.DuckDBPyConnection, typed: str, normalized: str | None
) -> None:
    assert normalize_name(con, typed) == normalized


@pytest.mark.parametrize(
    ("typed", "why"),
    [
        ("amazon", "its company id"),
        ("AMAZON", "its company id"),
        ("Amazon.com", 'the alias "AMAZONCOM", normalised AMAZONCOM'),
        ("AMAZON WEB SERVICES", 'the source name "AMAZON WEB SERVICES, INC."'),
        ("amazon web services, inc.", 'the source name "AMAZON WEB SERVICES, INC."'),
        ("Whole Foods Market", 'the company name "Whole Foods Market"'),
    ],
)
def test_an_exact_name_resolves(con: duckdb.DuckDBPyConnection, typed: str, why: str) -> None:
    lookup = find_company(con, typed)
    assert lookup.chosen is not None and lookup.chosen.is_exact
    assert lookup.chosen.company_id == ("whole-foods-market" if "Whole" in typed else "amazon")
    assert lookup.chosen.why.startswith(why)


def test_an_exact_match_wins_over_near_ones(con: duckdb.DuckDBPyConnection) -> None:
    # "GENERAL DYNAMICS" is exact for one company and near ("General Motors") for another
    lookup = find_company(con, "General Dynamics Corporation")
    assert lookup.chosen is not None and lookup.chosen.company_id == "general-dynamics"


def test_one_plausible_near_match_is_chosen(con: duckdb.DuckDBPyConnection) -> None:
    lookup = find_company(con, "amazn")
    assert lookup.chosen is not None and lookup.chosen.company_id == "amazon"
    assert not lookup.chosen.is_exact and lookup.chosen.why.startswith("spelled like")


def test_several_plausible_companies_are_ambiguous(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NotResolved) as raised:
        find_company(con, "general")
    lookup = raised.value.lookup
    assert lookup.problem == "ambiguous" and lookup.chosen is None
    ids = [c.company_id for c in lookup.candidates]
    assert ids[:2] == ["general-dynamics", "general-motors"]
    assert all(c.why.startswith("starts like") for c in lookup.candidates[:2])


def test_one_name_of_two_companies_is_ambiguous_even_when_exact(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(NotResolved) as raised:
        find_company(con, "Acme Widgets")
    lookup = raised.value.lookup
    assert lookup.problem == "ambiguous"
    assert {c.company_id for c in lookup.candidates if c.is_exact} == {"acme-one", "acme-two"}


def test_pick_takes_that_suggestion_and_the_company_id_resolves(
    con: duckdb.DuckDBPyConnection,
) -> None:
    picked = find_company(con, "general", pick=2).chosen
    assert picked is not None and picked.company_id == "general-motors"
    chosen = find_company(con, "general-motors").chosen
    assert chosen is not None and chosen.why == "its company id"
    with pytest.raises(NotResolved) as raised:
        find_company(con, "general", pick=9)
    assert raised.value.lookup.problem == "no such pick"


def test_no_match_exits_with_the_closest_suggestions(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(NotResolved) as raised:
        find_company(con, "General Mtrs Group")
    lookup = raised.value.lookup
    assert lookup.problem == "no match" and lookup.chosen is None
    assert lookup.candidates and lookup.candidates[0].company_id == "general-motors"
    with pytest.raises(NotResolved) as raised:
        find_company(con, "zzzq")
    assert raised.value.lookup.candidates == ()
