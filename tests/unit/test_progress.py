"""A pull's progress (pages of how many, ETA) and how `influence refresh` shows it: redrawn in
place on a terminal, a line every few seconds at most on a pipe."""

from __future__ import annotations

import io

import pytest

from dagster_project.console import CLEAR_LINE, Console, duration, format_progress
from ingest.progress import PullProgress, expected_pages, observe
from ingest.transport import FetchedPage

pytestmark = pytest.mark.unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_pages_expected_come_from_the_api_count_and_the_first_page() -> None:
    assert expected_pages(60, 25) == 3
    assert expected_pages(50, 25) == 2
    assert expected_pages(7, 25) == 1  # all on the first page
    assert expected_pages(0, 0) == 1  # an empty answer is one page
    assert expected_pages(300, 10) == 30  # the server applied a smaller page size


def test_fraction_and_eta() -> None:
    # request 3 of 4, page 5 of 10 of it: (2 + 0.5) / 4 done in 50 s, 30 s to go
    progress = PullProgress("raw.t", 25, 500, 50.0, 3, 4, 5, 10)
    assert progress.fraction() == pytest.approx(0.625)
    assert progress.eta() == pytest.approx(30.0)
    # no count from the API (USAspending): the current request counts as not begun
    assert PullProgress("raw.t", 9, 900, 20.0, 2, 5, 9, None).eta() == pytest.approx(80.0)
    # no plan and no count: nothing says how much is left
    assert PullProgress("raw.t", 9, 900, 20.0).eta() is None
    # one request whose count is known
    assert PullProgress("raw.t", 1, 25, 2.0, None, None, 1, 4).eta() == pytest.approx(6.0)


def test_format_progress() -> None:
    assert (
        format_progress(PullProgress("raw.lda_filings", 25, 10234, 50.0, 3, 4, 5, 10))
        == "    raw.lda_filings: request 3/4, page 5/10, 10,234 records, ETA 30s"
    )
    # no count: the page without a total; no share done: the time so far instead of an ETA
    assert (
        format_progress(PullProgress("raw.usaspending_recipients", 7, 7, 125.0, request_pages=7))
        == "    raw.usaspending_recipients: page 7, 7 records, 2m05s"
    )
    assert duration(3 * 3600 + 7 * 60 + 5) == "3h07m"


def test_observe_reports_each_page_with_its_request_and_expected_pages() -> None:
    clock = Clock()

    def pages():
        for request, count in ((1, 60), (2, 10)):
            for n in range(3 if count == 60 else 1):
                clock.now += 1.0
                records = [{}] * (25 if n < 2 else 10) if count == 60 else [{}] * 10
                yield FetchedPage("lda", f"p{request}.{n}", records, (), (), count, (request, 2))

    seen: list[PullProgress] = []
    fetched = list(observe(pages(), "raw.lda_filings", seen.append, clock=clock))
    assert len(fetched) == 4
    assert [(p.request, p.request_pages, p.request_pages_expected) for p in seen] == [
        (1, 1, 3),
        (1, 2, 3),
        (1, 3, 3),
        (2, 1, 1),
    ]
    assert [p.records for p in seen] == [25, 50, 60, 70]
    assert seen[1].eta() == pytest.approx(2.0 * (1 - 1 / 3) / (1 / 3))
    assert {p.requests for p in seen} == {2}


def test_on_a_terminal_the_status_is_redrawn_in_place_and_lines_replace_it() -> None:
    clock, out = Clock(), io.StringIO()
    console = Console(out, tty=True, clock=clock, tty_interval=0.1)
    console.line("  > raw__lda_filings ...")
    clock.now += 0.05
    console.status("page 1")  # too soon after the line: not drawn
    clock.now += 0.1
    console.status("page 2")
    clock.now += 0.01
    console.status("page 3")  # too soon after page 2
    clock.now += 0.2
    console.status("page 4")
    console.line("  ok raw__lda_filings (1.0 s)")
    assert out.getvalue() == (
        "  > raw__lda_filings ...\n"
        f"{CLEAR_LINE}page 2{CLEAR_LINE}page 4{CLEAR_LINE}"
        "  ok raw__lda_filings (1.0 s)\n"
    )


def test_on_a_pipe_a_status_is_a_line_every_few_seconds_at_most() -> None:
    clock, out = Clock(), io.StringIO()
    console = Console(out, tty=False, clock=clock, pipe_interval=5.0)
    console.line("  > raw__lda_filings ...")
    for page in range(1, 31):  # a page every half second for 15 s
        clock.now += 0.5
        console.status(f"page {page}")
    console.line("  ok raw__lda_filings (15.0 s)")
    assert out.getvalue().splitlines() == [
        "  > raw__lda_filings ...",
        "page 10",
        "page 20",
        "page 30",
        "  ok raw__lda_filings (15.0 s)",
    ]
    assert "\r" not in out.getvalue()


def test_a_short_pull_on_a_pipe_prints_no_status() -> None:
    clock, out = Clock(), io.StringIO()
    console = Console(out, tty=False, clock=clock)
    console.line("  > raw__gdelt_articles ...")
    for page in range(20):
        clock.now += 0.1
        console.status(f"page {page}")
    assert out.getvalue() == "  > raw__gdelt_articles ...\n"
