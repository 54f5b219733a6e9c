-- How staging reads USAspending's raw fields, one rule per field. The Great Expectations suites
-- (expectations/suites/usaspending_*.py) project the same rules with try_ casts, so a value the
-- suite lets through is one staging can read.

{#- An amount, read as text (a leaf of json_fields): the API sends a JSON number (2026) or a
    decimal string (older answers). -#}
{% macro usaspending_amount_of(text) -%}
    cast({{ blank_as_null(text) }} as decimal(18, 2))
{%- endmacro %}

{#- Last Modified Date, read as text (a leaf of json_fields): a date ("2020-08-31", search rows),
    "yyyy-MM-dd HH:mm:ss" (award details) or epoch milliseconds (a JSON number of ten or more
    digits). -#}
{% macro usaspending_timestamp_of(text) -%}
    case
        when regexp_full_match({{ blank_as_null(text) }}, '-?[0-9]{10,}')
            then epoch_ms(cast({{ blank_as_null(text) }} as bigint))
        else cast({{ blank_as_null(text) }} as timestamp)
    end
{%- endmacro %}
