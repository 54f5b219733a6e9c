-- Which companies, agencies and watchlist topics each news article mentions in its title or its
-- description, by the regular expressions of the news_entity_patterns seed and those the
-- watchlist adds (int_news_watchlist_patterns: the watched entities' own terms and the
-- resolver's names for a watched company, with the seed's exclusions for the same entity): one
-- row per article x entity. Articles are one per canonical url (int_news_articles_deduplicated);
-- GDELT gives titles only, the feeds and the analyst's list may give a description too. A
-- pattern is tried on each text after the matches of its exclusion pattern have been cut out
-- ("Amazon rainforest" does not mention Amazon, but "Amazon fights fires in the Amazon
-- rainforest" still does), and on the title and the description separately, so no match spans
-- the two. Case-insensitive patterns get RE2's (?i) flag; case-sensitive ones (ICE, CBP, DHS) are
-- matched as written. When the model runs, the patterns are read first and each is tried as a
-- constant (news_patterns_as_constants: DuckDB compiles a constant regular expression once per
-- query, a column's once per row); in a unit test they are tried as columns, by the same rule
-- (news_pattern_matches).
-- Incremental: a build tags the articles int_news_articles_deduplicated rewrote since its last
-- build (news_articles_to_redo) with every pattern, and every article with the patterns of the
-- entities whose patterns changed since (news_changed_entities: each entity's patterns are
-- hashed, news_entity_patterns_hashes, and the hashes recorded by the post-hook in
-- staging.news_patterns_tagged), after deleting the rows of both (delete_news_mentions_to_redo);
-- an entity that lost its patterns loses its rows. A new watched company, or a new source name
-- the resolver gives one (int_news_watchlist_patterns), thus retags every article for that
-- company only. With no hashes recorded (the first build since they are kept), every article is
-- tagged again with every pattern.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='news_mention_id',
        on_schema_change='fail',
        pre_hook="{{ delete_news_mentions_to_redo(news_entity_patterns_hashes()) }}",
        post_hook=[
            "{{ news_articles_redone() }}",
            "{{ record_news_patterns_tagged(news_entity_patterns_hashes()) }}",
        ],
    )
}}
{%- set constant_patterns = news_patterns_as_constants(
    [ref('news_entity_patterns'), ref('int_news_watchlist_patterns')]
) %}
{%- set changed_entities = news_changed_entities(news_entity_patterns_hashes()) %}
{#- the texts a changed entity's patterns are tried on: every article's (on a full build, the
    articles' texts are every article's already) #}
{%- set changed_texts = 'all_texts' if is_incremental() else 'texts' %}
-- the entities whose patterns changed, tried on every article:
-- {{ news_entities_named(changed_entities) }}
with

articles as (

    select * from {{ ref('int_news_articles_deduplicated') }}
    {{ news_articles_to_redo() }}

),

texts as (

    {{ news_article_texts('articles') }}

),

{% if is_incremental() %}

    all_articles as (

        select * from {{ ref('int_news_articles_deduplicated') }}

    ),

    all_texts as (

        {{ news_article_texts('all_articles') }}

    ),

{% endif %}

{% if constant_patterns is none %}

    seed_patterns as (

        select * from {{ ref('news_entity_patterns') }}

    ),

    watchlist_patterns as (

        select * from {{ ref('int_news_watchlist_patterns') }}

    ),

    patterns as (

        select
            pattern_id,
            entity_type,
            entity_id,
            pattern,
            exclusion_pattern,
            is_case_sensitive
        from seed_patterns

        union all

        select
            pattern_id,
            entity_type,
            entity_id,
            pattern,
            exclusion_pattern,
            is_case_sensitive
        from watchlist_patterns

    ),

    -- the entities whose patterns changed on every article's texts, the others on the texts of
    -- the articles to redo
    pattern_matches as (

        {% for source, changed in [('texts', false), (changed_texts, true)] %}

            {{ 'union all' if not loop.first }}

            select
                texts.url,
                texts.text_field,
                patterns.entity_type,
                patterns.entity_id,
                patterns.pattern_id
            from {{ source }} as texts
            cross join patterns
            where
                {{ '' if changed else 'not' }} ({{ news_entity_changed(
                    changed_entities, 'patterns.entity_type', 'patterns.entity_id'
                ) }})
                and {{ news_pattern_matches(
                    'texts.field_text',
                    'patterns.pattern',
                    'patterns.exclusion_pattern',
                    'patterns.is_case_sensitive'
                ) }}

        {% endfor %}

    ),

{% else %}

    -- each pattern tried as a constant, in one branch per pattern: on every article's texts when
    -- its entity's patterns changed, else on the texts of the articles to redo
    pattern_matches as (

        select
            cast(null as varchar) as url,
            cast(null as varchar) as text_field,
            cast(null as varchar) as entity_type,
            cast(null as varchar) as entity_id,
            cast(null as varchar) as pattern_id
        where false

        {% for row in constant_patterns %}

            union all

            select
                url,
                text_field,
                {{ sql_string(row['entity_type']) }} as entity_type,
                {{ sql_string(row['entity_id']) }} as entity_id,
                {{ sql_string(row['pattern_id']) }} as pattern_id
            from {{
                changed_texts
                if changed_entities is none
                or [row['entity_type'], row['entity_id']] in changed_entities
                else 'texts'
            }}
            where
                {% for word in (row['required_words'] or '').split() -%}
                    contains(folded_text, {{ sql_string(word) }}) and
                {% endfor -%}
                {{ news_pattern_matches(
                    'field_text',
                    sql_string(row['pattern']),
                    sql_string(row['exclusion_pattern']),
                    'true' if row['is_case_sensitive'] else 'false'
                ) }}

        {% endfor %}

    ),

{% endif %}

final as (

    select
        {{ surrogate_key(['url', 'entity_type', 'entity_id']) }} as news_mention_id,
        url,
        entity_type,
        entity_id,
        case when entity_type = 'company' then entity_id end as company_id,
        case when entity_type = 'agency' then entity_id end as agency_code,
        case when entity_type = 'topic' then entity_id end as topic_id,
        list(distinct pattern_id order by pattern_id) as matched_pattern_ids,
        bool_or(text_field = 'title') as is_in_title,
        bool_or(text_field = 'description') as is_in_description
    from pattern_matches
    group by url, entity_type, entity_id

)

select * from final
