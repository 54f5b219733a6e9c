{# The news models downstream of int_news_articles_deduplicated (int_news_mentions_tagged and the
   news facts) redo only the articles it recorded as changed for them (news_changes_table;
   record_news_articles_changed), or every article when the articles' whole set changed. The
   models that tag with the news patterns (int_news_mentions_tagged, fct_news_mentions) also redo
   every article for the entities whose patterns changed (news_patterns_tagged_table), and for
   those only; int_news_mentions_tagged tries only the new patterns of an entity that lost none. #}

{# The table of the articles each news model has yet to redo: (model_name, url); in the staging
   schema, which is never published. #}
{% macro news_changes_table() -%}
    staging.news_articles_changed
{%- endmacro %}

{# on-run-start (create_build_state_tables): the news models' tables of what they have to redo
   and of the patterns they tried, made before any model runs (as create_changed_keys_tables). #}
{% macro create_news_changes_tables() -%}
    create table if not exists {{ news_changes_table() }} (model_name varchar, url varchar);
    create table if not exists {{ news_patterns_tagged_table() }} (
        model_name varchar,
        entity_type varchar,
        entity_id varchar,
        pattern_id varchar,
        pattern_hash varchar
    )
{%- endmacro %}

{# Whether a consumer of the news changes redoes every article: its last build was made with other
   inputs (`inputs_hash`), or none is recorded, or the articles were rebuilt from scratch. #}
{% macro news_redo_all(inputs_hash=none) -%}
    (
        {{ loaded_at_watermark(held=false, inputs_hash=inputs_hash) }} = timestamptz '-infinity'
        or exists (
            select 1
            from {{ news_changes_table() }} as changes
            where changes.model_name = '{{ this.identifier }}' and changes.url is null
        )
    )
{%- endmacro %}

{# The filter of a news model's incremental build (`keyword` and a condition on `column`): the
   articles recorded as changed for it, or all of them (news_redo_all); nothing on a full build. #}
{% macro news_articles_to_redo(column='url', keyword='where', inputs_hash=none) -%}
    {%- if is_incremental() -%}
        {{ keyword }} (
            {{ news_redo_all(inputs_hash) }}
            or {{ column }} in (
                select changes.url
                from {{ news_changes_table() }} as changes
                where changes.model_name = '{{ this.identifier }}'
            )
        )
    {%- endif %}
{%- endmacro %}

{# A pre-hook of a consumer: on an incremental build, delete the rows of the articles it redoes
   (an article now mentioning nothing, or gone, keeps no row). #}
{% macro delete_news_articles_to_redo(inputs_hash=none) -%}
    {%- if is_incremental() %}
        delete from {{ this }} {{ news_articles_to_redo(inputs_hash=inputs_hash) }}
    {%- endif %}
{%- endmacro %}

{# A post-hook of the news models after int_news_article_links: record how far the build has read
   (and the hash of its other inputs, `inputs_hash`, if any) and forget the articles it redid. #}
{% macro news_articles_redone(inputs_hash=none) -%}
    {{ record_loaded_at_watermark(ref('int_news_article_links'), inputs_hash=inputs_hash) }};
    {{ forget_news_articles_changed() }}
{%- endmacro %}

{# The articles recorded for this model are done. #}
{% macro forget_news_articles_changed() -%}
    delete from {{ news_changes_table() }}
    where model_name = '{{ this.identifier }}'
{%- endmacro %}

{# Where the news models that tag with the patterns record, per pattern, the patterns their rows
   were made with: (model_name, entity_type, entity_id, pattern_id, pattern_hash). An entity
   whose patterns differ from the record (new ones and those that lost their patterns included)
   is changed; the others are redone on the changed articles only. In the staging schema, which
   is never published. (Until the hashes were kept per pattern, staging.news_patterns_tagged held
   one per entity: a warehouse that has only that table has nothing recorded here, and its next
   build tags every article again with every pattern.) #}
{% macro news_patterns_tagged_table() -%}
    staging.news_patterns_tried
{%- endmacro %}

{# The hash of each news pattern as int_news_mentions_tagged tries it now (the
   news_entity_patterns seed and int_news_watchlist_patterns): a query of (entity_type,
   entity_id, pattern_id, pattern_hash). #}
{% macro news_pattern_hashes() -%}
    select
        patterns.entity_type,
        patterns.entity_id,
        patterns.pattern_id,
        md5(patterns.pattern_text) as pattern_hash
    from (
        select entity_type, entity_id, pattern_id, {{ news_pattern_text() }}
        from {{ ref('news_entity_patterns') }}
        union all
        select entity_type, entity_id, pattern_id, {{ news_pattern_text() }}
        from {{ ref('int_news_watchlist_patterns') }}
    ) as patterns
{%- endmacro %}

{# The hashes `model_name` recorded (the patterns its rows were made with), in the shape of
   news_pattern_hashes: fct_news_mentions copies the tagging of int_news_mentions_tagged, so it
   follows the patterns that model last tagged with, not the seed's. #}
{% macro news_pattern_hashes_recorded(model_name) -%}
    select
        recorded.entity_type,
        recorded.entity_id,
        recorded.pattern_id,
        recorded.pattern_hash
    from {{ news_patterns_tagged_table() }} as recorded
    where recorded.model_name = '{{ model_name }}'
{%- endmacro %}

{# How this model's patterns changed since its last build, comparing `hashes` (a query of
   news_pattern_hashes' shape) with its record, read when the model runs. none means every
   entity changed: a full build, nothing recorded yet (the table missing, or no row of this
   model), or when the record cannot be read (dbt only parsing, a unit test). Otherwise a dict:
   - changed: the entities ([entity_type, entity_id]) with any pattern new, edited or gone;
   - retagged: those of them that lost or edited a pattern (their rows must be made again);
   - gained: the others, which only gained patterns;
   - added: the new patterns ([entity_type, entity_id, pattern_id]) of the changed entities
     that lost and edited none (new entities' included): their rows stand, and only these
     patterns are new to them. #}
{% macro news_pattern_changes(hashes) %}
    {% if not execute or model.resource_type == 'unit_test' or not is_incremental() %}
        {{ return(none) }}
    {% endif %}
    {% set table = news_patterns_tagged_table() %}
    {% if adapter.get_relation(
        database=this.database, schema='staging', identifier='news_patterns_tried'
    ) is none %}
        {{ return(none) }}
    {% endif %}
    {% set recorded_any = run_query(
        "select count(*) from " ~ table ~ " where model_name = '" ~ this.identifier ~ "'"
    ).rows[0][0] %}
    {% if recorded_any == 0 %}
        {{ return(none) }}
    {% endif %}
    {% set query %}
        with

        recorded as (

            {{ news_pattern_hashes_recorded(this.identifier) }}

        ),

        current_hashes as (

            {{ hashes }}

        )

        select
            coalesce(current_hashes.entity_type, recorded.entity_type) as entity_type,
            coalesce(current_hashes.entity_id, recorded.entity_id) as entity_id,
            coalesce(current_hashes.pattern_id, recorded.pattern_id) as pattern_id,
            recorded.pattern_hash is not null as is_lost
        from current_hashes
        full outer join recorded
            on
                current_hashes.entity_type = recorded.entity_type
                and current_hashes.entity_id = recorded.entity_id
                and current_hashes.pattern_id = recorded.pattern_id
        where current_hashes.pattern_hash is distinct from recorded.pattern_hash
        order by 1, 2, 3
    {% endset %}
    {% set changed, retagged, added = [], [], [] %}
    {% set rows = run_query(query).rows %}
    {% for row in rows %}
        {% set entity = [row['entity_type'], row['entity_id']] %}
        {% if entity not in changed %}
            {% do changed.append(entity) %}
        {% endif %}
        {% if row['is_lost'] and entity not in retagged %}
            {% do retagged.append(entity) %}
        {% endif %}
    {% endfor %}
    {% for row in rows %}
        {% if [row['entity_type'], row['entity_id']] not in retagged %}
            {% do added.append([row['entity_type'], row['entity_id'], row['pattern_id']]) %}
        {% endif %}
    {% endfor %}
    {{ return({
        'changed': changed,
        'retagged': retagged,
        'gained': changed | reject('in', retagged) | list,
        'added': added,
    }) }}
{% endmacro %}

{# The entities whose patterns changed since this model's last build (news_pattern_changes'
   `changed`), compared with `hashes`; none: every entity. #}
{% macro news_changed_entities(hashes) %}
    {% set changes = news_pattern_changes(hashes) %}
    {{ return(none if changes is none else changes['changed']) }}
{% endmacro %}

{# Whether the entity of a row (`entity_type`, `entity_id`: SQL expressions) is one of `changed`
   (news_changed_entities; none: every entity). #}
{% macro news_entity_changed(changed, entity_type='entity_type', entity_id='entity_id') -%}
    {%- if changed is none -%}
        true
    {%- elif changed | length == 0 -%}
        false
    {%- else -%}
        {%- set entities = [] -%}
        {%- for entity in changed -%}
            {%- do entities.append(
                '(' ~ sql_string(entity[0]) ~ ', ' ~ sql_string(entity[1]) ~ ')'
            ) -%}
        {%- endfor -%}
        ({{ entity_type }}, {{ entity_id }}) in ({{ entities | join(', ') }})
    {%- endif -%}
{%- endmacro %}

{# Whether a pattern (`entity_type`, `entity_id`, `pattern_id`: SQL expressions) is tried on every
   article (news_pattern_changes, `changes`; none: every pattern is): the patterns of a retagged
   entity and the added ones. #}
{% macro news_pattern_changed(changes, entity_type, entity_id, pattern_id) -%}
    {%- if changes is none -%}
        true
    {%- else -%}
        {%- set added = [] -%}
        {%- for pattern in changes['added'] -%}
            {%- do added.append(
                '(' ~ sql_string(pattern[0]) ~ ', ' ~ sql_string(pattern[1]) ~ ', '
                ~ sql_string(pattern[2]) ~ ')'
            ) -%}
        {%- endfor -%}
        {%- set also_added = (
            ' or (' ~ entity_type ~ ', ' ~ entity_id ~ ', ' ~ pattern_id ~ ') in ('
            ~ (added | join(', ')) ~ ')'
        ) if added else '' -%}
        ({{ news_entity_changed(changes['retagged'], entity_type, entity_id) }}{{ also_added }})
    {%- endif -%}
{%- endmacro %}

{# Whether `changes` (news_pattern_changes) has `pattern` (a row of news_patterns_as_constants)
   tried on every article: the jinja twin of news_pattern_changed. #}
{% macro news_pattern_is_changed(changes, pattern) -%}
    {{ return(
        changes is none
        or [pattern['entity_type'], pattern['entity_id']] in changes['retagged']
        or [pattern['entity_type'], pattern['entity_id'], pattern['pattern_id']]
            in changes['added']
    ) }}
{%- endmacro %}

{# `changed` (news_changed_entities) as a text: "entity_type:entity_id, ...", "every entity" or
   "none", for a comment in the compiled SQL. #}
{% macro news_entities_named(changed) -%}
    {%- if changed is none -%}
        every entity
    {%- else -%}
        {{ changed | map('join', ':') | join(', ') or 'none' }}
    {%- endif -%}
{%- endmacro %}

{# The filter of a tagging news model's incremental build (`keyword` and a condition): the
   articles to redo (news_articles_to_redo) and every row of the entities whose patterns changed
   (`changed`, news_changed_entities); nothing on a full build. #}
{% macro news_mentions_to_redo(changed, entity_id='entity_id', keyword='where') -%}
    {%- if is_incremental() -%}
        {{ keyword }} (
            {{ news_redo_all() }}
            or url in (
                select changes.url
                from {{ news_changes_table() }} as changes
                where changes.model_name = '{{ this.identifier }}'
            )
            or {{ news_entity_changed(changed, entity_id=entity_id) }}
        )
    {%- endif %}
{%- endmacro %}

{# A pre-hook of a tagging news model: on an incremental build, delete the rows it redoes
   (news_rows_redone). With `additions_kept`, an entity that only gained patterns keeps its rows
   (news_pattern_changes' `retagged` entities lose theirs): the model adds what the new patterns
   find to them. #}
{% macro delete_news_mentions_to_redo(hashes, entity_id='entity_id', additions_kept=false) -%}
    {%- if is_incremental() %}
        delete from {{ this }} {{ news_rows_redone(hashes, entity_id, additions_kept) }}
    {%- endif %}
{%- endmacro %}

{# A pre-hook of a news model built by the changed_rows strategy (macros/changed_rows.sql): on
   an incremental build, records the rows it redoes (news_rows_redone) instead of deleting them;
   the strategy replaces those the build makes differently. #}
{% macro record_news_mentions_to_redo(hashes, entity_id='entity_id') -%}
    {{ record_rows_to_redo(news_rows_redone(hashes, entity_id)) }}
{%- endmacro %}

{# The `where` of the rows a tagging news model's incremental build redoes: news_mentions_to_redo
   of the entities whose patterns changed against `hashes` (with `additions_kept`, only those
   that lost or edited one). #}
{% macro news_rows_redone(hashes, entity_id='entity_id', additions_kept=false) -%}
    {%- set changes = news_pattern_changes(hashes) %}
    {%- set redone = none if changes is none
        else changes['retagged' if additions_kept else 'changed'] %}
    {{- news_mentions_to_redo(redone, entity_id=entity_id) }}
{%- endmacro %}

{# A post-hook of a tagging news model, after news_articles_redone: record the patterns its rows
   are now made with (`hashes`, of news_pattern_hashes' shape), in place of its earlier record. #}
{% macro record_news_patterns_tagged(hashes) -%}
    delete from {{ news_patterns_tagged_table() }}
    where model_name = '{{ this.identifier }}';
    insert into {{ news_patterns_tagged_table() }} (
        model_name, entity_type, entity_id, pattern_id, pattern_hash
    )
    select
        '{{ this.identifier }}' as model_name,
        tagged.entity_type,
        tagged.entity_id,
        tagged.pattern_id,
        tagged.pattern_hash
    from ({{ hashes }}) as tagged
{%- endmacro %}

{# A news pattern's row as one text, for news_pattern_hashes. #}
{% macro news_pattern_text() -%}
    concat_ws(
        '|',
        pattern_id,
        entity_type,
        entity_id,
        pattern,
        coalesce(exclusion_pattern, ''),
        coalesce(is_case_sensitive, false)
    ) as pattern_text
{%- endmacro %}
