"""Landing and loading against a real DuckDB file: idempotence, quarantine, all-or-nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.errors import MalformedPageError
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import GDELT_ARTICLES
from ingest.transport import FetchedPage, UnreadablePart

pytestmark = pytest.mark.integration

SUITE = load_suite(GDELT_ARTICLES.suite)
TABLE = GDELT_ARTICLES.table


def article(n: int, **overrides: object) -> dict[str, object]:
    record: dict[str, object] = {
        "url": f"https://www.example-news.com/2018/10/story-{n}",
        "url_mobile": "",
        "title": f"Amazon and Homeland Security story {n}",
        "seendate": "20181023T210400Z",
        "socialimage": "",
        "domain": "www.example-news.com",
        "language": "English",
        "sourcecountry": "United States",
    }
    record.update(overrides)
    return record


def pull_of(*pages: list[dict[str, object]]) -> Pull:
    def gen() -> Iterator[FetchedPage]:
        for i, records in enumerate(pages, start=1):
            yield FetchedPage("gdelt", f"GET https://api.example/doc?page={i}", list(records))

    return Pull({"test": True}, gen())


def validator(con: duckdb.DuckDBPyConnection, load_id: str):  # type: ignore[no-untyped-def]
    return validate_batch(con, SUITE, load_id)


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def raw_rows(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select url, record_hash, load_id from raw.gdelt_articles order by url"
    ).fetchall()


def test_second_identical_load_changes_nothing(con: duckdb.DuckDBPyConnection) -> None:
    records = [article(1), article(2), article(3)]
    first, _ = run_load(con, TABLE, pull_of(records), validator)
    before = raw_rows(con)
    second, _ = run_load(con, TABLE, pull_of(records), validator)

    assert first.status == second.status == "succeeded"
    assert (first.counts.inserted, second.counts.inserted) == (3, 0)
    assert second.counts.unchanged == 3
    assert raw_rows(con) == before  # same rows, same hashes, same load ids


def test_changed_record_replaces_the_stored_version(con: duckdb.DuckDBPyConnection) -> None:
    run_load(con, TABLE, pull_of([article(1)]), validator)
    load, _ = run_load(
        con, TABLE, pull_of([article(1, title="Amazon and ICE, corrected")]), validator
    )

    assert load.counts.updated == 1
    title = con.execute("select record->>'$.title' from raw.gdelt_articles").fetchone()
    assert title == ("Amazon and ICE, corrected",)


def test_verbatim_duplicates_across_pages_are_landed_once(con: duckdb.DuckDBPyConnection) -> None:
    load, _ = run_load(con, TABLE, pull_of([article(1), article(2)], [article(2)]), validator)

    assert load.counts.fetched == 3
    assert load.counts.duplicates_in_batch == 1
    assert load.counts.inserted == 2
    assert load.counts.reconciles()


def test_a_record_failing_a_critical_expectation_is_quarantined_alone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    run_load(con, TABLE, pull_of([article(1)]), validator)
    bad = article(3, seendate="23 Oct 2018")
    load, outcome = run_load(con, TABLE, pull_of([article(2), bad]), validator)

    # One bad record does not sink its batch: it alone is kept aside, the others are merged.
    assert load.status == "succeeded"
    assert outcome is not None and outcome.critical_failures and not outcome.blocks_batch
    assert [r[0] for r in raw_rows(con)] == [article(1)["url"], article(2)["url"]]
    quarantined = con.execute(
        "select record_key, reason from audit.quarantine where load_id = ?", [load.load_id]
    ).fetchall()
    assert [k for k, _ in quarantined] == [bad["url"]]
    # The reason names the failing record, its page, the field and its value.
    reason = quarantined[0][1]
    assert str(bad["url"]) in reason and "23 Oct 2018" in reason and "seendate" in reason
    assert "GET https://api.example/doc?page=1" in reason
    c = load.counts
    assert (c.fetched, c.inserted, c.quarantined) == (2, 1, 1) and c.reconciles()
    ledger = con.execute(
        "select status, records_fetched, records_inserted, records_quarantined "
        "from audit.load_ledger where load_id = ?",
        [load.load_id],
    ).fetchone()
    assert ledger == ("succeeded", 2, 1, 1)


def test_many_failing_records_quarantine_the_whole_batch(con: duckdb.DuckDBPyConnection) -> None:
    run_load(con, TABLE, pull_of([article(1)]), validator)
    # 2 of 20 records (10%, more than the 5% tolerated and more than one): the API changed
    good = [article(n) for n in range(2, 20)]
    bad = [article(20, seendate="23 Oct 2018"), article(21, seendate="24 Oct 2018")]
    load, outcome = run_load(con, TABLE, pull_of(good + bad), validator)

    assert load.status == "quarantined"
    assert outcome is not None and outcome.blocks_batch
    assert [r[0] for r in raw_rows(con)] == [article(1)["url"]]
    assert load.error is not None and "2 of 20 records" in load.error and "5%" in load.error
    count = con.execute(
        "select count(*) from audit.quarantine where load_id = ?", [load.load_id]
    ).fetchone()
    assert count == (20,)
    assert load.counts.reconciles()


def test_conflicting_versions_of_one_key_quarantine_the_batch(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load, outcome = run_load(
        con, TABLE, pull_of([article(1)], [article(1, title="another title")]), validator
    )

    assert load.status == "quarantined"
    assert outcome is not None
    assert any(
        o.expectation_type == "expect_column_values_to_be_unique" for o in outcome.critical_failures
    )
    assert raw_rows(con) == []


def test_unkeyed_record_is_quarantined_with_its_reason(con: duckdb.DuckDBPyConnection) -> None:
    load, _ = run_load(
        con, TABLE, pull_of([article(1), article(2, url=None), ["not", "an", "object"]]), validator
    )

    assert load.status == "succeeded"
    assert load.counts.inserted == 1 and load.counts.quarantined == 2
    reasons = sorted(r[0] for r in con.execute("select reason from audit.quarantine").fetchall())
    assert reasons[0].startswith("record 1 of GET https://api.example/doc?page=1 has no usable url")
    assert reasons[1] == "record 2 of GET https://api.example/doc?page=1 is not a JSON object"
    assert load.counts.reconciles()


def test_unreadable_parts_of_pages_are_quarantined_and_counted(
    con: duckdb.DuckDBPyConnection,
) -> None:
    def pages() -> Iterator[FetchedPage]:
        yield FetchedPage("gdelt", "GET window-1", [article(1)])
        yield FetchedPage(
            "gdelt", "GET window-2", [], unreadable=(UnreadablePart('{"articles": [', "cut"),)
        )
        yield FetchedPage(
            "gdelt", "GET window-3", [article(2)], unreadable=(UnreadablePart("{...}", "bad"),)
        )

    load, _ = run_load(con, TABLE, Pull({}, pages()), validator)

    assert load.status == "succeeded"
    assert [url for url, _, _ in raw_rows(con)] == [article(1)["url"], article(2)["url"]]
    c = load.counts
    assert (c.pages, c.fetched, c.inserted, c.quarantined, c.unreadable) == (3, 4, 2, 2, 2)
    assert c.reconciles()
    rows = con.execute(
        "select page, reason, record->>'$.body' from audit.quarantine order by page"
    ).fetchall()
    assert rows == [("GET window-2", "cut", '{"articles": ['), ("GET window-3", "bad", "{...}")]
    ledger = con.execute(
        "select records_fetched, records_quarantined, unreadable_quarantined from audit.load_ledger"
    ).fetchone()
    assert ledger == (4, 2, 2)


def test_a_load_whose_every_page_is_unreadable_fails(con: duckdb.DuckDBPyConnection) -> None:
    run_load(con, TABLE, pull_of([article(1)]), validator)
    before = raw_rows(con)

    def pages() -> Iterator[FetchedPage]:
        for n in (1, 2):
            part = UnreadablePart("<html>Service unavailable</html>", f"not JSON {n}")
            yield FetchedPage("gdelt", f"GET window-{n}", [], unreadable=(part,))

    with pytest.raises(MalformedPageError, match="no answer could be read; the first: not JSON 1"):
        run_load(con, TABLE, Pull({}, pages()), validator)

    assert raw_rows(con) == before
    status, quarantined = con.execute(
        "select status, records_quarantined from audit.load_ledger order by started_at desc limit 1"
    ).fetchone()  # type: ignore[misc]
    assert (status, quarantined) == ("failed", 2)
    assert con.execute("select count(*) from audit.quarantine").fetchone() == (2,)


def test_malformed_page_fails_the_load_and_merges_nothing(con: duckdb.DuckDBPyConnection) -> None:
    run_load(con, TABLE, pull_of([article(1)]), validator)
    before = raw_rows(con)

    def pages() -> Iterator[FetchedPage]:
        yield FetchedPage("gdelt", "GET page-1", [article(2)])
        raise MalformedPageError("gdelt", "GET page-2", "body is not JSON")

    with pytest.raises(MalformedPageError, match=r"\[gdelt\] malformed page GET page-2"):
        run_load(con, TABLE, Pull({}, pages()), validator)

    assert raw_rows(con) == before
    status, error = con.execute(
        "select status, error from audit.load_ledger order by started_at desc limit 1"
    ).fetchone()  # type: ignore[misc]
    assert status == "failed" and "GET page-2" in error


def test_validation_results_are_stored_per_expectation(con: duckdb.DuckDBPyConnection) -> None:
    load, outcome = run_load(con, TABLE, pull_of([article(1)]), validator)

    assert outcome is not None
    stored = con.execute(
        "select count(*), bool_and(success) from audit.validation_results where load_id = ?",
        [load.load_id],
    ).fetchone()
    assert stored == (len(outcome.outcomes), True)
