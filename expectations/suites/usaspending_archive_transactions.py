"""raw.usaspending_archive_transactions: contract actions from the Award Data Archive's CSVs.

Each row holds the kept columns of one CSV row (``ingest.usaspending_archive.RAW_COLUMNS``,
named as in the archive's header), as text, in columns of the batch (a ten-million-row load
parses no JSON). A Delta file's deletion row (``correction_delete_ind`` = "D") is blank but for
its keys, so the rules on amounts, dates and agencies apply to the other rows only. Fields are
read by the rules staging uses (``usaspending_common``).

Every kept column is present in every row: a file whose header lacks one is refused before any
of it lands (``ArchiveFile.checked``), so the suite checks values, not keys."""

from __future__ import annotations

import datetime as dt

import great_expectations as gx

from expectations.suite import CheckedExpectation, SuiteSpec, critical, warning
from expectations.suites.usaspending_common import (
    amount,
    day,
    text,
    timestamp,
    unparsable,
)


def field(name: str) -> str:
    """The batch's column ``name`` (text, null when blank in the file)."""
    return f'"{name}"'


OBLIGATION = field("federal_action_obligation")
ACTION_DATE = field("action_date")
LAST_MODIFIED = field("last_modified_date")
ORDERING_END = field("ordering_period_end_date")

IS_DELETION = f"coalesce({text(field('correction_delete_ind'))} = 'D', false)"


# the search API's generated_internal_id of a contract award or IDV
AWARD_KEY = r"^CONT_(?:AWD|IDV)_\S+$"


def _malformed(column: str, pattern: str) -> str:
    """True when ``column`` holds a value that does not match ``pattern`` (null is not
    malformed). Matched by DuckDB (RE2) in the projection, as the suite's other flags are
    computed: a regex expectation made GX match 500,000 keys in Python for each chunk of the
    batch, its largest cost after the frame's fingerprint."""
    return f"coalesce(not regexp_full_match({text(column)}, '{pattern}'), false)"


def _missing(column: str) -> str:
    """True when a row other than a deletion has no value in ``column``."""
    return f"(not {IS_DELETION} and {text(column)} is null)"


# The key's checks read two columns the projection derives from it, not the key's text, so the
# pass that only counts failures (``expectations.runner.validate_batch``) leaves the key out: its
# 500,000 strings a chunk in pandas, fingerprinted, factorized and counted by GX, took 0.6 of the
# 0.8 s GX spent on a chunk of archive rows (measured). ``key_first_place``: the place of the
# key's first row in the chunk (every row of a key is in one chunk: ``batch_chunks``), the same
# for every row of a key and different for different keys, so it is unique exactly when the key
# is; null for a row without a key, as GX's uniqueness leaves nulls out.
KEY_FIRST_PLACE = (
    "case when record_key is not null then min(position) over (partition by record_key) end"
)

PROJECTION = f"""
select
    record_key as contract_transaction_unique_key,
    record_key is null as is_key_missing,
    {KEY_FIRST_PLACE} as key_first_place,
    {IS_DELETION} as is_deletion,
    {text(field("correction_delete_ind"))} as correction_delete_ind,
    {_malformed(field("contract_award_unique_key"), AWARD_KEY)} as is_award_key_malformed,
    {_missing(field("contract_award_unique_key"))} as is_award_key_missing,
    {_missing(field("modification_number"))} as is_modification_number_missing,
    {_missing(OBLIGATION)} as is_obligation_missing,
    {unparsable(OBLIGATION, amount(OBLIGATION))} as is_obligation_unparsable,
    {day(ACTION_DATE)} as action_date,
    {_missing(ACTION_DATE)} as is_action_date_missing,
    {unparsable(ACTION_DATE, day(ACTION_DATE))} as is_action_date_unparsable,
    {unparsable(ORDERING_END, day(ORDERING_END))} as is_ordering_end_unparsable,
    {unparsable(LAST_MODIFIED, timestamp(LAST_MODIFIED))} as is_last_modified_unparsable,
    {_missing(field("awarding_agency_code"))} as is_awarding_agency_missing,
    page
from landing_batch
"""


def _never(column: str) -> CheckedExpectation:
    return critical(gx.expectations.ExpectColumnValuesToBeInSet(column=column, value_set=[False]))


def expectations() -> list[CheckedExpectation]:
    e = gx.expectations
    return [
        _never("is_key_missing"),
        # one row per action: two contents of one key in one batch are a conflict to look at
        # (uniqueness quarantines the batch: ``expectations.suite.BATCH_LEVEL_TYPES``)
        critical(e.ExpectColumnValuesToBeUnique(column="key_first_place")),
        _never("is_award_key_malformed"),
        _never("is_award_key_missing"),
        _never("is_modification_number_missing"),
        # money: an action's obligation must be there and parse; de-obligations are negative
        _never("is_obligation_missing"),
        _never("is_obligation_unparsable"),
        _never("is_action_date_missing"),
        _never("is_action_date_unparsable"),
        critical(
            e.ExpectColumnValuesToBeBetween(
                column="action_date",
                min_value=dt.datetime(1990, 1, 1),
                max_value=dt.datetime(2100, 1, 1),
            )
        ),
        _never("is_ordering_end_unparsable"),
        _never("is_last_modified_unparsable"),
        # the values seen besides a deletion's "D" are not documented: an odd one is shown
        warning(
            e.ExpectColumnValuesToBeInSet(column="correction_delete_ind", value_set=["C", "D"])
        ),
        warning(
            e.ExpectColumnValuesToBeInSet(column="is_awarding_agency_missing", value_set=[False])
        ),
    ]


SUITE = SuiteSpec(
    name="raw.usaspending_archive_transactions",
    raw_table="raw.usaspending_archive_transactions",
    key_column="contract_transaction_unique_key",
    projection=PROJECTION,
    expectations=expectations,
)
