{# Incremental staging over the raw landing tables (raw.<table>: key, record, record_hash, load_id,
   loaded_at). The landing code inserts a new key and rewrites a changed record in place with the
   load's load_id and loaded_at; an identical record keeps both. Loads take the warehouse's DuckDB
   pool one at a time, so loaded_at only grows: the rows of the raw table stamped after the newest
   loaded_at the model has read (loaded_at_watermark) are exactly the new and changed records since
   its last build.
   A full build (or `influence refresh --full`, dbt's --full-refresh) reads every row. #}

{# Where each incremental model records how far it has read its input: the newest loaded_at of
   that input at the model's last successful build (record_loaded_at_watermark, a post-hook). A
   model whose rows are sparse (a filing's foreign entities: most filings list none) cannot tell
   from its own rows which loads it has read: an empty table would read every raw row again on
   every build. In the staging schema, which is never published. #}
{% macro watermarks_table() -%}
    staging.incremental_watermarks
{%- endmacro %}

{# The model's row in the watermarks table: the model's name, or `model.name` for a second
   watermark (how far it has read int_company_name_assignments, say). #}
{% macro watermark_name(name=none) -%}
    {{ this.identifier }}{{ '.' ~ name if name else '' }}
{%- endmacro %}

{# on-run-start: the tables where models record what they have built, in the staging schema,
   before any model runs (a build may run models at once: INFLUENCE_DBT_THREADS): the
   watermarks, the fingerprints and redone keys (create_changed_keys_tables), the inputs'
   fingerprint parts (create_fingerprint_parts_tables), the news models' changes
   (create_news_changes_tables). #}
{% macro create_build_state_tables() -%}
    create schema if not exists staging;
    {{ create_watermarks_table() }};
    {{ create_changed_keys_tables() }};
    {{ create_fingerprint_parts_tables() }};
    {{ create_news_changes_tables() }}
{%- endmacro %}

{# The watermarks table (read_from added to a table made before it was kept). #}
{% macro create_watermarks_table() -%}
    create table if not exists {{ watermarks_table() }} (
        model_name varchar primary key,
        loaded_at timestamp with time zone,
        inputs_hash varchar,
        read_from timestamp with time zone
    );
    alter table {{ watermarks_table() }}
    add column if not exists read_from timestamp with time zone
{%- endmacro %}

{# A post-hook of an incremental model: record the newest loaded_at of its input (`input`, a raw
   table or a staging model) as read by this build, and the hash of the other inputs its rows
   depend on (`inputs_hash`, an SQL expression: a reference seed), if any. Nothing writes the
   warehouse while dbt builds it (DuckDB lets one process write a database file), so this is the
   newest row the build read. `input` may be a subquery (`(select loaded_at from a union all ...)
   as inputs`): loads take turns, so a later load of any of them is stamped after the newest of
   all. `name`: a second watermark of the model (of another input, watermark_name). read_from is
   the mark the build started from: the rows it wrote are those loaded after it (built_rows_only);
   null when the build read every row (a full build, a first build, changed inputs). #}
{% macro record_loaded_at_watermark(input, loaded_at='loaded_at', inputs_hash=none, name=none) -%}
    {%- set read_from = loaded_at_watermark(held=false, inputs_hash=inputs_hash, name=name)
        if is_incremental() else 'null' -%}
    insert or replace into {{ watermarks_table() }}
        (model_name, loaded_at, inputs_hash, read_from)
    select
        '{{ watermark_name(name) }}',
        max({{ loaded_at }}),
        {{ inputs_hash if inputs_hash else 'null' }},
        nullif({{ read_from }}, timestamptz '-infinity')
    from {{ input }}
{%- endmacro %}

{# The `where` of a data test on a large incremental model whose rows carry their raw record's
   loaded_at (`model`: its name): the rows the model's last build wrote, all of them after a full
   build. A model's incremental build replaces every key of the records it reads (delete+insert
   by the key the tests check), so a key cannot be repeated between a kept row and a new one: a
   uniqueness or relationship test on the new rows finds what the same test on all rows would,
   at the cost of the new rows. `dbt build --full-refresh` tests every row. #}
{% macro built_rows_only(model) -%}
    loaded_at > coalesce(
        (
            select built.read_from
            from {{ watermarks_table() }} as built
            where built.model_name = '{{ model }}'
        ),
        timestamptz '-infinity'
    )
{%- endmacro %}

{# The newest loaded_at the model has read: as recorded by its last build, else (a warehouse
   built before the record was kept; `held`: when the model has a loaded_at column) the newest its
   rows hold; -infinity when neither says. With `inputs_hash`, a record made with other inputs
   (a changed seed) does not count: every row is read again. #}
{% macro loaded_at_watermark(held=true, inputs_hash=none, name=none) -%}
    {%- set same_inputs = ' and recorded.inputs_hash is not distinct from ' ~ inputs_hash
        if inputs_hash else '' -%}
    {%- set newest_held = '(select max(watermark.loaded_at) from ' ~ this ~ ' as watermark), '
        if held and not inputs_hash else '' -%}
    (
        select coalesce(
            (
                select recorded.loaded_at
                from {{ watermarks_table() }} as recorded
                where recorded.model_name = '{{ watermark_name(name) }}'{{ same_inputs }}
            ),
            {{ newest_held }}timestamptz '-infinity'
        )
    )
{%- endmacro %}

{# A filter for the raw rows an incremental run reads: `where` (or `and`, with `keyword`) and the
   watermark condition, or nothing on a full build. #}
{% macro new_raw_rows(loaded_at='loaded_at', keyword='where', inputs_hash=none) -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ loaded_at }} > {{ loaded_at_watermark(inputs_hash=inputs_hash) }}
    {%- endif %}
{%- endmacro %}

{# A pre-hook of a child model (the rows a raw record expands into: a filing's activities): on an
   incremental run, delete the children of every parent that changed since the model's last build,
   before the new version's children are inserted. A new version with fewer children (or none)
   thus leaves none of the old ones behind, which a delete by the batch's own keys would miss. #}
{% macro delete_children_of_changed(parent_source, parent_key, inputs_hash=none) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where {{ parent_key }} in ({{ changed_raw_keys(parent_source, parent_key, inputs_hash) }})
    {%- endif %}
{%- endmacro %}

{# The keys (`key`) of the parents landed since the model's watermark, as a query. #}
{% macro changed_raw_keys(parent_source, key, inputs_hash=none) -%}
    select changed.{{ key }}
    from {{ parent_source }} as changed
    where changed.loaded_at > {{ loaded_at_watermark(inputs_hash=inputs_hash) }}
{%- endmacro %}

{# Each `key`'s latest filing in stg_lda__filings (its copy of the client or registrant wins; the
   order of lda_version_order): the filing's filing_uuid and loaded_at, and the key's
   filings_count and first_posted_at / last_posted_at. For a model with one row per key, as its
   latest filing describes it (stg_lda__clients, stg_lda__registrants). #}
{% macro latest_filing_per(key) -%}
    select
        filings.{{ key }},
        filings.filing_uuid,
        filings.loaded_at,
        count(*) over key_window as filings_count,
        min(filings.posted_at) over key_window as first_posted_at,
        max(filings.posted_at) over key_window as last_posted_at
    from {{ ref('stg_lda__filings') }} as filings
    where filings.{{ key }} is not null
    window
        key_window as (partition by {{ key }}),
        latest_first as (
            partition by {{ key }} {{ lda_version_order('latest_first') }}
        )
    qualify row_number() over latest_first = 1
{%- endmacro %}

{# Of `versioned` (latest_filing_per), the keys whose row changes on an incremental build: new
   keys, and keys whose latest filing, counts or posting times differ from the row kept, or whose
   latest filing was landed since the last build (a record rewritten in place). Every key on a
   full build. #}
{% macro changed_latest_copies(versioned, key) -%}
    select {{ versioned }}.*
    from {{ versioned }}
    {%- if is_incremental() %}
    left join {{ this }} as kept
        on {{ versioned }}.{{ key }} = kept.{{ key }}
    where
        kept.{{ key }} is null
        or kept.latest_filing_uuid <> {{ versioned }}.filing_uuid
        or kept.filings_count <> {{ versioned }}.filings_count
        or kept.first_posted_at is distinct from {{ versioned }}.first_posted_at
        or kept.last_posted_at is distinct from {{ versioned }}.last_posted_at
        or {{ versioned }}.loaded_at > {{ loaded_at_watermark(held=false) }}
    {%- endif %}
{%- endmacro %}

{# A pre-hook of such a model: on an incremental run, delete the keys its parent no longer holds
   (every filing of a client rewritten to name another), which delete+insert by the changed keys
   would leave behind. #}
{% macro delete_keys_gone(parent, key) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where {{ key }} not in (
        select parent.{{ key }}
        from {{ parent }} as parent
        where parent.{{ key }} is not null
    )
    {%- endif %}
{%- endmacro %}

{# The hash of every row of a small reference relation (a seed), for `inputs_hash`: a model that
   stores it beside its watermark reads every row again when a row of the seed changes. #}
{% macro reference_rows_hash(relation) -%}
    (
        select md5(string_agg(seed_rows.row_text, chr(10) order by seed_rows.row_text))
        from (select to_json(seed)::varchar as row_text from {{ relation }} as seed) as seed_rows
    )
{%- endmacro %}

{# A filter for an incremental run: the rows whose `key` the model holds no row of (its pre-hooks
   having deleted the keys to build again); nothing on a full build. #}
{% macro keys_not_held(key, keyword='where') -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ key }} not in (select kept.{{ key }} from {{ this }} as kept)
    {%- endif %}
{%- endmacro %}

{# The rows of `relation` (a table) whose `key` is among `keys` (a query of one column). DuckDB
   reads every column of every row before a semi-join on the key drops most of them: on an
   incremental build, which reads a few thousand raw records of a full LDA history (1.5 million
   JSON filings), the rows are fetched by row id, found from the key column first (0.05 s against
   0.75 s). A full build reads most rows, by the plain semi-join. #}
{% macro rows_of_keys(relation, key, keys) -%}
    select * from {{ relation }}
    {%- if is_incremental() %}
    where rowid in (
        select keyed.rowid
        from {{ relation }} as keyed
        where keyed.{{ key }} in ({{ keys }})
    )
    {%- else %}
    where {{ key }} in ({{ keys }})
    {%- endif %}
{%- endmacro %}

{# A pre-hook of an incremental model whose rows depend on other inputs than the ones it reads
   by loaded_at (`inputs_hash`, as recorded by record_loaded_at_watermark): deletes every row when
   the hash differs from the one its last build recorded (or none was), so that the build makes
   them all again. #}
{% macro delete_all_if_inputs_changed(inputs_hash) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where {{ loaded_at_watermark(held=false, inputs_hash=inputs_hash) }} = timestamptz '-infinity'
    {%- endif %}
{%- endmacro %}

{# The `key`s of `relation` of which this incremental model holds no row (every key on a full
   build). #}
{% macro keys_not_held_in(relation, key) -%}
    select {{ key }}
    from {{ relation }}
    {{ keys_not_held(key) }}
{%- endmacro %}

{# Whether `relation` (an incremental model's table, `this`) has `column`: a table built by an
   earlier version of the model may lack one it adds. (Linting renders without a database: it
   has no adapter, and lints the SQL with the column.) #}
{% macro has_column(relation, column) -%}
    {%- if adapter is not defined %}{{ return(true) }}{% endif -%}
    {{ return(
        column in (adapter.get_columns_in_relation(relation) | map(attribute='name') | list)
    ) }}
{%- endmacro %}
