{# Incremental by fingerprint: a model whose rows group by a key (a mart with many rows per
   company) and whose inputs cannot say which keys they changed (a name resolved to another
   company moves rows between companies; the inputs keep only the new company) compares instead.
   Each build computes one fingerprint per key over every input column the model reads (the sum of
   the rows' hashes: any added, removed or changed input row changes it) and redoes the keys whose
   fingerprint differs from the one its last build stored: it deletes their rows and builds them
   again from all their inputs. A row with a null key is the fingerprint of the inputs that every
   key depends on (a reference table): when it differs, every key is redone. The first incremental
   build after a full build made without fingerprints redoes every key.
   The fingerprints must cover every input the model reads: a column the model reads that they
   leave out would leave keys stale after that column changes (test_dbt_incremental builds both
   ways and compares).
   Tables, in the staging schema (never published), one row per model and key:
   - changed_keys_fingerprints(): the fingerprints of the model's last successful build;
   - changed_keys_current(): this build's, until its post-hook stores them;
   - changed_keys_redone(): the keys the model's last incremental build redid (kept until its next
     build, for an operator asking what a refresh touched; none after a full build). #}

{% macro changed_keys_fingerprints() -%}
    staging.changed_keys_fingerprints
{%- endmacro %}

{% macro changed_keys_current() -%}
    staging.changed_keys_current
{%- endmacro %}

{% macro changed_keys_redone() -%}
    staging.changed_keys_redone
{%- endmacro %}

{# The pre-hook. `key`: the model's key column; `fingerprints`: a query of (key, fingerprint) over
   the model's inputs, at most one row per key (a null key: the inputs every key depends on).
   Stores this build's fingerprints; on an incremental build, records the keys to redo and deletes
   their rows. #}
{% macro redo_changed_keys(key, fingerprints) -%}
    create schema if not exists staging;
    {%- for table in (changed_keys_fingerprints(), changed_keys_current()) %}
    create table if not exists {{ table }} (
        model_name varchar, key varchar, fingerprint hugeint
    );
    {%- endfor %}
    create table if not exists {{ changed_keys_redone() }} (model_name varchar, key varchar);
    delete from {{ changed_keys_current() }} where model_name = '{{ this.identifier }}';
    insert into {{ changed_keys_current() }} (model_name, key, fingerprint)
    select
        '{{ this.identifier }}',
        cast(inputs.key as varchar),
        inputs.fingerprint
    from ({{ fingerprints }}) as inputs;
    delete from {{ changed_keys_redone() }} where model_name = '{{ this.identifier }}';
    {%- if is_incremental() %}
    insert into {{ changed_keys_redone() }} (model_name, key)
    with

    stored as (

        select
            key,
            fingerprint
        from {{ changed_keys_fingerprints() }}
        where model_name = '{{ this.identifier }}'

    ),

    current_inputs as (

        select
            key,
            fingerprint
        from {{ changed_keys_current() }}
        where model_name = '{{ this.identifier }}'

    ),

    changed as (

        select coalesce(current_inputs.key, stored.key) as key
        from current_inputs
        full outer join stored
            on current_inputs.key is not distinct from stored.key
        where current_inputs.fingerprint is distinct from stored.fingerprint

    ),

    -- every key: the shared inputs changed, or no fingerprint is stored yet
    redo_all as (

        select
            exists (select 1 from changed where changed.key is null)
            or not exists (select 1 from stored) as is_all

    ),

    keys as (

        select changed.key from changed
        union
        select current_inputs.key from current_inputs
        where (select redo_all.is_all from redo_all)
        union
        select stored.key from stored
        where (select redo_all.is_all from redo_all)

    )

    select
        '{{ this.identifier }}',
        keys.key
    from keys
    where keys.key is not null;

    delete from {{ this }}
    where {{ key }} in (
        select redone.key
        from {{ changed_keys_redone() }} as redone
        where redone.model_name = '{{ this.identifier }}'
    )
    {%- endif %}
{%- endmacro %}

{# The filter of an input's rows in the model (`keyword` and a condition on `column`, the key):
   on an incremental build, the keys being redone; nothing on a full build. #}
{% macro changed_keys_only(column, keyword='and') -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ column }} in (
            select redone.key
            from {{ changed_keys_redone() }} as redone
            where redone.model_name = '{{ this.identifier }}'
        )
    {%- endif %}
{%- endmacro %}

{# The post-hook: the build succeeded, its fingerprints are now the stored ones. #}
{% macro store_changed_keys_fingerprints() -%}
    delete from {{ changed_keys_fingerprints() }} where model_name = '{{ this.identifier }}';
    insert into {{ changed_keys_fingerprints() }} (model_name, key, fingerprint)
    select
        model_name,
        key,
        fingerprint
    from {{ changed_keys_current() }}
    where model_name = '{{ this.identifier }}';
    delete from {{ changed_keys_current() }} where model_name = '{{ this.identifier }}'
{%- endmacro %}

{# A fingerprint of rows: the sum of their hashes (a multiset's: a repeated row counts twice). #}
{% macro rows_fingerprint(columns) -%}
    sum(hash({{ columns | join(', ') }})::hugeint)
{%- endmacro %}
