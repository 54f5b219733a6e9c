"""raw.lda_filings: Senate LDA /filings/ objects.

A key the API always sends on a filing (``ALWAYS_SENT``) must be there: its absence is a change
of the API or a broken record, never "no value". The API says "no value" with the key present and
null (``"income": null`` is "under $5,000"), so an absent ``income`` read as null would turn
millions into "under $5,000" without a word. Each such check is critical and record-level: one
record without the key is quarantined alone, every record without it (a drift) quarantines the
batch (``expectations.suite.RECORD_FAILURE_SHARE``).
"""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.reference import LDA_FILING_PERIODS, lda_filing_types
from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning

UUID_REGEX = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
MONEY_REGEX = r"^[0-9]+(?:\.[0-9]{1,2})?$"

# Keys present on every filing the API sends: in the real recorded page (tests/fixtures/real/lda,
# whose author trimmed other keys but kept these) and in the reference's description of a filing
# object. dt_posted was trimmed from that page but the reference lists it on every filing, staging
# orders amendments by it, and the suite has always required it.
ALWAYS_SENT = (
    "filing_uuid",
    "filing_type",
    "filing_year",
    "filing_period",
    "income",
    "expenses",
    "dt_posted",
    "registrant",
    "client",
    "lobbying_activities",
)


def key_present(key: str) -> str:
    """True when ``record`` has the top-level ``key`` (even with a null value)."""
    return f"json_exists(record, '$.{key}')"


KEY_COLUMNS = ",\n    ".join(f"{key_present(key)} as has_{key}" for key in ALWAYS_SENT)


def json_text(path: str) -> str:
    """A field as trimmed text, empty as null (staging's ``json_text``)."""
    return f"nullif(trim(record->>'{path}'), '')"


def unparsable(text: str, type_: str) -> str:
    """True when ``text`` (the field read as staging reads it) is not null and staging's cast to
    ``type_`` would refuse it."""
    return f"({text} is not null and try_cast({text} as {type_}) is null)"


PROJECTION = f"""
select
    record_key as filing_uuid,
    record->>'$.filing_type' as filing_type,
    record->>'$.filing_period' as filing_period,
    try_cast(record->>'$.filing_year' as integer) as filing_year,
    record->>'$.income' as income_text,
    try_cast(record->>'$.income' as decimal(18, 2)) as income,
    record->>'$.expenses' as expenses_text,
    try_cast(record->>'$.expenses' as decimal(18, 2)) as expenses,
    record->>'$.dt_posted' as dt_posted_text,
    -- the rule of the dbt macro lda_timestamp (null where that cast would fail)
    try_cast(record->>'$.dt_posted' as timestamp with time zone) as dt_posted,
    record->>'$.registrant.id' as registrant_id,
    record->>'$.client.id' as client_id,
    -- the other dates staging casts (cast, not try_cast): a value it could not read is flagged
    {unparsable("record->>'$.termination_date'", "date")} as is_termination_date_unparsable,
    {unparsable(json_text("$.client.effective_date"), "date")}
        as is_client_effective_date_unparsable,
    {unparsable(json_text("$.registrant.dt_updated"), "timestamp with time zone")}
        as is_registrant_dt_updated_unparsable,
    {KEY_COLUMNS},
    page
from landing_batch
"""


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    present = [
        critical(e.ExpectColumnValuesToBeInSet(column=f"has_{key}", value_set=[True]))
        for key in ALWAYS_SENT
    ]
    return [
        *present,
        critical(e.ExpectColumnValuesToNotBeNull(column="filing_uuid")),
        critical(e.ExpectColumnValuesToBeUnique(column="filing_uuid")),
        critical(e.ExpectColumnValuesToMatchRegex(column="filing_uuid", regex=UUID_REGEX)),
        critical(e.ExpectColumnValuesToBeInSet(column="filing_type", value_set=lda_filing_types())),
        critical(
            e.ExpectColumnValuesToBeInSet(column="filing_period", value_set=LDA_FILING_PERIODS)
        ),
        critical(e.ExpectColumnValuesToNotBeNull(column="filing_year")),
        critical(
            e.ExpectColumnValuesToBeBetween(column="filing_year", min_value=1999, max_value=2100)
        ),
        # Money: a decimal string or null ("under $5,000"); never negative.
        critical(e.ExpectColumnValuesToMatchRegex(column="income_text", regex=MONEY_REGEX)),
        critical(e.ExpectColumnValuesToMatchRegex(column="expenses_text", regex=MONEY_REGEX)),
        critical(e.ExpectColumnValuesToBeBetween(column="income", min_value=0)),
        critical(e.ExpectColumnValuesToBeBetween(column="expenses", min_value=0)),
        critical(e.ExpectColumnValuesToNotBeNull(column="registrant_id")),
        critical(e.ExpectColumnValuesToNotBeNull(column="client_id")),
        critical(e.ExpectColumnValuesToNotBeNull(column="dt_posted_text")),
        # One parsing rule: dt_posted is parsed here as staging parses it (the dbt macro
        # lda_timestamp); a value that cast cannot read (unparsable, or an impossible date such
        # as Feb 30) would break dbt build, so the record is quarantined here.
        critical(e.ExpectColumnValuesToNotBeNull(column="dt_posted")),
        *(
            critical(e.ExpectColumnValuesToBeInSet(column=column, value_set=[False]))
            for column in (
                "is_termination_date_unparsable",
                "is_client_effective_date_unparsable",
                "is_registrant_dt_updated_unparsable",
            )
        ),
        # Legacy rows carry absurd posting dates (1905-...) that parse: worth seeing, not blocking.
        warning(
            e.ExpectColumnValuesToBeBetween(
                column="dt_posted", min_value=dt.datetime(1999, 1, 1, tzinfo=dt.UTC)
            )
        ),
    ]


SUITE = SuiteSpec(
    name="raw.lda_filings",
    raw_table="raw.lda_filings",
    key_column="filing_uuid",
    projection=PROJECTION,
    expectations=expectations,
)
