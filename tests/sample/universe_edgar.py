"""The sample's SEC EDGAR companies: a few real entries of the company ticker list and the
submissions of the watched company (Amazon).

Real facts only, each from stored material: the ticker entries are copied from
``dgunning/edgartools`` @ ``ca5a70094da7fc34890161dae9c256bb1f4c3d26``,
``data/company_tickers.json`` (Amazon.com, Inc. is CIK 1018724, ticker AMZN, title
"AMAZON COM INC"). No recorded Amazon submissions body was found, so its submissions record is
minimal: the CIK (zero-padded, as EDGAR's 2026 answers write it), the name and the ticker, and
no other field (no former names are claimed either way).
"""

from __future__ import annotations

from typing import Any

TICKERS: tuple[dict[str, Any], ...] = (
    {"cik_str": 789019, "ticker": "MSFT", "title": "MICROSOFT CORP"},
    {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc."},
    {"cik_str": 1045810, "ticker": "NVDA", "title": "NVIDIA CORP"},
    {"cik_str": 1652044, "ticker": "GOOGL", "title": "Alphabet Inc."},
    {"cik_str": 1018724, "ticker": "AMZN", "title": "AMAZON COM INC"},
    {"cik_str": 1318605, "ticker": "TSLA", "title": "Tesla, Inc."},
)

SUBMISSIONS: dict[int, dict[str, Any]] = {
    1018724: {"cik": "0001018724", "name": "AMAZON COM INC", "tickers": ["AMZN"]},
}
