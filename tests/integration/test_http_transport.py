"""The live transport against a local HTTP server: headers, retries, throttling, redirects,
errors. Sleeps are recorded, never slept."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import pytest

from ingest.errors import SourceAuthError, SourceHTTPError, SourceUnreachableError
from ingest.http import USER_AGENT, LiveTransport
from ingest.transport import Request
from tests.fakes.usaspending import FakeUsaspendingApi
from tests.support import RecordingSleep, quick_transport
from tests.support.http_server import App, LocalApiServer, free_port

pytestmark = pytest.mark.integration

KEY = "lda-test-key-9f8e7d6c5b4a"
MakeServer = Callable[[App | None], LocalApiServer]


class EchoApi:
    """Answers every request with what it received."""

    def handle(
        self, method: str, path: str, query: dict[str, str], body: bytes | None
    ) -> tuple[int, dict[str, str], bytes]:
        echo: dict[str, Any] = {"method": method, "path": path, "query": query}
        if body is not None:
            echo["body"] = json.loads(body)
        return 200, {"Content-Type": "application/json"}, json.dumps(echo).encode()


@pytest.fixture
def echo(api_server: LocalApiServer) -> LocalApiServer:
    api_server.app = EchoApi()
    return api_server


def get(server: LocalApiServer, source: str = "lda", path: str = "/api/v1/filings/") -> Request:
    return Request(source, "GET", server.url + path, {"filing_year": "2018"})


# -- headers -----------------------------------------------------------------------------------


def test_user_agent_and_lda_token_are_sent(echo: LocalApiServer) -> None:
    transport, _ = quick_transport(lda_api_key=KEY)
    response = transport.send(get(echo))
    assert response.status == 200
    assert response.json()["query"] == {"filing_year": "2018"}
    assert response.headers["Content-Type"] == "application/json"
    (seen,) = echo.requests
    assert seen.header("User-Agent") == USER_AGENT
    assert seen.header("Authorization") == f"Token {KEY}"


def test_the_token_goes_to_lda_only(echo: LocalApiServer) -> None:
    transport, _ = quick_transport(lda_api_key=KEY)
    transport.send(get(echo, "gdelt", "/api/v2/doc/doc"))
    transport.send(Request("usaspending", "POST", echo.url + "/api/v2/x/", json_body={"a": 1}))
    for seen in echo.requests:
        assert seen.header("Authorization") is None
        assert seen.header("User-Agent") == USER_AGENT
    assert echo.requests[1].header("Content-Type") == "application/json"
    assert echo.requests[1].json() == {"a": 1}


def test_no_token_without_a_key(echo: LocalApiServer) -> None:
    transport, _ = quick_transport()
    transport.send(get(echo))
    assert echo.requests[0].header("Authorization") is None


# -- retries and throttling ----------------------------------------------------------------------


def test_429_waits_the_larger_of_header_and_body(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport()
    echo.throttle_next(retry_after="2", detail_seconds=4)
    echo.throttle_next(retry_after="7", detail_seconds=3)
    response = transport.send(get(echo))
    assert response.status == 200
    assert len(echo.requests) == 3
    assert len(sleep.calls) == 2
    assert sleep.calls[0] >= 4
    assert sleep.calls[1] >= 7


def test_429_with_an_http_date_retry_after(echo: LocalApiServer) -> None:
    now = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    transport, sleep = quick_transport(now=lambda: now)
    when = format_datetime(now + timedelta(seconds=12), usegmt=True)
    echo.throttle_next(retry_after=when)
    transport.send(get(echo))
    assert sleep.calls == [pytest.approx(12.0)]


def test_429_without_a_stated_delay_backs_off(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport()
    echo.throttle_next(retry_after=None, times=3)
    transport.send(get(echo))
    assert sleep.calls == [0.5, 1.0, 2.0]  # exponential, jitter pinned to 0


def test_500_then_success(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport()
    echo.error_next(500)
    response = transport.send(get(echo))
    assert response.status == 200
    assert len(echo.requests) == 2
    assert len(sleep.calls) == 1


def test_backoff_grows_and_is_capped() -> None:
    transport, _ = quick_transport(backoff_base=1.0, backoff_max=8.0, jitter=lambda: 1.0)
    assert [transport._backoff(n) for n in range(6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_retries_exhausted_on_5xx_is_a_clean_http_error(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport(max_retries=2)
    echo.error_next(503, "Service Unavailable", times=None)
    with pytest.raises(SourceHTTPError) as caught:
        transport.send(get(echo))
    error = caught.value
    assert error.status == 503
    assert error.source == "lda"
    assert "gave up after 3 attempts" in str(error)
    assert "Service Unavailable" in str(error)
    assert len(echo.requests) == 3
    assert len(sleep.calls) == 2


def test_a_stated_wait_beyond_max_wait_fails_at_once(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport(max_wait=60)
    echo.throttle_next(retry_after="3600")
    with pytest.raises(SourceHTTPError, match="asks to wait 3600s") as caught:
        transport.send(get(echo))
    assert caught.value.status == 429
    assert sleep.calls == []


def test_rate_limiter_is_asked_before_every_attempt(echo: LocalApiServer) -> None:
    asked: list[str] = []

    class Spy:
        def wait(self, source: str) -> None:
            asked.append(source)

    transport, _ = quick_transport(rate_limiter=Spy())
    echo.error_next(502)
    transport.send(get(echo, "gdelt"))
    assert asked == ["gdelt", "gdelt"]


def test_the_default_limiter_spaces_requests_per_source(echo: LocalApiServer) -> None:
    sleep = RecordingSleep()
    transport = LiveTransport(sleep=sleep, jitter=lambda: 0.0)  # default limits, no key
    transport.session.trust_env = False
    transport.send(get(echo, "gdelt"))
    transport.send(get(echo, "lda"))
    assert sleep.calls == []  # first request to each source goes at once
    transport.send(get(echo, "gdelt"))
    transport.send(get(echo, "lda"))
    assert len(sleep.calls) == 2
    assert 4.0 < sleep.calls[0] <= 5.0  # GDELT: one request per 5 s
    assert 3.0 < sleep.calls[1] <= 4.04  # LDA without a key: 15 per minute, 1% margin
    transport.close()


# -- connection failures -----------------------------------------------------------------------


def test_connection_refused_is_unreachable_and_suggests_the_sample() -> None:
    transport, sleep = quick_transport(max_retries=2)
    url = f"http://127.0.0.1:{free_port()}/api/v1/filings/"
    with pytest.raises(SourceUnreachableError) as caught:
        transport.send(Request("lda", "GET", url))
    message = str(caught.value)
    assert "--sample" in message
    assert "refused" in message.lower()
    assert "gave up after 3 attempts" in message
    assert caught.value.source == "lda"
    assert len(sleep.calls) == 2


def test_a_dropped_connection_is_retried(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport()
    echo.drop_next()
    assert transport.send(get(echo)).status == 200
    assert len(echo.requests) == 2
    assert len(sleep.calls) == 1


def test_a_read_timeout_is_retried(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport(timeout=(1.0, 0.2))
    echo.delay_next(0.6)
    assert transport.send(get(echo)).status == 200
    assert len(sleep.calls) == 1


def test_read_timeouts_exhausted(echo: LocalApiServer) -> None:
    transport, _ = quick_transport(timeout=(1.0, 0.1), max_retries=1)
    echo.delay_next(0.4, times=2)
    with pytest.raises(SourceUnreachableError, match=r"no answer within 0.1s"):
        transport.send(get(echo))


# -- errors ------------------------------------------------------------------------------------


def test_401_names_the_variable_but_never_the_key(echo: LocalApiServer) -> None:
    transport, sleep = quick_transport(lda_api_key=KEY)
    echo.unauthorized_next()
    with pytest.raises(SourceAuthError) as caught:
        transport.send(get(echo))
    error = caught.value
    assert error.status == 401
    assert "LDA_API_KEY" in str(error)
    assert "refused" in str(error)
    assert "Invalid token." in str(error)
    assert KEY not in str(error)
    assert KEY not in repr(error)
    assert KEY not in repr(transport)
    assert len(echo.requests) == 1  # not retried
    assert sleep.calls == []


def test_401_without_a_key_asks_for_one(echo: LocalApiServer) -> None:
    transport, _ = quick_transport()
    echo.reply_next(401, {"detail": "Authentication credentials were not provided."})
    with pytest.raises(SourceAuthError, match="set LDA_API_KEY"):
        transport.send(get(echo))


def test_a_key_echoed_in_an_error_body_is_scrubbed(echo: LocalApiServer) -> None:
    transport, _ = quick_transport(lda_api_key=KEY)
    echo.reply_next(403, {"detail": f"Token {KEY} has no access."})
    with pytest.raises(SourceAuthError) as caught:
        transport.send(get(echo))
    assert KEY not in str(caught.value)
    assert "Token [LDA_API_KEY] has no access." in str(caught.value)


def test_403_elsewhere_is_an_auth_error_without_lda_advice(echo: LocalApiServer) -> None:
    transport, _ = quick_transport()
    echo.reply_next(403, {"detail": "Forbidden"})
    with pytest.raises(SourceAuthError) as caught:
        transport.send(get(echo, "gdelt"))
    assert "LDA_API_KEY" not in str(caught.value)
    assert caught.value.source == "gdelt"


def test_usaspending_422_detail_is_surfaced(api_server: LocalApiServer) -> None:
    api_server.app = FakeUsaspendingApi([])
    transport, sleep = quick_transport()
    body = {
        "filters": {"award_type_codes": ["A", "B", "C", "D"]},
        "fields": ["Award ID", "Award Amount"],
        "limit": 101,
        "page": 1,
        "sort": "Award Amount",
    }
    request = Request(
        "usaspending", "POST", api_server.url + "/api/v2/search/spending_by_award/", json_body=body
    )
    with pytest.raises(SourceHTTPError) as caught:
        transport.send(request)
    assert caught.value.status == 422
    assert caught.value.detail == "Field 'limit' value '101' is above max '100'"
    assert caught.value.page == request.label
    assert sleep.calls == []


def test_400_with_a_field_error_body(echo: LocalApiServer) -> None:
    transport, _ = quick_transport()
    echo.reply_next(400, {"filing_year": ["Enter a number."]})
    with pytest.raises(SourceHTTPError, match=r"HTTP 400 .*Enter a number"):
        transport.send(get(echo))


# -- redirects ---------------------------------------------------------------------------------


def test_301_from_the_old_host_is_followed_with_the_token(make_api_server: MakeServer) -> None:
    new = make_api_server(EchoApi())
    old = make_api_server(None)
    old.redirect_all(new.url, status=301)
    transport, _ = quick_transport(lda_api_key=KEY)
    response = transport.send(get(old))
    assert response.json()["path"] == "/api/v1/filings/"
    assert response.json()["query"] == {"filing_year": "2018"}
    assert len(old.requests) == 1
    (moved,) = new.requests
    assert moved.header("Authorization") == f"Token {KEY}"  # same host name, new port


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirected_post_is_resent_as_a_post(make_api_server: MakeServer, status: int) -> None:
    new = make_api_server(EchoApi())
    old = make_api_server(None)
    old.redirect_all(new.url, status=status)
    transport, _ = quick_transport()
    body = {"filters": {"award_type_codes": ["A"]}, "page": 2}
    request = Request("usaspending", "POST", old.url + "/api/v2/search/x/", json_body=body)
    echoed = transport.send(request).json()
    assert echoed["method"] == "POST"
    assert echoed["body"] == body


def test_the_token_does_not_follow_a_redirect_to_another_host(
    make_api_server: MakeServer,
) -> None:
    new = make_api_server(EchoApi())
    old = make_api_server(None)
    old.redirect_all(f"http://localhost:{new.port}")
    transport, _ = quick_transport(lda_api_key=KEY)
    assert transport.send(get(old)).status == 200
    assert old.requests[0].header("Authorization") == f"Token {KEY}"
    assert new.requests[0].header("Authorization") is None


def test_a_redirect_loop_ends(api_server: LocalApiServer) -> None:
    api_server.redirect_all(api_server.url, status=302)
    transport, _ = quick_transport()
    with pytest.raises(SourceHTTPError, match="more than 10 redirects"):
        transport.send(get(api_server))
