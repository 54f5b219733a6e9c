"""The GDELT client, landing and the suite on real GDELT bodies (``tests/fixtures/real/gdelt/``).

The broken-JSON material is real but fragmentary: issue threads quote the part of an answer a
parser choked on, not the whole answer. Each repaired-body test therefore embeds a real fragment
(the title text the thread quotes, or the escape it reports) into the real ArtList answer of
``artlist_vizhinjam_2024.json``, served over HTTP by the local test server.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from expectations.runner import validate_batch
from expectations.suites import load_suite
from ingest.config import load_settings
from ingest.gdelt import GdeltClient, article_queries, read_answer, repair_json
from ingest.load import run_load
from ingest.pulls import pull_gdelt
from ingest.sources import GDELT_ARTICLES
from ingest.watchlist import Watchlist
from tests.fakes.app import JSON_HEADERS, TEXT_HEADERS, Reply
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "gdelt"
PATH = "/api/v2/doc/doc"


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


ARTLIST = real("artlist_vizhinjam_2024.json")
KEYWORD_ERROR = real("keyword_error_200.txt")
ARTLIST_URLS = [a["url"] for a in json.loads(ARTLIST)["articles"]]


def quoted_title_fragment() -> str:
    """The title text gdeltr2 issue 13 quotes: unescaped quotes inside a value, and mojibake."""
    lines = (REAL / "gdelt_issue_gdeltr2_13_invalid_char_fragment.txt").read_text("utf-8")
    return lines.splitlines()[1].strip()


def bad_escape_fragment() -> str:
    """The value jsonlite issue 331 quotes, as GDELT wrote it: ``\\\\"`` where ``\\"`` was meant,
    which closes the string early."""
    lines = (REAL / "gdelt_issue_jsonlite_331_context_api_bad_escape_fragment.txt").read_text()
    line = lines.splitlines()[4].strip()
    return line[line.index('"{') + 1 : line.rindex("mand") + 4]


def with_title(index: int, raw_title: str) -> bytes:
    """The real ArtList answer with the title of article ``index`` replaced by ``raw_title``,
    written into the JSON text as is (not escaped): the broken body GDELT sends."""
    text = ARTLIST.decode("utf-8")
    title = json.loads(text)["articles"][index]["title"]
    encoded = json.dumps(title, ensure_ascii=False)
    assert text.count(encoded) == 1
    return text.replace(encoded, f'"{raw_title}"').encode("utf-8")


# -- reading one answer ------------------------------------------------------------------------


@pytest.mark.unit
def test_the_real_artlist_answer_is_read_as_sent() -> None:
    answer = read_answer(ARTLIST, "p")
    assert not answer.repaired and not answer.unreadable
    assert [a["url"] for a in answer.articles] == ARTLIST_URLS
    first, second = answer.articles[:2]
    assert first["url_mobile"].endswith("/amp/")  # the AMP link, or "" (second)
    assert (second["url_mobile"], second["socialimage"], second["language"]) == (
        "",
        "",
        "Malayalam",
    )


@pytest.mark.unit
def test_stray_quotes_inside_a_title_are_repaired() -> None:
    fragment = quoted_title_fragment()
    body = with_title(1, fragment)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    answer = read_answer(body, "p")
    assert answer.repaired and not answer.unreadable
    assert [a["url"] for a in answer.articles] == ARTLIST_URLS
    # the title as GDELT meant it: its quotes kept, its mojibake kept as sent (raw is as fetched)
    assert answer.articles[1]["title"] == fragment


@pytest.mark.unit
def test_invalid_escapes_are_repaired() -> None:
    # gdelt-doc-api issue 26 reports "Invalid \escape" on an ArtList answer without quoting the
    # escape: a backslash before a character JSON does not escape reproduces that exact error
    body = with_title(2, r"Vizhinjam port \' strike \ called off")
    with pytest.raises(json.JSONDecodeError, match=r"Invalid \\escape"):
        json.loads(body)
    expected = (REAL / "gdelt_issue_gdeltdoc_26_invalid_escape_traceback_fragment.txt").read_text()
    assert "Invalid \\escape" in expected
    answer = read_answer(body, "p")
    assert answer.repaired and not answer.unreadable
    assert answer.articles[2]["title"] == r"Vizhinjam port \' strike \ called off"


@pytest.mark.unit
def test_a_string_closed_early_by_a_bad_escape_is_repaired() -> None:
    fragment = bad_escape_fragment()
    assert fragment.startswith('{\\/p} \\\\"Many')
    body = with_title(3, fragment)
    with pytest.raises(json.JSONDecodeError):
        json.loads(body)
    answer = read_answer(body, "p")
    assert not answer.unreadable
    assert answer.articles[3]["title"] == '{/p} \\"Many Ohioans find the mask mand'


@pytest.mark.unit
def test_control_characters_and_valid_json_are_left_alone() -> None:
    body = with_title(0, "Customs grants\tapproval\x01 to Vizhinjam")
    answer = read_answer(body, "p")
    assert not answer.repaired and answer.articles[0]["title"].endswith("\x01 to Vizhinjam")
    assert repair_json(ARTLIST.decode()) == ARTLIST.decode()


@pytest.mark.unit
def test_an_article_beyond_repair_is_reported_and_the_others_kept() -> None:
    text = ARTLIST.decode("utf-8")
    # the second article's object cut off in the middle of its title
    cut = text.index('"title": "ട്രോളിങ്') + 20
    rest = text.index('{"url": "https://www.thehindu.com/news/national/kerala/upcoming')
    body = (text[:cut] + "\n },\n " + text[rest:]).encode("utf-8")
    answer = read_answer(body, "p")
    assert [a["url"] for a in answer.articles] == [ARTLIST_URLS[0], *ARTLIST_URLS[2:]]
    (part,) = answer.unreadable
    assert "article object 2 of 4" in part.reason
    assert "mathrubhumi.com" in part.body


@pytest.mark.unit
def test_a_rejected_query_is_an_unreadable_part_not_an_error() -> None:
    answer = read_answer(KEYWORD_ERROR, "p")
    assert answer.articles == []
    (part,) = answer.unreadable
    assert part.body == KEYWORD_ERROR.decode()
    assert "rejected query" in part.reason and "too short" in part.reason


# -- a pull with one broken answer among many term groups -----------------------------------------


class BodiesByQuery:
    """Answers each ArtList request with the body given for its query (``{}`` else)."""

    def __init__(self, bodies: dict[str, bytes]) -> None:
        self.bodies = bodies
        self.queries: list[str] = []

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        self.queries.append(query["query"])
        answer = self.bodies.get(query["query"], b"{}")
        headers = JSON_HEADERS if answer.lstrip().startswith(b"{") else TEXT_HEADERS
        return 200, dict(headers), answer


def unreadable_body() -> bytes:
    """The real answer cut off after its first article's url: no article object is whole."""
    text = ARTLIST.decode("utf-8")
    return text[: text.index('"url_mobile"')].encode("utf-8")


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    yield connection
    connection.close()


# four topics, each a term group of its own under a 12-character query limit
TOPICS = ("Vizhinjam", "Trivandrum", "Kerala", "Adani")


@pytest.mark.integration
def test_a_pull_with_broken_answers_lands_every_readable_article(
    api_server: LocalApiServer, con: duckdb.DuckDBPyConnection
) -> None:
    api_server.app = BodiesByQuery(
        {
            "Vizhinjam": with_title(1, quoted_title_fragment()),  # repairable
            "Trivandrum": unreadable_body(),  # beyond repair: quarantined
            "Kerala": KEYWORD_ERROR,  # a single term GDELT rejects: quarantined too
        }
    )
    settings = load_settings(
        {"GDELT_API_URL": api_server.url + PATH, "GDELT_MAX_QUERY_CHARS": "12"}
    )
    watchlist = Watchlist(companies=(), agencies=(), topics=TOPICS)
    transport, _ = quick_transport()
    pull = pull_gdelt(transport, settings, watchlist, (2024, 2024))
    assert pull.parameters["queries"] == list(TOPICS)
    assert pull.parameters["max_query_chars"] == 12
    suite = load_suite(GDELT_ARTICLES.suite)
    load, outcome = run_load(
        con, GDELT_ARTICLES.table, pull, lambda c, load_id: validate_batch(c, suite, load_id)
    )

    assert load.status == "succeeded"
    assert outcome is not None and not outcome.critical_failures
    assert len(api_server.requests) == 4
    assert all(r.query["startdatetime"] == "20240101000000" for r in api_server.requests)
    assert all(r.query["enddatetime"] == "20241231235959" for r in api_server.requests)
    stored = con.execute("select url, record->>'$.title' from raw.gdelt_articles").fetchall()
    assert sorted(url for url, _ in stored) == sorted(ARTLIST_URLS)
    assert dict(stored)[ARTLIST_URLS[1]] == quoted_title_fragment()
    counts = load.counts
    assert (counts.pages, counts.fetched, counts.unreadable, counts.quarantined) == (4, 6, 2, 2)
    assert counts.duplicates_in_batch == 0 and counts.inserted == 4
    assert counts.reconciles()
    quarantined = con.execute(
        """
        select page, reason, record->>'$.body' from audit.quarantine
        where load_id = ? order by page
        """,
        [load.load_id],
    ).fetchall()
    assert len(quarantined) == 2
    by_query = {
        ("Kerala" if "query=Kerala" in page else "Trivandrum"): (reason, body)
        for page, reason, body in quarantined
    }
    (unreadable_page,) = [page for page, *_ in quarantined if "query=Trivandrum" in page]
    assert unreadable_page.endswith("[group 2/4]")
    trivandrum_reason, trivandrum_body = by_query["Trivandrum"]
    assert "could not be repaired" in trivandrum_reason
    assert trivandrum_body == unreadable_body().decode()
    kerala_reason, kerala_body = by_query["Kerala"]
    assert "rejected query" in kerala_reason and kerala_body == KEYWORD_ERROR.decode()
    ledger = con.execute(
        "select status, records_fetched, records_quarantined, unreadable_quarantined "
        "from audit.load_ledger where load_id = ?",
        [load.load_id],
    ).fetchone()
    assert ledger == ("succeeded", 6, 2, 2)


@pytest.mark.integration
def test_a_rejected_group_is_split_until_the_rejected_term_stands_alone(
    api_server: LocalApiServer,
) -> None:
    # GDELT refuses any query holding "Kerala" (as it does a keyword it finds too common): the
    # group of four is split in halves until "Kerala" alone is refused and reported; the other
    # three terms are still asked, and the real answer to the half holding "Vizhinjam" is kept
    class RefusesKerala(BodiesByQuery):
        def handle(
            self, method: str, path: str, query: dict[str, str], body: bytes | None
        ) -> Reply:
            if "Kerala" in query["query"]:
                self.queries.append(query["query"])
                return 200, dict(TEXT_HEADERS), KEYWORD_ERROR
            return super().handle(method, path, query, body)

    app = RefusesKerala({"(Vizhinjam OR Trivandrum)": ARTLIST})
    api_server.app = app
    watchlist = Watchlist(companies=(), agencies=(), topics=TOPICS)
    transport, _ = quick_transport()
    (query,) = article_queries(watchlist, (2024, 2024))
    assert query.query == "(Vizhinjam OR Trivandrum OR Kerala OR Adani)"
    pages = list(GdeltClient(transport, api_server.url + PATH).iter_articles(query))
    assert app.queries == [
        "(Vizhinjam OR Trivandrum OR Kerala OR Adani)",
        "(Vizhinjam OR Trivandrum)",
        "(Kerala OR Adani)",
        "Kerala",
        "Adani",
    ]
    assert sorted(a["url"] for p in pages for a in p.records) == sorted(ARTLIST_URLS)
    (refused,) = [p for p in pages if p.unreadable]
    assert refused.label.endswith("[group 1/1 half 2 half 1]")
    assert refused.unreadable[0].body == KEYWORD_ERROR.decode()


@pytest.mark.integration
def test_the_client_yields_the_unreadable_window_with_its_request(
    api_server: LocalApiServer,
) -> None:
    api_server.app = BodiesByQuery({"Vizhinjam": unreadable_body()})
    transport, _ = quick_transport()
    watchlist = Watchlist(companies=(), agencies=(), topics=("Vizhinjam",))
    (query,) = article_queries(watchlist, (2024, 2024))
    (page,) = list(GdeltClient(transport, api_server.url + PATH).iter_articles(query))
    assert page.records == []
    (part,) = page.unreadable
    assert page.label.startswith("GET http://127.0.0.1")
    assert "startdatetime=20240101000000" in page.label
    assert part.body == unreadable_body().decode()
