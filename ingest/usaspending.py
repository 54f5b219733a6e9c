"""USAspending API v2 client: contract awards (``POST /api/v2/search/spending_by_award/``)."""

from __future__ import annotations

# The fields asked of spending_by_award: enough to key, date, price and attribute each award.
AWARD_FIELDS: tuple[str, ...] = (
    "Award ID",
    "Recipient Name",
    "Recipient UEI",
    "recipient_id",
    "Awarding Agency",
    "Awarding Agency Code",
    "Awarding Sub Agency",
    "Awarding Sub Agency Code",
    "Funding Agency",
    "Funding Agency Code",
    "Funding Sub Agency",
    "Funding Sub Agency Code",
    "Description",
    "Base Obligation Date",
    "Last Modified Date",
    "Start Date",
    "End Date",
    "Award Amount",
    "Total Outlays",
    "Contract Award Type",
    "NAICS",
    "PSC",
    "generated_internal_id",
)

CONTRACT_TYPE_CODES: tuple[str, ...] = ("A", "B", "C", "D")
