-- One row per row of the three news inputs (GDELT, the watched feeds, the analyst's list) with
-- its canonical link and GDELT's canonical mobile link (news_input_links): what
-- int_news_articles_deduplicated groups into articles, kept between builds so that an
-- incremental build canonicalises only the rows landed since its last build.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['news_input', 'source_url'],
        on_schema_change='fail',
        post_hook="{{ record_loaded_at_watermark(news_inputs_loaded_at()) }}",
    )
}}

with

{{ news_input_links(
    ref('stg_gdelt__articles'),
    ref('stg_feeds__entries'),
    ref('stg_analyst__articles'),
    new_rows=true,
) }},

final as (

    select
        news_input,
        input_rank,
        source_url,
        link_url,
        mobile_url,
        title,
        description,
        dated_at,
        publisher,
        language,
        source_country,
        feed_urls,
        loaded_at
    from canonical

)

select * from final
