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

{#
    A text field, trimmed, with empty strings turned into null: `path` is a JSON path into `record`
    ('$.x'), or the name of a text column of a raw table stored as columns (a bulk file's fields,
    raw.usaspending_archive_transactions). One rule either way.
#}
{% macro json_text(path, record='record') -%}
    {%- if path.startswith('$') -%}
        nullif(trim({{ record }} ->> '{{ path }}'), '')
    {%- else -%}
        nullif(trim({{ adapter.quote(path) }}), '')
    {%- endif -%}
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

{#
    The LDA's reporting threshold for a filing year, in dollars: under it a filer ticks a box and
    reports no amount. $5,000 per quarter from 2008 (the Honest Leadership and Open Government Act),
    $10,000 per half year before.
#}
{% macro lda_reporting_threshold(filing_year) -%}
    case when {{ filing_year }} >= 2008 then 5000 else 10000 end
{%- endmacro %}

{#
    Whether an LDA report's money was never transcribed: a legacy paper filing, whose document is
    a scanned PDF, carries income, expenses and expenses method all null. Such a null says nothing
    about the amount, unlike the null of a report under the threshold (seen on the API's oldest
    filing, a 1999 mid-year report; tests/fixtures/real/README.md).
#}
{% macro lda_is_not_transcribed(record='record') -%}
    (
        {{ record }} ->> '$.income' is null
        and {{ record }} ->> '$.expenses' is null
        and {{ record }} ->> '$.expenses_method' is null
        and coalesce({{ record }} ->> '$.filing_document_content_type', '') = 'application/pdf'
    )
{%- endmacro %}
