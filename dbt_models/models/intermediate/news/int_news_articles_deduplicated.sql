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
-- Incremental: a build rebuilds only the articles whose links changed (int_news_article_links:
-- the rows landed since its last build), with every link they have before and after it
-- (record_news_articles_changed), and records them for the news models downstream.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='url',
        on_schema_change='fail',
        pre_hook="{{ record_news_articles_changed(
            ref('int_news_article_links'),
            ['int_news_mentions_tagged', 'fct_news_articles', 'fct_news_mentions'],
        ) }}",
        post_hook="{{ news_articles_redone() }}",
    )
}}

-- depends_on: {{ ref('int_news_article_links') }}
with

{% if is_incremental() %}

    links as (

        select * from {{ ref('int_news_article_links') }}

    ),

    rebuilt_urls as (

        select changes.url
        from {{ news_changes_table() }} as changes
        where changes.model_name = '{{ this.identifier }}'

    ),

    -- the links of the rebuilt articles: their own link is the article's, or is the mobile link
    -- of a GDELT article whose main link is the article's
    canonical as (

        select links.*
        from links
        where
            links.link_url in (select rebuilt_urls.url from rebuilt_urls)
            or links.link_url in (
                select main_links.mobile_url
                from links as main_links
                where
                    main_links.link_url in (select rebuilt_urls.url from rebuilt_urls)
                    and main_links.mobile_url != main_links.link_url
            )

    ),

    {{ news_article_keys('canonical', 'links', only_rows=true) }},

    articles_links as (

        select keyed.*
        from keyed
        where keyed.url in (select rebuilt_urls.url from rebuilt_urls)

    ),

{% else %}

    {{ news_input_links(
        ref('stg_gdelt__articles'), ref('stg_feeds__entries'), ref('stg_analyst__articles')
    ) }},

    {{ news_article_keys('canonical', 'canonical') }},

    articles_links as (

        select * from keyed

    ),

{% endif %}

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
    from articles_links
    group by url

)

select * from final
