-- One row per news article x entity (company, agency or watchlist topic) its title mentions.

with

mentions as (

    select * from {{ ref('int_news_mentions_tagged') }}

),

articles as (

    select * from {{ ref('stg_gdelt__articles') }}

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
        cast(year(articles.seen_date) as integer) as year,
        {{ calendar_quarter('articles.seen_date') }} as quarter,
        articles.domain,
        articles.title,
        articles.language,
        articles.source_country,
        mentions.matched_pattern_ids
    from mentions
    inner join articles
        on mentions.url = articles.url

)

select * from final
