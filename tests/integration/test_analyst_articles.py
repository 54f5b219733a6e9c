"""An analyst's own article list (CSV, JSON Lines): parsing, configuration, and landing with its
suite in a real DuckDB, where bad rows are quarantined naming the file and the row."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.articles import ArticleFileError, read_article_file
from ingest.config import SAMPLE_DIR, load_settings
from ingest.load import run_load
from ingest.pulls import SAMPLE_ARTICLE_FILE, article_files, pull_analyst_articles
from ingest.sources import ANALYST_ARTICLES

pytestmark = pytest.mark.integration

HEADER = "url,title,published,publisher,description\n"
WAPO = "https://www.washingtonpost.com/technology/2018/10/23/amazon-ice/?utm_term=.4f2c"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def analyst_csv(tmp_path: Path, *rows: str) -> Path:
    """``list.csv`` with the documented header and these data rows (lines 2, 3...)."""
    return write(tmp_path / "list.csv", HEADER + "".join(row + "\n" for row in rows))


WAPO_ROW = f"{WAPO},Amazon and ICE,2018-10-23,The Washington Post,"


def test_csv_rows_are_kept_as_written_with_file_and_row(tmp_path: Path) -> None:
    path = write(
        tmp_path / "my list.csv",
        HEADER
        + f'{WAPO},"Amazon pitched ICE, emails show",2018-10-23,The Washington Post,"Two\nlines"\n'
        + "https://www.axios.com/amazon-ice,Axios on the pitch,2018-10-24T15:33:00Z,Axios,,extra\n",
    )

    page = read_article_file(path)

    assert page.source == "analyst"
    assert page.label == f"analyst file {path}"
    first, second = page.records
    assert first == {
        "url": WAPO,
        "title": "Amazon pitched ICE, emails show",
        "published": "2018-10-23",
        "publisher": "The Washington Post",
        "description": "Two\nlines",
        "_file": "my list.csv",
        "_row": 3,  # a quoted value spans lines 2-3: the row ends on line 3
    }
    assert second["description"] == ""
    assert second["_extra_values"] == ["extra"]  # a value past the header is kept, not dropped
    assert second["_row"] == 4
    assert page.record_names == ("line 3", "line 4")


def test_jsonl_lines_are_kept_as_given(tmp_path: Path) -> None:
    path = write(
        tmp_path / "list.jsonl",
        json.dumps({"url": WAPO, "title": "T", "published": "2018-10-23", "tags": ["ice"]})
        + "\n\n"
        + "{not json\n"
        + "[1, 2]\n",
    )

    page = read_article_file(path)

    assert page.records[0] == {
        "url": WAPO,
        "title": "T",
        "published": "2018-10-23",
        "tags": ["ice"],
        "_file": "list.jsonl",
        "_row": 1,
    }
    assert page.records[1:] == ["{not json", [1, 2]]  # left for the landing to quarantine
    assert page.record_names == ("line 1", "line 3 (not JSON)", "line 4")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.csv", None, "no such file"),
        ("list.xlsx", "", "unknown extension '.xlsx'"),
        ("list", "", "unknown extension '(none)'"),
        ("empty.csv", "", "is empty"),
        ("no-url.csv", "link,title\nhttps://a.example.com/x,T\n", "has no url column"),
        ("latin1.csv", b"url,title\nhttps://a.example.com/x,Caf\xe9\n", "not UTF-8"),
    ],
)
def test_a_file_that_cannot_be_used_is_an_error_naming_it(
    tmp_path: Path, name: str, content: str | bytes | None, message: str
) -> None:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        write(path, content)

    with pytest.raises(ArticleFileError, match=re.escape(message)) as caught:
        read_article_file(path)

    assert str(path) in str(caught.value)
    assert caught.value.source == "analyst"


def test_files_are_configured_in_one_environment_variable(tmp_path: Path) -> None:
    a, b = tmp_path / "a.csv", tmp_path / "b.jsonl"
    settings = load_settings({"INFLUENCE_ARTICLE_FILES": f"{a}{os.pathsep} {b} {os.pathsep}"})

    assert settings.article_files == (a, b)
    assert article_files(settings) == (a, b)
    assert load_settings({}).article_files == ()
    # the sample reads its own bundled list, whatever the environment says
    sample = replace(settings, source="sample", sample_dir=SAMPLE_DIR)
    assert article_files(sample) == (SAMPLE_DIR / SAMPLE_ARTICLE_FILE,)
    assert (SAMPLE_DIR / SAMPLE_ARTICLE_FILE).is_file()


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def land(con: duckdb.DuckDBPyConnection, *paths: Path):  # type: ignore[no-untyped-def]
    settings = replace(load_settings({}), article_files=paths)
    suite = load_suite(ANALYST_ARTICLES.suite)
    return run_load(
        con,
        ANALYST_ARTICLES.table,
        pull_analyst_articles(settings),
        lambda c, load_id: validate_batch(c, suite, load_id),
    )


def test_rows_without_a_url_are_quarantined_naming_file_and_row(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    csv_file = analyst_csv(tmp_path, WAPO_ROW, ",A row with no url,2018-10-24,Axios,")
    jsonl_file = write(
        tmp_path / "more.jsonl",
        '{"url": "https://www.cnet.com/news/aclu-dhs/", "published": "2018-10-24"}\n{oops\n',
    )

    load, outcome = land(con, csv_file, jsonl_file)

    assert load.status == "succeeded"
    assert outcome is not None and not outcome.critical_failures
    assert (load.counts.fetched, load.counts.inserted, load.counts.quarantined) == (4, 2, 2)
    assert load.counts.reconciles()
    reasons = [
        r
        for (r,) in con.execute(
            "select reason from audit.quarantine order by record_key, page"
        ).fetchall()
    ]
    assert reasons == [
        f"line 3 of analyst file {csv_file} has no usable url (got '')",
        f"line 2 (not JSON) of analyst file {jsonl_file} is not a JSON object",
    ]
    urls = [
        u for (u,) in con.execute("select url from raw.analyst_articles order by url").fetchall()
    ]
    assert urls == ["https://www.cnet.com/news/aclu-dhs/", WAPO]  # keyed as written


def test_a_date_the_warehouse_cannot_read_quarantines_the_row_naming_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = analyst_csv(
        tmp_path, WAPO_ROW, "https://www.axios.com/amazon-ice,Axios,Oct 24 2018,Axios,"
    )

    load, outcome = land(con, path)

    assert load.status == "succeeded"  # the row alone is kept aside, the other lands
    assert outcome is not None
    [failure] = outcome.critical_failures
    assert failure.column == "published"
    assert failure.examples[0]["record"] == "list.csv row 3 (https://www.axios.com/amazon-ice)"
    assert failure.examples[0]["value"] == "Oct 24 2018"
    assert con.execute("select count(*) from raw.analyst_articles").fetchone() == (1,)
    [(key, reason)] = con.execute("select record_key, reason from audit.quarantine").fetchall()
    assert key == "https://www.axios.com/amazon-ice" and "Oct 24 2018" in reason


def test_missing_values_are_warnings_and_a_second_load_changes_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = analyst_csv(tmp_path, f"{WAPO},,,,")

    load, outcome = land(con, path)
    again, _ = land(con, path)

    assert load.status == "succeeded"
    assert outcome is not None
    assert sorted(w.column for w in outcome.warnings) == ["published", "publisher", "title"]
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 1)


def test_an_unreadable_file_fails_the_load_and_merges_nothing(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    with pytest.raises(ArticleFileError, match="no such file"):
        land(con, tmp_path / "gone.csv")
    assert con.execute("select status, error from audit.load_ledger").fetchall() == [
        ("failed", f"[analyst] article file {tmp_path / 'gone.csv'}: no such file")
    ]


def test_the_same_url_twice_with_different_rows_quarantines_the_batch_naming_both(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    path = analyst_csv(tmp_path, WAPO_ROW, WAPO_ROW.replace("ICE,", "ICE (updated),"))

    load, outcome = land(con, path)

    assert load.status == "quarantined"
    assert outcome is not None
    [failure] = outcome.critical_failures
    assert failure.expectation_type == "expect_column_values_to_be_unique"
    assert sorted(e["record"] for e in failure.examples) == [
        f"list.csv row 2 ({WAPO})",
        f"list.csv row 3 ({WAPO})",
    ]


def test_no_files_configured_is_an_empty_successful_load(con: duckdb.DuckDBPyConnection) -> None:
    load, outcome = land(con)

    assert load.status == "succeeded"
    assert outcome is not None and outcome.success
    assert (load.counts.pages, load.counts.fetched) == (0, 0)
