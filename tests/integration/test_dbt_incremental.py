"""An incremental dbt build gives the same warehouse as a full build of the same raw data.

The sample's raw tables are landed without their latest quarter of filings, award actions and
articles (the "early" load) and built; then the rest lands (the "late" load) together with changed
records, as the landing code writes them (updated in place with the new load's id and time): a
filing amended to list one activity fewer under a new client name, a filing amended to
list no activity at all, an award action with a new amount, two awards whose descriptions now
name a product and no longer do, every filing of one client moved to another client, a
client renamed on its latest filing, an award amended to another recipient and amount, an action
under a new name "X D/B/A Y" that makes the old recipient name Y resolve to X's company, the
Award Data Archive's rows of one action deleted and of another moved to a new action date, a
news article retitled (its mentions change), a second copy of a GDELT article from the analyst's
list (with a description that mentions a topic), a new GDELT article whose mobile link is an
earlier article's link (the two become one article) and one that names Amazon's Annapurna Labs.
The
incremental `dbt build`
(data and unit tests included) must then hold, in every table of staging, intermediate and marts,
exactly the rows (EXCEPT ALL both ways) of a `dbt build --full-refresh` of the same raw data.
The "X D/B/A Y" action gives the watched company Amazon a new resolver name, so its news patterns
change and only its: the incremental news models try Amazon's new patterns (and no other) on every
article and the other patterns on the changed articles only.
Then a topic added to the watchlist and a new alias of Amazon add news patterns to those two
entities, and DHS loses one from the seed: the incremental news models try the new patterns and
all of DHS's on every article, add what the new ones find to the rows already there (Amazon's row
of the Annapurna Labs article), leave the other rows of the unchanged articles as they were (the
Pentagon's, and Amazon's where the new alias is not found), and hold what a rebuild holds.
Then the data tests of the filings' child tables check the late load's rows only: a key repeated
among them fails, one repeated among the early rows is not read (a full build tests every row).
Last, an entity remapped in the agency crosswalk makes the next build of the report x agency rows
map every current report again, not only the new filings.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from ingest import landing
from ingest.dbt_cli import run_dbt
from ingest.sources import USASPENDING_ARCHIVE_TRANSACTIONS
from tests.integration.test_dbt_models import write_raw_tables
from tests.integration.test_usaspending_archive_dbt import land_archive

pytestmark = [pytest.mark.integration, pytest.mark.slow]

EARLY = dt.datetime(2026, 1, 5, 6, 0, tzinfo=dt.UTC)
LATE = dt.datetime(2026, 1, 6, 6, 0, tzinfo=dt.UTC)

# the raw tables split in two loads, and the record field that dates a row: the rows from the
# table's last quarter of dates land late
LATE_BY_DATE = {
    "lda_filings": "$.dt_posted",
    "usaspending_transactions": '$."Action Date"',
    "gdelt_articles": "$.seendate",
}

# the assignments tables (macros/assignments.sql) and their keys
ASSIGNMENTS = {
    "int_company_name_assignments": "company_name_raw",
    "int_contract_uei_assignments": "recipient_uei",
}

NO_TESTS = ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def land_early(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple[Any, ...]]]:
    """Stamp every raw row as the early load's, take each split table's last quarter out
    (returned, table -> rows, to land later), and the awards of one recipient."""
    late: dict[str, list[tuple[Any, ...]]] = {}
    # the archive's kept batches (its first load) into its stored rows, so they can be stamped
    landing.store_kept_rows(con, USASPENDING_ARCHIVE_TRANSACTIONS.table)
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() "
        "where schema_name in ('raw', ?) order by all",
        [landing.STORE_SCHEMA],
    ).fetchall()
    for schema, table in tables:
        con.execute(f"update {schema}.{table} set load_id = 'early', loaded_at = ?", [EARLY])
    for table, field in LATE_BY_DATE.items():
        cutoff = f"(select quantile_disc(record ->> '{field}', 0.75) from raw.{table})"
        where = f"record ->> '{field}' > {cutoff}"
        late[table] = con.execute(f"select * from raw.{table} where {where}").fetchall()
        con.execute(f"delete from raw.{table} where {where}")
        assert late[table], table
    # the awards of one recipient are never loaded: its actions take their company from their
    # recipient UEI or name (fct_contract_transactions), which _state_alias then reassigns
    con.execute(
        """
        delete from raw.usaspending_awards where record ->> '$."Recipient Name"' = (
            select record ->> '$."Recipient Name"' as recipient from raw.usaspending_awards
            where record ->> '$."Recipient Name"' is not null
            group by all order by count(*), recipient limit 1)
        """
    )
    return late


def _amend(
    con: duckdb.DuckDBPyConnection, table: str, key: str, value: str, record: dict[str, Any]
) -> None:
    """Rewrite a stored record as landing does when a load brings a changed version of it."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    con.execute(
        f"update raw.{table} set record = ?, record_hash = ?, load_id = 'late', loaded_at = ? "
        f"where {key} = ?",
        [text, _digest(text), LATE, value],
    )


def _keyed_record(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> tuple[str, dict[str, Any]]:
    """The first row of `sql`, a key and its raw record: the key and the record parsed (the
    test's data must hold such a row)."""
    row = con.execute(sql, params or []).fetchone()
    assert row is not None and row[0] is not None, sql
    return row[0], json.loads(row[1])


def land_late(
    con: duckdb.DuckDBPyConnection, late: dict[str, list[tuple[Any, ...]]]
) -> dict[str, str]:
    """Land the rest and the changed records; returns which keys were amended."""
    for table, rows in late.items():
        stamped = [(*row[:3], "late", LATE) for row in rows]
        con.executemany(f"insert into raw.{table} values (?, ?, ?, ?, ?)", stamped)
    amended_keys = _amend_clients(con)  # first: the filings it moves are then no longer early
    amended_keys.update(_amend_awards(con))
    amended_keys.update(_amend_award_recipient(con))
    amended_keys.update(_amend_archive(con))
    amended_keys.update(_state_alias(con))
    amended_keys.update(_state_client_alias(con))
    fewer, amended = _keyed_record(
        con,
        "select filing_uuid, record from raw.lda_filings where load_id = 'early' "
        "and json_array_length(record, '$.lobbying_activities') >= 2 "
        "and record ->> '$.client.name' is not null order by filing_uuid limit 1",
    )
    amended["lobbying_activities"] = amended["lobbying_activities"][:-1]
    amended["income"] = "12345.00"
    amended["client"]["name"] = amended["client"]["name"] + " ZYXWV"
    _amend(con, "lda_filings", "filing_uuid", fewer, amended)
    emptied, amended = _keyed_record(
        con,
        "select filing_uuid, record from raw.lda_filings where load_id = 'early' "
        "and json_array_length(record, '$.lobbying_activities') >= 1 "
        "order by filing_uuid desc limit 1",
    )
    amended["lobbying_activities"] = []
    _amend(con, "lda_filings", "filing_uuid", emptied, amended)
    changed, amended = _keyed_record(
        con,
        "select transaction_key, record from raw.usaspending_transactions "
        "where load_id = 'early' and transaction_key not in ("
        "select transaction_key from staging.stg_usaspending__archive_transactions) "
        "order by transaction_key limit 1",  # the archive's row of an action wins
    )
    amended["Transaction Amount"] = 987654.32
    _amend(con, "usaspending_transactions", "transaction_key", changed, amended)
    amended_keys.update({"fewer": fewer, "emptied": emptied, "transaction": changed})
    amended_keys.update(_amend_news(con))
    amended_keys.update(_supersede_a_report(con))
    return amended_keys


def _supersede_a_report(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Land an amendment of a current report whose filing named mapped agencies: the early
    filing is no longer current, so int_lda_report_agencies deletes its rows (delete_keys_gone)
    though it did not land again, and drops its fingerprint part."""
    superseded, amendment = _keyed_record(
        con,
        "select raw.filing_uuid, raw.record from raw.lda_filings as raw "
        "where raw.load_id = 'early' and raw.filing_uuid in ("
        "select filing_uuid from intermediate.int_lda_report_agencies) "
        "order by raw.filing_uuid limit 1",
    )
    amendment["filing_uuid"] = "00000000-0000-4000-8000-00000000a3e1"
    amendment["dt_posted"] = "2026-01-06T00:00:00-05:00"
    _land(con, "lda_filings", "filing_uuid", amendment)
    return {"superseded": superseded, "amendment": amendment["filing_uuid"]}


PRODUCT = r"\bAWS\b|AMAZON\s+WEB\s+SERVICES"


def _amend_awards(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """An award whose description named a product names none now, and one that named none now
    names AWS (int_contract_award_products must drop the one and add the other)."""
    amended = {}
    for name, condition, description in (
        ("unnamed", "", "CLOUD HOSTING SERVICES"),
        ("named", "not ", "RESALE OF AWS CLOUD CAPACITY"),
    ):
        key, changed = _keyed_record(
            con,
            "select generated_internal_id, record from raw.usaspending_awards "
            f"where {condition}regexp_matches(upper(record ->> '$.Description'), ?) "
            "and record ->> '$.Description' is not null order by generated_internal_id limit 1",
            [PRODUCT],
        )
        changed["Description"] = description
        _amend(con, "usaspending_awards", "generated_internal_id", key, changed)
        amended[f"award_{name}"] = key
    return amended


def _land(con: duckdb.DuckDBPyConnection, table: str, key: str, record: dict[str, Any]) -> None:
    """Land a new record in the late load."""
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    con.execute(
        f"insert into raw.{table} ({key}, record, record_hash, load_id, loaded_at) "
        "values (?, ?, ?, 'late', ?)",
        [record[key], text, _digest(text), LATE],
    )


def _early_gdelt(con: duckdb.DuckDBPyConnection, title_pattern: str, skip: int = 0) -> Any:
    """An early GDELT article (without a mobile link) whose title matches: (url, record)."""
    row = con.execute(
        "select url, record from raw.gdelt_articles where load_id = 'early' "
        "and coalesce(record ->> '$.url_mobile', '') = '' "
        "and regexp_matches(record ->> '$.title', ?) order by url limit 1 offset ?",
        [title_pattern, skip],
    ).fetchone()
    assert row is not None, title_pattern
    return row[0], json.loads(row[1])


# a late article that names Amazon and its chip maker Annapurna Labs, a name the alias seed does not
# give Amazon until _patterns_changed_retags_their_entities adds it
CHIP_TITLE = "Amazon's Annapurna Labs designs a new chip for its cloud"


def _amend_news(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """An article that mentioned Amazon is retitled to mention only the Pentagon; the analyst
    lists a copy of a GDELT article (over http, with a campaign parameter) with a description
    about facial recognition; a new GDELT article gives an earlier article's link as its mobile
    link (the earlier article becomes part of the new one); another names Amazon's Annapurna
    Labs (CHIP_TITLE)."""
    retitled, record = _early_gdelt(con, "^Amazon expands same-day delivery")
    record["title"] = "Pentagon audit finds gaps in cyber defense accounting"
    _amend(con, "gdelt_articles", "url", retitled, record)

    copied, record = _early_gdelt(con, "^Department of Defense expands base")
    _land(
        con,
        "analyst_articles",
        "url",
        {
            "url": copied.replace("https://", "http://", 1) + "?utm_source=newsletter",
            "title": "An analyst's title",
            "published": record["seendate"][:4] + "-06-01",
            "publisher": "Analyst copy",
            "description": "The base will test facial recognition at its gates.",
            "_file": "articles.csv",
            "_row": 99,
        },
    )

    merged, record = _early_gdelt(con, "^Amazon expands same-day delivery", skip=1)
    main = merged + "-full-story"
    _land(con, "gdelt_articles", "url", {**record, "url": main, "url_mobile": merged})

    chip, record = _early_gdelt(con, "^Amazon expands same-day delivery", skip=2)
    _land(con, "gdelt_articles", "url", {**record, "url": chip + "-chip", "title": CHIP_TITLE})
    return {"news_retitled": retitled, "news_copied": copied, "news_merged": merged,
            "news_main": main}  # fmt: skip


# a name the alias seed resolves (alias_exact): the company a stated d/b/a name joins
STATING = "AMAZON WEB SERVICES, INC."


def _early_actions_by_name(con: duckdb.DuckDBPyConnection, rule: str) -> str:
    """The recipient name, resolved by `rule` in the early build, of the most early actions whose
    award is not loaded (their company comes from the name alone) and of no award."""
    row = con.execute(
        """
        select actions.recipient_name
        from staging.stg_usaspending__transactions as actions
        inner join intermediate.int_company_name_matches as matches
            on actions.recipient_name = matches.company_name_raw
        where matches.match_rule = ? and actions.load_id = 'early'
            and actions.generated_internal_id not in (
                select generated_internal_id from staging.stg_usaspending__awards)
            and actions.recipient_name not in (
                select recipient_name from staging.stg_usaspending__awards
                where recipient_name is not null)
        group by all order by count(*) desc, actions.recipient_name limit 1
        """,
        [rule],
    ).fetchone()
    assert row is not None, rule
    return str(row[0])


def _state_alias(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A new action under "X D/B/A Y", where Y is an early recipient name resolved to a company
    of its own: Y now resolves to X's company (the resolver's stated_alias rule), so Y's early
    actions, not landed again, must take X's company."""
    stated = _early_actions_by_name(con, "normalized_name")
    key, record = con.execute(
        "select transaction_key, record from raw.usaspending_transactions "
        "where record ->> '$.\"Recipient Name\"' = ? order by all limit 1",
        [stated],
    ).fetchone() or (None, None)
    assert key is not None
    return {"stated_name": stated, "stating_action": _land_stating(con, record, stated, "DBA0001")}


def _land_stating(con: duckdb.DuckDBPyConnection, record: str, stated: str, award_id: str) -> str:
    """Land a copy of an action `record` under the new name "X D/B/A `stated`"; its key."""
    action = json.loads(record)
    award = f"CONT_AWD_{award_id}_9700_-NONE-_-NONE-"
    action.update(
        {"Recipient Name": f"{STATING} D/B/A {stated}", "Recipient UEI": None,
         "generated_internal_id": award, "Award ID": award_id}
    )  # fmt: skip
    text = json.dumps(action, ensure_ascii=False, separators=(",", ":"))
    new_key = f"{award}|0|{action['Action Date']}"
    con.execute(
        "insert into raw.usaspending_transactions values (?, ?, ?, 'late', ?)",
        [new_key, text, _digest(text), LATE],
    )
    return new_key


def _state_client_alias(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A new action under "X D/B/A Y", where Y is the client name of early LDA filings only,
    resolved to a company of its own: their reports, not landed again, now resolve to X's company
    (the LDA marts keyed by filing, report or company must redo them)."""
    stated = con.execute(
        """
        select filings.record ->> '$.client.name' as client_name
        from raw.lda_filings as filings
        inner join intermediate.int_company_name_matches as matches
            on filings.record ->> '$.client.name' = matches.company_name_raw
        where matches.match_rule = 'normalized_name'
        group by all having bool_and(filings.load_id = 'early')
        order by count(*) desc, client_name limit 1
        """
    ).fetchone()
    record = con.execute(
        "select record from raw.usaspending_transactions where load_id = 'early' "
        "order by transaction_key limit 1"
    ).fetchone()
    assert stated is not None and record is not None
    _land_stating(con, record[0], stated[0], "DBA0002")
    return {"client_stated": stated[0]}


def _amend_award_recipient(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """An early award with early actions, amended to another recipient (STATING) and amount: its
    actions, not landed again, must take the award's new company."""
    key, amended = _keyed_record(
        con,
        """
        select awards.generated_internal_id, awards.record from raw.usaspending_awards as awards
        where awards.load_id = 'early' and awards.record ->> '$."Recipient Name"' <> ?
            and awards.generated_internal_id in (
            select record ->> '$.generated_internal_id' from raw.usaspending_transactions
            where load_id = 'early')
        order by all limit 1
        """,
        [STATING],
    )
    amended.update({"Recipient Name": STATING, "Recipient UEI": None, "Award Amount": 4321.0})
    _amend(con, "usaspending_awards", "generated_internal_id", key, amended)
    return {"award_recipient": key}


def _amend_archive(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Of two archive rows of actions the search API also has, a Delta deletes one and moves the
    other to a new action date (a new transaction_key): each old key is now the search API's
    row, and the moved action is a new one."""
    table = USASPENDING_ARCHIVE_TRANSACTIONS.table
    rows = con.execute(
        """
        select archive.contract_transaction_unique_key, archive.transaction_key
        from staging.stg_usaspending__archive_transactions as archive
        inner join staging.stg_usaspending__transactions as search_api
            on archive.transaction_key = search_api.transaction_key
        where search_api.load_id = 'early'
        order by all limit 2
        """
    ).fetchall()
    assert len(rows) == 2
    (deleted, deleted_action), (moved, moved_action) = rows
    blanked = ", ".join(f"{c} = null" for c in table.value_columns if c != "correction_delete_ind")
    con.execute(
        f"update {table.stored} set {blanked}, correction_delete_ind = 'D', "
        f"load_id = 'late', loaded_at = ? where {table.key_column} = ?",
        [LATE, deleted],
    )
    con.execute(
        f"update {table.stored} set action_date = cast(cast(action_date as date) "
        "+ interval 1 day as date), load_id = 'late', loaded_at = ? "
        f"where {table.key_column} = ?",
        [LATE, moved],
    )
    # each changed row hashed as a load hashes it
    con.execute(
        f"update {table.stored} set record_hash = {table.columns_hash_sql()} "
        f"where {table.key_column} in (?, ?)",
        [deleted, moved],
    )
    return {
        "archive_deleted": deleted,
        "archive_deleted_action": deleted_action,
        "archive_moved": moved,
        "archive_moved_action": moved_action,
    }


def _amend_clients(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Every filing of the client with the fewest filings now names another client's id (the
    first one's row must go, the other's count grow), and the latest filing of a third client
    renames it (its row must read the new name)."""
    gone, taker, renamed = (
        row[0]
        for row in con.execute(
            "select record ->> '$.client.id' as client, count(*) as filings "
            "from raw.lda_filings where record ->> '$.client.id' is not null "
            "group by all order by filings, client limit 3"
        ).fetchall()
    )
    for uuid, record in con.execute(
        "select filing_uuid, record from raw.lda_filings where record ->> '$.client.id' = ?",
        [gone],
    ).fetchall():
        moved = json.loads(record)
        # the id only: the name stays on the filings (a name no source holds any more stays in
        # the resolver's scores, int_company_match_pair_scores, until a full build)
        moved["client"]["id"] = json.loads(taker)
        _amend(con, "lda_filings", "filing_uuid", uuid, moved)
    latest = con.execute(
        "select filing_uuid, record from raw.lda_filings where record ->> '$.client.id' = ? "
        "order by cast(record ->> '$.dt_posted' as timestamptz) desc nulls last, "
        "filing_uuid desc limit 1",
        [renamed],
    ).fetchone()
    assert latest is not None
    changed = json.loads(latest[1])
    changed["client"]["name"] = "RENAMED CLIENT QXJV"
    _amend(con, "lda_filings", "filing_uuid", latest[0], changed)
    return {"client_gone": gone, "client_taker": taker, "client_renamed": renamed}


def _build(args: list[str], warehouse: Path, work: Path) -> None:
    result = run_dbt(args, warehouse, work, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def built_tables(con: duckdb.DuckDBPyConnection, database: str) -> list[tuple[str, str]]:
    return con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? "
        "and schema_name in ('staging', 'intermediate', 'marts') order by all",
        [database],
    ).fetchall()


def test_incremental_build_equals_full_build(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    assert all(write_raw_tables(warehouse).values())
    with duckdb.connect(str(warehouse)) as con:
        land_archive(con, tmp_path)
        late = land_early(con)
    _build(["build", *NO_TESTS], warehouse, tmp_path / "early")

    with duckdb.connect(str(warehouse)) as con:
        amended = land_late(con, late)
    full = tmp_path / "full.duckdb"
    shutil.copyfile(warehouse, full)
    work = tmp_path / "incremental"
    early_patterns = _news_patterns_of(warehouse, AMAZON)
    _build(["build"], warehouse, work)  # incremental, every data and unit test
    _build(["build", "--full-refresh", *NO_TESTS], full, tmp_path / "full")

    # the incremental models did take the incremental path (dbt's delete+insert, not a rebuild)
    run_sql = work / "target" / "run" / "influence_warehouse" / "models"
    for model in (
        "staging/lda/stg_lda__clients.sql",
        "staging/lda/stg_lda__registrants.sql",
        "staging/usaspending/stg_usaspending__awards.sql",
        "intermediate/contracts/int_contract_award_products.sql",
        "intermediate/lobbying/int_lda_report_agencies.sql",
        "intermediate/news/int_news_article_links.sql",
        "intermediate/news/int_news_articles_deduplicated.sql",
        "intermediate/news/int_news_mentions_tagged.sql",
        "marts/news/fct_news_articles.sql",
        "marts/news/fct_news_mentions.sql",
        "marts/contracts/fct_contract_awards.sql",
        "marts/contracts/fct_contract_transactions.sql",
    ):
        assert "delete from" in (run_sql / model).read_text().lower(), model
    # and those whose pre-hook deleted the rows they redo appended them: the LDA filings' child
    # rows (delete_children_of_changed) and the models incremental by fingerprint
    # (macros/changed_keys.sql)
    for model in (
        "staging/lda/stg_lda__activities.sql",
        "staging/lda/stg_lda__activity_lobbyists.sql",
        "staging/lda/stg_lda__activity_government_entities.sql",
        "intermediate/lobbying/int_lda_filings_latest.sql",
        "intermediate/lobbying/int_lda_report_versions.sql",
        "marts/lobbying/fct_lobbying_reports.sql",
        "marts/lobbying/fct_lobbying_issues.sql",
        "marts/lobbying/fct_lobbying_report_agencies.sql",
        "marts/lobbying/fct_lobbying_report_versions.sql",
        "marts/influence/company_quarter_lobbying.sql",
        "marts/influence/company_period_lobbying.sql",
        "marts/influence/company_agency_quarter.sql",
        "marts/core/company_profile.sql",
    ):
        assert (run_sql / model).read_text().lower().lstrip().startswith("insert into"), model
    # Amazon only gained patterns (the stated name's among them, see below): they alone were
    # tried on every article
    gained = _news_patterns_of(warehouse, AMAZON) - early_patterns
    assert gained
    _assert_news_retagged_only(work, set(), {AMAZON: gained})

    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as incremental (read_only)")
        con.execute(f"attach '{full}' as rebuilt (read_only)")
        tables = built_tables(con, "incremental")
        assert tables == built_tables(con, "rebuilt")
        names = {name for _, name in tables}
        assert {"fct_lobbying_reports", "fct_contract_transactions", "fct_news_mentions"} <= names
        assert {"stg_lda__filings", "int_company_match_pair_scores"} <= names
        differing = {}
        for schema, name in tables:
            # an assignments table stamps its rows with the build that wrote them and keeps
            # tombstones: the companies it gives are a full build's; a model's watermark of one
            # (model.assignments) is such a stamp
            rows = f"select * from {{}}.{schema}.{name}"
            if name in ASSIGNMENTS:
                rows = (
                    f"select {ASSIGNMENTS[name]}, company_id from {{}}.{schema}.{name} "
                    "where company_id is not null"
                )
            elif name == "changed_keys_redone":
                continue  # the keys an incremental build redid: checked below
            elif name == "changed_keys_builds":
                continue  # the dbt invocation that last stored each model's fingerprints
            elif name == "incremental_watermarks":
                # where each build started reading (read_from) differs by design: checked below
                rows = (
                    f"select * exclude (read_from) from {{}}.{schema}.{name} "
                    "where model_name not like '%.%'"
                )
            counts = [
                con.execute(
                    f"select count(*) from ({rows.format(a)} except all {rows.format(b)})"
                ).fetchone()
                for a, b in (("incremental", "rebuilt"), ("rebuilt", "incremental"))
            ]
            if any(c is None or c[0] for c in counts):
                differing[f"{schema}.{name}"] = counts
        assert differing == {}

        # int_lda_filings_latest and int_lda_report_versions fingerprint the same filings alike:
        # the one built second read the fingerprints the first stored in this build (and the
        # stored fingerprints equal a full build's, compared above)
        log = (work / "logs" / "dbt.log").read_text()
        assert re.search(
            r"from \(\s*select\s+stored\.key,\s+stored\.fingerprint\s+"
            r"from staging\.changed_keys_fingerprints as stored\s+"
            r"where stored\.model_name = 'int_lda_(filings_latest|report_versions)'\s*"
            r"\) as fingerprinted",
            log,
        )

        # the changes did arrive: one activity fewer, none at all, the new amount
        activities = dict(
            con.execute(
                "select filing_uuid, count(*) from incremental.staging.stg_lda__activities "
                "where filing_uuid in (?, ?) group by all",
                [amended["fewer"], amended["emptied"]],
            ).fetchall()
        )
        assert amended["emptied"] not in activities
        assert activities[amended["fewer"]] >= 1
        amount = con.execute(
            "select transaction_amount from incremental.marts.fct_contract_transactions "
            "where transaction_key = ?",
            [amended["transaction"]],
        ).fetchone()
        assert amount is not None and float(amount[0]) == 987654.32
        # each incremental model recorded how far it read: the late load
        watermarks = dict(
            con.execute(
                "select model_name, loaded_at from incremental.staging.incremental_watermarks"
            ).fetchall()
        )
        read_late = (
            "stg_lda__foreign_entities", "stg_lda__clients", "int_contract_award_products",
            "fct_contract_awards", "fct_contract_transactions",
        )  # fmt: skip
        assert {model: watermarks.get(model) for model in read_late} == dict.fromkeys(
            read_late, LATE
        )
        # and how far they read the assignments: the newest stamp of each
        for model, assignments in (
            ("fct_contract_awards.company_names", "int_company_name_assignments"),
            ("fct_contract_transactions.company_names", "int_company_name_assignments"),
            ("fct_contract_transactions.recipient_ueis", "int_contract_uei_assignments"),
        ):
            newest = con.execute(
                f"select max(assigned_at) from incremental.intermediate.{assignments}"
            ).fetchone()
            assert newest is not None and watermarks[model] == newest[0], model

        # the awards' new descriptions: one names no product now, the other AWS
        products = dict(
            con.execute(
                "select generated_internal_id, named_products from incremental.marts."
                "fct_contract_awards where generated_internal_id in (?, ?)",
                [amended["award_unnamed"], amended["award_named"]],
            ).fetchall()
        )
        assert products == {
            amended["award_unnamed"]: None,
            amended["award_named"]: ["Amazon Web Services"],
        }

        # the client whose filings all moved is gone, the other holds them, the renamed reads so
        clients = dict(
            con.execute(
                "select cast(client_id as varchar), client_name from incremental.staging."
                "stg_lda__clients where client_id in (?, ?, ?)",
                [amended["client_gone"], amended["client_taker"], amended["client_renamed"]],
            ).fetchall()
        )
        assert amended["client_gone"] not in clients
        assert clients[amended["client_renamed"]] == "RENAMED CLIENT QXJV"

        # the superseded filing's agencies went with it, the amendment's came (and their
        # fingerprint parts: compared with the full build's above)
        agencies = dict(
            con.execute(
                "select filing_uuid, count(*) from incremental.intermediate."
                "int_lda_report_agencies where filing_uuid in (?, ?) group by all",
                [amended["superseded"], amended["amendment"]],
            ).fetchall()
        )
        assert set(agencies) == {amended["amendment"]}
        _assert_contract_facts(con, amended)
        _assert_keys_rebuilt_recorded(con, amended)
        _assert_companies_redone(con, amended)
        _assert_filings_redone(con, amended)

        new_name = con.execute(
            "select count(*) from incremental.intermediate.int_company_match_pair_scores "
            "where normalized_name like '% ZYXWV' and reference_name is null"
        ).fetchone()
        assert new_name is not None and new_name[0] >= 1

        # the news: the retitled article mentions the Pentagon only; the analyst's copy adds its
        # description (and the topic it mentions) to the GDELT article; the earlier article whose
        # link the new one gives as its mobile link is part of it, no longer an article of its own
        assert _mentioned(con, "incremental", amended["news_retitled"]) == {("agency", False)}
        copied = con.execute(
            "select inputs, description from incremental.marts.fct_news_articles "
            "where list_contains(source_urls, ?)",
            [amended["news_copied"]],
        ).fetchone()
        assert copied == (
            ["analyst", "gdelt"],
            "The base will test facial recognition at its gates.",
        )
        assert ("topic", True) in _mentioned(con, "incremental", amended["news_copied"])
        # the stated name Y is a new resolver name of Amazon's, hence a news pattern of Amazon's
        # (the build retagged Amazon only: _assert_news_retagged_only)
        new_pattern = con.execute(
            "select count(*) from incremental.intermediate.int_news_watchlist_patterns as patterns "
            "inner join incremental.intermediate.int_company_name_matches as matches "
            "on patterns.term = matches.normalized_name "
            "where patterns.entity_id = 'amazon' and matches.company_name_raw = ?",
            [amended["stated_name"]],
        ).fetchone()
        assert new_pattern == (1,)
        merged = con.execute(
            "select url, source_urls from incremental.marts.fct_news_articles "
            "where list_contains(source_urls, ?)",
            [amended["news_merged"]],
        ).fetchall()
        assert merged == [
            (amended["news_main"], sorted([amended["news_merged"], amended["news_main"]]))
        ]

    # the filings' child tables test the rows their last build wrote: the incremental build read
    # from the early load's mark, the full build from nothing
    for database, read_from in ((warehouse, EARLY), (full, None)):
        with duckdb.connect(str(database), read_only=True) as con:
            marks = con.execute(
                "select read_from from staging.incremental_watermarks "
                "where model_name = 'stg_lda__activity_government_entities'"
            ).fetchall()
            assert marks == [(read_from,)], database
    with duckdb.connect(str(warehouse)) as con:
        # a key repeated among the built rows fails the test; one among the kept rows is not read
        for load in ("late", "early"):
            repeated = con.execute(
                "insert into staging.stg_lda__activity_government_entities "
                "select * from staging.stg_lda__activity_government_entities "
                "where load_id = ? order by activity_government_entity_id limit 1",
                [load],
            ).fetchone()
            assert repeated == (1,), load
        # the same for a model rebuilt by key: a rebuilt key repeated fails, a kept one is not read
        for rebuilt in (True, False):
            repeated = con.execute(
                "insert into marts.fct_contract_transactions "
                "select * from marts.fct_contract_transactions where transaction_key "
                f"{'' if rebuilt else 'not'} in (select key from staging.changed_keys_redone "
                "where model_name = 'fct_contract_transactions') order by transaction_key limit 1"
            ).fetchone()
            assert repeated == (1,), rebuilt
        # a raw table re-created without its primary key
        con.execute(
            "create table raw.usaspending_transactions_copy as "
            "select * from raw.usaspending_transactions; "
            "drop table raw.usaspending_transactions; "
            "alter table raw.usaspending_transactions_copy rename to usaspending_transactions"
        )
    checked = _test_failures(
        [
            "test", "--select",
            "stg_lda__activity_government_entities,test_name:unique "
            "fct_contract_transactions,test_name:unique "
            "source:raw.usaspending_transactions,test_name:primary_key_enforced",
        ],
        warehouse,
        tmp_path / "duplicated",
    )  # fmt: skip
    assert checked == {
        "unique_stg_lda__activity_government_entities_activity_government_entity_id": 1,
        "unique_fct_contract_transactions_transaction_key": 1,
        "source_primary_key_enforced_raw_usaspending_transactions_transaction_key": 1,
    }
    _remap_an_entity(warehouse, tmp_path / "crosswalk")
    _patterns_changed_retags_their_entities(warehouse, full, tmp_path)


def _assert_companies_redone(con: duckdb.DuckDBPyConnection, amended: dict[str, Any]) -> None:
    """company_agency_quarter redid the years of the companies whose inputs changed, not every
    company's every year: among them the year of the amended award action; after a full build,
    every key (a null key)."""
    redone = {
        key
        for (key,) in con.execute(
            "select key from incremental.staging.changed_keys_redone "
            "where model_name = 'company_agency_quarter'"
        ).fetchall()
    }
    company_years = con.execute(
        "select count(distinct (company_id, year)) from incremental.marts.company_agency_quarter"
    ).fetchone()
    assert company_years is not None and 0 < len(redone) < company_years[0]
    amended_action = con.execute(
        "select company_id, action_year from incremental.marts.fct_contract_transactions "
        "where transaction_key = ?",
        [amended["transaction"]],
    ).fetchone()
    assert amended_action is not None
    company, year = amended_action
    assert f"{company}|{year}" in redone
    after_full = con.execute(
        "select model_name, key from rebuilt.staging.changed_keys_redone "
        "where model_name in ('company_agency_quarter', 'company_profile')"
    ).fetchall()
    assert set(after_full) == {("company_agency_quarter", None), ("company_profile", None)}


def _assert_keys_rebuilt_recorded(con: duckdb.DuckDBPyConnection, amended: dict[str, Any]) -> None:
    """The models rebuilt by delete+insert recorded the keys they rebuilt, which their key tests
    check: fewer than all, among them the amended ones; after a full build, every key."""
    for model, table, key, changed in (
        ("fct_contract_transactions", "marts", "transaction_key", {amended["transaction"]}),
        ("fct_contract_awards", "marts", "generated_internal_id", {amended["award_recipient"]}),
        ("int_lda_report_agencies", "intermediate", "filing_uuid", {amended["fewer"]}),
    ):
        redone = {
            k
            for (k,) in con.execute(
                "select key from incremental.staging.changed_keys_redone where model_name = ?",
                [model],
            ).fetchall()
        }
        (held,) = con.execute(
            f"select count(distinct {key}) from incremental.{table}.{model}"
        ).fetchone() or (0,)
        assert 0 < len(redone) < held, model
        assert changed <= redone, model
        after_full = con.execute(
            "select key from rebuilt.staging.changed_keys_redone where model_name = ?", [model]
        ).fetchall()
        assert after_full == [(None,)], model  # every key


def _assert_filings_redone(con: duckdb.DuckDBPyConnection, amended: dict[str, Any]) -> None:
    """The LDA report marts keyed by filing redid the filings whose inputs changed, not every
    filing: among them the amended filing (a new income, one activity fewer), for the issues the
    filing amended to list no activity (its rows deleted), and the reports of the client name now
    resolved to the stating name's company, though their filings did not change."""
    company = con.execute(
        "select company_id from incremental.intermediate.int_company_name_matches "
        "where company_name_raw = ?",
        [STATING],
    ).fetchone()
    assert company is not None and company[0] is not None
    for model, filings_changed in (
        ("fct_lobbying_reports", {amended["fewer"]}),
        ("fct_lobbying_issues", {amended["fewer"], amended["emptied"]}),
    ):
        redone = {
            key
            for (key,) in con.execute(
                "select key from incremental.staging.changed_keys_redone where model_name = ?",
                [model],
            ).fetchall()
        }
        filings = con.execute(
            f"select count(distinct filing_uuid) from incremental.marts.{model}"
        ).fetchone()
        assert filings is not None and 0 < len(redone) < filings[0], model
        realiased = con.execute(
            f"select list(distinct filing_uuid), list(distinct company_id) "
            f"from incremental.marts.{model} where client_name = ?",
            [amended["client_stated"]],
        ).fetchone()
        assert realiased is not None and realiased[1] == [company[0]], model
        assert filings_changed | set(realiased[0]) <= redone, model
        after_full = con.execute(
            "select key from rebuilt.staging.changed_keys_redone where model_name = ?", [model]
        ).fetchall()
        assert after_full == [(None,)], model  # every key


def _test_failures(args: list[str], warehouse: Path, work: Path) -> dict[str, int]:
    """Run dbt's tests; each test run, by name, with the number of failing rows it found."""
    run_dbt(args, warehouse, work, timeout=900)
    results = json.loads((work / "target" / "run_results.json").read_text())["results"]
    return {
        r["unique_id"].split(".")[2]: int(r["failures"] or 0)
        for r in results
        if r["unique_id"].startswith("test.")
    }


def _remap_an_entity(warehouse: Path, work: Path) -> None:
    """A changed crosswalk: the entity most current reports name now maps to another toptier
    code (the reference table edited as `dbt seed` would load it). The next build of
    int_lda_report_agencies must map every report again, not only the new filings."""
    crosswalk = "reference.lda_government_entity_agency_codes"
    current_naming = (
        "select count(distinct entities.filing_uuid) "
        "from staging.stg_lda__activity_government_entities as entities "
        "join intermediate.int_lda_filings_latest as reports using (filing_uuid) "
        "where entities.government_entity_id = ?"
    )
    with duckdb.connect(str(warehouse)) as con:
        (entity,) = con.execute(
            "select entities.government_entity_id "
            "from staging.stg_lda__activity_government_entities as entities "
            "join intermediate.int_lda_filings_latest as reports using (filing_uuid) "
            f"join {crosswalk} as codes using (government_entity_id) "
            "where codes.toptier_code is not null and codes.subtier_code is null "
            "group by all order by count(distinct entities.filing_uuid) desc, 1 limit 1"
        ).fetchone() or (None,)
        assert entity is not None
        con.execute(
            f"update {crosswalk} set toptier_code = '999' where government_entity_id = ?", [entity]
        )
        (naming,) = con.execute(current_naming, [entity]).fetchone() or (0,)
    _build(["run", "--select", "int_lda_report_agencies"], warehouse, work)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        remapped = con.execute(
            "select count(*) from intermediate.int_lda_report_agencies where agency_code = '999'"
        ).fetchone()
    assert naming > 1 and remapped == (naming,)


def _mentioned(con: duckdb.DuckDBPyConnection, database: str, url: str) -> set[tuple[str, bool]]:
    """The entity types the mentions of the article a link is part of name, and whether each is
    in its description."""
    return set(
        con.execute(
            f"select mentions.entity_type, mentions.is_in_description "
            f"from {database}.marts.fct_news_mentions as mentions "
            f"inner join {database}.marts.fct_news_articles as articles using (url) "
            "where list_contains(articles.source_urls, ?)",
            [url],
        ).fetchall()
    )


AMAZON = ("company", "amazon")
NEWS_PATTERN_MODELS = [
    "int_watchlist_entities_resolved",
    "int_news_watchlist_patterns",
    "int_news_mentions_tagged",
    "fct_news_mentions",
]


# a news pattern's branch in the compiled int_news_mentions_tagged (a pattern tried as a constant):
# its entity, its id and the texts it reads
NEWS_BRANCH = re.compile(
    r"'(?P<type>[^']+)' as entity_type,\s*'(?P<id>[^']+)' as entity_id,\s*"
    r"'(?P<pattern>[^']+)' as pattern_id\s*from (?P<texts>\w+)"
)
# a pattern with required words is tried through its words: a row of required_words per word,
# (pattern_id, entity_type, entity_id, word, the texts it is tried on)
NEWS_WORDED = re.compile(
    r"\(\s*'(?P<pattern>[^']+)',\s*'(?P<type>[^']+)',\s*'(?P<id>[^']+)',\s*'[a-z0-9]+',\s*"
    r"'(?P<texts>\w+)'\s*\)"
)


def _news_patterns_of(warehouse: Path, entity: tuple[str, str]) -> set[str]:
    """The ids of the news patterns `entity` has in `warehouse` (the seed's and the watchlist's)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {
            pattern_id
            for (pattern_id,) in con.execute(
                "select pattern_id from reference.news_entity_patterns "
                "where entity_type = ? and entity_id = ? union "
                "select pattern_id from intermediate.int_news_watchlist_patterns "
                "where entity_type = ? and entity_id = ?",
                [*entity, *entity],
            ).fetchall()
        }


def _assert_news_retagged_only(
    work: Path, retagged: set[tuple[str, str]], added: dict[tuple[str, str], set[str]]
) -> None:
    """The incremental build of the news models (dbt's compiled SQL in `work`) found that only the
    `retagged` entities (which lost or edited a pattern) and those of `added` (which only gained
    the patterns given) changed their patterns: int_news_mentions_tagged tried on every article's
    texts all the patterns of the first and only the new ones of the second, and no other pattern;
    fct_news_mentions redid every row of both."""
    compiled = work / "target" / "compiled" / "influence_warehouse" / "models"

    def named(entities: Iterable[tuple[str, str]]) -> str:
        return ", ".join(sorted(f"{kind}:{entity}" for kind, entity in entities)) or "none"

    changed = retagged | set(added)
    for model in (
        "intermediate/news/int_news_mentions_tagged.sql",
        "marts/news/fct_news_mentions.sql",
    ):
        listed = re.search(r"patterns changed, [^\n]*:\n-- (.*)\n", (compiled / model).read_text())
        assert listed is not None and listed[1] == named(changed), model
    sql = (compiled / "intermediate/news/int_news_mentions_tagged.sql").read_text()
    gained = re.search(r"only gained patterns, [^\n]*:\n-- (.*)\n", sql)
    assert gained is not None and gained[1] == named(added)
    worded = list(NEWS_WORDED.finditer(sql))
    assert worded, "no pattern was tried through its required words"
    branches: dict[str, dict[tuple[str, str], set[str]]] = {}
    for branch in [*NEWS_BRANCH.finditer(sql), *worded]:
        entity = (branch["type"], branch["id"])
        branches.setdefault(branch["texts"], {}).setdefault(entity, set()).add(branch["pattern"])
    everywhere = branches.get("all_texts", {})
    assert set(everywhere) == changed
    for entity, patterns in added.items():
        assert everywhere[entity] == patterns, entity
    redone_only = branches.get("texts", {})
    assert redone_only, "no pattern was tried on the changed articles only"
    assert not set(redone_only) & retagged
    for entity, patterns in everywhere.items():
        assert not redone_only.get(entity, set()) & patterns, entity


def _patterns_changed_retags_their_entities(warehouse: Path, full: Path, tmp_path: Path) -> None:
    """A topic added to the watchlist (a new entity's patterns) and a new alias of Amazon (a new
    resolver name: one pattern more for the company) only add patterns; the DHS abbreviation taken
    out of the seed takes one away. The incremental news models try the new patterns on every
    article landed before them, and every pattern of DHS, and hold what a rebuild holds, but for
    the rows marked beforehand that they rightly left as they were: the Pentagon's row of an
    article (neither changed) and Amazon's row of an article that does not name the new alias.
    DHS's marked row is made again, and Amazon's row of the article that names the new alias
    (CHIP_TITLE) gains its pattern."""
    for database in (warehouse, full):
        with duckdb.connect(str(database)) as con:
            row = con.execute(
                "select record from raw.watchlist_sections where section = 'topics'"
            ).fetchone()
            assert row is not None
            topics = json.loads(row[0])
            topics["entries"].append({"name": "Same-day delivery"})
            text = json.dumps(topics, ensure_ascii=False, separators=(",", ":"))
            con.execute(
                "update raw.watchlist_sections set record = ?, record_hash = ?, "
                "load_id = 'patterns', loaded_at = ? where section = 'topics'",
                [text, _digest(text), LATE + dt.timedelta(days=1)],
            )
            # the seeds edited as `dbt seed` would load them
            con.execute(
                "insert into reference.company_aliases (normalized_name, company_id, company_name) "
                "values ('ANNAPURNA LABS', 'amazon', 'Amazon')"
            )
            con.execute(
                "delete from reference.news_entity_patterns where pattern_id = 'dhs-abbreviation'"
            )
    tagged_rows = "intermediate.int_news_mentions_tagged"
    with duckdb.connect(str(warehouse)) as con:
        chip = con.execute(
            f"select news_mention_id, matched_pattern_ids from {tagged_rows} "
            "inner join intermediate.int_news_articles_deduplicated using (url) "
            "where title = ? and entity_id = 'amazon'",
            [CHIP_TITLE],
        ).fetchone()
        assert chip is not None
        marked = {}
        for schema, name, entity, entity_ids in (
            ("intermediate", "int_news_mentions_tagged", "entity_id", ("097", "070", "amazon")),
            # Amazon's row there is made again from int_news_mentions_tagged's (marked) row
            ("marts", "fct_news_mentions", "coalesce(company_id, agency_code, topic_id)",
             ("097", "070")),
        ):  # fmt: skip
            for entity_id in entity_ids:  # the Pentagon's row of an article, DHS's, Amazon's
                mark = con.execute(
                    # each table its own mark: fct_news_mentions copies a rewritten row from
                    # int_news_mentions_tagged, the mark of which would pass for its own
                    f"update {schema}.{name} set matched_pattern_ids = ['marked in {name}'] "
                    f"where news_mention_id = (select min(news_mention_id) from {schema}.{name} "
                    f"where {entity} = ? and news_mention_id <> ?) returning news_mention_id",
                    [entity_id, chip[0]],
                ).fetchone()
                assert mark is not None
                marked[name, entity_id] = mark[0]
    topic = ("topic", "same-day-delivery")
    select = ["--select", *NEWS_PATTERN_MODELS]
    _build(["run", *select], warehouse, tmp_path / "patterns")
    _build(["run", "--full-refresh", *select], full, tmp_path / "patterns_full")
    _assert_news_retagged_only(
        tmp_path / "patterns",
        {("agency", "070")},
        {
            AMAZON: {"resolver-company-amazon-annapurna-labs"},
            topic: _news_patterns_of(warehouse, topic),
        },
    )
    kept_marks = {
        "int_news_mentions_tagged": {
            marked["int_news_mentions_tagged", "097"]: "marked in int_news_mentions_tagged",
            marked["int_news_mentions_tagged", "amazon"]: "marked in int_news_mentions_tagged",
        },
        "fct_news_mentions": {
            marked["fct_news_mentions", "097"]: "marked in fct_news_mentions",
            marked["int_news_mentions_tagged", "amazon"]: "marked in int_news_mentions_tagged",
        },
    }
    with duckdb.connect() as con:
        con.execute(f"attach '{warehouse}' as incremental (read_only)")
        con.execute(f"attach '{full}' as rebuilt (read_only)")
        for schema, name in (
            ("intermediate", "int_news_mentions_tagged"),
            ("marts", "fct_news_mentions"),
        ):
            # the rows of both differ only by the marks left on the rows not made again (DHS's
            # marked row is not among them)
            for a, b in (("incremental", "rebuilt"), ("rebuilt", "incremental")):
                differing = dict(
                    con.execute(
                        f"select news_mention_id, matched_pattern_ids[1] "
                        f"from (select * from {a}.{schema}.{name} "
                        f"except all select * from {b}.{schema}.{name})"
                    ).fetchall()
                )
                assert set(differing) == set(kept_marks[name]), (a, name)
                if a == "incremental":
                    assert differing == kept_marks[name], name
                else:
                    assert not any("marked" in m for m in differing.values()), name
        # the article that names the new alias: Amazon's row kept its patterns and gained it
        gained = con.execute(
            f"select matched_pattern_ids from incremental.{tagged_rows} where news_mention_id = ?",
            [chip[0]],
        ).fetchone()
        assert gained is not None
        assert gained[0] == sorted([*chip[1], "resolver-company-amazon-annapurna-labs"])
        tagged = con.execute(
            "select count(*) from incremental.marts.fct_news_mentions "
            "where topic_id = 'same-day-delivery'"
        ).fetchone()
        assert tagged is not None and tagged[0] >= 1


def _assert_contract_facts(con: duckdb.DuckDBPyConnection, amended: dict[str, str]) -> None:
    """The incremental contract facts took every change: see the module's docstring."""
    facts = "incremental.marts.fct_contract_transactions"
    stating = con.execute(
        "select company_id from incremental.intermediate.int_company_name_matches "
        "where company_name_raw = ?",
        [STATING],
    ).fetchone()
    assert stating is not None
    # Y, stated as X's d/b/a name, resolves to X's company now, and so do its early actions
    resolved = con.execute(
        "select company_id, match_rule from incremental.intermediate.int_company_name_matches "
        "where company_name_raw = ?",
        [amended["stated_name"]],
    ).fetchone()
    assert resolved == (stating[0], "stated_alias")
    companies = con.execute(
        f"select company_id, count(*) from {facts} where recipient_name = ? group by all",
        [amended["stated_name"]],
    ).fetchall()
    assert len(companies) == 1 and companies[0][0] == stating[0] and companies[0][1] >= 1
    # the name changed company after the early build: its assignment says when
    assignments = "incremental.intermediate.int_company_name_assignments"
    assigned = con.execute(
        f"select count(*) from {assignments} where company_name_raw = ? "
        f"and assigned_at > (select min(assigned_at) from {assignments})",
        [amended["stated_name"]],
    ).fetchone()
    assert assigned == (1,)

    # the amended award: its new amount and company, and its early actions' company
    award = con.execute(
        "select award_amount, company_id from incremental.marts.fct_contract_awards "
        "where generated_internal_id = ?",
        [amended["award_recipient"]],
    ).fetchone()
    assert award is not None and float(award[0]) == 4321.0 and award[1] == stating[0]
    actions = con.execute(
        f"select distinct company_id from {facts} where generated_internal_id = ?",
        [amended["award_recipient"]],
    ).fetchall()
    assert actions == [(stating[0],)]

    # the archive's deleted and moved rows: each old key is the search API's row now, the moved
    # action a new key of its own
    by_key = dict(
        con.execute(
            f"select transaction_key, contract_transaction_unique_key from {facts} "
            "where transaction_key in (?, ?) or contract_transaction_unique_key in (?, ?)",
            [
                amended["archive_deleted_action"], amended["archive_moved_action"],
                amended["archive_deleted"], amended["archive_moved"],
            ],
        ).fetchall()
    )  # fmt: skip
    moved = [key for key, archive_key in by_key.items() if archive_key == amended["archive_moved"]]
    assert len(moved) == 1 and moved[0] != amended["archive_moved_action"]
    assert by_key == {
        amended["archive_deleted_action"]: None,
        amended["archive_moved_action"]: None,
        moved[0]: amended["archive_moved"],
    }

    # a new action of a company the early build knew: the company of the name's early actions
    new_action = con.execute(
        f"""
        select late.company_id, min(early.company_id), max(early.company_id)
        from {facts} as late
        inner join incremental.staging.stg_usaspending__transactions as late_rows
            on late.transaction_key = late_rows.transaction_key and late_rows.load_id = 'late'
        inner join {facts} as early
            on late.recipient_name = early.recipient_name
            and late.transaction_key <> early.transaction_key
        inner join incremental.staging.stg_usaspending__transactions as early_rows
            on early.transaction_key = early_rows.transaction_key
            and early_rows.load_id = 'early'
        where late.company_id is not null
        group by late.transaction_key, late.company_id
        order by all limit 1
        """
    ).fetchone()
    assert new_action is not None and new_action[0] == new_action[1] == new_action[2]
