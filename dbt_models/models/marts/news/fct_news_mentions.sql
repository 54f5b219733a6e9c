-- One row per news article x entity (company, agency or watchlist topic) its title or
-- description mentions; articles are one per canonical url across the three news inputs.
-- Incremental: a build redoes the articles int_news_articles_deduplicated rewrote or deleted since
-- its last build, and every row of the entities whose patterns int_news_mentions_tagged tried
-- since: those whose patterns, as that model recorded them (staging.news_patterns_tried), differ
-- from the ones recorded by this model's last build (news_changed_entities); every row when none
-- is recorded. Of the rows it redoes, only those that come out differently are written (the
-- changed_rows strategy, macros/changed_rows.sql): a company that gains a name pattern has every
-- article tried again, and most of its mentions stay as they were.

{{
    config(
        materialized='incremental',
        incremental_strategy='changed_rows',
        unique_key='news_mention_id',
        on_schema_change='fail',
        pre_hook=(
            "{{ record_news_mentions_to_redo("
            "news_pattern_hashes_recorded('int_news_mentions_tagged'),"
            " entity_id='coalesce(company_id, agency_code, topic_id)') }}"
        ),
        post_hook=[
            "{{ news_articles_redone() }}",
            "{{ record_news_patterns_tagged("
            "news_pattern_hashes_recorded('int_news_mentions_tagged')) }}",
        ],
    )
}}
{%- set changed_entities = news_changed_entities(
    news_pattern_hashes_recorded('int_news_mentions_tagged')
) %}
-- the entities whose patterns changed, redone on every article:
-- {{ news_entities_named(changed_entities) }}

with

mentions as (

    select * from {{ ref('int_news_mentions_tagged') }}
    {{ news_mentions_to_redo(changed_entities) }}

),

articles as (

    select * from {{ ref('fct_news_articles') }}

),

final as (

    select
        mentions.news_mention_id,
        mentions.url,
        mentions.entity_type,
        mentions.company_id,
        mentions.agency_code,
        mentions.topic_id,
        articles.seen_at,
        articles.seen_date,
        articles.year,
        articles.quarter,
        articles.domain,
        articles.title,
        articles.description,
        articles.language,
        articles.source_country,
        articles.inputs,
        mentions.is_in_title,
        mentions.is_in_description,
        mentions.matched_pattern_ids
    from mentions
    inner join articles
        on mentions.url = articles.url

)

select * from final
