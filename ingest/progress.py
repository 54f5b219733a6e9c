"""How far a pull has got: pages and records fetched, where it is in its plan of requests, how
many pages the current request should take (when the API says how many records answer it) and
when the pull should end.

Library code reports progress to an observer it is handed (``RunContext.progress``) and never
prints: whoever runs the pull decides what to show (``influence refresh`` draws a live line).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ingest.transport import FetchedPage


@dataclass(frozen=True)
class PullProgress:
    """One pull's progress after a page arrived."""

    name: str  # what is pulled (the raw table)
    pages: int  # pages fetched so far, every request of the pull
    records: int  # records in them
    elapsed: float  # seconds since the pull started
    request: int | None = None  # the current request's number in the plan (1-based) ...
    requests: int | None = None  # ... of how many (a filing period, a query of a scope)
    request_pages: int = 0  # pages of the current request so far ...
    # ... of how many: from the API's count of the records that answer it (the LDA's ``count``)
    # and the size of its first page; None when the API does not say (USAspending's
    # ``page_metadata`` only says whether there is a next page)
    request_pages_expected: int | None = None

    def fraction(self) -> float | None:
        """The share of the pull done (0 to 1), or None when nothing says how much is left.

        Requests of a plan count equally; within the current one, its pages so far over the
        pages expected (none known: the request counts as not begun)."""
        within = None
        if self.request_pages_expected:
            within = min(1.0, self.request_pages / self.request_pages_expected)
        if self.request is not None and self.requests:
            return min(1.0, (self.request - 1 + (within or 0.0)) / self.requests)
        return within

    def eta(self) -> float | None:
        """Seconds left at the pace so far, or None when it cannot be told yet."""
        fraction = self.fraction()
        if not fraction or self.elapsed <= 0:
            return None
        return self.elapsed * (1 - fraction) / fraction


ProgressObserver = Callable[[PullProgress], None]


def expected_pages(expected_records: int, first_page_records: int) -> int:
    """How many pages a request takes whose API counts ``expected_records`` answering it, given
    its first page (the page size the server applied: it may be smaller than the one asked)."""
    if expected_records <= first_page_records or first_page_records <= 0:
        return 1
    return math.ceil(expected_records / first_page_records)


def observe(
    pages: Iterable[FetchedPage],
    name: str,
    observer: ProgressObserver,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[FetchedPage]:
    """The same pages, telling ``observer`` the pull's progress as each arrives."""
    started = clock()
    total_pages = total_records = 0
    request: tuple[int, int] | None = None
    request_pages = 0
    request_expected: int | None = None
    for page in pages:
        if page.request != request:
            request, request_pages, request_expected = page.request, 0, None
        request_pages += 1
        total_pages += 1
        total_records += len(page.records)
        if request_pages == 1 and page.expected_records is not None:
            request_expected = expected_pages(page.expected_records, len(page.records))
        observer(
            PullProgress(
                name=name,
                pages=total_pages,
                records=total_records,
                elapsed=clock() - started,
                request=request[0] if request else None,
                requests=request[1] if request else None,
                request_pages=request_pages,
                request_pages_expected=request_expected,
            )
        )
        yield page
