"""An analyst in another process, holding a connection to the published warehouse open (the
README's recipe: DuckDB from Python) and answering a query each time it is asked."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

_SCRIPT = r"""
import sys
import duckdb

con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read_only")


def answer():
    snapshot = con.execute("select snapshot_id from audit.published_snapshot").fetchone()[0]
    rows, spend = con.execute(
        "select count(*), sum(contract_obligations) from marts.company_agency_quarter"
    ).fetchone()
    print(snapshot, rows, spend, flush=True)


answer()
for line in sys.stdin:
    answer()
"""


@dataclass(frozen=True)
class Answer:
    snapshot_id: str
    rows: int
    spend: str


def parse(line: str) -> Answer:
    snapshot_id, rows, spend = line.split()
    return Answer(snapshot_id, int(rows), spend)


class Analyst:
    """``mode``: ``read_only`` or ``read_write``; the connection stays open until ``close``."""

    def __init__(self, warehouse: Path, mode: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT, str(warehouse), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.first = self._read()

    def _read(self) -> Answer:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            assert self.proc.stderr is not None
            raise AssertionError("the analyst's connection failed: " + self.proc.stderr.read())
        return parse(line)

    def ask(self) -> Answer:
        assert self.proc.stdin is not None
        self.proc.stdin.write("again\n")
        self.proc.stdin.flush()
        return self._read()

    def close(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def fresh_answer(warehouse: Path) -> Answer:
    """What a new connection (in a new process) sees."""
    analyst = Analyst(warehouse, "read_only")
    analyst.close()
    return analyst.first
