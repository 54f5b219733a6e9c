"""What `influence refresh` shows on the terminal: one line per step (``defs/loggers.py``) and,
while a pull fetches pages, one live progress line: redrawn in place on a terminal, printed at
most every few seconds when the output is a file or a pipe.

Everything else that would reach stdout while the job runs (dbt's log lines, which dagster-dbt
echoes) is dropped unless ``--verbose`` asks for it (``hide_other_output``); dbt keeps its own
log in ``dbt_models/logs/dbt.log`` and Dagster its run's events.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterator
from typing import TextIO

from ingest.progress import PullProgress

CLEAR_LINE = "\r\x1b[K"  # back to the start of the line, erase it


def duration(seconds: float) -> str:
    """``42s``, ``3m05s``, ``1h07m``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


def format_progress(progress: PullProgress) -> str:
    """``    raw.lda_filings: request 3/12, page 40/96, 10,234 records, ETA 3m20s``: the request
    of the plan, the page of that request (of how many, when the API counted the records), the
    records so far and, when the share done can be told, the time left at the pace so far."""
    parts = []
    if progress.request is not None and progress.requests is not None:
        parts.append(f"request {progress.request}/{progress.requests}")
    page = f"page {progress.request_pages}"
    if progress.request_pages_expected is not None:
        page += f"/{progress.request_pages_expected}"
    parts.append(page)
    parts.append(f"{progress.records:,} records")
    eta = progress.eta()
    parts.append(f"ETA {duration(eta)}" if eta is not None else f"{duration(progress.elapsed)}")
    return f"    {progress.name}: " + ", ".join(parts)


class Console:
    """Lines, and one status line that later lines replace.

    On a terminal the status line is redrawn in place (carriage return, at most every
    ``tty_interval`` seconds, cut to the terminal's width so it never wraps); elsewhere a status
    is printed as a line of its own, the first ``pipe_interval`` seconds after the last line and
    then at most one every ``pipe_interval`` seconds (a short pull prints none)."""

    def __init__(
        self,
        stream: TextIO | None = None,
        tty: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
        tty_interval: float = 0.1,
        pipe_interval: float = 5.0,
    ) -> None:
        self.stream = stream  # None: sys.stdout when written to
        self._tty = tty
        self.clock = clock
        self.tty_interval = tty_interval
        self.pipe_interval = pipe_interval
        self._drawn = False  # a status is on the terminal's last line
        self._last: float | None = None  # when the last line or status was written

    @property
    def out(self) -> TextIO:
        return self.stream or sys.stdout

    @property
    def tty(self) -> bool:
        if self._tty is not None:
            return self._tty
        isatty = getattr(self.out, "isatty", None)
        return bool(isatty and isatty())

    def line(self, text: str) -> None:
        """A line of its own (a step started or done); it replaces the status line."""
        self._clear()
        self.out.write(text + "\n")
        self.out.flush()
        self._last = self.clock()

    def status(self, text: str) -> None:
        now = self.clock()
        if self._last is None:
            self._last = now
            if not self.tty:
                return
        elif now - self._last < (self.tty_interval if self.tty else self.pipe_interval):
            return
        self._last = now
        if self.tty:
            width = shutil.get_terminal_size().columns - 1
            self.out.write(CLEAR_LINE + text[:width])
            self._drawn = True
        else:
            self.out.write(text + "\n")
        self.out.flush()

    def show_pull(self, progress: PullProgress) -> None:
        """An ``ingest.progress.ProgressObserver``: the pull's progress as the status line."""
        self.status(format_progress(progress))

    def end_status(self) -> None:
        self._clear()
        self._last = None

    def _clear(self) -> None:
        if self._drawn:
            self.out.write(CLEAR_LINE)
            self._drawn = False


# The one console of an `influence` process (the job runs in the same process).
CONSOLE = Console()


@contextlib.contextmanager
def hide_other_output(hide: bool = True) -> Iterator[None]:
    """While inside, only ``CONSOLE`` writes to stdout: what anything else prints there (dbt's
    log lines, echoed by dagster-dbt) is dropped. With ``hide`` false, nothing changes."""
    if not hide:
        yield
        return
    CONSOLE.stream = sys.stdout
    try:
        with open(os.devnull, "w", encoding="utf-8") as sink, contextlib.redirect_stdout(sink):
            yield
    finally:
        CONSOLE.end_status()
        CONSOLE.stream = None
