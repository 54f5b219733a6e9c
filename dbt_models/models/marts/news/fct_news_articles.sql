-- One row per news article (canonical url) across GDELT, the watched feeds and the analyst's list.

with

articles as (

    select * from {{ ref('int_news_articles_deduplicated') }}

),

final as (

    select
        url,
        title,
        description,
        domain,
        publisher,
        seen_at,
        cast(seen_at at time zone 'UTC' as date) as seen_date,
        cast(year(seen_at at time zone 'UTC') as integer) as year,
        {{ calendar_quarter("seen_at at time zone 'UTC'") }} as quarter,
        language,
        source_country,
        inputs,
        is_in_gdelt,
        is_in_feeds,
        is_in_analyst_list,
        source_urls,
        feed_urls
    from articles

)

select * from final
