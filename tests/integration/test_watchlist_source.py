"""raw.watchlist_sections: the watchlist landed as a refresh lands it, validated by its suite."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.config import load_settings
from ingest.load import run_load
from ingest.pulls import pull_watchlist
from ingest.sources import WATCHLIST_SECTIONS
from ingest.watchlist import WatchedCompany, load_watchlist

pytestmark = pytest.mark.integration

SUITE = load_suite(WATCHLIST_SECTIONS.suite)


def land(con: duckdb.DuckDBPyConnection, watchlist):  # type: ignore[no-untyped-def]
    pull = pull_watchlist(load_settings({}), watchlist)
    load, _ = run_load(
        con, WATCHLIST_SECTIONS.table, pull, lambda c, load_id: validate_batch(c, SUITE, load_id)
    )
    return load


def sections(con: duckdb.DuckDBPyConnection) -> dict[str, list[str]]:
    rows = con.execute(
        "select section, json_extract_string(record, '$.entries[*].name') "
        "from raw.watchlist_sections"
    ).fetchall()
    return dict(rows)


def test_the_watchlist_lands_one_row_per_section_and_follows_the_file(tmp_path: Path) -> None:
    watchlist = load_watchlist()
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        first = land(con, watchlist)
        assert first.status == "succeeded" and first.counts.inserted == 3
        assert sections(con)["companies"] == ["Amazon"]
        assert sections(con)["topics"] == ["facial recognition", "Rekognition"]
        # a company added and the topics removed: the next load replaces the sections
        raytheon = WatchedCompany("Raytheon", ("RAYTHEON COMPANY",), ("Raytheon",))
        changed = replace(watchlist, companies=(*watchlist.companies, raytheon), topics=())
        second = land(con, changed)
        assert second.status == "succeeded" and second.counts.updated == 2
        assert sections(con)["companies"] == ["Amazon", "Raytheon"]
        assert sections(con)["topics"] == []


def test_a_blank_news_term_quarantines_its_section(tmp_path: Path) -> None:
    watchlist = load_watchlist()
    blank = WatchedCompany("Raytheon", (), ("Raytheon", " "))
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        load = land(con, replace(watchlist, companies=(*watchlist.companies, blank)))
        # the companies section alone is kept aside, with its reason; the others land
        assert load.status == "succeeded"
        assert (load.counts.inserted, load.counts.quarantined) == (2, 1)
        (key, reason) = con.execute("select record_key, reason from audit.quarantine").fetchone()
        assert key == "companies" and "blank_news_terms" in reason
        assert "companies" not in sections(con)
