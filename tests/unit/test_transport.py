"""Request keys and labels, and how the live transport reads throttling and error bodies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from ingest.config import load_settings
from ingest.http import (
    LDA_INTERVAL_ANONYMOUS,
    LDA_INTERVAL_WITH_KEY,
    USER_AGENT,
    LiveTransport,
    MinIntervalRateLimiter,
    build_transport,
    default_intervals,
    error_detail,
    parse_retry_after,
    parse_throttle_delay,
)
from ingest.transport import Request

pytestmark = pytest.mark.unit

NOW = datetime(2026, 7, 1, 12, 0, 0, tzinfo=UTC)


# -- Request -----------------------------------------------------------------------------------


def test_full_url_merges_params_into_an_existing_query_sorted() -> None:
    request = Request(
        "lda", "GET", "https://lda.gov/api/v1/filings/?page=2", {"filing_year": "2018"}
    )
    assert request.full_url() == "https://lda.gov/api/v1/filings/?filing_year=2018&page=2"


def test_key_is_host_independent_and_sorted() -> None:
    a = Request("lda", "GET", "https://lda.gov/api/v1/filings/", {"page_size": "25", "a": "1"})
    b = Request("lda", "GET", "http://127.0.0.1:8000/api/v1/filings/?a=1&page_size=25")
    assert a.key() == b.key() == "GET /api/v1/filings/?a=1&page_size=25"


def test_key_of_a_post_carries_the_canonical_body() -> None:
    one = Request("usaspending", "POST", "https://x/api/v2/s/", json_body={"page": 2, "limit": 100})
    two = Request("usaspending", "POST", "http://y/api/v2/s/", json_body={"limit": 100, "page": 2})
    assert one.key() == two.key() == 'POST /api/v2/s/ {"limit":100,"page":2}'
    other_page = Request("usaspending", "POST", "https://x/api/v2/s/", json_body={"page": 3})
    assert other_page.key() != one.key()


def test_label_names_method_url_and_post_page() -> None:
    get = Request("gdelt", "GET", "https://g/doc", {"query": "ICE"})
    assert get.label == "GET https://g/doc?query=ICE"
    post = Request("usaspending", "POST", "https://u/s/", json_body={"page": 4})
    assert post.label == "POST https://u/s/ (body page=4)"
    bare = Request("usaspending", "POST", "https://u/s/", json_body={"filters": {}})
    assert bare.label == "POST https://u/s/ (POST body)"


# -- Retry-After -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("4", 4.0),
        (" 2.5 ", 2.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("", None),
        ("soon", None),
        ("nan", None),
        (None, None),
    ],
)
def test_retry_after_in_seconds(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, NOW) == expected


def test_retry_after_as_an_http_date() -> None:
    later = format_datetime(NOW + timedelta(seconds=30), usegmt=True)
    assert later.endswith("GMT")
    assert parse_retry_after(later, NOW) == pytest.approx(30.0)
    earlier = format_datetime(NOW - timedelta(minutes=5), usegmt=True)
    assert parse_retry_after(earlier, NOW) == 0.0
    assert parse_retry_after("Wed, 01 Jul 2026 12:01:00 GMT", NOW) == pytest.approx(60.0)


# -- the throttled body ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b'{"detail":"Request was throttled. Expected available in 4 seconds."}', 4.0),
        (b'{"detail": "Request was throttled. Expected available in 1 second."}', 1.0),
        (b'{"detail": "Request was throttled. Expected available in 2.5 seconds."}', 2.5),
        (b'{"detail": "Request was throttled. Expected available in 2 minutes."}', 120.0),
        (b"Request was throttled. Expected available in 9 seconds.", 9.0),
        (b'{"detail": "Request was throttled."}', None),
        (b"<html>Too Many Requests</html>", None),
        (b"", None),
    ],
)
def test_throttle_delay_from_the_body(body: bytes, expected: float | None) -> None:
    assert parse_throttle_delay(body) == expected


def test_error_detail_prefers_the_api_detail() -> None:
    body = b"{\"detail\": \"Field 'limit' value '101' is above max '100'\"}"
    assert error_detail(body) == "Field 'limit' value '101' is above max '100'"
    assert error_detail(b'{"filing_year": ["Enter a number."]}') == (
        '{"filing_year": ["Enter a number."]}'
    )
    assert error_detail(b"<html>\n  <b>Bad</b>\n</html>") == "<html> <b>Bad</b> </html>"
    assert error_detail(b"") == "(empty body)"
    assert len(error_detail(b"x" * 1000, limit=50)) == 50


# -- rate limiting -----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_min_interval_limiter_spaces_requests_per_source() -> None:
    clock = FakeClock()
    limiter = MinIntervalRateLimiter({"gdelt": 5.0, "lda": 0.5}, clock=clock, sleep=clock.sleep)
    limiter.wait("gdelt")  # the first request goes at once
    limiter.wait("lda")
    assert clock.slept == []
    limiter.wait("gdelt")
    assert clock.slept == [5.0]
    clock.now += 2.0
    limiter.wait("gdelt")
    assert clock.slept == [5.0, 3.0]
    limiter.wait("usaspending")  # no interval: never waits
    assert clock.slept == [5.0, 3.0]


def test_default_intervals_follow_the_published_limits() -> None:
    # 15/min and 120/min, each with a 1% margin so arrivals never exceed the limit in a minute
    assert default_intervals(False)["lda"] == LDA_INTERVAL_ANONYMOUS == pytest.approx(4.04)
    assert default_intervals(True)["lda"] == LDA_INTERVAL_WITH_KEY == pytest.approx(0.505)
    assert default_intervals(True, lda_requests_per_minute=600)["lda"] == pytest.approx(0.101)
    assert default_intervals(True)["gdelt"] == 5.0
    assert default_intervals(True)["usaspending"] == 0.25


# -- construction ------------------------------------------------------------------------------


def test_the_key_never_shows_in_repr() -> None:
    transport = LiveTransport(lda_api_key="s3cr3t-key-123")
    assert "s3cr3t" not in repr(transport)
    assert "lda_api_key=<set>" in repr(transport)
    assert transport.session.headers["User-Agent"] == USER_AGENT
    assert "Authorization" not in transport.session.headers
    transport.close()


def test_build_transport_takes_the_key_and_limits_from_settings(tmp_path: Path) -> None:
    env = {"LDA_API_KEY": "k-123", "INFLUENCE_WAREHOUSE": str(tmp_path / "w.duckdb")}
    with build_transport(load_settings(env)) as keyed:
        assert isinstance(keyed.rate_limiter, MinIntervalRateLimiter)
        assert keyed.rate_limiter.intervals["lda"] == LDA_INTERVAL_WITH_KEY
        assert "k-123" not in repr(keyed)
    with build_transport(load_settings({})) as anonymous:
        assert isinstance(anonymous.rate_limiter, MinIntervalRateLimiter)
        assert anonymous.rate_limiter.intervals["lda"] == LDA_INTERVAL_ANONYMOUS
