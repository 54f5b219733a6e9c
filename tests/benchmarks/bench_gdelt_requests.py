"""Benchmark: how many GDELT requests a news pull makes against the fewest the 250 cap allows
(not a test; prints figures only).

    python -m tests.benchmarks.bench_gdelt_requests [--articles 20000] [--seed 13]

The default watchlist (ingest/watchlist.yaml) is pulled over two years (``--years``) by the
refresh's own pull (``ingest.pulls.pull_gdelt``) from the fake DOC API (tests/fakes/gdelt.py),
answered in-process (the real client sleeps 5 s between requests; here the requests are counted
and the time GDELT's rate limit implies is computed). The fake holds ``--articles`` synthetic
articles: most name one watched term in their title, some two (an Amazon story about the
Pentagon), some none; they come in minutes-resolution ``seendate``s at a steady daily rate with
news bursts (days of 10-40 times the usual rate, a few hours of a day holding most of them).

The bound: one ArtList answer holds at most 250 articles, so receiving M distinct matching
articles takes at least ceil(M / 250) requests, whatever the queries and windows. M counts each
article once, however many terms it matches. The benchmark checks that every matching article
was received once, and prints requests made, that minimum and their ratio (issue 13 asks for at
most 1.2).
"""

from __future__ import annotations

import argparse
import math
import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ingest.config import DEFAULT_WATCHLIST, load_settings
from ingest.gdelt import MAX_RECORDS, estimate_requests, pull_range
from ingest.http import GDELT_INTERVAL
from ingest.pulls import pull_gdelt
from ingest.transport import Request, Response
from ingest.watchlist import Watchlist, load_watchlist
from tests.fakes.gdelt import FakeGdeltApi, parse_gdelt_query

PATH = "/api/v2/doc/doc"
BASE_URL = "http://gdelt.invalid" + PATH
DOMAINS = (
    "www.reuters.com",
    "thehill.com",
    "www.washingtonpost.com",
    "www.cnbc.com",
    "fortune.com",
)
FILLERS = ("weighs", "faces questions over", "signs deal on", "responds to", "is criticised over")
OTHER_NEWS = ("Storm warning for the coast", "Local team wins final", "Markets close higher")


def say(*parts: Any) -> None:
    print(*parts, flush=True)  # noqa: T201 - a benchmark script reports on stdout


def plain_terms(watchlist: Watchlist) -> list[str]:
    """The watchlist's news terms as people write them in titles."""
    terms = [t for c in watchlist.companies for t in c.news_terms]
    terms += [t for a in watchlist.agencies for t in a.news_terms]
    return list(dict.fromkeys([*terms, *watchlist.topics]))


def daily_rates(days: list[date], rng: random.Random) -> list[float]:
    """Articles per day, relative: a steady rate, weekly dips and bursts of 10-40x lasting a few
    days."""
    rates = [1.0 if day.weekday() < 5 else 0.4 for day in days]
    for _ in range(max(1, len(days) // 60)):
        start = rng.randrange(len(days))
        strength = rng.uniform(10, 40)
        for offset in range(rng.randint(2, 6)):
            if start + offset < len(days):
                rates[start + offset] *= strength / (1 + offset)
    return rates


def generate(count: int, years: tuple[int, int], terms: list[str], seed: int) -> list[dict]:
    """``count`` ArtList article objects over ``years``, deterministic for ``seed``."""
    rng = random.Random(seed)
    first, last = pull_range(years)
    days = [first.date() + timedelta(days=n) for n in range((last - first).days + 1)]
    rates = daily_rates(days, rng)
    weights = [1.0 / (1 + n % 5) for n in range(len(terms))]  # some terms far more common
    articles = []
    for n, day in enumerate(rng.choices(days, weights=rates, k=count)):
        busy_hour = rng.random() < 0.6  # most of a day's news lands in a few busy hours
        hour = rng.choice((13, 14, 15)) if busy_hour else rng.randrange(24)
        seen = datetime(day.year, day.month, day.day, hour, rng.randrange(60), tzinfo=UTC)
        kind = rng.random()
        if kind < 0.15:
            title = f"{rng.choice(OTHER_NEWS)} ({n})"  # matches no watched term
        elif kind < 0.25:
            one, two = rng.sample(terms, 2)  # names two watched terms
            title = f"{one} {rng.choice(FILLERS)} {two} ({n})"
        else:
            term = rng.choices(terms, weights=weights)[0]
            title = f"{term} {rng.choice(FILLERS)} new report ({n})"
        domain = DOMAINS[n % len(DOMAINS)]
        articles.append(
            {
                "url": f"https://{domain}/{day:%Y/%m/%d}/story-{n}.html",
                "url_mobile": "",
                "title": title,
                "seendate": seen.strftime("%Y%m%dT%H%M%SZ"),
                "socialimage": "",
                "domain": domain,
                "language": "English",
                "sourcecountry": "United States",
            }
        )
    return articles


def matching(articles: list[dict], queries: list[str]) -> set[str]:
    """Urls of the articles any of the queries matches, by the fake's own rules."""
    parsed = [parse_gdelt_query(q) for q in queries]
    return {
        article["url"]
        for article in articles
        if any(all(any(t.matches(article) for t in clause) for clause in p) for p in parsed)
    }


class CountingTransport:
    """Answers each request from the fake in-process and counts them."""

    def __init__(self, api: FakeGdeltApi) -> None:
        self.api = api
        self.requests: list[dict[str, str]] = []

    def send(self, request: Request) -> Response:
        parts = urlsplit(request.full_url())
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        self.requests.append(query)
        status, headers, body = self.api.handle(request.method, parts.path, query, None)
        return Response(request, status, body, headers)

    def close(self) -> None:
        """Nothing to release."""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--years", type=int, nargs=2, default=(2019, 2020))
    args = parser.parse_args(argv)
    years = (args.years[0], args.years[1])
    watchlist = load_watchlist(DEFAULT_WATCHLIST)
    articles = generate(args.articles, years, plain_terms(watchlist), args.seed)
    api = FakeGdeltApi(articles)
    transport = CountingTransport(api)
    settings = replace(load_settings({}), gdelt_api_url=BASE_URL)
    pull = pull_gdelt(transport, settings, watchlist, years)
    pages = list(pull.pages)
    queries: list[str] = pull.parameters["queries"]
    wanted = matching(articles, queries)
    received = [a["url"] for page in pages for a in page.records]
    unreadable = sum(len(page.unreadable) for page in pages)
    made = len(transport.requests)
    minimum = math.ceil(len(wanted) / MAX_RECORDS)
    per_entity_month = (
        (len(watchlist.companies) + len(watchlist.agencies) + len(watchlist.topics))
        * 12
        * (years[1] - years[0] + 1)
    )
    say(f"watchlist: {DEFAULT_WATCHLIST.name}, years {years[0]}-{years[1]}")
    say(f"articles in the fake: {len(articles)}; matching the watchlist's terms: {len(wanted)}")
    say(
        f"term groups (queries): {len(queries)}; estimate_requests (lower bound): "
        f"{estimate_requests(watchlist, years)}"
    )
    for query in queries:
        say(f"  {len(query):3d} chars  {query}")
    say(
        f"received: {len(received)} articles, {len(set(received))} distinct, "
        f"{unreadable} unreadable parts; complete: {set(received) == wanted}"
    )
    say(f"requests made: {made}")
    say(f"minimum the 250 cap requires: ceil({len(wanted)} / {MAX_RECORDS}) = {minimum}")
    say(f"ratio made / minimum: {made / minimum:.3f}")
    say(
        f"time at GDELT's one request per {GDELT_INTERVAL:.0f} s: {made * GDELT_INTERVAL / 60:.1f}"
        f" min (one query per entity per month, unsplit: at least {per_entity_month} requests, "
        f"{per_entity_month * GDELT_INTERVAL / 60:.1f} min)"
    )


if __name__ == "__main__":
    main()
