"""Progress of a real pull: the LDA client pages a local fake of the API, whose ``count`` tells
how many pages each filing period takes; the plan says how many periods there are."""

from __future__ import annotations

import pytest

from ingest.lda import LdaClient
from ingest.progress import PullProgress, observe
from ingest.pulls import each
from tests.fakes.lda import FakeLdaApi
from tests.integration.test_lda_client import make_filing
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

pytestmark = pytest.mark.integration


def test_lda_pages_of_how_many_per_period_and_an_eta(api_server: LocalApiServer) -> None:
    # 60 filings in 2018 Q3 (3 pages of 25), 10 in Q4 (1 page), none in Q1
    filings = [make_filing(n) for n in range(60)]
    filings += [make_filing(100 + n, 2018, "fourth_quarter") for n in range(10)]
    base = api_server.url + "/api/v1/"
    api_server.app = FakeLdaApi(filings, base)
    client = LdaClient(quick_transport()[0], base)
    periods = [(2018, "first_quarter"), (2018, "third_quarter"), (2018, "fourth_quarter")]
    seen: list[PullProgress] = []
    pages = list(
        observe(each(periods, lambda p: client.iter_filings(*p)), "raw.lda_filings", seen.append)
    )
    assert len(pages) == len(seen) == 5
    assert [(p.request, p.requests) for p in seen] == [(1, 3), (2, 3), (2, 3), (2, 3), (3, 3)]
    assert [(p.request_pages, p.request_pages_expected) for p in seen] == [
        (1, 1),
        (1, 3),
        (2, 3),
        (3, 3),
        (1, 1),
    ]
    assert [p.records for p in seen] == [0, 25, 50, 60, 70]
    assert [round(p.fraction() or 0, 3) for p in seen] == [0.333, 0.444, 0.556, 0.667, 1.0]
    assert seen[-1].eta() == 0.0
