-- One row per article across the three news inputs (GDELT, the watched feeds, the analyst's
-- list), by canonical url (the canonical_url macro: http as https; tracking parameters, fragment,
-- default port and trailing slash dropped). GDELT's url_mobile (often the AMP page) is a second
-- key: a row whose canonical link is the canonical mobile link of a GDELT article joins that
-- article (one step: the mobile link of a mobile link is not followed; a mobile link GDELT gives
-- for two articles joins the first by url). The same story reached through several links or
-- inputs is one article; which inputs saw it and through which links is kept. Where the inputs
-- disagree, the publisher's own feed is preferred, then GDELT, then the analyst's list: for the
-- title, the description and the date (the feed's published time, GDELT's seen time, the
-- analyst's published date), each the first non-null in that order.
with

gdelt as (

    select
        'gdelt' as news_input,
        2 as input_rank,
        url as source_url,
        title,
        cast(null as varchar) as description,
        seen_at as dated_at,
        domain as publisher,
        language,
        source_country,
        url_mobile,
        cast(null as varchar[]) as feed_urls
    from {{ ref('stg_gdelt__articles') }}

),

feeds as (

    select
        'feeds' as news_input,
        1 as input_rank,
        url as source_url,
        title,
        description,
        published_at as dated_at,
        feed_title as publisher,
        cast(null as varchar) as language,
        cast(null as varchar) as source_country,
        cast(null as varchar) as url_mobile,
        feed_urls
    from {{ ref('stg_feeds__entries') }}

),

analyst as (

    select
        'analyst' as news_input,
        3 as input_rank,
        url as source_url,
        title,
        description,
        published_at as dated_at,
        publisher,
        cast(null as varchar) as language,
        cast(null as varchar) as source_country,
        cast(null as varchar) as url_mobile,
        cast(null as varchar[]) as feed_urls
    from {{ ref('stg_analyst__articles') }}

),

unioned as (

    select * from gdelt
    union all by name
    select * from feeds
    union all by name
    select * from analyst

),

canonical as (

    select
        *,
        {{ canonical_url('source_url') }} as link_url,
        {{ canonical_url("nullif(trim(url_mobile), '')") }} as mobile_url
    from unioned

),

-- a GDELT article's mobile link, canonical, and the canonical main link it stands for
mobile_links as (

    select
        mobile_url,
        min(link_url) as main_url
    from canonical
    where mobile_url is not null and mobile_url != link_url
    group by mobile_url

),

keyed as (

    select
        canonical.* exclude (canonical.link_url, canonical.mobile_url),
        coalesce(mobile_links.main_url, canonical.link_url) as url
    from canonical
    left join mobile_links
        on canonical.link_url = mobile_links.mobile_url

),

final as (

    select
        url,
        lower(regexp_extract(url, '^[a-z][a-z0-9+.-]*://([^/?#]+)', 1)) as domain,
        first(title order by input_rank, source_url) filter (where title is not null) as title,
        first(description order by input_rank, source_url) filter (
            where description is not null
        ) as description,
        first(dated_at order by input_rank, dated_at, source_url) filter (
            where dated_at is not null
        ) as seen_at,
        first(publisher order by input_rank, source_url) filter (
            where publisher is not null
        ) as publisher,
        first(language order by source_url) filter (where language is not null) as language,
        first(source_country order by source_url) filter (
            where source_country is not null
        ) as source_country,
        list(distinct news_input order by news_input) as inputs,
        bool_or(news_input = 'gdelt') as is_in_gdelt,
        bool_or(news_input = 'feeds') as is_in_feeds,
        bool_or(news_input = 'analyst') as is_in_analyst_list,
        list(distinct source_url order by source_url) as source_urls,
        list_sort(list_distinct(flatten(list(feed_urls) filter (where feed_urls is not null))))
            as feed_urls
    from keyed
    group by url

)

select * from final
