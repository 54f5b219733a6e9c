"""How the USAspending suites read raw fields: the same rules as staging's macros
(``dbt_models/macros/usaspending_parsing.sql``), with ``try_`` casts so that a value staging
could not read shows up as an unparsable value instead of breaking the projection."""

from __future__ import annotations


def text(path: str) -> str:
    """A field as trimmed text, empty as null (staging's ``json_text``). ``path`` is a JSON path
    into ``record`` (``$.x``), or an SQL expression already holding the field's text (a
    projection that parses each record once, ``usaspending_archive_transactions``)."""
    raw = f"record->>'{path}'" if path.startswith("$") else path
    return f"nullif(trim({raw}), '')"


def amount(path: str) -> str:
    """An amount: a JSON number or a decimal string (staging's ``usaspending_amount_of``)."""
    return f"try_cast({text(path)} as decimal(18, 2))"


def day(path: str) -> str:
    """A date such as ``2018-08-15`` (staging casts to date)."""
    return f"try_cast({text(path)} as date)"


def timestamp(path: str) -> str:
    """``Last Modified Date``: a date, ``yyyy-MM-dd HH:mm:ss``, or epoch milliseconds
    (staging's ``usaspending_timestamp_of``)."""
    value = text(path)
    return (
        f"case when regexp_full_match({value}, '-?[0-9]{{10,}}') "
        f"then epoch_ms(try_cast({value} as bigint)) else try_cast({value} as timestamp) end"
    )


def key_present(name: str) -> str:
    """True when the record has the top-level key ``name`` (even with a null value)."""
    return f"""json_exists(record, '$."{name}"')"""


def presence_column(name: str) -> str:
    """The projection column that says whether the key ``name`` is present."""
    return "has_" + "_".join(name.lower().split())


def presence_columns(names: tuple[str, ...]) -> str:
    """Projection columns for ``names``: ``json_exists(...) as has_award_id, ...``."""
    return ",\n    ".join(f"{key_present(n)} as {presence_column(n)}" for n in names)


def unparsable(path: str, parsed: str) -> str:
    """True when the field holds a value that its rule cannot read (null is not unparsable)."""
    return f"({text(path)} is not null and {parsed} is null)"
