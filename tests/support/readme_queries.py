"""The README's example queries: read them, run them, and rewrite the output printed under each.

Each query in the README sits under a ``<!-- query: name -->`` marker as a ```sql block followed
by a ```text block holding what DuckDB prints for it. The end-to-end test re-runs every query and
compares; after a change to the marts, rewrite the outputs from a freshly built warehouse with

    python -m tests.support.readme_queries warehouse.duckdb --write
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import sys
from pathlib import Path

import duckdb

from ingest.config import REPO_ROOT

README = REPO_ROOT / "README.md"
README_QUERY = re.compile(r"(<!-- query: (\w+) -->\s*```sql\n(.*?)```\s*```text\n)(.*?)(```)", re.S)


def readme_blocks(readme: Path = README) -> dict[str, tuple[str, str]]:
    """The README's example queries and the output printed under each, by query name."""
    text = readme.read_text(encoding="utf-8")
    return {m.group(2): (m.group(3), m.group(4)) for m in README_QUERY.finditer(text)}


def printed(con: duckdb.DuckDBPyConnection, sql: str) -> str:
    """What DuckDB's ``show`` prints for ``sql`` (the form the README shows)."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        con.sql(sql).show(max_width=300, max_rows=100)
    return buffer.getvalue()


def rewrite(warehouse: Path, readme: Path = README) -> list[str]:
    """Replace every output block with what its query prints now; returns the names changed."""
    text = readme.read_text(encoding="utf-8")
    changed: list[str] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:

        def replace(match: re.Match[str]) -> str:
            output = printed(con, match.group(3))
            if output != match.group(4):
                changed.append(match.group(2))
            return match.group(1) + output + match.group(5)

        new_text = README_QUERY.sub(replace, text)
    readme.write_text(new_text, encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--write", action="store_true", help="rewrite the README's outputs")
    args = parser.parse_args(argv)
    if args.write:
        changed = rewrite(args.warehouse)
        sys.stdout.write(f"rewrote {len(changed)} outputs: {', '.join(changed) or '-'}\n")
        return 0
    with duckdb.connect(str(args.warehouse), read_only=True) as con:
        stale = [name for name, (sql, out) in readme_blocks().items() if printed(con, sql) != out]
    sys.stdout.write(f"stale outputs: {', '.join(stale) or 'none'}\n")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
