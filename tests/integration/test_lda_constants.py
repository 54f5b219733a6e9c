"""The LDA constants lists (filing types, issue codes, government entities) from a local server."""

from __future__ import annotations

import pytest

from ingest.errors import MalformedPageError
from ingest.lda import CONSTANT_LISTS, LdaClient, parse_constants
from tests.fakes.lda import FakeLdaApi
from tests.sample.constants import bundled_constants
from tests.support import quick_transport
from tests.support.http_server import LocalApiServer

pytestmark = pytest.mark.integration


@pytest.fixture
def client(api_server: LocalApiServer) -> LdaClient:
    base = api_server.url + "/api/v1/"
    api_server.app = FakeLdaApi([], base, constants=bundled_constants())
    transport, _ = quick_transport()
    return LdaClient(transport, base)


def test_each_list_is_one_record_with_its_items_as_served(
    client: LdaClient, api_server: LocalApiServer
) -> None:
    records = {
        name: [r for page in client.iter_constants(name) for r in page.records]
        for name in CONSTANT_LISTS
    }
    assert {name: len(r) for name, r in records.items()} == dict.fromkeys(CONSTANT_LISTS, 1)
    entities = records["governmententities"][0]
    assert entities["constant_list"] == "governmententities"
    assert len(entities["items"]) == 256
    assert {"id": 201, "name": "Homeland Security, Dept of (DHS)"} in entities["items"]
    assert len(records["filingtypes"][0]["items"]) == 50
    assert len(records["lobbyingactivityissues"][0]["items"]) == 79
    assert [r.path for r in api_server.requests] == [
        f"/api/v1/constants/filing/{name}/" for name in CONSTANT_LISTS
    ]


def test_a_list_without_its_keys_is_a_malformed_page(
    client: LdaClient, api_server: LocalApiServer
) -> None:
    api_server.app.constants["lobbyingactivityissues"] = [{"name": "Accounting"}]  # type: ignore[union-attr]
    with pytest.raises(
        MalformedPageError, match=r"\[lda\] malformed page GET .*lobbyingactivityissues"
    ):
        list(client.iter_constants("lobbyingactivityissues"))


@pytest.mark.unit
def test_parse_accepts_a_plain_list_or_a_drf_page_and_refuses_an_empty_one() -> None:
    items = [{"value": "HOM", "name": "Homeland Security"}]
    assert parse_constants(items, "p", "lobbyingactivityissues") == items
    assert parse_constants({"count": 1, "results": items}, "p", "lobbyingactivityissues") == items
    with pytest.raises(MalformedPageError, match="non-empty list"):
        parse_constants([], "p", "filingtypes")
    with pytest.raises(ValueError, match="unknown constants list"):
        list(LdaClient(quick_transport()[0], "http://127.0.0.1:9/").iter_constants("countries"))
