{#
    Small SQL helpers shared by the models.
#}

{# A url/slug-like id from a name: lower case, runs of anything but a-z and 0-9 become one '-'. #}
{% macro slugify(expression) -%}
    trim(regexp_replace(lower({{ expression }}), '[^a-z0-9]+', '-', 'g'), '-')
{%- endmacro %}

{# The calendar quarter (1-4) of a date or timestamp. #}
{% macro calendar_quarter(expression) -%}
    cast(extract(quarter from {{ expression }}) as integer)
{%- endmacro %}

{# A varchar JSON field of `record`, with empty strings turned into null. #}
{% macro json_text(path, record='record') -%}
    nullif(trim({{ record }} ->> '{{ path }}'), '')
{%- endmacro %}

{#
    An LDA timestamp (dt_posted, ISO 8601 with an offset) as timestamptz: the one parsing rule for
    the field. The expectations suites (expectations/suites/lda_filings.py, lda_contributions.py)
    parse it with the same cast (as try_cast) and block a batch holding a value this cast would
    refuse, so a value that passes validation cannot break dbt build.
#}
{% macro lda_timestamp(path, record='record') -%}
    cast({{ record }} ->> '{{ path }}' as timestamp with time zone)
{%- endmacro %}
