-- One row per news article (canonical url) across GDELT, the watched feeds and the analyst's list.
-- Incremental: a build redoes only the articles int_news_articles_deduplicated rewrote or deleted
-- since its last build (news_articles_to_redo).

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='url',
        on_schema_change='fail',
        pre_hook="{{ delete_news_articles_to_redo() }}",
        post_hook="{{ news_articles_redone() }}",
    )
}}

with

articles as (

    select * from {{ ref('int_news_articles_deduplicated') }}
    {{ news_articles_to_redo() }}

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
