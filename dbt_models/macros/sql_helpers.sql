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
    {{ blank_as_null(record ~ " ->> '" ~ path ~ "'") }}
{%- endmacro %}

{# json_text's rule for a field already read as text (a leaf of json_fields, or a text column of
   a raw table stored as columns: raw.usaspending_archive_transactions): trimmed, empty as null. #}
{% macro blank_as_null(text) -%}
    nullif(trim({{ text }}), '')
{%- endmacro %}

{#
    Many fields of a JSON record from one parse of it. `record ->> path` parses the whole record
    for every field it reads: a full-history LDA filing (6 KB, ~40 fields read) spent most of
    stg_lda__filings' time re-parsing it. This returns one struct (json_transform) holding every
    path in `paths`, each leaf VARCHAR, and each leaf is exactly what `record ->> path` returns:
    a string's text, the compact JSON text of any other value (a number as DuckDB prints it:
    5000.00 reads '5000.0' both ways), null for a JSON null, a missing key, or a path through a
    value that is not an object. Read a leaf as a struct field (`filing.client.name` for
    '$.client.name', `action."Award ID"` for '$."Award ID"') and apply the same rule as the
    path-based macros do (blank_as_null for json_text, lda_timestamp_of for lda_timestamp...).
    A segment ending in [*] is an array, read as a list (null when the value is not an array)
    to unnest: '$.lobbying_activities[*].description' makes lobbying_activities a list of structs
    with a description each; a path ending in [*] ('$.lobbying_activities[*].lobbyists[*]') keeps
    only the elements' JSON, for counting them. A null element stays a null struct, as ->> reads
    null from it. Unnested with generate_subscripts - 1 as the index, a list gives the rows and
    indexes json_each gives an array; unlike json_each, a value that is not an array (null, a
    string) gives no rows rather than one row with a null index (the API sends arrays).
#}
{% macro json_fields(record, paths) -%}
    {%- set spec = {} -%}
    {%- for path in paths -%}
        {%- if not path.startswith('$.') -%}
            {{ exceptions.raise_compiler_error("json_fields: a path starts with $. : " ~ path) }}
        {%- endif -%}
        {#- the segments between dots, a double-quoted key being one segment whatever it holds -#}
        {%- set cut = namespace(segments=[], quoted=none) -%}
        {%- for part in path[2:].split('.') -%}
            {%- if cut.quoted is not none -%}
                {%- set cut.quoted = cut.quoted ~ '.' ~ part -%}
            {%- elif part.startswith('"') -%}
                {%- set cut.quoted = part -%}
            {%- else -%}
                {%- do cut.segments.append(part) -%}
            {%- endif -%}
            {%- if cut.quoted is not none and cut.quoted | length > 1
                and (cut.quoted.endswith('"') or cut.quoted.endswith('"[*]')) -%}
                {%- do cut.segments.append(cut.quoted) -%}
                {%- set cut.quoted = none -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set ns = namespace(node=spec) -%}
        {%- for segment in cut.segments -%}
            {%- set is_list = segment.endswith('[*]') -%}
            {%- set name = segment[:-3] if is_list else segment -%}
            {%- set key = name[1:-1] if name.startswith('"') else name -%}
            {%- if cut.quoted is not none or key == '' or '"' in key
                or not name.startswith('"') and ('[' in key or ']' in key or ' ' in key) -%}
                {{ exceptions.raise_compiler_error("json_fields: cannot read the path " ~ path) }}
            {%- endif -%}
            {%- set leaf = (['JSON'] if is_list else 'VARCHAR') if loop.last
                else ([{}] if is_list else {}) -%}
            {%- if key not in ns.node -%}
                {%- do ns.node.update({key: leaf}) -%}
            {%- elif loop.last and ns.node[key] != leaf
                or not loop.last and (ns.node[key] is string or ns.node[key] == ['JSON']
                    or is_list != (ns.node[key] is not mapping)) -%}
                {{ exceptions.raise_compiler_error(
                    "json_fields: " ~ path ~ " reads " ~ key ~ " two ways (leaf, object, list)"
                ) }}
            {%- endif -%}
            {%- if not loop.last -%}
                {%- set ns.node = ns.node[key][0] if is_list else ns.node[key] -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    json_transform({{ record }}, '{{ spec | tojson | replace("'", "''") }}')
{%- endmacro %}

{# One row per element of `list` (a [*] list of json_fields): the element as `element` and its
   position from 0 as `index`, an integer, as json_each's key numbers an array. #}
{% macro unnest_indexed(list, element, index) -%}
    cast(generate_subscripts({{ list }}, 1) - 1 as integer) as {{ index }},
    unnest({{ list }}) as {{ element }}
{%- endmacro %}

{#
    An LDA timestamp (dt_posted, ISO 8601 with an offset) as timestamptz: the one parsing rule for
    the field. The expectations suites (expectations/suites/lda_filings.py, lda_contributions.py)
    parse it with the same cast (as try_cast) and block a batch holding a value this cast would
    refuse, so a value that passes validation cannot break dbt build.
#}
{% macro lda_timestamp(path, record='record') -%}
    {{ lda_timestamp_of(record ~ " ->> '" ~ path ~ "'") }}
{%- endmacro %}

{# lda_timestamp's rule for the field already read as text (a leaf of json_fields). #}
{% macro lda_timestamp_of(text) -%}
    cast({{ text }} as timestamp with time zone)
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
    {{ lda_is_not_transcribed_of(
        record ~ " ->> '$.income'",
        record ~ " ->> '$.expenses'",
        record ~ " ->> '$.expenses_method'",
        record ~ " ->> '$.filing_document_content_type'",
    ) }}
{%- endmacro %}

{# lda_is_not_transcribed's rule for the four fields already read as text (json_fields). #}
{% macro lda_is_not_transcribed_of(income, expenses, expenses_method, content_type) -%}
    (
        {{ income }} is null
        and {{ expenses }} is null
        and {{ expenses_method }} is null
        and coalesce({{ content_type }}, '') = 'application/pdf'
    )
{%- endmacro %}
