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
-- matched as written.
with

articles as (

    select * from {{ ref('int_news_articles_deduplicated') }}

),

texts as (

    select
        url,
        'title' as text_field,
        title as field_text
    from articles
    where title is not null

    union all

    select
        url,
        'description' as text_field,
        description as field_text
    from articles
    where description is not null

),

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

pattern_matches as (

    select
        texts.url,
        texts.text_field,
        patterns.entity_type,
        patterns.entity_id,
        patterns.pattern_id
    from texts
    cross join patterns
    where regexp_matches(
        case
            -- an empty exclusion would match everywhere and blank the text: treat it as none
            -- (dbt's unit tests read the seed file's empty cells as '', not null)
            when coalesce(patterns.exclusion_pattern, '') = '' then texts.field_text
            else regexp_replace(texts.field_text, '(?i)' || patterns.exclusion_pattern, ' ', 'g')
        end,
        case
            when patterns.is_case_sensitive then patterns.pattern
            else '(?i)' || patterns.pattern
        end
    )

),

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
