"""An analyst's own article list: CSV or JSON Lines files of article metadata.

Columns (CSV header or JSON keys): ``url`` (required), ``title``, ``published`` (an ISO 8601
date or date and time), ``publisher``, and optionally ``description``; other columns are kept
as given. Each row becomes one record, the row's fields exactly as written plus ``_file`` (the
file's name) and ``_row`` (the CSV line number of the row, header being line 1, or the JSON
Lines line number). Nothing is cleaned or typed here: dbt does that. A row without a url is
quarantined by the landing, naming the file and the row; a JSON Lines line that is not a JSON
object is quarantined the same way; bad dates are failed expectations of the suite
``raw.analyst_articles``. A file that cannot be read, has an unknown extension, or a CSV without
a ``url`` column, is an ``ArticleFileError`` naming the file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.transport import FetchedPage

SOURCE = "analyst"
CSV_SUFFIXES = (".csv",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")
FILE_FIELD = "_file"
ROW_FIELD = "_row"


class ArticleFileError(IngestError):
    """An article file that cannot be used at all (missing, unreadable, unknown format)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(SOURCE, f"article file {path}: {reason}")
        self.path = path


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")  # a spreadsheet's BOM is not part of a name
    except FileNotFoundError:
        raise ArticleFileError(path, "no such file") from None
    except UnicodeDecodeError as exc:
        raise ArticleFileError(path, f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise ArticleFileError(path, f"cannot be read ({exc.strerror or exc})") from None


def _csv_rows(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    reader = csv.DictReader(text.splitlines(keepends=True), restkey="_extra_values")
    if reader.fieldnames is None:
        raise ArticleFileError(path, "is empty (expected a header line with a url column)")
    names = [name.strip() for name in reader.fieldnames]
    if "url" not in names:
        raise ArticleFileError(path, f"has no url column (header: {', '.join(names)})")
    reader.fieldnames = names
    for row in reader:
        # line_num is the last physical line read: the row's own line unless a quoted value
        # spans lines, where it is the row's last line
        record: dict[str, Any] = dict(row)
        record.update({FILE_FIELD: path.name, ROW_FIELD: reader.line_num})
        yield f"line {reader.line_num}", record


def _jsonl_rows(path: Path, text: str) -> Iterator[tuple[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError:
            yield f"line {number} (not JSON)", line
            continue
        if isinstance(value, dict):
            yield f"line {number}", value | {FILE_FIELD: path.name, ROW_FIELD: number}
        else:
            yield f"line {number}", value


def read_article_file(path: Path) -> FetchedPage:
    """One file as one page of records (see the module docstring)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in CSV_SUFFIXES + JSONL_SUFFIXES:
        raise ArticleFileError(
            path,
            f"unknown extension {path.suffix or '(none)'!r}: use "
            + ", ".join(CSV_SUFFIXES + JSONL_SUFFIXES),
        )
    text = _text(path)
    rows = list(_csv_rows(path, text) if suffix in CSV_SUFFIXES else _jsonl_rows(path, text))
    return FetchedPage(
        SOURCE,
        f"analyst file {path}",
        [record for _, record in rows],
        record_names=tuple(name for name, _ in rows),
    )


def iter_article_files(paths: Iterable[Path]) -> Iterator[FetchedPage]:
    """One page per file, in the order given."""
    for path in paths:
        yield read_article_file(path)
