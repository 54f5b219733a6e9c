"""Benchmark: load N Senate LDA filings from a local fake API (not a test; prints figures only).

    python -m tests.benchmarks.bench_lda_load [--filings 100000] [--rate-seconds 60]
                                              [--anon-seconds 30]

Everything runs against ``FakeLdaApi`` behind ``LocalApiServer`` on 127.0.0.1; nothing leaves the
machine. Three parts:

1. Rate. The real ``LdaClient`` through the real ``LiveTransport`` with the limiter the live
   transport builds by default (120 requests/minute with a key; 15/minute without), for a bounded
   window. Prints the achieved request rate as a fraction of the allowed rate, and checks the
   server-side arrival times: the largest number of requests in any 60-second sliding window
   (DRF counts requests in ``(now - 60 s, now]``) against the allowed count.
2. Throughput. The limiter off (the local server is not the API: this measures the client and
   the landing pipeline), ``run_load`` of every filing period of the generated filings: real
   landing, real Great Expectations validation (``expectations.runner.validate_batch`` with the
   ``raw.lda_filings`` suite), real merge into a temporary DuckDB file. Prints filings landed per
   second and the seconds spent fetching+parsing, landing, validating and merging (timed around
   the library's calls; no library code is changed).
3. Baseline. The same pages' bodies saved to files, loaded by DuckDB's bare ``read_json`` into a
   table; prints filings per second and the pipeline's rate as a ratio of it.

The filings are ``build_universe().lda_filings`` replicated with fresh, deterministic uuids; each
copy keeps its source filing's year and period (12 quarters of 2017-2019), so the load pages
through 12 filing periods exactly as a live refresh of those years would.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import math
import random
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingest import landing
from ingest.config import Settings, load_settings
from ingest.http import (
    LDA_REQUESTS_PER_MINUTE_ANONYMOUS,
    LDA_REQUESTS_PER_MINUTE_WITH_KEY,
    NoRateLimit,
    build_transport,
    default_intervals,
)
from ingest.lda import LdaClient
from ingest.load import run_load
from ingest.pulls import Pull, pull_lda
from ingest.sources import LDA_FILINGS
from ingest.transport import FetchedPage
from tests.fakes.app import Reply
from tests.fakes.lda import FakeLdaApi
from tests.sample.universe import build_universe
from tests.support.http_server import LocalApiServer

SEED = "influence-warehouse-bench-lda-load-v1"
API_PATH = "/api/v1/"
BENCH_KEY = "bench-key-not-a-real-token"
WINDOW = 60.0  # seconds: the API's limits are per minute
RATE_TARGET = 0.90  # the target for achieved / allowed request rate


def say(*parts: Any) -> None:
    print(*parts, flush=True)  # noqa: T201 - a benchmark script reports on stdout


# --------------------------------------------------------------------------------------------
# Data


def make_filings(n: int, seed: str = SEED) -> list[dict[str, Any]]:
    """``n`` filings in the API's exact shape: the sample universe's filings, cycled, each copy
    with a fresh uuid (and the uuid-bearing URLs changed to match). Deterministic."""
    base = build_universe().lda_filings
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for i in range(n):
        source = base[i % len(base)]
        old = source["filing_uuid"]
        new = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        filing = dict(source)  # nested objects are shared: they are only ever serialised
        filing["filing_uuid"] = new
        for key in ("url", "filing_document_url"):
            if isinstance(filing.get(key), str):
                filing[key] = filing[key].replace(old, new)
        out.append(filing)
    return out


def periods_of(filings: list[dict[str, Any]]) -> list[tuple[int, str]]:
    return sorted({(f["filing_year"], f["filing_period"]) for f in filings})


class IndexedFakeLdaApi(FakeLdaApi):
    """``FakeLdaApi`` with its filter-and-sort result memoised per query (minus page and
    page_size), so the fake does not rescan N filings for each of N/25 pages. Answers are the
    same bytes the plain fake gives."""

    def __init__(self, filings: list[dict[str, Any]], base_url: str) -> None:
        super().__init__(filings, base_url)
        self._memo: dict[tuple[tuple[str, str], ...], list[dict[str, Any]] | Reply] = {}
        self._memo_lock = threading.Lock()

    def _matches(self, query: dict[str, str]) -> list[dict[str, Any]] | Reply:
        key = tuple(sorted((k, v) for k, v in query.items() if k not in ("page", "page_size")))
        with self._memo_lock:
            found = self._memo.get(key)
            if found is None:
                found = super()._matches(query)
                self._memo[key] = found
        return found

    def warm(self, periods: list[tuple[int, str]]) -> None:
        """Compute the answer sets the client's queries will hit (outside any timing)."""
        for year, period in periods:
            self._matches(
                {"filing_year": str(year), "filing_period": period, "ordering": "dt_posted"}
            )


@dataclass(frozen=True)
class Hit:
    at: float  # time.monotonic() when the server's handler got the request
    seconds: float  # time the fake spent answering
    path: str
    query: dict[str, str]
    status: int


@dataclass
class TimedApp:
    """Wraps the fake: stamps each request's arrival on the server side (``LocalApiServer``'s
    own log keeps no times) and how long the fake took to answer it."""

    app: FakeLdaApi
    hits: list[Hit] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        arrived = time.monotonic()
        status, headers, payload = self.app.handle(method, path, query, body)
        hit = Hit(arrived, time.monotonic() - arrived, path, dict(query), status)
        with self.lock:
            self.hits.append(hit)
        return status, headers, payload

    def take(self) -> list[Hit]:
        with self.lock:
            hits, self.hits = self.hits, []
        return hits


def settings_for(server_url: str, key: str | None, workdir: Path) -> Settings:
    env = {"LDA_API_URL": server_url + API_PATH, "INFLUENCE_WAREHOUSE": str(workdir / "wh.duckdb")}
    if key:
        env["LDA_API_KEY"] = key
    return load_settings(env)


# --------------------------------------------------------------------------------------------
# Part 1: the request rate under the live transport's own limiter


@dataclass(frozen=True)
class RateResult:
    label: str
    allowed_per_minute: float
    interval: float  # the limiter's seconds between request starts
    requests: int
    elapsed: float  # first request sent -> last response received (client clock)
    span: float  # first -> last arrival at the server
    achieved_per_minute: float  # (requests - 1) / span: the sustained rate
    fraction: float
    overall_per_minute: float  # requests / elapsed
    max_in_window: int  # most arrivals in any (t - 60 s, t]
    min_gap: float  # smallest gap between consecutive arrivals
    window_margin: float | None  # min over j of arrival[j + limit] - arrival[j] - 60 s
    authorized: int
    non_200: int


def sliding_window_max(times: list[float], window: float) -> int:
    """The most requests any half-open window ``(t - window, t]`` holds (DRF's throttle view:
    a request ``window`` seconds old has left the history)."""
    best = 0
    start = 0
    for end, t in enumerate(times):
        while times[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


def run_rate(
    label: str,
    server: LocalApiServer,
    timed: TimedApp,
    workdir: Path,
    key: str | None,
    seconds: float,
) -> RateResult:
    settings = settings_for(server.url, key, workdir)
    interval = default_intervals(settings.lda_api_key is not None)["lda"]
    # The API's published limit, not the limiter's (which keeps a margin below it).
    allowed = float(
        LDA_REQUESTS_PER_MINUTE_WITH_KEY
        if settings.lda_api_key is not None
        else LDA_REQUESTS_PER_MINUTE_ANONYMOUS
    )
    limit = round(allowed)  # requests allowed per 60-second window
    periods = periods_of_server(timed)
    max_requests = math.ceil(seconds / interval) + 2  # a hard bound besides the time bound
    say(
        f"[rate/{label}] LiveTransport, default limiter ({allowed:.0f}/min allowed, one request "
        f"every {interval:.2f} s), {seconds:.0f} s window, at most {max_requests} requests ..."
    )
    timed.take()
    server.clear_log()
    transport = build_transport(settings)  # rate_limiter=None: the limiter a live run would use
    client = LdaClient(transport, settings.lda_api_url)
    sent = 0
    last_report = 0.0
    try:
        t0 = time.monotonic()
        period_index = 0
        pages: Iterator[FetchedPage] = client.iter_filings(*periods[period_index])
        while sent < max_requests and time.monotonic() - t0 < seconds:
            try:
                next(pages)
            except StopIteration:
                period_index = (period_index + 1) % len(periods)
                pages = client.iter_filings(*periods[period_index])
                continue
            sent += 1
            now = time.monotonic() - t0
            if now - last_report >= 15:
                last_report = now
                say(f"[rate/{label}]   {sent} requests after {now:.1f} s")
        elapsed = time.monotonic() - t0
    finally:
        transport.close()
    hits = timed.take()
    logged = server.requests
    times = sorted(h.at for h in hits)
    span = times[-1] - times[0] if len(times) > 1 else float("nan")
    achieved = (len(times) - 1) / span * 60 if len(times) > 1 and span > 0 else float("nan")
    gaps = [b - a for a, b in itertools.pairwise(times)]
    margins = [times[j + limit] - times[j] - WINDOW for j in range(len(times) - limit)]
    return RateResult(
        label=label,
        allowed_per_minute=allowed,
        interval=interval,
        requests=len(times),
        elapsed=elapsed,
        span=span,
        achieved_per_minute=achieved,
        fraction=achieved / allowed,
        overall_per_minute=len(times) / elapsed * 60,
        max_in_window=sliding_window_max(times, WINDOW),
        min_gap=min(gaps) if gaps else float("nan"),
        window_margin=min(margins) if margins else None,
        authorized=sum(1 for r in logged if (r.header("Authorization") or "").startswith("Token ")),
        non_200=sum(1 for h in hits if h.status != 200),
    )


def periods_of_server(timed: TimedApp) -> list[tuple[int, str]]:
    return periods_of(timed.app.filings)


def print_rate(r: RateResult) -> None:
    limit = round(r.allowed_per_minute)
    say(f"[rate/{r.label}] requests made:            {r.requests} ({r.non_200} not 200)")
    say(f"[rate/{r.label}] with an Authorization:    {r.authorized}")
    say(
        f"[rate/{r.label}] elapsed:                  {r.elapsed:.2f} s (first arrival to last "
        f"{r.span:.2f} s)"
    )
    say(
        f"[rate/{r.label}] achieved rate:            {r.achieved_per_minute:.2f} requests/min "
        f"(overall requests/elapsed: {r.overall_per_minute:.2f})"
    )
    say(f"[rate/{r.label}] allowed rate:             {r.allowed_per_minute:.0f} requests/min")
    say(f"[rate/{r.label}] achieved / allowed:       {r.fraction:.3f} (target >= {RATE_TARGET})")
    say(
        f"[rate/{r.label}] max in any 60 s window:   {r.max_in_window} (allowed {limit}; "
        f"{'exceeded' if r.max_in_window > limit else 'not exceeded'})"
    )
    say(
        f"[rate/{r.label}] smallest gap between arrivals: {r.min_gap * 1000:.1f} ms "
        f"(limiter interval {1000 * r.interval:.0f} ms)"
    )
    if r.window_margin is None:
        say(f"[rate/{r.label}] (fewer than {limit + 1} requests: no 60 s window could overflow)")
    else:
        say(
            f"[rate/{r.label}] min(arrival[j+{limit}] - arrival[j]) - 60 s: "
            f"{r.window_margin * 1000:+.1f} ms (negative = {limit + 1} requests in one window)"
        )


# --------------------------------------------------------------------------------------------
# Part 2: the pipeline's throughput (limiter off)


@dataclass
class Phases:
    fetch: float = 0.0  # pulling every page: HTTP, JSON parsing, page checks
    land: float = 0.0
    validate: float = 0.0
    merge: float = 0.0
    total: float = 0.0


class _Patch:
    """Time every call of ``module.name`` into ``phases.<attr>`` while in the ``with`` block."""

    def __init__(self, module: Any, name: str, phases: Phases, attr: str) -> None:
        self.module, self.name, self.phases, self.attr = module, name, phases, attr
        self.original = getattr(module, name)

    def __enter__(self) -> None:
        original, phases, attr = self.original, self.phases, self.attr

        def timed(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                setattr(phases, attr, getattr(phases, attr) + time.perf_counter() - t)

        setattr(self.module, self.name, timed)

    def __exit__(self, *exc: object) -> None:
        setattr(self.module, self.name, self.original)


@dataclass(frozen=True)
class LoadResult:
    filings: int
    pages: int
    status: str
    inserted: int
    rows_in_raw: int
    phases: Phases
    server_seconds: float
    gx_startup: float
    hits: list[Hit]

    @property
    def per_second(self) -> float:
        return self.filings / self.phases.total


def run_throughput(
    server: LocalApiServer, timed: TimedApp, workdir: Path, expected: int
) -> LoadResult:
    t = time.perf_counter()
    from expectations.runner import gx_context, validate_batch
    from expectations.suites import load_suite

    gx_context()  # the one-off GX import and start-up, outside the timed load
    gx_startup = time.perf_counter() - t
    suite = load_suite(LDA_FILINGS.suite)

    periods = periods_of_server(timed)
    years = (periods[0][0], periods[-1][0])
    settings = settings_for(server.url, BENCH_KEY, workdir)
    transport = build_transport(settings, rate_limiter=NoRateLimit())
    pull = pull_lda(transport, settings, years)
    phases = Phases()
    say(
        f"[load] run_load of {expected:,} filings, years {years[0]}-{years[1]} "
        f"({len(periods)} periods with filings), limiter off, into {workdir / 'bench.duckdb'} ..."
    )

    def pages() -> Iterator[FetchedPage]:
        fetched = 0
        next_report = 10_000
        source = pull.pages
        while True:
            t = time.perf_counter()
            try:
                page = next(source)
            except StopIteration:
                phases.fetch += time.perf_counter() - t
                return
            phases.fetch += time.perf_counter() - t
            fetched += len(page.records)
            if fetched >= next_report:
                say(f"[load]   fetched {fetched:,} filings in {phases.fetch:.1f} s")
                next_report += 10_000
            yield page

    def validate(con: duckdb.DuckDBPyConnection, load_id: str) -> Any:
        say(
            f"[load]   fetched everything in {phases.fetch:.1f} s; landed in {phases.land:.1f} s;"
            " validating ..."
        )
        t = time.perf_counter()
        try:
            return validate_batch(con, suite, load_id)
        finally:
            phases.validate += time.perf_counter() - t

    timed_pull = Pull(pull.parameters, pages())
    timed.take()
    server.clear_log()
    con = duckdb.connect(str(workdir / "bench.duckdb"))
    try:
        gc.collect()
        with (
            _Patch(landing, "land_batch", phases, "land"),
            _Patch(landing, "merge_batch", phases, "merge"),
            _Patch(landing, "quarantine_batch", phases, "merge"),
        ):
            t = time.perf_counter()
            load, outcome = run_load(con, LDA_FILINGS.table, timed_pull, validate)
            phases.total = time.perf_counter() - t
        row = con.execute(f"select count(*) from {LDA_FILINGS.table.qualified}").fetchone()
        rows_in_raw = int(row[0]) if row else 0
    finally:
        con.close()
        transport.close()
    hits = timed.take()
    if load.status != "succeeded":
        say(f"[load] !! the batch was {load.status}: {load.error}")
    warnings = [o.describe() for o in getattr(outcome, "warnings", [])]
    if warnings:
        say(f"[load] validation warnings: {'; '.join(warnings)}")
    return LoadResult(
        filings=load.counts.fetched,
        pages=load.counts.pages,
        status=load.status,
        inserted=load.counts.inserted,
        rows_in_raw=rows_in_raw,
        phases=phases,
        server_seconds=sum(h.seconds for h in hits),
        gx_startup=gx_startup,
        hits=hits,
    )


def print_load(r: LoadResult) -> None:
    p = r.phases
    other = p.total - p.fetch - p.land - p.validate - p.merge
    say(
        f"[load] status {r.status}: {r.filings:,} filings on {r.pages:,} pages fetched, "
        f"{r.inserted:,} inserted, raw.lda_filings holds {r.rows_in_raw:,}"
    )
    say(f"[load] run_load total:      {p.total:8.2f} s -> {r.per_second:,.0f} filings/s")
    say(
        f"[load]   fetch + parse:     {p.fetch:8.2f} s (of which the fake server answering: "
        f"{r.server_seconds:.2f} s)"
    )
    say(f"[load]   land:              {p.land:8.2f} s")
    say(
        f"[load]   validate (GX):     {p.validate:8.2f} s (GX context start-up before the run, "
        f"not counted: {r.gx_startup:.2f} s)"
    )
    say(f"[load]   merge:             {p.merge:8.2f} s")
    say(f"[load]   ledger, other:     {other:8.2f} s")


# --------------------------------------------------------------------------------------------
# Part 3: DuckDB's bare read_json over the same pages


@dataclass(frozen=True)
class ReadJsonResult:
    files: int
    megabytes: float
    rows: int
    seconds: float
    rows_json: int
    seconds_json: float


def save_pages(app: FakeLdaApi, hits: list[Hit], pages_dir: Path) -> tuple[int, int]:
    """Write the body of every page the load fetched (answered again by the same deterministic
    fake: the same bytes) to ``pages_dir``."""
    pages_dir.mkdir(parents=True, exist_ok=True)
    size = 0
    for i, hit in enumerate(sorted(hits, key=lambda h: h.at)):
        status, _, body = app.handle("GET", hit.path, hit.query, None)
        if status != 200:
            raise RuntimeError(f"replaying {hit.path}?{hit.query} gave HTTP {status}")
        (pages_dir / f"page-{i:06d}.json").write_bytes(body)
        size += len(body)
    return len(hits), size


def run_read_json(pages_dir: Path, workdir: Path) -> ReadJsonResult:
    pattern = str(pages_dir / "*.json")
    files = len(list(pages_dir.glob("*.json")))
    megabytes = sum(p.stat().st_size for p in pages_dir.glob("*.json")) / 1e6

    def timed(sql: str, db: str) -> tuple[int, float]:
        path = workdir / db
        con = duckdb.connect(str(path))
        try:
            gc.collect()
            t = time.perf_counter()
            con.execute(sql)
            seconds = time.perf_counter() - t
            row = con.execute("select count(*) from filings").fetchone()
        finally:
            con.close()
        path.unlink(missing_ok=True)
        return (int(row[0]) if row else 0), seconds

    say(
        f"[read_json] {files:,} page files, {megabytes:,.0f} MB; read_json (schema auto-detected)"
        " into a table ..."
    )
    rows, seconds = timed(
        f"create table filings as select unnest(results) as filing from read_json('{pattern}')",
        "read_json.duckdb",
    )
    say("[read_json] again with results read as JSON[] (records kept as JSON, like raw.*) ...")
    rows_json, seconds_json = timed(
        "create table filings as select unnest(results) as record from read_json("
        f"'{pattern}', columns = {{count: 'BIGINT', next: 'VARCHAR', previous: 'VARCHAR', "
        "results: 'JSON[]'})",
        "read_json_as_json.duckdb",
    )
    return ReadJsonResult(files, megabytes, rows, seconds, rows_json, seconds_json)


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--filings", type=int, default=100_000, help="filings to serve and load")
    parser.add_argument(
        "--rate-seconds", type=float, default=60.0, help="window of the with-key rate run (0: skip)"
    )
    parser.add_argument(
        "--anon-seconds",
        type=float,
        default=30.0,
        help="window of the anonymous rate run (0: skip)",
    )
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temporary dir")
    parser.add_argument("--keep", action="store_true", help="keep the work dir (DuckDB, pages)")
    args = parser.parse_args(argv)
    if args.filings < 1:
        parser.error("--filings must be positive")

    started = time.perf_counter()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-lda-load-"))
    workdir.mkdir(parents=True, exist_ok=True)
    say(f"bench_lda_load: {args.filings:,} filings; work dir {workdir}")

    t = time.perf_counter()
    filings = make_filings(args.filings)
    periods = periods_of(filings)
    say(
        f"[data] generated {len(filings):,} filings over {len(periods)} periods in "
        f"{time.perf_counter() - t:.2f} s"
    )

    rates: list[RateResult] = []
    try:
        with LocalApiServer() as server:
            fake = IndexedFakeLdaApi(filings, server.url + API_PATH)
            t = time.perf_counter()
            fake.warm(periods)
            say(
                f"[data] fake LDA API at {server.url}{API_PATH} (answer sets indexed in "
                f"{time.perf_counter() - t:.2f} s)"
            )
            timed = TimedApp(fake)
            server.app = timed

            if args.rate_seconds > 0:
                rates.append(run_rate("key", server, timed, workdir, BENCH_KEY, args.rate_seconds))
                print_rate(rates[-1])
            if args.anon_seconds > 0:
                rates.append(run_rate("anon", server, timed, workdir, None, args.anon_seconds))
                print_rate(rates[-1])

            load = run_throughput(server, timed, workdir, len(filings))
            print_load(load)

        t = time.perf_counter()
        pages_dir = workdir / "pages"
        files, size = save_pages(fake, load.hits, pages_dir)
        say(
            f"[read_json] saved {files:,} page bodies ({size / 1e6:,.0f} MB) in "
            f"{time.perf_counter() - t:.1f} s"
        )
        del load.hits[:]
        del filings, fake, timed
        gc.collect()
        base = run_read_json(pages_dir, workdir)
        base_rate = base.rows / base.seconds
        json_rate = base.rows_json / base.seconds_json
        say(
            f"[read_json] auto-detected: {base.rows:,} filings in {base.seconds:.2f} s -> "
            f"{base_rate:,.0f} filings/s"
        )
        say(
            f"[read_json] as JSON[]:     {base.rows_json:,} filings in {base.seconds_json:.2f} s "
            f"-> {json_rate:,.0f} filings/s"
        )

        ratio = load.per_second / base_rate
        say("")
        say("=" * 78)
        say(
            f"LDA load benchmark: {load.filings:,} filings, {load.pages:,} pages, "
            f"total runtime {time.perf_counter() - started:.0f} s"
        )
        say("-" * 78)
        for r in rates:
            say(
                f"request rate ({r.label:>4}): {r.achieved_per_minute:7.2f} of "
                f"{r.allowed_per_minute:.0f}/min allowed = {r.fraction:.3f}; "
                f"{r.requests} requests in {r.elapsed:.1f} s; max in a 60 s window "
                f"{r.max_in_window}/{round(r.allowed_per_minute)}"
            )
        p = load.phases
        say(
            f"pipeline (run_load, limiter off): {load.per_second:10,.0f} filings/s "
            f"({p.total:.1f} s: fetch+parse {p.fetch:.1f}, land {p.land:.1f}, "
            f"validate {p.validate:.1f}, merge {p.merge:.1f})"
        )
        say(
            f"DuckDB read_json, auto schema:    {base_rate:10,.0f} filings/s ({base.seconds:.2f} s)"
        )
        say(
            f"DuckDB read_json, results JSON[]: {json_rate:10,.0f} filings/s "
            f"({base.seconds_json:.2f} s)"
        )
        say(
            f"pipeline / read_json (auto):      {ratio:10.4f} (read_json is {1 / ratio:,.0f}x "
            "faster)"
        )
        say(f"pipeline / read_json (JSON[]):    {load.per_second / json_rate:10.4f}")
        say("=" * 78)
    finally:
        if args.keep or args.workdir:
            say(f"(work dir kept: {workdir})")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
