"""The README's build command, end to end: `influence refresh --sample`, twice (the second time
`--verbose`), through Dagster.

Then the README's example queries run against the warehouse it built and must give the case's
figures (../shared/reference/case-facts.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from ingest.alerts import CHANGES_TABLE, read_digest
from ingest.config import REPO_ROOT
from ingest.publish import WarehouseFiles, current_snapshot, list_snapshots
from ingest.sources import SOURCES
from tests.support.http_server import LocalApiServer, RecordedRequest
from tests.support.readme_queries import readme_blocks
from tests.support.sample_changes import SampleChanges, sample_with_changes
from tests.support.sample_refresh import Built, Run, copy_built_warehouse, influence, sample_env
from tests.support.warehouse import build_db

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

# the natural key of every raw table (from the sources' declarations) and of the marts
KEYS = {
    **{spec.table.qualified: spec.table.key_column for spec in SOURCES},
    "marts.fct_news_articles": "url",
    "marts.fct_news_mentions": "news_mention_id",
    "marts.fct_lobbying_reports": "filing_uuid",
    "marts.fct_contract_awards": "generated_internal_id",
    "marts.fct_contract_transactions": "transaction_key",
    "marts.company_quarter_lobbying": "company_id, year, quarter",
    "marts.company_agency_quarter": "company_id, agency_code, year, quarter",
    "marts.dim_company": "company_id",
    "marts.company_profile": "company_id",
    "marts.company_ownership": "ownership_id",
    "marts.company_match_review": "review_id",
    "intermediate.int_company_name_matches": "company_name_raw",
    "marts.dim_agency": "agency_code",
}


@pytest.fixture(scope="module")
def built(built_run: Built) -> tuple[Path, list[Run], list]:
    return built_run.warehouse, built_run.runs, built_run.counts


def test_refresh_succeeds_with_a_summary(built: tuple[Path, list[Run], list]) -> None:
    _, runs, _ = built
    first = runs[0]
    assert first.returncode == 0, first.output[-3000:]
    for expected in (
        "Running Dagster job 'refresh'",
        "ok raw__lda_filings",
        "ok influence_dbt_models",
        "raw.lda_filings",
        "raw.usaspending_awards",
        "raw.gdelt_articles",
        "raw.feed_entries",
        "raw.analyst_articles",
        "Great Expectations (this refresh):",
        "dbt:",
        "succeeded",
        "Time:",
    ):
        assert expected in first.output, f"{expected!r} missing from:\n{first.output[-3000:]}"
    assert "0 critical failed" in first.output
    dbt_line = re.search(r"^dbt: (.*)$", first.output, flags=re.M)
    assert dbt_line is not None
    for part in dbt_line.group(1).split(", "):
        done, total = part.split(" ", 1)[0].split("/")
        assert done == total, f"dbt reported failures: {dbt_line.group(0)}"


# what a refresh prints before its summary, by default: one line per step, a failed check, what
# a crashed run left, a pull's progress (at most a line every few seconds on a pipe)
TERSE_LINE = re.compile(
    r"influence refresh: |Preparing the dbt project|Running Dagster job|  > \w+ \.\.\.$"
    r"|  ok \w+ \([\d.]+ s\)$|  FAILED \w+$|    check \w+ on \S+ failed \((warning|error)\)$"
    r"|Reclaimed |Marked |Warehouse in use|Dagster run "
    r"|    raw\.\w+: .*records"
)
DBT_LINE = re.compile(r"^\d+ of \d+ (START|OK|PASS|WARN|ERROR)|Running with dbt=", flags=re.M)


def test_refresh_prints_one_line_per_step_and_verbose_prints_the_logs(
    built: tuple[Path, list[Run], list],
) -> None:
    terse, verbose = (run.output for run in built[1])
    steps = terse.split("\nLoads (this refresh):")[0].rstrip("\n").splitlines()
    assert not DBT_LINE.search(terse), terse[:3000]
    assert "STEP_START" not in terse
    others = [line for line in steps if not TERSE_LINE.match(line)]
    assert others == [], "\n".join(steps)
    assert len(steps) <= 3 * terse.count("  > ") + 10
    assert terse.rstrip().splitlines()[-1].startswith("Time: "), "nothing after the summary"
    # --verbose: dbt's own lines and Dagster's log lines, as well as the step lines
    assert DBT_LINE.search(verbose), verbose[-3000:]
    assert "STEP_START" in verbose
    assert "  ok influence_dbt_models" in verbose


def test_second_refresh_changes_nothing(built: tuple[Path, list[Run], list]) -> None:
    warehouse, runs, counts = built
    assert runs[1].returncode == 0, runs[1].output[-3000:]
    assert counts[0] == counts[1]
    assert counts[0]["raw.lda_filings"] >= 2000
    assert counts[0]["raw.usaspending_awards"] >= 5000
    assert counts[0]["raw.gdelt_articles"] >= 500
    with duckdb.connect(str(build_db(warehouse)), read_only=True) as con:
        for table, key in KEYS.items():
            dupes = con.execute(
                f"select count(*) from (select {key} from {table} group by all having count(*) > 1)"
            ).fetchone()
            assert dupes == (0,), f"duplicate keys in {table}"
        # the second build found no model's inputs changed: it redid no key, but for the
        # current filings that name no mapped agency, which int_lda_report_agencies holds no row
        # of and so examines on every build (they gave no row again)
        redone = con.execute(
            "select model_name, count(*) from staging.changed_keys_redone group by all"
        ).fetchall()
        assert [model for model, _ in redone] in ([], ["int_lda_report_agencies"])
        agencyless = con.execute(
            "select count(*) from intermediate.int_lda_filings_latest where filing_uuid not in "
            "(select filing_uuid from intermediate.int_lda_report_agencies)"
        ).fetchone()
        examined = con.execute(
            "select count(*), count(agencies.filing_uuid) from staging.changed_keys_redone as keys "
            "left join intermediate.int_lda_report_agencies as agencies "
            "on keys.key = agencies.filing_uuid "
            "where keys.model_name = 'int_lda_report_agencies'"
        ).fetchone()
        assert examined == (agencyless[0] if agencyless else -1, 0)
        # The second load of each source found every record unchanged.
        second = con.execute(
            """
            select raw_table, records_inserted, records_updated, status from audit.load_ledger
            qualify row_number() over (partition by raw_table order by started_at desc) = 1
            """
        ).fetchall()
    assert sorted(second) == [
        ("raw.analyst_articles", 0, 0, "succeeded"),
        ("raw.edgar_submissions", 0, 0, "succeeded"),
        ("raw.feed_entries", 0, 0, "succeeded"),
        ("raw.gdelt_articles", 0, 0, "succeeded"),
        ("raw.gleif_lei_records", 0, 0, "succeeded"),
        ("raw.gleif_relationships", 0, 0, "succeeded"),
        ("raw.lda_constants", 0, 0, "succeeded"),
        ("raw.lda_contributions", 0, 0, "succeeded"),
        ("raw.lda_filings", 0, 0, "succeeded"),
        ("raw.usaspending_archive_transactions", 0, 0, "succeeded"),
        ("raw.usaspending_awards", 0, 0, "succeeded"),
        ("raw.usaspending_recipients", 0, 0, "succeeded"),
        ("raw.usaspending_toptier_agencies", 0, 0, "succeeded"),
        ("raw.usaspending_transactions", 0, 0, "succeeded"),
        ("raw.watchlist_sections", 0, 0, "succeeded"),
    ]


def readme_queries() -> dict[str, str]:
    return {name: sql for name, (sql, _) in readme_blocks().items()}


def run_query(warehouse: Path, name: str) -> tuple[list[str], list[tuple]]:
    sql = readme_queries()[name]
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        return columns, cursor.fetchall()


def test_readme_has_the_five_case_queries() -> None:
    assert set(readme_queries()) >= {
        "spend_by_quarter",
        "facial_recognition_issues",
        "agencies_lobbied",
        "obligations_by_agency",
        "news_amazon_ice",
        "ice_2018",
        "one_query",
    }


def test_readme_outputs_are_what_the_queries_print(
    built: tuple[Path, list[Run], list], capfd: pytest.CaptureFixture[str]
) -> None:
    with duckdb.connect(str(built[0]), read_only=True) as con:
        for name, (sql, printed) in readme_blocks().items():
            capfd.readouterr()
            con.sql(sql).show(max_width=300, max_rows=100)
            assert capfd.readouterr().out == printed, f"README output of {name} is stale"


def test_q1_spend_per_quarter_counted_once(built: tuple[Path, list[Run], list]) -> None:
    columns, rows = run_query(built[0], "spend_by_quarter")
    by_quarter = {r[columns.index("quarter")]: r[columns.index("lobbying_spend")] for r in rows}
    assert by_quarter[3] == Decimal("3630000")
    assert by_quarter == {
        1: Decimal("3400000"),
        2: Decimal("3470000"),
        3: Decimal("3630000"),
        4: Decimal("3700000"),
    }


def test_q2_facial_recognition_issue_text(built: tuple[Path, list[Run], list]) -> None:
    columns, rows = run_query(built[0], "facial_recognition_issues")
    texts = [str(r[columns.index("description")]) for r in rows]
    assert any("facial recognition technology" in t for t in texts)


def test_q3_dhs_among_agencies_lobbied_with_code(built: tuple[Path, list[Run], list]) -> None:
    columns, rows = run_query(built[0], "agencies_lobbied")
    codes = {r[columns.index("agency_code")] for r in rows}
    assert "070" in codes
    assert len(rows) >= 10


def test_q4_obligations_by_agency_and_quarter_none_from_ice_2018(
    built: tuple[Path, list[Run], list],
) -> None:
    columns, rows = run_query(built[0], "obligations_by_agency")
    assert rows
    assert all(r[columns.index("obligations")] is not None for r in rows)
    agencies = {r[columns.index("awarding_agency_code")] for r in rows}
    assert "097" in agencies  # DoD buys AWS directly
    with duckdb.connect(str(built[0]), read_only=True) as con:
        ice_2018 = con.execute(
            """
            select count(*) from marts.fct_contract_awards
            where company_id = 'amazon' and awarding_subtier_code = '7012'
              and obligation_year = 2018
            """
        ).fetchone()
        # obligations by action date add up, award by award, to the awards' totals
        mismatched = con.execute(
            """
            select count(*) from (
                select awards.generated_internal_id
                from marts.fct_contract_awards as awards
                inner join marts.fct_contract_transactions as actions using (generated_internal_id)
                where awards.base_obligation_date >= date '2017-01-01'
                  and awards.last_modified_at < date '2020-01-01'
                group by awards.generated_internal_id, awards.award_amount
                having sum(actions.transaction_amount) <> awards.award_amount
            )
            """
        ).fetchone()
    assert ice_2018 == (0,)
    assert mismatched == (0,)
    _, ice_rows = run_query(built[0], "ice_2018")
    assert ice_rows == [(0, Decimal("0.00"))]


def test_resold_aws_found_by_description(built: tuple[Path, list[Run], list]) -> None:
    columns, rows = run_query(built[0], "resold_aws")
    assert rows
    assert {r[columns.index("recipient_name")] for r in rows} == {"FOUR POINTS TECHNOLOGY, L.L.C."}
    assert sum(r[columns.index("obligations")] for r in rows) > 0


def test_one_query_joins_lobbying_contracts_and_news(built: tuple[Path, list[Run], list]) -> None:
    columns, rows = run_query(built[0], "one_query")
    by_key = {(r[columns.index("agency")], r[columns.index("quarter")]): r for r in rows}
    dhs_q3 = by_key[("DHS", 3)]
    assert dhs_q3[columns.index("names_facial_recognition")] is True
    assert dhs_q3[columns.index("spend_of_reports_naming_agency")] == Decimal("3630000")
    assert dhs_q3[columns.index("reports_naming_agency")] >= 1
    # The October coverage lands in Q4, linked to both DHS and ICE.
    assert by_key[("ICE", 4)][columns.index("news_mentions")] >= 10


def test_q5_october_2018_news_linked_to_amazon_and_ice(
    built: tuple[Path, list[Run], list],
) -> None:
    columns, rows = run_query(built[0], "news_amazon_ice")
    domains = {r[columns.index("domain")] for r in rows}
    assert {"www.washingtonpost.com", "www.aclu.org"} <= domains
    dates = [r[columns.index("seen_date")] for r in rows]
    assert all(str(d).startswith("2018-10") for d in dates)


def test_live_refresh_without_network_fails_fast_suggesting_the_sample(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.update(
        INFLUENCE_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
        LDA_API_URL="http://127.0.0.1:9/api/v1/",  # nothing listens on the discard port
        EDGAR_USER_AGENT="Influence Warehouse tests tests@example.org",
    )
    env.pop("INFLUENCE_SOURCE", None)
    run = influence(env, "refresh")

    assert run.returncode == 2
    assert "cannot reach http://127.0.0.1:9/api/v1/ (LDA_API_URL)" in run.output
    assert "influence refresh --sample" in run.output
    assert run.seconds < 30
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_live_refresh_without_an_edgar_user_agent_fails_before_any_work(tmp_path: Path) -> None:
    """The SEC requires a User-Agent naming who asks: a live refresh says so before it starts."""
    env = dict(os.environ)
    env.update(
        INFLUENCE_WAREHOUSE=str(tmp_path / "warehouse.duckdb"),
        DAGSTER_HOME=str(tmp_path / "dagster_home"),
    )
    for name in ("INFLUENCE_SOURCE", "EDGAR_USER_AGENT"):
        env.pop(name, None)
    # every API's host accepts connections, so only the missing setting can stop the refresh
    with socket.create_server(("127.0.0.1", 0)) as server:
        url = f"http://127.0.0.1:{server.getsockname()[1]}/"
        for name in ("LDA_API_URL", "USASPENDING_API_URL", "GDELT_API_URL", "GLEIF_API_URL"):
            env[name] = url
        run = influence(env, "refresh")

    assert run.returncode == 2
    assert "EDGAR_USER_AGENT is not set" in run.output
    assert not (tmp_path / "warehouse.duckdb").exists()


def test_report_versions_show_what_the_record_said_on_a_date(
    built: tuple[Path, list[Run], list],
) -> None:
    columns, rows = run_query(built[0], "report_versions")
    assert [r[columns.index("expenses")] for r in rows] == [Decimal("3180000"), Decimal("3200000")]
    assert [r[columns.index("is_current")] for r in rows] == [False, True]
    # each version is valid until the next one was posted
    assert rows[0][columns.index("valid_to_utc")] == rows[1][columns.index("valid_from_utc")]
    columns, rows = run_query(built[0], "as_of")
    assert [r[columns.index("expenses")] for r in rows] == [Decimal("3180000")]


def test_filing_kinds_and_on_behalf_of_clients(built: tuple[Path, list[Run], list]) -> None:
    columns, rows = run_query(built[0], "report_kinds")
    kinds = {r[columns.index("kind")]: r for r in rows}
    assert kinds["termination"][columns.index("amount")] > 0  # terminations carry money
    assert kinds["no activity"][columns.index("amount")] == 0
    assert kinds["report"][columns.index("under_5000")] > 0
    columns, rows = run_query(built[0], "on_behalf_of")
    resolved = {r[columns.index("client_name")]: r[columns.index("company_id")] for r in rows}
    assert resolved["DUNMORE LEGAL GROUP on behalf of Microsoft Corporation"] == "microsoft"


def test_contributions_count_cross_filer_duplicates_once(
    built: tuple[Path, list[Run], list],
) -> None:
    columns, rows = run_query(built[0], "contribution_duplicates")
    assert [r[columns.index("filing_year")] for r in rows] == [2017, 2018, 2019]
    assert all(r[columns.index("duplicate_rows_removed")] > 0 for r in rows)
    with duckdb.connect(str(built[0]), read_only=True) as con:
        both_filers = con.execute(
            """
            select count(*) from (
                select registrant_id, filing_year, filing_period, contribution_type,
                       contributor_name, payee_name, honoree_name, amount, contribution_date
                from marts.fct_lobbying_contributions
                group by all
                having count(distinct filer_type) > 1
            )
            """
        ).fetchone()
    assert both_filers == (0,)  # an item a registrant and its lobbyist both listed is kept once
    columns, rows = run_query(built[0], "contributions_by_honoree")
    assert rows and all(r[columns.index("total")] > 0 for r in rows)


def test_companies_lobbying_dhs_on_facial_recognition_and_following_obligations(
    built: tuple[Path, list[Run], list],
) -> None:
    columns, rows = run_query(built[0], "dhs_facial_recognition_followed_by_obligations")
    got = {(r[columns.index("company_name")], r[columns.index("quarter")]): r for r in rows}
    # Amazon and the biometrics vendors of the sample's background
    assert {company for company, _ in got} == {"Amazon", "IDEMIA", "NEC"}
    q3 = got[("Amazon", 3)]
    assert q3[columns.index("spend_of_reports_naming_dhs")] == Decimal("3630000")
    # no DHS obligation to Amazon in 2018 (ICE had no contract with Amazon); DHS money follows
    # in 2019, and the four following quarters add up
    assert q3[columns.index("obligated_that_quarter")] == 0
    parts = [q3[columns.index(f"q_plus_{k}")] for k in (1, 2, 3, 4)]
    assert sum(parts) == q3[columns.index("next_4_quarters")] > 0
    assert parts[0] == 0  # Q4 2018


# -- the published file: analysts, readers, snapshots, exports -----------------------------------


def test_an_analyst_holding_the_file_keeps_its_snapshot_and_new_connections_see_the_new_one(
    built_run: Built,
) -> None:
    runs = built_run.runs
    assert runs[1].returncode == 0, runs[1].output[-3000:]  # the open connection blocked nothing
    before, after = built_run.held
    assert after == before  # the same connection, after the publish: the old snapshot, whole
    snapshots = list_snapshots(WarehouseFiles(built_run.warehouse))
    assert [s.snapshot_id for s in snapshots][1] == before.snapshot_id
    assert built_run.fresh.snapshot_id == snapshots[0].snapshot_id != before.snapshot_id
    assert (built_run.fresh.rows, built_run.fresh.spend) == (before.rows, before.spend)
    assert f"Published: {built_run.warehouse} (snapshot {snapshots[0].snapshot_id}" in (
        runs[1].output
    )


def test_influence_snapshots_lists_the_kept_snapshots_with_their_loads(built_run: Built) -> None:
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    listing = influence(env, "snapshots", "--loads")
    assert listing.returncode == 0, listing.output
    snapshots = list_snapshots(WarehouseFiles(built_run.warehouse))
    assert len(snapshots) == 2  # the default keeps two
    newest, older = snapshots
    assert f"* {newest.snapshot_id}" in listing.output
    assert f"  {older.snapshot_id}" in listing.output
    with duckdb.connect(str(build_db(built_run.warehouse)), read_only=True) as con:
        loads = {
            table: sorted(ids)
            for table, ids in con.execute(
                "select raw_table, list(load_id) from audit.load_ledger "
                "where status = 'succeeded' and records_inserted > 0 group by raw_table"
            ).fetchall()
        }
    # the second refresh changed nothing: every row still comes from the first loads
    assert {table: sorted(ids) for table, ids in newest.load_ids.items() if ids} == loads
    for ids in loads.values():
        assert all(load in listing.output for load in ids)


# DuckDB 1.x releases an analyst's tools may have: the first that reads every published table
# (1.0.0 cannot read the tables with VARCHAR[] columns, measured) and the newest 1.x
DUCKDB_1X_READERS = ("1.1.3", "1.5.6")

READ_EVERY_TABLE = """
import json, sys
import duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
tables = con.execute(
    "select schema_name, table_name from duckdb_tables() order by all"
).fetchall()
rows = {f"{s}.{t}": len(con.execute(f'select * from "{s}"."{t}"').fetchall()) for s, t in tables}
print(json.dumps({"version": duckdb.__version__, "rows": rows}))
"""


@pytest.mark.parametrize("version", DUCKDB_1X_READERS)
def test_a_duckdb_1x_reader_opens_the_published_file_and_reads_every_table(
    built_run: Built, version: str, tmp_path: Path
) -> None:
    env_dir = tmp_path / f"duckdb-{version}"
    uv = shutil.which("uv")
    if uv is not None:
        subprocess.run([uv, "venv", "-q", "--python", sys.executable, str(env_dir)], check=True)
        python = env_dir / "bin" / "python"
        install = [uv, "pip", "install", "-q", "--python", str(python)]
    else:
        subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
        python = env_dir / "bin" / "python"
        install = [str(python), "-m", "pip", "install", "-q"]
    # pytz: DuckDB 1.x's Python package needs it to hand over timestamps with a time zone
    subprocess.run([*install, f"duckdb=={version}", "pytz"], check=True, timeout=600)
    read = subprocess.run(
        [str(python), "-c", READ_EVERY_TABLE, str(built_run.warehouse)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert read.returncode == 0, read.stderr[-3000:]
    seen = json.loads(read.stdout)
    assert seen["version"] == version
    with duckdb.connect(str(built_run.warehouse), read_only=True) as con:
        expected = {
            f"{schema}.{table}": count
            for schema, table, count in con.execute(
                "select schema_name, table_name, estimated_size from duckdb_tables()"
            ).fetchall()
        }
        marts = [name for name in expected if name.startswith("marts.")]
        for name in expected:
            row = con.execute(f"select count(*) from {name}").fetchone()
            expected[name] = row[0] if row else -1
    assert len(marts) >= 15
    assert seen["rows"] == expected


def test_the_published_marts_export_to_parquet_with_their_snapshot(
    built_run: Built, tmp_path: Path
) -> None:
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    exported = influence(env, "export", "--format", "parquet", str(tmp_path / "out"))
    assert exported.returncode == 0, exported.output
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    newest = list_snapshots(WarehouseFiles(built_run.warehouse))[0]
    assert manifest["snapshot"]["snapshot_id"] == newest.snapshot_id
    with duckdb.connect(str(built_run.warehouse), read_only=True) as con:
        marts = {
            f"marts.{name}": con.execute(f"select count(*) from marts.{name}").fetchone()[0]  # type: ignore[index]
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'marts'"
            ).fetchall()
        }
    listed = {entry["table"]: entry["rows"] for entry in manifest["tables"]}
    assert listed == marts
    # the case's figure, from the Parquet files alone (../shared/reference/case-facts.md)
    quarter = tmp_path / "out" / "marts.company_quarter_lobbying.parquet"
    with duckdb.connect() as con:
        spend = con.execute(
            "select lobbying_spend from read_parquet(?) "
            "where company_id = 'amazon' and year = 2018 and quarter = 3",
            [str(quarter)],
        ).fetchone()
    assert spend == (Decimal("3630000.00"),)


# `influence company NAME` (ingest/company_lookup.py) on the published sample warehouse: the case's
# company resolves from the names a reporter types, and its summary gives the marts' figures
CASE_Q3_2018_SPEND = Decimal("3630000")  # case-facts.md: Amazon's Q3 2018, counted once


def _money(amount: Decimal) -> str:
    return f"${amount:,.0f}"


@pytest.mark.parametrize("typed", ["amazon", "Amazon.com", "AMAZON WEB SERVICES"])
def test_influence_company_resolves_amazon_and_summarises_it(built_run: Built, typed: str) -> None:
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    run = influence(env, "company", typed)
    assert run.returncode == 0, run.output
    with duckdb.connect(str(built_run.warehouse), read_only=True) as con:
        quarters = dict(
            con.execute(
                "select quarter, lobbying_spend from marts.company_quarter_lobbying "
                "where company_id = 'amazon' and year = 2018"
            ).fetchall()
        )
        snapshot_id = con.execute("select snapshot_id from audit.published_snapshot").fetchall()
    assert quarters[3] == CASE_Q3_2018_SPEND
    year_2018 = next(line for line in run.output.splitlines() if line.startswith("  2018 "))
    # the year counted once: the sum of its quarters, each shown beside it
    assert _money(sum(quarters.values(), Decimal(0))) in year_2018
    assert f"Q3 {_money(CASE_Q3_2018_SPEND)}" in year_2018
    assert "counted once (from self_filed_expenses)" in run.output
    lines = run.output.splitlines()
    assert lines[0] == "Amazon (company_id amazon)"
    # AWS is no company of its own in the sample: its names resolve to Amazon
    assert "AMAZON WEB SERVICES, INC." in run.output
    assert "subsidiary: Whole Foods Market (company_id whole-foods-market" in run.output
    agencies = run.output.split("Agencies lobbied")[1].split("\n\n")[0]
    assert "DHS (070) Department of Homeland Security" in agencies
    assert "Contract obligations by awarding agency" in run.output
    assert f"Snapshot: {snapshot_id[0][0]}" in run.output


def test_influence_company_json_matches_the_text(built_run: Built) -> None:
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    text = influence(env, "company", "amazon")
    as_json = influence(env, "company", "amazon", "--json")
    assert as_json.returncode == 0, as_json.output
    summary = json.loads(as_json.output)
    assert summary["company_id"] == "amazon" and summary["parent"] is None
    year = next(y for y in summary["lobbying_by_year"] if y["year"] == 2018)
    q3 = next(p for p in year["periods"] if p["period"] == "Q3")
    assert Decimal(q3["lobbying_spend"]) == CASE_Q3_2018_SPEND
    assert _money(Decimal(year["lobbying_spend"])) in text.output
    assert "DHS" in [a["agency_abbreviation"] for a in summary["agencies_lobbied"]]
    for agency in summary["obligations_by_agency"]:
        assert _money(Decimal(agency["contract_obligations"])) in text.output
    assert summary["news_count"] > 0 and summary["news"][0]["seen_date"][:4].isdigit()
    for item in summary["news"]:
        assert item["title"] in text.output
    assert summary["names_count"] == len(summary["names"])


def test_influence_company_refuses_an_ambiguous_or_unknown_name(built_run: Built) -> None:
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    ambiguous = influence(env, "company", "general")
    assert ambiguous.returncode == 2, ambiguous.output
    assert "matches several companies" in ambiguous.output
    assert "  1. General " in ambiguous.output and "  2. General " in ambiguous.output
    picked = influence(env, "company", "general", "--pick", "1")
    assert picked.returncode == 0, picked.output
    assert picked.output.startswith("General ")
    unknown = influence(env, "company", "Amazoon Cloud Holdings")
    assert unknown.returncode == 2, unknown.output
    assert "matches no company" in unknown.output and "  1. Amazon " in unknown.output
    missing = influence(
        dict(env, INFLUENCE_WAREHOUSE=str(built_run.warehouse.with_name("none.duckdb"))),
        "company",
        "amazon",
    )
    assert missing.returncode == 2 and "influence refresh --sample" in missing.output


def test_the_readme_shows_what_influence_company_amazon_prints(built_run: Built) -> None:
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"```text\n(Amazon \(company_id amazon\)\n.*?)```", text, flags=re.S)
    assert match is not None, "the README's influence company example"
    env = dict(os.environ, INFLUENCE_WAREHOUSE=str(built_run.warehouse))
    run = influence(env, "company", "amazon")
    assert run.returncode == 0, run.output

    def steady(output: str) -> list[str]:  # the snapshot's id and time change with every build
        return [line for line in output.splitlines() if not line.startswith("Snapshot: ")]

    assert steady(run.output) == steady(match.group(1)), run.output


# -- watchlist alerts ------------------------------------------------------------------------------


def test_the_first_refresh_is_a_baseline_and_the_second_lists_nothing(built_run: Built) -> None:
    files = WarehouseFiles(built_run.warehouse)
    newest, older = list_snapshots(files)
    first, second = (read_digest(files.digests, s.snapshot_id) for s in (older, newest))
    assert first is not None and second is not None
    # no alert storm: the first publish lists nothing, whatever it loaded
    assert (first.baseline, first.total, first.changes) == (True, 0, [])
    assert (second.baseline, second.total, second.changes) == (False, 0, [])
    assert second.previous_snapshot_id == older.snapshot_id
    assert first.delivery is None and second.delivery is None  # no webhook configured
    assert (
        (files.digests / f"{newest.snapshot_id}.md")
        .read_text()
        .startswith(f"# Watchlist digest: snapshot {newest.snapshot_id}")
    )
    first_run, second_run = (run.output for run in built_run.runs)
    assert f"Watchlist digest: {files.digests / older.snapshot_id}.md (and .json): baseline" in (
        first_run
    )
    assert "nothing new for the watchlist since snapshot" in second_run
    assert "  ok published__watchlist_digest (" in second_run, second_run[-2000:]
    with duckdb.connect(str(built_run.warehouse), read_only=True) as con:
        assert con.execute(f"select count(*) from {CHANGES_TABLE}").fetchone() == (0,)
        comment = con.execute(
            "select comment from duckdb_tables() where schema_name = 'marts' "
            "and table_name = 'watchlist_changes'"
        ).fetchone()
        watched = con.execute(
            "select entity_type || ':' || entity_id "
            "from intermediate.int_watchlist_entities_resolved order by 1"
        ).fetchall()
    assert comment and "since the previous publish" in comment[0]
    assert ("company:amazon",) in watched and ("agency:070",) in watched


@dataclass
class AlertRun:
    run: Run
    files: WarehouseFiles
    changes: SampleChanges
    posts: list[RecordedRequest]


@pytest.fixture(scope="module")
def alert_run(built_run: Built, tmp_path_factory: pytest.TempPathFactory) -> AlertRun:
    """A third refresh, on a copy of the warehouse the first two built, of the sample a day
    later (one LDA amendment, one award action more), with a webhook on a local server."""
    tmp = tmp_path_factory.mktemp("alerts")
    files = copy_built_warehouse(built_run, tmp / "warehouse.duckdb")
    changes = sample_with_changes(tmp / "sample")
    watchlist = tmp / "watchlist.yaml"
    with LocalApiServer() as server:
        server.reply_next(204, times=None)
        watchlist.write_text(
            (REPO_ROOT / "ingest" / "watchlist.yaml").read_text(encoding="utf-8")
            + f'\nalerts:\n  webhook_url: "{server.url}/hooks/influence"\n',
            encoding="utf-8",
        )
        env = sample_env(files.published, tmp / "dagster_home")
        env.update(INFLUENCE_SAMPLE_DIR=str(changes.data_dir), INFLUENCE_WATCHLIST=str(watchlist))
        run = influence(env, "refresh", "--sample")
        posts = [r for r in server.requests if r.method == "POST"]
    return AlertRun(run, files, changes, posts)


def test_a_refresh_with_an_amendment_and_an_award_action_lists_exactly_those_two(
    alert_run: AlertRun,
) -> None:
    assert alert_run.run.returncode == 0, alert_run.run.output[-3000:]
    files = alert_run.files
    snapshot = current_snapshot(files)
    assert snapshot is not None
    digest = read_digest(files.digests, snapshot.snapshot_id)
    assert digest is not None and not digest.baseline
    with duckdb.connect(str(files.published), read_only=True) as con:
        amended = con.execute(
            "select report_id from marts.fct_lobbying_reports where filing_uuid = ?",
            [alert_run.changes.amended_filing_uuid],
        ).fetchone()
        action = con.execute(
            "select transaction_key from marts.fct_contract_transactions "
            "where award_piid = ? and modification_number = 'P00001' and action_date = ?",
            [alert_run.changes.transaction["Award ID"], "2017-03-15"],
        ).fetchone()
        table = con.execute(
            f"select change_kind, record_key, watched_entities from {CHANGES_TABLE} order by 1"
        ).fetchall()
    assert amended is not None and action is not None
    assert table == [
        ("award_modification", action[0], ["company:amazon"]),
        ("lda_report_amended", amended[0], ["company:amazon"]),
    ]
    assert [(c["change_kind"], c["record_key"]) for c in digest.changes] == [
        ("award_modification", action[0]),
        ("lda_report_amended", amended[0]),
    ]
    assert digest.counts == {"award_modification": 1, "lda_report_amended": 1}
    markdown = (files.digests / f"{snapshot.snapshot_id}.md").read_text(encoding="utf-8")
    assert "$55,000.00" in markdown and "$1,234.56" in markdown
    assert "2 change(s) since snapshot" in alert_run.run.output


def test_the_webhook_receives_the_digest_json(alert_run: AlertRun) -> None:
    assert alert_run.run.returncode == 0, alert_run.run.output[-3000:]
    assert len(alert_run.posts) == 1
    post = alert_run.posts[0]
    assert post.path == "/hooks/influence"
    assert post.header("Content-Type") == "application/json"
    body = post.json()
    snapshot = current_snapshot(alert_run.files)
    assert snapshot is not None and body["snapshot_id"] == snapshot.snapshot_id
    assert sorted(c["change_kind"] for c in body["changes"]) == [
        "award_modification",
        "lda_report_amended",
    ]
    digest = read_digest(alert_run.files.digests, snapshot.snapshot_id)
    assert digest is not None and digest.delivery is not None
    assert (digest.delivery.status, digest.delivery.http_status) == ("delivered", 204)
    assert "/hooks/influence" not in digest.delivery.url
    assert f"webhook {digest.delivery.url}: delivered (HTTP 204)" in alert_run.run.output
