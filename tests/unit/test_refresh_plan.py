"""The refresh plan (``ingest/plan.py``): what each source would fetch and the time the APIs'
rate limits imply, estimated offline from the pulls' own planners, the warehouse's watermarks
and the load ledger's earlier loads."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import replace

import duckdb
import pytest

from ingest import gdelt, lda, usaspending, usaspending_archive
from ingest import sources as sources_module
from ingest.config import DEFAULT_WATCHLIST, Settings, load_settings
from ingest.http import default_intervals
from ingest.landing import ensure_schema
from ingest.plan import ABOUT, AT_LEAST, EXACT, PLANNERS, SourceEstimate, estimate, plan_lines
from ingest.pulls import ARCHIVE_TABLE
from ingest.sources import SOURCES, USASPENDING_ARCHIVE_TRANSACTIONS
from ingest.watchlist import Watchlist, load_watchlist

YEARS = (2018, 2019)


@pytest.fixture
def live() -> Settings:
    return load_settings({"INFLUENCE_SOURCE": "live", "INFLUENCE_WAREHOUSE": "/nonexistent/w"})


@pytest.fixture
def watchlist() -> Watchlist:
    return load_watchlist(DEFAULT_WATCHLIST)


@pytest.fixture
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    with duckdb.connect() as connection:
        ensure_schema(connection)
        yield connection


def by_table(estimates: list[SourceEstimate]) -> dict[str, SourceEstimate]:
    return {e.source: e for e in estimates}


def ledger_row(
    con: duckdb.DuckDBPyConnection,
    table: str,
    pages: int,
    parameters: dict[str, object],
    started: dt.datetime,
    status: str = "succeeded",
) -> None:
    con.execute(
        """
        insert into audit.load_ledger (load_id, source, raw_table, parameters, started_at,
            finished_at, status, pages)
        values (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            f"{table}-{started.isoformat()}-{status}",
            table.split(".")[1].split("_")[0],
            table,
            json.dumps(parameters),
            started,
            started,
            status,
            pages,
        ],
    )


def test_every_source_has_a_planner_and_the_plan_sends_no_request(
    live: Settings, watchlist: Watchlist
) -> None:
    # the planning transport raises on any request: an estimate that asked would fail here
    estimates = estimate(live, watchlist, YEARS, None, sources=(*SOURCES,))
    assert [e.source for e in estimates] == [s.table.qualified for s in SOURCES]
    assert {s.name for s in SOURCES} <= set(PLANNERS)
    assert USASPENDING_ARCHIVE_TRANSACTIONS.name in PLANNERS
    assert all("no estimate" not in e.basis for e in estimates)


def test_lda_time_at_15_a_minute_without_a_key_and_120_with_one(
    live: Settings, watchlist: Watchlist
) -> None:
    periods = len(lda.filing_periods(YEARS))
    assert periods == 8
    anonymous = by_table(estimate(live, watchlist, YEARS, None))["raw.lda_filings"]
    keyed_settings = replace(live, lda_api_key="k" * 40)
    keyed = by_table(estimate(keyed_settings, watchlist, YEARS, None))["raw.lda_filings"]
    # a first load: one page per filing period at least
    assert anonymous.requests == keyed.requests == periods
    assert anonymous.bound == AT_LEAST and anonymous.fetches == "at least 8 requests"
    assert anonymous.seconds == pytest.approx(periods * 60 / 15 * 1.01)
    assert keyed.seconds == pytest.approx(periods * 60 / 120 * 1.01)
    assert anonymous.seconds == pytest.approx(periods * default_intervals(False)["lda"])
    assert anonymous.seconds / keyed.seconds == pytest.approx(8)
    # a key with another quota (LDA_REQUESTS_PER_MINUTE)
    quota = by_table(estimate(replace(live, lda_requests_per_minute=30), watchlist, YEARS, None))
    assert quota["raw.lda_filings"].seconds == pytest.approx(periods * 2 * 1.01)


def test_gdelt_is_five_seconds_a_request_one_per_term_group_at_least(
    live: Settings, watchlist: Watchlist
) -> None:
    estimates = by_table(estimate(live, watchlist, YEARS, None))
    news = estimates["raw.gdelt_articles"]
    groups = gdelt.estimate_requests(watchlist, YEARS)
    assert news.requests == groups >= 1
    assert news.bound == AT_LEAST
    assert news.seconds == pytest.approx(5.0 * groups)
    assert f"{groups} term group" in news.basis and "+1 per 250 articles" in news.basis
    # a narrower query length packs fewer terms a group: more requests
    narrow = by_table(estimate(replace(live, gdelt_max_query_chars=40), watchlist, YEARS, None))
    assert narrow["raw.gdelt_articles"].requests == gdelt.estimate_requests(watchlist, YEARS, 40)
    assert narrow["raw.gdelt_articles"].requests > groups


def test_usaspending_full_searches_come_from_the_pulls_query_planner(
    live: Settings, watchlist: Watchlist
) -> None:
    estimates = by_table(estimate(live, watchlist, YEARS, None))
    awards = estimates["raw.usaspending_awards"]
    actions = estimates["raw.usaspending_transactions"]
    assert awards.requests == len(usaspending.award_queries(watchlist, YEARS))
    # the archive is a source: the agencies' actions come from its files, not the search
    assert actions.requests == len(usaspending.transaction_queries(watchlist, YEARS, archive=True))
    assert awards.seconds == pytest.approx(
        awards.requests * default_intervals(False)["usaspending"]
    )


def test_once_the_archive_is_a_source_the_agencies_actions_leave_the_search(
    live: Settings, watchlist: Watchlist, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the transactions pull moves the agencies to the archive when SOURCES declares it (it
    # does); the plan follows the pull's own decision
    with_archive = tuple(dict.fromkeys((*SOURCES, USASPENDING_ARCHIVE_TRANSACTIONS)))
    monkeypatch.setattr(sources_module, "SOURCES", with_archive)
    estimates = by_table(estimate(live, watchlist, YEARS, None, sources=with_archive))
    searched = len(usaspending.transaction_queries(watchlist, YEARS, archive=True))
    assert searched < len(usaspending.transaction_queries(watchlist, YEARS))
    assert estimates["raw.usaspending_transactions"].requests == searched
    assert estimates[ARCHIVE_TABLE].files == len(
        usaspending_archive.archive_agencies(watchlist)
    ) * len(usaspending_archive.fiscal_years(YEARS))


def test_the_expected_pages_are_those_of_the_last_load_in_the_same_mode(
    live: Settings, watchlist: Watchlist, con: duckdb.DuckDBPyConnection
) -> None:
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    # 1,234 pages for 4 periods, then a later failed load and an incremental one: neither counts
    ledger_row(con, "raw.lda_filings", 1234, {"mode": "periods", "periods": 4}, t0)
    ledger_row(con, "raw.lda_filings", 9, {"mode": "periods", "periods": 4}, t0, "failed")
    ledger_row(
        con,
        "raw.lda_filings",
        55,
        {"mode": "incremental", "posted_after": "2025-12-01"},
        t0 + dt.timedelta(days=1),
    )
    filings = by_table(estimate(live, watchlist, YEARS, con, sources=SOURCES[:1]))[
        "raw.lda_filings"
    ]
    # the watermark is in raw.lda_filings, which does not exist here: a load by periods
    assert filings.bound == ABOUT
    assert filings.requests == 2 * 1234  # 8 periods at 308.5 pages each
    assert "8 filing periods" in filings.basis and "1,234 pages for 4 last time" in filings.basis
    assert filings.fetches == "about 2,468 requests"
    assert filings.seconds == pytest.approx(2468 * default_intervals(False)["lda"])


def test_an_incremental_lda_plan_uses_the_watermark_and_the_last_incremental_load(
    live: Settings, watchlist: Watchlist, con: duckdb.DuckDBPyConnection
) -> None:
    (spec,) = SOURCES[:1]
    ensure_schema(con, [spec.table])
    posted = dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC)
    con.execute(
        "insert into raw.lda_filings values ('u1', ?, 'h', 'l1', now())",
        [json.dumps({"filing_uuid": "u1", "dt_posted": posted.isoformat()})],
    )
    first = estimate(live, watchlist, YEARS, con, sources=[spec])[0]
    # 30 days before the watermark: the pulls' re-pull window
    assert "posted since 2025-10-21" in first.basis
    assert first.requests == 1 and first.bound == AT_LEAST
    ledger_row(
        con,
        "raw.lda_filings",
        40,
        {"mode": "incremental"},
        dt.datetime(2025, 11, 21, tzinfo=dt.UTC),
    )
    again = estimate(live, watchlist, YEARS, con, sources=[spec])[0]
    assert (again.requests, again.bound) == (40, ABOUT)
    # the sample is always pulled by period, whatever the warehouse holds
    sample = replace(live, source="sample")
    assert "filing periods" in estimate(sample, watchlist, YEARS, con, sources=[spec])[0].basis


def test_archive_full_files_per_agency_and_fiscal_year_then_one_delta_each(
    live: Settings, watchlist: Watchlist, con: duckdb.DuckDBPyConnection
) -> None:
    agencies = usaspending_archive.archive_agencies(watchlist)
    fiscal_years = usaspending_archive.fiscal_years(YEARS)
    assert len(agencies) >= 2 and fiscal_years == [2018, 2019, 2020]
    sources = (USASPENDING_ARCHIVE_TRANSACTIONS,)
    first = estimate(live, watchlist, YEARS, con, sources=sources)[0]
    listings = 1 + len(agencies) * len(fiscal_years)
    assert first.files == len(agencies) * len(fiscal_years)
    assert first.requests == listings + first.files
    assert first.bound == AT_LEAST  # the downloads' size is not counted
    assert first.fetches == f"at least {first.files} files + {first.requests} requests"
    assert "Full file" in first.basis and "Delta" not in first.basis
    # an earlier load of every Full file, a week ago: one Delta per agency now
    stamp = (dt.datetime.now(dt.UTC).date() - dt.timedelta(days=7)).strftime("%Y%m%d")
    loaded = [
        {
            "agency": a.toptier_code,
            "kind": "full",
            "fiscal_year": year,
            "file_name": f"FY{year}_{a.toptier_code}_Contracts_Full_{stamp}.zip",
            "stamp": stamp,
        }
        for a in agencies
        for year in fiscal_years
    ]
    ledger_row(con, ARCHIVE_TABLE, 0, {"files": loaded}, dt.datetime.now(dt.UTC))
    later = estimate(live, watchlist, YEARS, con, sources=sources)[0]
    assert later.files == len(agencies)
    assert f"{len(agencies)} Delta files" in later.basis and "Full" not in later.basis
    # a wider year range: the new fiscal year's agencies are loaded in full again
    wider = estimate(live, watchlist, (2018, 2020), con, sources=sources)[0]
    assert wider.files == len(agencies) * 4


def test_the_sample_has_no_rate_limit(live: Settings, watchlist: Watchlist) -> None:
    sample = replace(live, source="sample")
    estimates = estimate(sample, watchlist, YEARS, None)
    assert all(e.seconds == 0 for e in estimates)
    assert all(e.basis.endswith("sample: no rate limit") for e in estimates)
    lines = plan_lines(estimates)
    assert len(lines) == len(SOURCES) + 2
    assert lines[-1].split()[0] == "total" and lines[-1].split()[-6:-4] == ["rate", "limits,"]
    assert "0 s" in lines[-1]


def test_exact_sources_say_so(live: Settings, watchlist: Watchlist) -> None:
    estimates = by_table(estimate(live, watchlist, YEARS, None))
    constants = estimates["raw.lda_constants"]
    assert (constants.requests, constants.bound) == (len(lda.CONSTANT_LISTS), EXACT)
    assert constants.fetches == f"{len(lda.CONSTANT_LISTS)} requests"
    feeds = estimates["raw.feed_entries"]
    assert (feeds.requests, feeds.bound, feeds.seconds) == (len(watchlist.feeds), EXACT, 0.0)
    assert estimates["raw.watchlist_sections"].requests == 0
