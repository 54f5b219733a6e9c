"""The toy widget API behind the local server: pages of two widgets, then no next page."""

from __future__ import annotations

from typing import Any

from tests.fakes.app import Reply, int_param, json_reply

PAGE_SIZE = 2


class FakeWidgetsApi:
    def __init__(self, widgets: list[dict[str, Any]]) -> None:
        self.widgets = widgets

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if method != "GET" or path != "/widgets/":
            return json_reply(404, {"detail": "Not found."})
        page = int_param(query.get("page")) or 1
        start = (page - 1) * PAGE_SIZE
        more = start + PAGE_SIZE < len(self.widgets)
        return json_reply(
            200,
            {
                "widgets": self.widgets[start : start + PAGE_SIZE],
                "next_page": page + 1 if more else None,
            },
        )
