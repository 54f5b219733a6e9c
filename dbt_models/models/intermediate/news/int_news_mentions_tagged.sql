-- Which companies, agencies and watchlist topics each news title mentions, by the regular
-- expressions of the news_entity_patterns seed: one row per article x entity. Titles only: GDELT's
-- ArtList has no description or text field. A pattern is tried on the title after the matches of
-- its exclusion pattern have been cut out ("Amazon rainforest" does not mention Amazon, but "Amazon
-- fights fires in the Amazon rainforest" still does). Case-insensitive patterns get RE2's (?i)
-- flag; case-sensitive ones (ICE, CBP, DHS) are matched as written.
with

articles as (

    select * from {{ ref('stg_gdelt__articles') }}
    where title is not null

),

patterns as (

    select * from {{ ref('news_entity_patterns') }}

),

pattern_matches as (

    select
        articles.url,
        patterns.entity_type,
        patterns.entity_id,
        patterns.pattern_id
    from articles
    cross join patterns
    where regexp_matches(
        case
            -- an empty exclusion would match everywhere and blank the title: treat it as none
            -- (dbt's unit tests read the seed file's empty cells as '', not null)
            when coalesce(patterns.exclusion_pattern, '') = '' then articles.title
            else regexp_replace(articles.title, '(?i)' || patterns.exclusion_pattern, ' ', 'g')
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
        list(pattern_id order by pattern_id) as matched_pattern_ids
    from pattern_matches
    group by url, entity_type, entity_id

)

select * from final
