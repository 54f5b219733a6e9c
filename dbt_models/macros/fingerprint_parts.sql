{# Fingerprint parts: a large input's share of its consumers' fingerprints, kept by the input
   itself. A model incremental by fingerprint (redo_changed_keys) hashes every row of each input on
   every build. For an input whose rows group by its own key (a filing's agencies, a filing's
   activities: millions of rows on a full history), the input keeps instead the sum of its rows'
   hashes per key (a `part`, for a consumer that reads those columns) and, after each build,
   computes it again for the keys whose rows the build may have changed, which it knows (the
   filings it deleted or rebuilt): one pass over its rows for those keys, where each consumer made
   a pass over all of them. A full build, or a build that finds no parts stored, computes every
   part from all rows. A key with no rows has no part row.
   (An input grouped by another key, fct_contract_transactions by company, was tried: its parts
   had to take out the old rows before the build and add the new ones after, two passes over ten
   million action keys that cost what the consumers saved.)
   The consumers read a part (fingerprint_part) in place of the input's rows; test_dbt_incremental
   compares an incremental build's parts with a full build's.
   `parts`: a list of {'part': the part's name, 'columns': the columns hashed}; every part is
   keyed by the model's key column (`unique_key`). #}

{% macro fingerprint_parts_table() -%}
    staging.fingerprint_parts
{%- endmacro %}

{# on-run-start (create_build_state_tables). A part row with a null key marks a model whose parts
   are stored (a model without rows stores that row alone). #}
{% macro create_fingerprint_parts_tables() -%}
    create table if not exists {{ fingerprint_parts_table() }} (
        model_name varchar,
        part varchar,
        key varchar,
        fingerprint hugeint
    )
{%- endmacro %}

{# Whether this model's parts are stored (looked up when the hook runs). #}
{% macro fingerprint_parts_stored() -%}
    {%- set query -%}
        select 1
        from {{ fingerprint_parts_table() }}
        where model_name = '{{ this.identifier }}' and key is null
        limit 1
    {%- endset -%}
    {%- do return(execute and run_query(query).rows | length > 0) -%}
{%- endmacro %}

{# The parts of the model's rows that `rows` selects (a condition), as rows of the parts table. #}
{% macro fingerprint_part_rows(parts, unique_key, rows) -%}
    {% for part in parts -%}
    select
        '{{ this.identifier }}' as model_name,
        '{{ part.part }}' as part,
        cast({{ unique_key }} as varchar) as key,
        {{ rows_fingerprint(part.columns) }} as fingerprint
    from {{ this }}
    where {{ unique_key }} is not null and {{ rows }}
    group by all
    {{ 'union all' if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{# A post-hook, after the build changed its rows (and before it moves its watermark, when `keys`
   reads it): `keys`, a query of every key whose rows the build may have deleted, changed or
   written (more is only slower); their parts are computed again. On a full build, or when no
   parts are stored, every part is stored anew. #}
{% macro store_fingerprint_parts(parts, unique_key, keys) -%}
    {%- set again = is_incremental() and fingerprint_parts_stored() %}
    {%- set changed = 'fingerprint_parts_changed_' ~ this.identifier %}
    {%- set rows = unique_key ~ ' in (select changed.key from ' ~ changed ~ ' as changed)' %}
    -- the keys to compute again, in a table of this connection's (kept until its next build of
    -- the model or its end); none on a build that stores every part
    create or replace temporary table {{ changed }} as
    select distinct cast(changed.key as varchar) as key
    from ({{ keys if again else 'select null' }}) as changed (key)
    where changed.key is not null;
    delete from {{ fingerprint_parts_table() }}
    where
        model_name = '{{ this.identifier }}'
        and {{ 'key in (select changed.key from ' ~ changed ~ ' as changed)' if again else 'true' }};
    insert into {{ fingerprint_parts_table() }}
    {{ fingerprint_part_rows(parts, unique_key, rows if again else 'true') }};
    insert into {{ fingerprint_parts_table() }} (model_name, part, key, fingerprint)
    select '{{ this.identifier }}', null, null, 0
    where not {{ again }}
{%- endmacro %}

{# One part of `model`'s rows, as a query of (key, fingerprint): for a consumer's fingerprints (the
   consumer refs the model, so the model was built first). #}
{% macro fingerprint_part(model, part) -%}
    select
        stored.key,
        stored.fingerprint
    from {{ fingerprint_parts_table() }} as stored
    where
        stored.model_name = '{{ model }}'
        and stored.part = '{{ part }}'
        and stored.key is not null
{%- endmacro %}
