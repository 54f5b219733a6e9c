-- One row per news article x entity (company, agency or watchlist topic) its title or
-- description mentions; articles are one per canonical url across the three news inputs.
-- Incremental: a build redoes only the articles int_news_articles_deduplicated rewrote or deleted
-- since its last build, or every article when the patterns changed (news_patterns_hash), as
-- int_news_mentions_tagged does.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='news_mention_id',
        on_schema_change='fail',
        pre_hook="{{ delete_news_articles_to_redo(inputs_hash=news_patterns_hash()) }}",
        post_hook="{{ news_articles_redone(inputs_hash=news_patterns_hash()) }}",
    )
}}

with

mentions as (

    select * from {{ ref('int_news_mentions_tagged') }}
    {{ news_articles_to_redo(inputs_hash=news_patterns_hash()) }}

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
