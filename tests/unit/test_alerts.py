"""Watchlist alerts (ingest/alerts.py) on small hand-made marts in real DuckDB files: what is new
since the previous publish, for the watched entities only; a first publish and a newly watched
entity are baselines; the digest's files; the webhook, against a local HTTP server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from ingest.alerts import (
    CHANGES_TABLE,
    Detection,
    Digest,
    build_digest,
    deliver,
    headline,
    read_digest,
    record_changes,
    render_markdown,
    write_digest,
)
from ingest.publish import WarehouseFiles, publish
from tests.support.http_server import LocalApiServer, free_port
from tests.support.watchlist_marts import make

pytestmark = pytest.mark.unit

NOW = datetime(2026, 1, 6, 6, 0, tzinfo=UTC)


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[tuple[duckdb.DuckDBPyConnection, Path]]:
    """The build (open, read-write) and the previous snapshot (a file), with the same rows."""
    previous = make(tmp_path / "previous.duckdb")
    con = duckdb.connect(str(make(tmp_path / "build.duckdb")))
    yield con, previous
    con.close()


def changes(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str, list[str]]]:
    return con.execute(
        f"select change_kind, record_key, watched_entities from {CHANGES_TABLE} "
        "order by change_kind, record_key"
    ).fetchall()


def test_first_publish_is_a_baseline_with_an_empty_commented_table(
    databases: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, _ = databases
    found = record_changes(con, "S1", None, None, now=NOW)
    assert found == Detection("S1", None, True, 0, "first publish: a baseline")
    assert changes(con) == []
    comment = con.execute(
        "select comment from duckdb_tables() where table_name = 'watchlist_changes'"
    ).fetchone()
    assert comment and "since the previous publish" in comment[0]
    uncommented = con.execute(
        "select column_name from duckdb_columns() where table_name = 'watchlist_changes' "
        "and (comment is null or comment = '')"
    ).fetchall()
    assert uncommented == []


def test_nothing_changed_lists_nothing(databases: tuple[duckdb.DuckDBPyConnection, Path]) -> None:
    con, previous = databases
    found = record_changes(con, "S2", previous, "S1", now=NOW)
    assert (found.baseline, found.changes) == (False, 0)
    assert changes(con) == []
    # the previous snapshot is detached again: the build database is left as it was
    assert "influence_previous" not in {r[0] for r in con.execute("show databases").fetchall()}


def test_new_and_changed_records_naming_a_watched_entity(
    databases: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, previous = databases
    con.execute(
        """
        -- an amendment of Amazon's report (a new filing of the same report)
        update marts.fct_lobbying_reports set filing_uuid = 'f1a', filing_type = '1A'
            where report_id = 'r-amazon-q1';
        insert into marts.fct_lobbying_report_agencies values ('f1a', '070');
        -- a new report of an unwatched company lobbying DHS (watched), one lobbying DOD (not)
        insert into marts.fct_lobbying_reports values
            ('r-boeing-q2', 'f3', 'boeing', 'BOEING CO', 'BOEING CO', 2018, 2, 'Q2', 5000,
                '2018-07-20', null),
            ('r-boeing-q3', 'f4', 'boeing', 'BOEING CO', 'BOEING CO', 2018, 3, 'Q3', 5000,
                '2018-10-20', null);
        insert into marts.fct_lobbying_report_agencies values ('f3', '070'), ('f4', '097');
        -- a new registration of Amazon
        insert into marts.fct_lobbying_registrations values
            ('reg1', false, 'amazon', 'AMAZON', 'SOME FIRM', 'RR', '2018-01-01', '2018-01-05',
                null);
        -- a new award of a subsidiary (Whole Foods: Amazon's), a modification, a revision of
        -- a known action, and a new DOD action to Boeing (nothing watched)
        insert into marts.fct_contract_transactions values
            ('t3', 'CONT_AWD_C1', 'C1', '0', 'whole-foods', 'WHOLE FOODS', '012', 'USDA', 'FNS',
                '2018-06-01', 50.00, null, 'GROCERIES'),
            ('t4', 'CONT_AWD_A1', 'A1', 'P00001', 'amazon', 'AMAZON WEB SERVICES', '070', 'DHS',
                'ICE', '2018-06-02', 25.00, null, 'MORE CLOUD'),
            ('t5', 'CONT_AWD_B1', 'B1', 'P00001', 'boeing', 'BOEING', '097', 'DOD', 'ARMY',
                '2018-06-03', 10.00, null, 'MORE WINGS');
        update marts.fct_contract_transactions set transaction_amount = 120.00
            where transaction_key = 't1';
        update marts.fct_contract_transactions set transaction_description = 'RENAMED'
            where transaction_key = 't2';
        -- an article mentioning ICE (DHS's), one on a watched topic, one on nothing watched
        insert into marts.fct_news_articles values
            ('https://n/2', 'ICE contracts', 'AP', 'apnews.com', '2018-06-21'),
            ('https://n/3', 'Face scans', null, 'example.org', '2018-06-22'),
            ('https://n/4', 'Boeing flies', 'AP', 'apnews.com', '2018-06-23');
        insert into marts.fct_news_mentions values
            ('https://n/2', null, '7012', null), ('https://n/3', null, null, 'facial-recognition'),
            ('https://n/4', 'boeing', null, null);
        """
    )
    found = record_changes(con, "S2", previous, "S1", now=NOW)
    assert changes(con) == [
        ("award_action_revised", "t1", ["agency:070", "company:amazon"]),
        ("award_modification", "t4", ["agency:070", "company:amazon"]),
        ("award_new", "t3", ["company:amazon"]),
        ("lda_registration_new", "reg1", ["company:amazon"]),
        ("lda_report_amended", "r-amazon-q1", ["agency:070", "company:amazon"]),
        ("lda_report_new", "r-boeing-q2", ["agency:070"]),
        ("news_article_new", "https://n/2", ["agency:070"]),
        ("news_article_new", "https://n/3", ["topic:facial-recognition"]),
    ]
    assert found.changes == 8
    row = con.execute(
        f"select published_snapshot_id, previous_snapshot_id, record_version, amount, "
        f"event_date::varchar, detected_at from {CHANGES_TABLE} where record_key = 'r-amazon-q1'"
    ).fetchone()
    assert row == ("S2", "S1", "f1a", 3630000, "2018-04-20", NOW)

    digest = build_digest(con, found, now=NOW)
    assert digest.total == 8 and digest.counts["news_article_new"] == 2
    assert digest.entities == {
        "agency:070": "DHS",
        "company:amazon": "Amazon",
        "topic:facial-recognition": "facial recognition",
    }
    assert headline(digest).startswith("8 change(s) since snapshot S1: 1 revised award action")
    markdown = render_markdown(digest)
    assert "## Amended LDA report (1)" in markdown
    assert "[DHS, Amazon] AMAZON.COM SERVICES" in markdown
    assert "$3,630,000.00" in markdown


def test_an_entity_new_to_the_watchlist_starts_with_a_baseline(
    databases: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, previous = databases
    con.execute(
        """
        insert into intermediate.int_watchlist_entities_resolved values ('company', 'acme', 'Acme');
        insert into marts.fct_contract_transactions values
            ('t9', 'CONT_AWD_Z9', 'Z9', '0', 'acme', 'ACME', '097', 'DOD', 'ARMY',
                '2018-06-01', 9.00, null, 'FIRST PULL OF ACME');
        """
    )
    record_changes(con, "S2", previous, "S1", now=NOW)
    assert changes(con) == []


def test_a_mart_missing_from_the_previous_snapshot_is_skipped(
    databases: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, previous = databases
    with duckdb.connect(str(previous)) as old:
        old.execute("drop table marts.fct_news_articles")
    con.execute(
        "insert into marts.fct_contract_transactions values ('t7', 'CONT_AWD_A1', 'A1', "
        "'P00002', 'amazon', 'AWS', '070', 'DHS', 'ICE', '2018-07-01', 1.00, null, 'X')"
    )
    record_changes(con, "S2", previous, "S1", now=NOW)
    assert changes(con) == [("award_modification", "t7", ["agency:070", "company:amazon"])]


def test_an_unreadable_previous_snapshot_gives_a_baseline(
    databases: tuple[duckdb.DuckDBPyConnection, Path], tmp_path: Path
) -> None:
    con, _ = databases
    garbage = tmp_path / "garbage.duckdb"
    garbage.write_bytes(b"not a database" * 100)
    found = record_changes(con, "S2", garbage, "S1", now=NOW)
    assert found.baseline and found.changes == 0 and "could not be read" in found.note


def test_publish_records_the_changes_in_the_snapshot_and_the_digest_round_trips(
    tmp_path: Path,
) -> None:
    """Through ``publish``'s hook: the first publish is a baseline, the second lists the new
    award action, in the published file's marts.watchlist_changes and the digest files."""
    files = WarehouseFiles(tmp_path / "warehouse.duckdb")
    found: list[Detection] = []

    def hook(con: duckdb.DuckDBPyConnection, snapshot_id: str, previous: object) -> None:
        prev = getattr(previous, "file", None)
        found.append(
            record_changes(
                con,
                snapshot_id,
                files.snapshots / prev if prev else None,
                getattr(previous, "snapshot_id", None),
            )
        )

    make(files.build)
    with duckdb.connect(str(files.build)) as con:
        first = publish(con, files, now=NOW, before_copy=hook)
        con.execute(
            "insert into marts.fct_contract_transactions values ('t8', 'CONT_AWD_A1', 'A1', "
            "'P00003', 'amazon', 'AWS', '070', 'DHS', 'ICE', '2018-08-01', 3.00, null, 'Y')"
        )
        second = publish(con, files, now=datetime(2026, 1, 7, tzinfo=UTC), before_copy=hook)
        digest = build_digest(con, found[1], now=NOW)
    assert found[0].baseline and not found[1].baseline
    assert found[1].previous_snapshot_id == first.snapshot_id
    assert second.tables[CHANGES_TABLE] == 1
    with duckdb.connect(str(files.published), read_only=True) as published:
        assert published.execute(
            f"select record_key, published_snapshot_id from {CHANGES_TABLE}"
        ).fetchall() == [("t8", second.snapshot_id)]
    markdown, data = write_digest(files.digests, digest)
    assert markdown.parent == tmp_path / "warehouse.digests"
    assert json.loads(data.read_text())["changes"][0]["record_key"] == "t8"
    assert read_digest(files.digests, second.snapshot_id) == digest


def _digest(con: duckdb.DuckDBPyConnection, previous: Path) -> Digest:
    con.execute(
        "insert into marts.fct_news_articles values "
        "('https://n/9', 'Amazon again', 'AP', 'apnews.com', '2018-09-01');"
        "insert into marts.fct_news_mentions values ('https://n/9', 'amazon', null, null)"
    )
    return build_digest(con, record_changes(con, "S2", previous, "S1", now=NOW), now=NOW)


def test_the_webhook_receives_the_json_digest(
    databases: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, previous = databases
    digest = _digest(con, previous)
    with LocalApiServer() as server:
        server.reply_next(503)  # a transient failure, retried
        server.reply_next(204, times=None)
        delivery = deliver(digest, server.url + "/hooks/secret-token")
        received = [r for r in server.requests if r.method == "POST"]
        origin = server.url
    assert delivery.status == "delivered" and delivery.http_status == 204
    assert delivery.url == origin  # the path (a token, often) is not recorded
    assert len(received) == 2 and received[-1].path == "/hooks/secret-token"
    assert received[-1].header("Content-Type") == "application/json"
    body = received[-1].json()
    assert body["snapshot_id"] == "S2" and body["total"] == 1
    assert [c["record_key"] for c in body["changes"]] == ["https://n/9"]


def test_a_dead_webhook_is_recorded_and_never_raises(
    databases: tuple[duckdb.DuckDBPyConnection, Path],
) -> None:
    con, previous = databases
    digest = _digest(con, previous)
    started = time.monotonic()
    delivery = deliver(digest, f"http://127.0.0.1:{free_port()}/hook")
    assert time.monotonic() - started < 30
    assert delivery.status == "failed" and "gave up after 3 attempts" in delivery.error
    with LocalApiServer() as server:
        server.reply_next(404, {"detail": "no such hook"})
        refused = deliver(digest, server.url + "/hook")
    assert refused.status == "failed" and refused.http_status == 404
    assert "/hook" not in refused.error and "no such hook" in refused.error


def test_the_webhook_path_never_reaches_the_log(
    databases: tuple[duckdb.DuckDBPyConnection, Path], caplog: pytest.LogCaptureFixture
) -> None:
    con, previous = databases
    digest = _digest(con, previous)
    with LocalApiServer() as server:
        server.reply_next(500, times=None)
        delivery = deliver(digest, server.url + "/T000/B000/XXXXSECRET")
    assert delivery.status == "failed"
    assert caplog.records and "XXXXSECRET" not in caplog.text
    assert "XXXXSECRET" not in delivery.error
