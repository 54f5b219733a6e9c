"""How the GLEIF suites read raw fields: the same rules as staging's macros
(``dbt_models/macros/gleif_parsing.sql``), with ``try_`` casts so that a value staging could not
read shows up as an unparsable value instead of breaking the projection."""

from __future__ import annotations

# ISO 17442: 18 characters (letters and digits) and two check digits
LEI_REGEX = r"^[A-Z0-9]{20}$"
RELATIONSHIP_TYPES = ["IS_DIRECTLY_CONSOLIDATED_BY", "IS_ULTIMATELY_CONSOLIDATED_BY"]
PERIOD_TYPES = ["RELATIONSHIP_PERIOD", "ACCOUNTING_PERIOD", "DOCUMENT_FILING_PERIOD"]


def timestamp(value: str) -> str:
    """A GLEIF date-time (``2008-10-02T00:00:00Z``) as staging reads it (macro
    ``gleif_timestamp``), null where that cast would fail."""
    return f"try_cast(nullif(trim({value}), '') as timestamp with time zone)"


def unparsable(value: str) -> str:
    """True when the field holds a value that the timestamp rule cannot read (null is not
    unparsable)."""
    return f"(nullif(trim({value}), '') is not null and {timestamp(value)} is null)"
