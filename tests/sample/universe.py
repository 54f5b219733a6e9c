"""The deterministic record universe behind the bundled offline sample.

``build_universe()`` returns the case's public facts (Amazon's 2018 lobbying, the October 2018
coverage of Amazon pitching Rekognition to ICE, no ICE contract with Amazon in 2018) inside a
synthetic background of other companies, lobbying firms, contractors and articles. Every record
is in the real API's JSON shape; the fake APIs (``fake_api``) serve them.

The parts live in ``universe_lda`` (Senate LDA filings), ``universe_contributions`` (Senate LDA
LD-203 contribution reports, filed by the same registrants and lobbyists), ``universe_awards``
(USAspending contract awards) and ``universe_news`` (GDELT articles). This module holds the
shared helpers.

Determinism: every random choice comes from a ``random.Random`` seeded with a fixed string
(string seeds are hashed with SHA-512, independent of ``PYTHONHASHSEED``); no wall clock, no
iteration over sets. Background amounts, awards and articles are synthetic; invented lobbying firm
names are not real firms.
"""

from __future__ import annotations

import datetime as dt
import random
import string
import uuid

from tests.sample.model import Universe

SEED = "influence-warehouse-sample-v1"
YEARS: tuple[int, ...] = (2017, 2018, 2019)
QUARTERS: tuple[int, ...] = (1, 2, 3, 4)
_UPPER_DIGITS = string.ascii_uppercase + string.digits


def rng_for(part: str) -> random.Random:
    """An independent random stream per part, so editing one part leaves the others unchanged."""
    return random.Random(f"{SEED}/{part}")


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def code(rng: random.Random, length: int, alphabet: str = _UPPER_DIGITS) -> str:
    return "".join(rng.choice(alphabet) for _ in range(length))


def quarter_start(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def _nth_sunday(year: int, month: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def eastern_offset(moment: dt.datetime) -> str:
    """US Eastern offset of a naive local time (DST: 2nd Sunday of March to 1st of November)."""
    start = dt.datetime.combine(_nth_sunday(moment.year, 3, 2), dt.time(2))
    end = dt.datetime.combine(_nth_sunday(moment.year, 11, 1), dt.time(2))
    return "-04:00" if start <= moment < end else "-05:00"


def eastern_iso(moment: dt.datetime) -> str:
    """``2018-10-22T14:02:11-04:00``: naive Eastern local time with its offset (microseconds
    kept when set, as in ``dt_updated``)."""
    return moment.isoformat() + eastern_offset(moment)


def office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    """A moment during office hours of ``day`` (naive, local)."""
    return dt.datetime.combine(day, dt.time(8)) + dt.timedelta(seconds=rng.randint(0, 10 * 3600))


def dollars(amount: int | None) -> str | None:
    """LDA's decimal strings: ``3630000`` -> ``"3630000.00"``; ``None`` stays null."""
    return None if amount is None else f"{amount}.00"


def round_to(amount: float, step: int = 10_000) -> int:
    return max(step, round(amount / step) * step)


def build_universe() -> Universe:
    """The whole universe, identical on every call and in every process."""
    from tests.sample.universe_awards import build_awards
    from tests.sample.universe_contributions import build_contributions
    from tests.sample.universe_lda import build_filings
    from tests.sample.universe_news import build_articles

    filings = build_filings()
    return Universe(
        lda_filings=filings,
        awards=build_awards(),
        articles=build_articles(),
        lda_contributions=build_contributions(filings),
    )
