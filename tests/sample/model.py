"""The record universe behind the bundled sample and the local fake APIs.

``universe.build_universe()`` makes one (deterministically); ``fake_api`` answers API requests
over it exactly as the real APIs would; ``generate`` records the clients talking to the fake
APIs into ``data/``, which ``replay.SampleTransport`` serves back offline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class AwardFact:
    """One contract award as USAspending holds it.

    ``row`` is the ``spending_by_award`` result row with every field in
    ``ingest.usaspending.AWARD_FIELDS`` plus ``internal_id`` and ``generated_internal_id``.
    The other attributes are what the API filters on but does not return in that row.
    """

    row: dict[str, Any]
    award_type_code: str  # "A".."D" (contracts) or "IDV_A".."IDV_E"
    parent_recipient_name: str
    parent_uei: str | None
    # the award's actions, oldest first: Mod, Action Date, Action Type, Transaction Amount,
    # Transaction Description (amounts add up to the row's Award Amount)
    transactions: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Universe:
    lda_filings: list[dict[str, Any]]  # LDA /filings/ objects, exact API shape
    awards: list[AwardFact]
    articles: list[dict[str, Any]]  # GDELT DOC ArtList article objects, exact API shape
    # LDA /contributions/ objects (LD-203 reports), exact API shape
    lda_contributions: list[dict[str, Any]] = field(default_factory=list)
