{# Fingerprint parts: a large input's share of its consumers' fingerprints, kept by the input
   itself. A model incremental by fingerprint (redo_changed_keys) hashes every row of each input on
   every build; for fct_contract_transactions (ten million award actions on a full history) that
   cost about a second in each of company_profile and company_agency_quarter, although a new
   quarter rewrites one row in a hundred. So the input keeps, per consumer (`part`), the sum of
   its rows' hashes grouped by that consumer's key, and updates it by what its build changed:
   before the build, the rows of the keys it rebuilds are taken out (their hashes subtracted,
   grouped by their old consumer key: a row moved to another company leaves the old one); after
   it, the same keys' rows are added back. That is exact when the model changes no row outside
   the keys it records (record_redone_keys: dbt's delete+insert on the model's unique key, and
   post-hooks that delete only among those keys). A full build, or a build that finds no parts
   stored, computes every part from all rows. A part with no rows left for a key has no row.
   The consumers read a part (fingerprint_part) in place of the input's rows; test_dbt_incremental
   compares an incremental build's parts with a full build's.
   `parts`: a list of {'part': the consumer's name, 'key': the key column (rows whose key is null
   are left out), 'year': a year column or none, 'columns': the columns hashed}. #}

{% macro fingerprint_parts_table() -%}
    staging.fingerprint_parts
{%- endmacro %}

{# The hashes taken out before a build, until its post-hook adds them to the parts. #}
{% macro fingerprint_part_changes_table() -%}
    staging.fingerprint_part_changes
{%- endmacro %}

{# on-run-start (create_build_state_tables). A part row with a null key marks a model whose parts
   are stored (a model whose rows all have null keys stores that row alone). #}
{% macro create_fingerprint_parts_tables() -%}
    {%- for table in (fingerprint_parts_table(), fingerprint_part_changes_table()) %}
    create table if not exists {{ table }} (
        model_name varchar,
        part varchar,
        key varchar,
        year integer,
        fingerprint hugeint,
        rows_count bigint
    ){{ ';' if not loop.last else '' }}
    {%- endfor %}
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

{# The parts of `relation`'s rows that `rows` selects (a condition), each row's hash multiplied by
   `sign`, as rows of the parts tables. #}
{% macro fingerprint_part_rows(parts, relation, rows, sign=1) -%}
    with

    part_rows as (

        select * from {{ relation }}
        where {{ rows }}

    )

    {% for part in parts -%}
    select
        '{{ this.identifier }}' as model_name,
        '{{ part.part }}' as part,
        cast({{ part.key }} as varchar) as key,
        {{ part.year or 'cast(null as integer)' }} as year,
        {{ sign }} * {{ rows_fingerprint(part.columns) }} as fingerprint,
        {{ sign }} * count(*) as rows_count
    from part_rows
    where {{ part.key }} is not null
    group by all
    {{ 'union all' if not loop.last }}
    {% endfor -%}
{%- endmacro %}

{# The rows of the keys this build rebuilds (`unique_key`: the model's key column, as
   record_redone_keys recorded them): `rows` for both hooks below, for a model that changes no row
   outside them. #}
{% macro rebuilt_key_rows(unique_key) -%}
    {{ unique_key }} in ({{ redone_keys('key') }})
{%- endmacro %}

{# A pre-hook, before the build changes any row: take out the hashes of the rows it may change or
   delete (`rows`, a condition on the model's rows); none on a build that stores every part anew. #}
{% macro take_out_fingerprint_parts(parts, rows) -%}
    {%- if is_incremental() and fingerprint_parts_stored() %}
    delete from {{ fingerprint_part_changes_table() }} where model_name = '{{ this.identifier }}';
    insert into {{ fingerprint_part_changes_table() }}
    {{ fingerprint_part_rows(parts, this, rows, sign=-1) }}
    {%- else %}
    delete from {{ fingerprint_part_changes_table() }} where model_name = '{{ this.identifier }}'
    {%- endif %}
{%- endmacro %}

{# A post-hook, after the build changed its rows: add the hashes of the rows it may have written
   (`rows`: every row it wrote or left of those take_out_fingerprint_parts took out, and no other)
   to the parts, or store every part anew. #}
{% macro store_fingerprint_parts(parts, rows) -%}
    {%- if is_incremental() and fingerprint_parts_stored() %}
    insert into {{ fingerprint_part_changes_table() }}
    {{ fingerprint_part_rows(parts, this, rows) }};
    {%- set changed -%}
        select changes.part, changes.key, changes.year
        from {{ fingerprint_part_changes_table() }} as changes
        where changes.model_name = '{{ this.identifier }}'
    {%- endset %}
    insert into {{ fingerprint_part_changes_table() }}
    select *
    from {{ fingerprint_parts_table() }} as stored
    where
        stored.model_name = '{{ this.identifier }}'
        and (stored.part, stored.key, coalesce(stored.year, 0)) in (
            select changed.part, changed.key, coalesce(changed.year, 0)
            from ({{ changed }}) as changed
        );
    delete from {{ fingerprint_parts_table() }} as stored
    where
        stored.model_name = '{{ this.identifier }}'
        and (stored.part, stored.key, coalesce(stored.year, 0)) in (
            select changed.part, changed.key, coalesce(changed.year, 0)
            from ({{ changed }}) as changed
        );
    insert into {{ fingerprint_parts_table() }}
    select
        model_name,
        part,
        key,
        year,
        sum(fingerprint) as fingerprint,
        sum(rows_count) as rows_count
    from {{ fingerprint_part_changes_table() }}
    where model_name = '{{ this.identifier }}'
    group by model_name, part, key, year
    having sum(rows_count) > 0;
    {%- else %}
    delete from {{ fingerprint_parts_table() }} where model_name = '{{ this.identifier }}';
    insert into {{ fingerprint_parts_table() }}
    {{ fingerprint_part_rows(parts, this, 'true') }};
    insert into {{ fingerprint_parts_table() }} (model_name, part, key, year, fingerprint, rows_count)
    values ('{{ this.identifier }}', null, null, null, 0, 0);
    {%- endif %}
    delete from {{ fingerprint_part_changes_table() }} where model_name = '{{ this.identifier }}'
{%- endmacro %}

{# One part of `model`'s rows, as a query of (key, year, fingerprint): for a consumer's
   fingerprints (the consumer refs the model, so the model was built first). #}
{% macro fingerprint_part(model, part) -%}
    select
        stored.key,
        stored.year,
        stored.fingerprint
    from {{ fingerprint_parts_table() }} as stored
    where
        stored.model_name = '{{ model }}'
        and stored.part = '{{ part }}'
        and stored.key is not null
{%- endmacro %}
