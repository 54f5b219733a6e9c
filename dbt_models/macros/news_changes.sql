{# The news models downstream of int_news_articles_deduplicated (int_news_mentions_tagged and the
   news facts) redo only the articles it recorded as changed for them (news_changes_table;
   record_news_articles_changed), or every article when the articles' whole set changed. The
   models that tag with the news patterns (int_news_mentions_tagged, fct_news_mentions) also redo
   every article for the entities whose patterns changed (news_patterns_tagged_table), and for
   those only. #}

{# The table of the articles each news model has yet to redo: (model_name, url); in the staging
   schema, which is never published. #}
{% macro news_changes_table() -%}
    staging.news_articles_changed
{%- endmacro %}

{# A pre-hook of int_news_articles_deduplicated: the table of news_changes_table(). #}
{% macro create_news_changes_table() -%}
    create table if not exists {{ news_changes_table() }} (model_name varchar, url varchar)
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

{# Where the news models that tag with the patterns record, per entity (entity_type, entity_id),
   the hash of the patterns their rows were made with: (model_name, entity_type, entity_id,
   patterns_hash). A build redoes every article for the entities whose hash changed (new ones
   and those that lost their patterns included), and only the changed articles for the others.
   In the staging schema, which is never published. #}
{% macro news_patterns_tagged_table() -%}
    staging.news_patterns_tagged
{%- endmacro %}

{# The hash of each entity's news patterns, as int_news_mentions_tagged tries them now (the
   news_entity_patterns seed and int_news_watchlist_patterns): a query of (entity_type,
   entity_id, patterns_hash). #}
{% macro news_entity_patterns_hashes() -%}
    select
        patterns.entity_type,
        patterns.entity_id,
        md5(string_agg(patterns.pattern_text, chr(10) order by patterns.pattern_text))
            as patterns_hash
    from (
        select entity_type, entity_id, {{ news_pattern_text() }}
        from {{ ref('news_entity_patterns') }}
        union all
        select entity_type, entity_id, {{ news_pattern_text() }}
        from {{ ref('int_news_watchlist_patterns') }}
    ) as patterns
    group by patterns.entity_type, patterns.entity_id
{%- endmacro %}

{# The hashes `model_name` recorded (the patterns its rows were made with), in the shape of
   news_entity_patterns_hashes: fct_news_mentions copies the tagging of int_news_mentions_tagged,
   so it follows the patterns that model last tagged with, not the seed's. #}
{% macro news_entity_patterns_recorded(model_name) -%}
    select
        recorded.entity_type,
        recorded.entity_id,
        recorded.patterns_hash
    from {{ news_patterns_tagged_table() }} as recorded
    where recorded.model_name = '{{ model_name }}'
{%- endmacro %}

{# The entities whose patterns changed since this model's last build, compared with `hashes` (a
   query of news_entity_patterns_hashes' shape), read when the model runs: a list of
   [entity_type, entity_id], those whose hash differs from the recorded one, new ones, and
   recorded ones without patterns now. none means every entity: a full build, nothing recorded
   yet (the table missing, or no row of this model: a warehouse built before the hashes were
   kept), or when the record cannot be read (dbt only parsing, a unit test). #}
{% macro news_changed_entities(hashes) %}
    {% if not execute or model.resource_type == 'unit_test' or not is_incremental() %}
        {{ return(none) }}
    {% endif %}
    {% set table = news_patterns_tagged_table() %}
    {% if adapter.get_relation(
        database=this.database, schema='staging', identifier='news_patterns_tagged'
    ) is none %}
        {{ return(none) }}
    {% endif %}
    {% set query %}
        with

        recorded as (

            select
                entity_type,
                entity_id,
                patterns_hash
            from {{ table }}
            where model_name = '{{ this.identifier }}'

        ),

        current_hashes as (

            {{ hashes }}

        )

        select
            coalesce(current_hashes.entity_type, recorded.entity_type) as entity_type,
            coalesce(current_hashes.entity_id, recorded.entity_id) as entity_id
        from current_hashes
        full outer join recorded
            on
                current_hashes.entity_type = recorded.entity_type
                and current_hashes.entity_id = recorded.entity_id
        where current_hashes.patterns_hash is distinct from recorded.patterns_hash
        order by 1, 2
    {% endset %}
    {% set recorded_any = run_query(
        "select count(*) from " ~ table ~ " where model_name = '" ~ this.identifier ~ "'"
    ).rows[0][0] %}
    {% if recorded_any == 0 %}
        {{ return(none) }}
    {% endif %}
    {% set changed = [] %}
    {% for row in run_query(query).rows %}
        {% do changed.append([row['entity_type'], row['entity_id']]) %}
    {% endfor %}
    {{ return(changed) }}
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
   (news_mentions_to_redo, with the entities whose patterns changed against `hashes`). #}
{% macro delete_news_mentions_to_redo(hashes, entity_id='entity_id') -%}
    {%- if is_incremental() %}
        {%- set changed = news_changed_entities(hashes) %}
        delete from {{ this }} {{ news_mentions_to_redo(changed, entity_id=entity_id) }}
    {%- endif %}
{%- endmacro %}

{# A post-hook of a tagging news model, after news_articles_redone: record the patterns' hashes
   its rows are now made with (`hashes`), in place of its earlier record. #}
{% macro record_news_patterns_tagged(hashes) -%}
    create table if not exists {{ news_patterns_tagged_table() }} (
        model_name varchar,
        entity_type varchar,
        entity_id varchar,
        patterns_hash varchar
    );
    delete from {{ news_patterns_tagged_table() }}
    where model_name = '{{ this.identifier }}';
    insert into {{ news_patterns_tagged_table() }} (
        model_name, entity_type, entity_id, patterns_hash
    )
    select
        '{{ this.identifier }}' as model_name,
        tagged.entity_type,
        tagged.entity_id,
        tagged.patterns_hash
    from ({{ hashes }}) as tagged
{%- endmacro %}

{# A news pattern's row as one text, for news_entity_patterns_hashes. #}
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
