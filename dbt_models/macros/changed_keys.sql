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
   - changed_keys_current(): this build's that differ from them (all of them in a full build),
     until its post-hook stores them;
   - changed_keys_redone(): the keys the model's last build redid (kept until its next build, for
     an operator asking what a refresh touched, and for the model's data tests, which check those
     keys' rows: changed_keys_tested); after a full build, one row with a null key: every key. #}

{% macro changed_keys_fingerprints() -%}
    staging.changed_keys_fingerprints
{%- endmacro %}

{% macro changed_keys_current() -%}
    staging.changed_keys_current
{%- endmacro %}

{% macro changed_keys_redone() -%}
    staging.changed_keys_redone
{%- endmacro %}

{# One row per model: the dbt invocation whose build last stored its fingerprints. #}
{% macro changed_keys_builds() -%}
    staging.changed_keys_builds
{%- endmacro %}

{# on-run-start (create_build_state_tables): the tables above. Every model's hooks write to
   them, so they are made before any model runs: two models of a build run at once
   (INFLUENCE_DBT_THREADS) would both create a missing table, and DuckDB fails the second
   ("Catalog write-write conflict"). #}
{% macro create_changed_keys_tables() -%}
    {%- for table in (changed_keys_fingerprints(), changed_keys_current()) %}
    create table if not exists {{ table }} (
        model_name varchar, key varchar, fingerprint hugeint
    );
    {%- endfor %}
    create table if not exists {{ changed_keys_redone() }} (model_name varchar, key varchar);
    create table if not exists {{ changed_keys_builds() }} (
        model_name varchar, invocation_id varchar
    )
{%- endmacro %}

{# The keys a model's build redid (`model`: its name, this model's by default), as a query of one
   column named `column`: recorded by redo_changed_keys or record_redone_keys. #}
{% macro redone_keys(column, model=none) -%}
    select redone.key as {{ column }}
    from {{ changed_keys_redone() }} as redone
    where redone.model_name = '{{ model or this.identifier }}'
{%- endmacro %}

{# The fingerprints a model's last successful build stored (`model`: its name, this model's by
   default), as a query of (key, fingerprint). #}
{% macro stored_fingerprints(model=none) -%}
    select
        stored.key,
        stored.fingerprint
    from {{ changed_keys_fingerprints() }} as stored
    where stored.model_name = '{{ model or this.identifier }}'
{%- endmacro %}

{# The pre-hook. `key`: the model's key column (or an expression of its columns);
   `fingerprints`: a query of (key, fingerprint) over the model's inputs, at most one row per key
   (a null key: the inputs every key depends on). On an incremental build, keeps the fingerprints
   that differ from the stored ones (a key gone: a null fingerprint), records the keys to redo
   (those, or every key when the null key's differs or nothing is stored) and deletes their rows;
   on a full build, keeps every fingerprint. `rows`: the condition of the rows of the keys to
   redo, when `key` spelt out is slower to look up (company_years_redone_rows); by default
   `key` in the recorded keys. `same_as`: another model whose fingerprints are these (the same
   query of the same inputs): when its build stored them in this dbt invocation, they are read
   instead of computed (fingerprints_stored_this_invocation). `dependents`: a query of more keys
   to redo, over `changed` (a query of the keys whose fingerprints differ, column `key`): the keys
   whose rows read another key's inputs too (company_agency_quarter: the year before). #}
{% macro redo_changed_keys(key, fingerprints, rows=none, same_as=none, dependents=none) -%}
    {%- set fingerprints = (
        same_as and fingerprints_stored_this_invocation(same_as) | trim
    ) or fingerprints %}
    delete from {{ changed_keys_current() }} where model_name = '{{ this.identifier }}';
    delete from {{ changed_keys_redone() }} where model_name = '{{ this.identifier }}';
    insert into {{ changed_keys_current() }} (model_name, key, fingerprint)
    with

    inputs as (

        select
            cast(fingerprinted.key as varchar) as key,
            cast(fingerprinted.fingerprint as hugeint) as fingerprint
        from ({{ fingerprints }}) as fingerprinted

    ){% if is_incremental() %},

    stored as (

        {{ stored_fingerprints() }}

    )

    select
        '{{ this.identifier }}',
        coalesce(inputs.key, stored.key),
        inputs.fingerprint
    from inputs
    full outer join stored
        on inputs.key is not distinct from stored.key
    where inputs.fingerprint is distinct from stored.fingerprint;

    insert into {{ changed_keys_redone() }} (model_name, key)
    with

    changed as (

        select key
        from {{ changed_keys_current() }}
        where model_name = '{{ this.identifier }}'

    ),

    stored as (

        {{ stored_fingerprints() }}

    ),

    -- every key: the shared inputs changed (nothing stored: every key differs already)
    keys as (

        select changed.key from changed
        union
        {{ (dependents ~ '\n        union') if dependents else '' }}
        select stored.key from stored
        where exists (select 1 from changed where changed.key is null)

    )

    select
        '{{ this.identifier }}',
        keys.key
    from keys
    where keys.key is not null;

    delete from {{ this }}
    where {{ rows or key ~ ' in (' ~ redone_keys('key') ~ ')' }};

    -- nothing stored (built before fingerprints were kept): every row goes (a statement apart:
    -- joined to the keys' condition by `or`, it slowed the delete of the redone keys' rows)
    delete from {{ this }}
    where not exists ({{ stored_fingerprints() }})
    {%- else %}

    select
        '{{ this.identifier }}',
        inputs.key,
        inputs.fingerprint
    from inputs;

    insert into {{ changed_keys_redone() }} (model_name, key)
    values ('{{ this.identifier }}', null)
    {%- endif %}
{%- endmacro %}

{# The fingerprints `model` stored, as a query of (key, fingerprint), when its build stored them in
   this dbt invocation; else nothing. Every model upstream of both was built before either in
   one invocation, so a model with the same fingerprints (same query, same inputs) may read
   them: after its post-hook, the stored fingerprints are those of every key of its inputs.
   (int_lda_filings_latest and int_lda_report_versions: 0.8 s each to compute on a full
   history's 1.5 million filings.) #}
{% macro fingerprints_stored_this_invocation(model) -%}
    {%- set builds = execute and adapter.get_relation(
        database=target.database, schema='staging', identifier='changed_keys_builds'
    ) -%}
    {%- set query -%}
        select 1
        from {{ changed_keys_builds() }}
        where model_name = '{{ model }}' and invocation_id = '{{ invocation_id }}'
    {%- endset -%}
    {%- if builds and run_query(query).rows -%}
        {{ stored_fingerprints(model) }}
    {%- endif -%}
{%- endmacro %}

{# The filter of an input's rows in the model (`keyword` and a condition on `column`, the key):
   on an incremental build, the keys being redone; nothing on a full build. #}
{% macro changed_keys_only(column, keyword='and') -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ column }} in ({{ redone_keys('key') }})
    {%- endif %}
{%- endmacro %}

{# The condition of a data test on a model redone by key (`model`: its name; `key`: the key
   expression of redo_changed_keys): the rows of the keys its last build redid, every row after a
   full build. The build deleted every row of those keys before inserting their new rows, and
   left the other keys' rows as they were, tested when they were built. A test whose failing rows
   could span keys (a key repeated in two keys' rows) must not use it.
   A test is compiled when it runs, after the model's build, so the condition is written for the
   build that was made: true after a full build, else a plain semi-join on the keys (DuckDB runs
   it faster than the two cases joined by `or`, the form used when nothing is recorded yet).
   `members`: the query the key is looked up in, the recorded keys by default (another form of
   them: changed_company_years_tested). #}
{% macro changed_keys_tested(model, key, members=none) -%}
    {%- set keys = redone_keys('key', model) -%}
    {%- set members = members or keys -%}
    {%- set recorded = execute and adapter.get_relation(
        database=target.database, schema='staging', identifier='changed_keys_redone'
    ) -%}
    {%- if recorded and run_query(keys ~ ' and redone.key is null limit 1').rows -%}
        true
    {%- elif recorded -%}
        ({{ key }}) in ({{ members }})
    {%- else -%}
        (
            exists ({{ keys }} and redone.key is null)
            or ({{ key }}) in ({{ members }})
        )
    {%- endif -%}
{%- endmacro %}

{# A pre-hook of a model that rebuilds a set of keys by delete+insert (not by fingerprint): records
   in changed_keys_redone the keys this build rebuilds, `keys` (a query of one column), on an
   incremental build, or one null key (every key) on a full build. It runs before the model's
   watermark moves; the model then reads the keys back (redone_keys, changed_keys_only), so the
   keys its data tests check (changed_keys_tested) are the keys it rebuilt. #}
{% macro record_redone_keys(keys) -%}
    delete from {{ changed_keys_redone() }} where model_name = '{{ this.identifier }}';
    insert into {{ changed_keys_redone() }} (model_name, key)
    {%- if is_incremental() %}
    select distinct
        '{{ this.identifier }}',
        cast(rebuilt.key as varchar)
    from ({{ keys }}) as rebuilt (key)
    where rebuilt.key is not null
    {%- else %}
    values ('{{ this.identifier }}', null)
    {%- endif %}
{%- endmacro %}

{# The post-hook: the build succeeded, its fingerprints replace the stored ones (the changed
   ones after an incremental build, all after a full build). The changed keys are deleted by a
   plain semi-join, the null key apart: a condition joined to it by `or` made DuckDB test every
   stored row of every model against them (0.56 against 0.09 s for company_agency_quarter's
   90,000 changed keys among 12.7 million stored rows, measured). #}
{% macro store_changed_keys_fingerprints() -%}
    {%- set changed -%}
        select changed.key
        from {{ changed_keys_current() }} as changed
        where changed.model_name = '{{ this.identifier }}'
    {%- endset %}
    delete from {{ changed_keys_fingerprints() }} as stored
    where
        stored.model_name = '{{ this.identifier }}'
        and {{ 'stored.key in (' ~ changed ~ ' and changed.key is not null)'
            if is_incremental() else 'true' }};
    delete from {{ changed_keys_fingerprints() }} as stored
    where
        stored.model_name = '{{ this.identifier }}'
        and stored.key is null
        and {{ 'exists (' ~ changed ~ ' and changed.key is null)'
            if is_incremental() else 'false' }};
    insert into {{ changed_keys_fingerprints() }} (model_name, key, fingerprint)
    select
        model_name,
        key,
        fingerprint
    from {{ changed_keys_current() }}
    where model_name = '{{ this.identifier }}' and fingerprint is not null;
    delete from {{ changed_keys_current() }} where model_name = '{{ this.identifier }}';
    delete from {{ changed_keys_builds() }} where model_name = '{{ this.identifier }}';
    insert into {{ changed_keys_builds() }} (model_name, invocation_id)
    values ('{{ this.identifier }}', '{{ invocation_id }}')
{%- endmacro %}

{# A fingerprint of rows: the sum of their hashes (a multiset's: a repeated row counts twice). #}
{% macro rows_fingerprint(columns) -%}
    sum(hash({{ columns | join(', ') }})::hugeint)
{%- endmacro %}

{# The key and fingerprint of each group of rows of one input: `relation` (a ref or a query in
   parentheses), grouped by `key` (a column or an expression over its columns), hashing `columns`
   with the input's `label`, so that two inputs' rows never hash alike. `where`: a condition on
   the rows read. The rows of several inputs are added (union all) before summing by key. #}
{% macro fingerprint_rows(label, relation, key, columns, where=none) -%}
    select
        {{ key }} as key,
        hash('{{ label }}', {{ columns | join(', ') }}) as row_hash
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}
{%- endmacro %}

{# The fingerprint per key of the rows of one or more fingerprint_rows queries; a null key's rows
   are left out (they are in no key's rows of the model), and `shared`, when given, is a query of
   the reference rows every key reads, fingerprinted under the null key. #}
{% macro fingerprints_by_key(row_queries, shared=none) -%}
    select
        key,
        {{ rows_fingerprint(['row_hash']) }} as fingerprint
    from (
        {{ row_queries | join('\nunion all\n') }}
    ) as keyed_rows
    where key is not null
    group by key
    {%- if shared %}

    union all

    select
        null as key,
        {{ rows_fingerprint(['row_hash']) }} as fingerprint
    from ({{ shared }}) as shared_rows
    {%- endif %}
{%- endmacro %}
