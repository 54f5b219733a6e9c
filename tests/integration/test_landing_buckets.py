"""A batch larger than one validation bucket: landed to Parquet parts, validated bucket by bucket,
judged and merged as the whole batch it is (real DuckDB file, real GX suite)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest import landing
from ingest.load import run_load
from ingest.pulls import Pull
from ingest.sources import GDELT_ARTICLES
from ingest.transport import FetchedPage
from tests.integration.test_landing import article

pytestmark = pytest.mark.integration

SUITE = load_suite(GDELT_ARTICLES.suite)
TABLE = GDELT_ARTICLES.table


def pull_of(records: list[dict[str, object]], per_page: int = 10) -> Pull:
    def gen() -> Iterator[FetchedPage]:
        for start in range(0, len(records), per_page):
            label = f"GET https://api.example/doc?page={start // per_page + 1}"
            yield FetchedPage("gdelt", label, records[start : start + per_page])

    return Pull({"test": True}, gen())


def validator(con: duckdb.DuckDBPyConnection, load_id: str):  # type: ignore[no-untyped-def]
    return validate_batch(con, SUITE, load_id)


@pytest.fixture
def con(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[duckdb.DuckDBPyConnection]:
    # small parts and buckets, so a batch of a hundred records spans many of each
    monkeypatch.setattr(landing, "LANDING_PART_RECORDS", 15)
    monkeypatch.setattr(landing, "VALIDATION_CHUNK_ROWS", 20)
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


def test_a_batch_of_many_buckets_lands_whole_and_as_parquet(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    records = [article(n) for n in range(100)]
    records += [article(7), article(42)]  # repeated verbatim on a later page
    load, outcome = run_load(con, TABLE, pull_of(records), validator)

    assert load.status == "succeeded"
    assert (load.counts.fetched, load.counts.duplicates_in_batch) == (102, 2)
    assert load.counts.inserted == 100 and load.counts.reconciles()
    assert outcome is not None and outcome.batch_size == 100
    # every expectation saw every record once, over the buckets
    assert {o.element_count for o in outcome.outcomes} == {100}
    stored = con.execute("select count(*) from raw.gdelt_articles").fetchone()
    assert stored == (100,)
    # the batch stays on disk as Parquet in Hive-style folders, which any engine reads
    batch = tmp_path / "warehouse.duckdb.landing" / "gdelt_articles" / f"load_id={load.load_id}"
    # parts (written each time 15 records or more are held, here), a file each, every row with
    # the bucket of its key, which the validation reads a few buckets at a time
    parts = sorted(p.name for p in (batch / "batch").iterdir())
    assert len(parts) == 6 and all(name.startswith("part=") for name in parts)
    assert [p.name for p in (batch / "batch").glob("part=*/*")] == ["rows.parquet"] * 6
    reader = duckdb.connect()
    files = str(batch / "batch" / "*" / "*.parquet")
    urls, buckets, numbered = reader.execute(
        f"""
        select count(distinct json_extract_string(record, '$.url')), count(distinct bucket),
            count(distinct part)
        from read_parquet('{files}', hive_partitioning = true)
        """
    ).fetchone() or (0, 0, 0)
    assert urls == 100  # (and the two repeated records, read once by the load)
    assert buckets > 5 and numbered == 6
    assert not (batch / "parts").exists()


def test_the_same_key_in_two_versions_is_caught_across_parts(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # the two versions arrive 90 records apart, in different parts; the bucket of their key
    # holds both, so uniqueness fails and the whole batch is quarantined
    records = [article(n) for n in range(100)]
    records[95] = article(5, title="Amazon and Homeland Security story 5, corrected")
    load, _ = run_load(con, TABLE, pull_of(records), validator)

    assert load.status == "quarantined"
    assert "expect_column_values_to_be_unique" in (load.error or "")
    assert con.execute("select count(*) from raw.gdelt_articles").fetchone() == (0,)
    kept = con.execute(
        "select count(*) from audit.quarantine where load_id = ?", [load.load_id]
    ).fetchone()
    assert kept == (100,)


def test_one_bad_record_among_many_buckets_is_quarantined_alone(
    con: duckdb.DuckDBPyConnection,
) -> None:
    records = [article(n) for n in range(100)]
    records[63] = article(63, seendate="not a date")
    load, outcome = run_load(con, TABLE, pull_of(records), validator)

    assert load.status == "succeeded"
    assert (load.counts.inserted, load.counts.quarantined) == (99, 1)
    assert outcome is not None and len(outcome.critical_failures) >= 1
    reason = con.execute(
        "select record_key, reason from audit.quarantine where load_id = ?", [load.load_id]
    ).fetchall()
    assert len(reason) == 1
    assert reason[0][0] == "https://www.example-news.com/2018/10/story-63"
    assert "not a date" in reason[0][1]


def test_a_fetch_that_fails_midway_merges_nothing_and_leaves_no_batch(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    def pages() -> Iterator[FetchedPage]:
        yield FetchedPage("gdelt", "GET page 1", [article(n) for n in range(30)])
        raise ConnectionError("the API went away after page 1")

    with pytest.raises(ConnectionError):
        run_load(con, TABLE, Pull({"test": True}, pages()), validator)
    status = con.execute("select status, error from audit.load_ledger").fetchall()
    assert status == [("failed", "the API went away after page 1")]
    assert con.execute("select count(*) from raw.gdelt_articles").fetchone() == (0,)
    # the next load clears the failed load's files
    run_load(con, TABLE, pull_of([article(1)]), validator)
    folders = list((tmp_path / "warehouse.duckdb.landing" / "gdelt_articles").iterdir())
    assert len(folders) == 1


@dataclass(frozen=True)
class CsvPart:
    """A bulk file landed by DuckDB (``ingest.landing.FilePart``)."""

    path: Path

    @property
    def label(self) -> str:
        return self.path.name

    def select_sql(self) -> str:
        return f"""
            select
                nullif(url, '') as record_key,
                to_json(struct_pack(url := url, title := title, seendate := seendate,
                    domain := domain, language := language, sourcecountry := sourcecountry,
                    url_mobile := '', socialimage := '')) as record,
                md5(to_json(struct_pack(url := url, title := title))::varchar) as record_hash,
                '{self.path.name}' as page,
                true as is_kept,
            from read_csv('{self.path}', header = true, all_varchar = true)
        """


def test_a_file_part_is_landed_by_duckdb_and_a_keyless_row_quarantined(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    csv = tmp_path / "articles_1.csv"
    lines = ["url,title,seendate,domain,language,sourcecountry"]
    for n in range(40):
        a = article(n)
        lines.append(f"{a['url']},{a['title']},{a['seendate']},{a['domain']},English,US")
    lines.append(",A row without its URL,20181023T210400Z,x.com,English,US")
    csv.write_text("\n".join(lines) + "\n")
    load, _ = run_load(con, TABLE, Pull({"test": True}, iter([CsvPart(csv)])), validator)

    assert load.status == "succeeded"
    assert (load.counts.fetched, load.counts.inserted, load.counts.quarantined) == (41, 40, 1)
    (reason, record) = con.execute(
        "select reason, record from audit.quarantine where load_id = ?", [load.load_id]
    ).fetchone() or ("", "")
    assert "row 41 of articles_1.csv has no usable url" in reason
    assert json.loads(record)["title"] == "A row without its URL"


def test_two_files_of_one_batch_keep_their_rows_apart(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # both files number their rows from 1: the batch must still hold each row once, and a row
    # repeated verbatim in the second file is a duplicate of the first file's
    def write(name: str, numbers: range) -> Path:
        path = tmp_path / name
        lines = ["url,title,seendate,domain,language,sourcecountry"]
        for n in numbers:
            a = article(n)
            lines.append(f"{a['url']},{a['title']},{a['seendate']},{a['domain']},English,US")
        path.write_text("\n".join(lines) + "\n")
        return path

    files = [CsvPart(write("a_1.csv", range(30))), CsvPart(write("a_2.csv", range(29, 60)))]
    load, _ = run_load(con, TABLE, Pull({"test": True}, iter(files)), validator)

    assert load.status == "succeeded"
    assert (load.counts.fetched, load.counts.duplicates_in_batch) == (61, 1)
    assert load.counts.inserted == 60
    assert con.execute("select count(*) from raw.gdelt_articles").fetchone() == (60,)


def test_a_batch_whose_keys_are_unique_is_read_in_chunks_of_rows_in_order(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # every key once: chunks are the rows in their order (parts of 15 records, chunks of 20),
    # so a chunk reads only the parts it spans, and each record is in exactly one chunk
    records = [article(n) for n in range(100)]
    load = landing.start_load(con, TABLE, {"test": True})
    landing.land_batch(con, load, pull_of(records).pages)

    seen: list[list[str]] = []
    for _ in landing.batch_chunks(con):
        rows = con.execute("select record_key from landing_batch order by position").fetchall()
        seen.append([key for (key,) in rows])
    assert [len(chunk) for chunk in seen] == [20] * 5
    assert [key for chunk in seen for key in chunk] == [r["url"] for r in records]
    # the view is back on the whole batch
    assert con.execute("select count(*) from landing_batch").fetchone() == (100,)

    outcome = validate_batch(con, SUITE, load.load_id)
    assert {o.element_count for o in outcome.outcomes} == {100}


def test_validating_many_buckets_leaves_the_collector_as_it_was(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    # validate_batch freezes the objects alive when it starts, so that its collection after
    # each chunk passes over new objects only; a process left frozen (a long-running Dagster
    # worker) would never collect the cycles of what was alive then
    import gc
    import weakref

    from expectations import runner

    records = [article(n) for n in range(100)]
    load, _ = run_load(con, TABLE, pull_of(records), validator)
    assert load.status == "succeeded"
    assert gc.get_freeze_count() == 0

    # a chunk's garbage in reference cycles (GX's batch objects hold the frame so) is still
    # collected: it is made while the rest is frozen
    class Cyclic:
        me: object = None

    frozen_while_validating: list[int] = []
    garbage: list[weakref.ref[Cyclic]] = []
    validate_frame = runner.validate_frame

    def validate_and_leave_a_cycle(*args, **kwargs):  # type: ignore[no-untyped-def]
        cyclic = Cyclic()
        cyclic.me = cyclic
        garbage.append(weakref.ref(cyclic))
        frozen_while_validating.append(gc.get_freeze_count())
        return validate_frame(*args, **kwargs)

    monkeypatch.setattr(runner, "validate_frame", validate_and_leave_a_cycle)
    load, _ = run_load(con, TABLE, pull_of([article(n) for n in range(100, 200)]), validator)
    assert load.status == "succeeded"
    assert len(frozen_while_validating) > 1 and min(frozen_while_validating) > 0
    assert garbage and all(ref() is None for ref in garbage)
    assert gc.get_freeze_count() == 0

    def fail(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("GX failed on a chunk")

    monkeypatch.setattr(runner, "validate_frame", fail)
    with pytest.raises(RuntimeError, match="GX failed on a chunk"):
        run_load(con, TABLE, pull_of([article(n) for n in range(200, 300)]), validator)
    assert gc.get_freeze_count() == 0

    # what the process froze itself stays frozen: validate_batch leaves the collector alone
    monkeypatch.setattr(runner, "validate_frame", validate_frame)
    gc.freeze()
    try:
        load, _ = run_load(con, TABLE, pull_of([article(n) for n in range(300, 400)]), validator)
        assert load.status == "succeeded"
        assert gc.get_freeze_count() > 0  # unfrozen, it would be 0
    finally:
        gc.unfreeze()
