-- One row per news article x entity (company, agency or watchlist topic) its title or
-- description mentions; articles are one per canonical url across the three news inputs.

with

mentions as (

    select * from {{ ref('int_news_mentions_tagged') }}

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
