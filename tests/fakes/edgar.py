"""A fake of SEC EDGAR's company ticker list and submissions API over a few companies.

``GET /files/company_tickers.json`` answers the ticker list (``{"0": {"cik_str": ..., "ticker":
..., "title": ...}, ...}``) and ``GET /submissions/CIK##########.json`` a company's submissions
body (the ten-digit, zero-padded CIK, as EDGAR's URLs have it). Simplifications, so nobody
mistakes it for EDGAR: a CIK it does not hold, or a path that is not one of these two, is a 404
with a plain-text body; it does not check the User-Agent (the SEC refuses requests without a
descriptive one: tests read it from the local server's request log); no rate limit of its own
(the SEC's is 10 requests per second: tests script 429s on the server).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tests.fakes.app import Reply, json_reply

# ============================================================================================
# SEC EDGAR

EDGAR_TICKERS_PATH = "/files/company_tickers.json"
EDGAR_SUBMISSIONS = re.compile(r"^/submissions/CIK([0-9]{10})\.json$")
NOT_FOUND: Reply = (404, {"Content-Type": "text/plain"}, b"Not Found")


class FakeEdgarApi:
    """EDGAR over ``tickers`` (company_tickers.json entries, in file order) and ``submissions``
    (submissions bodies by CIK number)."""

    def __init__(
        self, tickers: Sequence[Mapping[str, Any]], submissions: Mapping[int, Mapping[str, Any]]
    ) -> None:
        self.tickers = {str(n): dict(entry) for n, entry in enumerate(tickers)}
        self.submissions = {int(cik): dict(body) for cik, body in submissions.items()}

    def handle(self, method: str, path: str, query: dict[str, str], body: bytes | None) -> Reply:
        if method.upper() != "GET":
            return json_reply(405, {"message": "Method Not Allowed"})
        if path == EDGAR_TICKERS_PATH:
            return json_reply(200, self.tickers)
        match = EDGAR_SUBMISSIONS.match(path)
        if match is None or int(match.group(1)) not in self.submissions:
            return NOT_FOUND
        return json_reply(200, self.submissions[int(match.group(1))])
