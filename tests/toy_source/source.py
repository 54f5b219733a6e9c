"""The toy source: a widget catalogue API, its client, its declaration and its suite."""

from __future__ import annotations

from collections.abc import Iterator

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from ingest.errors import MalformedPageError
from ingest.landing import RawTable
from ingest.pulls import Pull, RunContext
from ingest.sources import SourceSpec
from ingest.transport import FetchedPage, Request, Transport

API = "toy"


def iter_widgets(transport: Transport, base_url: str) -> Iterator[FetchedPage]:
    """Every page of ``GET <base>/widgets/?page=N`` (``{"widgets": [...], "next_page": N}``)."""
    page: int | None = 1
    while page is not None:
        request = Request(API, "GET", base_url + "widgets/", {"page": str(page)})
        body = transport.send(request).json()
        if not isinstance(body, dict) or not isinstance(body.get("widgets"), list):
            raise MalformedPageError(API, request.label, "no 'widgets' list")
        yield FetchedPage(API, request.label, body["widgets"])
        page = body.get("next_page")


def widgets_source(base_url: str) -> SourceSpec:
    """The declaration, for an API at ``base_url`` (the test's local server)."""

    def pull(run: RunContext) -> Pull:
        return Pull({"base_url": base_url}, iter_widgets(run.transport, base_url))

    return SourceSpec(
        table=RawTable(API, "toy_widgets", "widget_id", "id"),
        pull=pull,
        suite=__name__,
        description="Widgets of the toy catalogue API, one row per widget id.",
        sample_endpoint="/widgets/",
    )


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        critical(e.ExpectColumnValuesToBeUnique(column="widget_id")),
        critical(e.ExpectColumnValuesToMatchRegex(column="widget_id", regex=r"^w[0-9]+$")),
        warning(e.ExpectColumnValuesToNotBeNull(column="price")),
    ]


SUITE = SuiteSpec(
    name="raw.toy_widgets",
    raw_table="raw.toy_widgets",
    key_column="widget_id",
    projection="""
        select
            record_key as widget_id,
            try_cast(record->>'$.price' as decimal(10, 2)) as price,
            page
        from landing_batch
    """,
    expectations=expectations,
)
