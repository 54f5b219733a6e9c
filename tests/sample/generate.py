"""Regenerate the bundled sample: ``python -m tests.sample.generate [--check]``.

1. ``universe.build_universe()`` makes the records (the case's facts plus a deterministic
   synthetic background).
2. The refresh's own pulls (``ingest.pulls``) run against in-process fake APIs
   (``fake_api``) that answer as the real APIs do: paging, filters, page-size caps.
3. Every response body is written to ``data/<source>/pages/NNNNN.json`` and indexed by request
   key in ``data/<source>/index.json``; ``manifest.json`` says what was recorded.

The output is byte-for-byte reproducible; ``--check`` regenerates into a temporary folder and
fails if anything differs from the bundled copy.
"""

from __future__ import annotations

import argparse
import csv
import filecmp
import json
import shutil
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import duckdb

from ingest.config import SAMPLE_DIR, load_settings
from ingest.errors import SourceHTTPError
from ingest.load import run_load
from ingest.pulls import SAMPLE_ARTICLE_FILE, Pull, RunContext
from ingest.sample.replay import MANIFEST
from ingest.sources import SOURCES
from ingest.transport import Request, Response
from ingest.watchlist import load_watchlist
from tests.fakes.app import App
from tests.fakes.edgar import FakeEdgarApi
from tests.fakes.feeds import FakeFeedsApi, feeds_from_tuples
from tests.fakes.gdelt import FakeGdeltApi
from tests.fakes.gleif import FakeGleifApi
from tests.fakes.lda import FakeLdaApi
from tests.fakes.usaspending import FakeUsaspendingApi
from tests.fakes.usaspending_archive import FakeArchive, RoutedUsaspending
from tests.sample import universe_edgar
from tests.sample.constants import bundled_constants, bundled_toptier_agencies
from tests.sample.universe import build_universe
from tests.sample.universe_gleif import GLEIF_RECORDS, GLEIF_RELATIONSHIPS
from tests.sample.universe_news import ANALYST_ARTICLES, ANALYST_COLUMNS, FEEDS

SAMPLE_YEARS = (2017, 2019)


class RecordingTransport:
    """Answers each request from a fake API in-process and remembers every response body."""

    def __init__(self, apis: Mapping[str, App]) -> None:
        self.apis = apis
        self.recorded: dict[str, list[tuple[str, bytes]]] = {name: [] for name in apis}

    def send(self, request: Request) -> Response:
        api = self.apis[request.source]
        parts = urlsplit(request.full_url())
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        body = None
        if request.json_body is not None:
            body = json.dumps(request.json_body).encode("utf-8")
        status, headers, payload = api.handle(request.method, parts.path, query, body)
        if status != 200:
            raise SourceHTTPError(request.source, request.label, status, payload.decode()[:200])
        self.recorded[request.source].append((request.key(), payload))
        return Response(request, status, payload, headers)

    def download(self, request: Request, dest: Path) -> Response:
        """As ``send``, the body written to ``dest`` (the fakes' files are small)."""
        response = self.send(request)
        dest.write_bytes(response.body)
        return Response(request, response.status, b"", response.headers)

    def close(self) -> None:
        """Nothing to release: the fakes answer in-process."""


def _extension(source: str, key: str) -> str:
    """The recorded body's file extension: feeds are XML, archive files zips, the rest JSON."""
    if source == "feeds":
        return "xml"
    return "zip" if key.split(" ")[1].endswith(".zip") else "json"


def write_analyst_list(path: Path) -> None:
    """The analyst's article list of the sample, as a CSV an analyst would save."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ANALYST_COLUMNS)
        writer.writerows(ANALYST_ARTICLES)


class _Passes:
    """A validation that fails nothing: the generator lands what the fakes answered, so that a
    pull that reads the warehouse (recipients read the awards) sees what a refresh would."""

    critical_failures: list = []  # noqa: RUF012 - never mutated

    def reason(self) -> str:
        return ""


def generate(out_dir: Path) -> dict[str, object]:
    """Write the sample into ``out_dir`` (replacing it) and return the manifest.

    Every declared source (``ingest.sources.SOURCES``) is pulled in refresh order through its own
    pull, answered by the fake APIs, and landed in a scratch DuckDB as a refresh would land it.
    """
    settings = replace(load_settings({}), source="sample")
    watchlist = load_watchlist(settings.watchlist)
    universe = build_universe()
    transport = RecordingTransport(
        {
            "lda": FakeLdaApi(
                universe.lda_filings,
                settings.lda_api_url,
                contributions=universe.lda_contributions,
                constants=bundled_constants(),
            ),
            "usaspending": RoutedUsaspending(
                FakeUsaspendingApi(universe.awards, toptier_agencies=bundled_toptier_agencies()),
                FakeArchive(universe.awards, bundled_toptier_agencies()),
            ),
            "gdelt": FakeGdeltApi(universe.articles),
            "feeds": FakeFeedsApi(feeds_from_tuples(FEEDS)),
            "edgar": FakeEdgarApi(universe_edgar.TICKERS, universe_edgar.SUBMISSIONS),
            "gleif": FakeGleifApi(GLEIF_RECORDS, GLEIF_RELATIONSHIPS),
        }
    )
    counts: dict[str, dict[str, int]] = {}
    # the analyst's list is a file, not a request: the pull reads it from a staging copy
    with tempfile.TemporaryDirectory() as staging, duckdb.connect() as con:
        write_analyst_list(Path(staging) / SAMPLE_ARTICLE_FILE)
        run = RunContext(
            transport=transport,
            settings=replace(settings, sample_dir=Path(staging)),
            years=SAMPLE_YEARS,
            watchlist=watchlist,
            con=con,
        )
        for spec in SOURCES:
            pull = spec.pull(run)
            pages = list(pull.pages)
            load, _ = run_load(
                con,
                spec.table,
                Pull(pull.parameters, iter(pages), pull.files),
                lambda *_: _Passes(),
            )
            if pull.files is not None:  # the Award Data Archive: its listing and zips
                counts[spec.name] = {
                    "files": len(pull.parameters.get("files", [])),
                    "csv_parts": load.counts.pages - len(pages),
                }
                continue
            counts[spec.name] = {
                "pages": len(pages),
                "records": sum(len(p.records) for p in pages),
                "distinct_keys": len({spec.table.key_of(r) for p in pages for r in p.records}),
            }
    if out_dir.exists():
        shutil.rmtree(out_dir)
    write_analyst_list(out_dir / SAMPLE_ARTICLE_FILE)
    for source, responses in transport.recorded.items():
        pages_dir = out_dir / source / "pages"
        pages_dir.mkdir(parents=True)
        index: dict[str, str] = {}
        for number, (key, payload) in enumerate(responses, start=1):
            name = f"pages/{number:05d}.{_extension(source, key)}"
            (out_dir / source / name).write_bytes(payload)
            index[key] = name
        (out_dir / source / "index.json").write_text(
            json.dumps(index, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
    manifest: dict[str, object] = {
        "description": "Recorded responses of the fake LDA, USAspending (search API and Award "
        "Data Archive zips), GDELT, SEC EDGAR and GLEIF APIs and of two publishers' feeds over "
        "the deterministic sample universe "
        "(tests/sample/universe.py, universe_edgar.py, universe_gleif.py), and an analyst's "
        "article list (analyst/articles.csv). Case facts are public; the background companies' "
        "amounts, awards and articles are synthetic, and so are the GLEIF records marked SAMPLE.",
        "years": list(SAMPLE_YEARS),
        "watchlist": "ingest/watchlist.yaml",
        "universe": {
            "lda_filings": len(universe.lda_filings),
            "lda_contributions": len(universe.lda_contributions),
            "awards": len(universe.awards),
            "award_transactions": sum(len(a.transactions) for a in universe.awards),
            "articles": len(universe.articles),
            "feed_entries": sum(len(feed[4]) for feed in FEEDS),
            "analyst_articles": len(ANALYST_ARTICLES),
            "edgar_tickers": len(universe_edgar.TICKERS),
            "edgar_submissions": len(universe_edgar.SUBMISSIONS),
            "gleif_lei_records": len(GLEIF_RECORDS),
            "gleif_relationships": len(GLEIF_RELATIONSHIPS),
        },
        "recorded": counts,
    }
    (out_dir / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def differences(a: Path, b: Path) -> list[str]:
    diffs: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        diffs.extend(f"only in bundled: {prefix}{n}" for n in cmp.left_only)
        diffs.extend(f"only in regenerated: {prefix}{n}" for n in cmp.right_only)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        diffs.extend(f"differs: {prefix}{n}" for n in mismatch + errors)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return diffs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the bundled sample")
    parser.add_argument("--out", type=Path, default=SAMPLE_DIR)
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            generate(Path(tmp) / "data")
            diffs = differences(args.out, Path(tmp) / "data")
        if diffs:
            print(f"the bundled sample differs from a regeneration ({len(diffs)} files):")
            for line in diffs[:20]:
                print(f"  {line}")
            return 1
        print("the bundled sample is reproduced byte for byte")
        return 0
    manifest = generate(args.out)
    print(json.dumps(manifest["recorded"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
