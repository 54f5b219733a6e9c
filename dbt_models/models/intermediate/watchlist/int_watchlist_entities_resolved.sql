-- The watched companies, agencies and topics, each under the id the warehouse knows it by: a
-- company its company_id (its name, else one of its recipient searches, normalised, as the alias
-- seed lists it, else as the resolver resolved a source name; a watched company the resolver does
-- not know is left out), an agency its toptier code (with its listed sub-agencies), a topic its
-- topic_id. The news patterns (int_news_watchlist_patterns) and the watchlist alerts
-- (ingest/alerts.py, which compares this table with the previous publish's) read it.
with

watched as (

    select * from {{ ref('stg_watchlist__entities') }}

),

aliases as (

    select * from {{ ref('company_aliases') }}

),

name_matches as (

    select * from {{ ref('int_company_name_matches') }}

),

watched_company_searches as (

    select
        entity_name,
        unnest(recipient_search) as recipient_search_text
    from watched
    where entity_type = 'company'

),

-- a watched company's own name (rank 0), then its recipient searches, normalised
watched_company_names as (

    select
        entity_name,
        0 as name_rank,
        {{ normalize_company_name('entity_name') }} as normalized_name
    from watched
    where entity_type = 'company'

    union all

    select
        entity_name,
        1 as name_rank,
        {{ normalize_company_name('recipient_search_text') }} as normalized_name
    from watched_company_searches

),

company_candidates as (

    select
        watched_company_names.entity_name,
        watched_company_names.name_rank,
        0 as source_rank,
        aliases.company_id
    from watched_company_names
    inner join aliases
        on watched_company_names.normalized_name = aliases.normalized_name

    union all

    select
        watched_company_names.entity_name,
        watched_company_names.name_rank,
        1 as source_rank,
        name_matches.company_id
    from watched_company_names
    inner join name_matches
        on watched_company_names.normalized_name = name_matches.normalized_name

),

watched_companies as (

    select
        entity_name,
        first(company_id order by name_rank, source_rank, company_id) as company_id
    from company_candidates
    group by entity_name

),

entities as (

    select
        'company' as entity_type,
        watched_companies.company_id as entity_id,
        watched.entity_name,
        watched.news_terms,
        cast([] as varchar[]) as part_ids
    from watched
    inner join watched_companies
        on watched.entity_name = watched_companies.entity_name
    where watched.entity_type = 'company'

    union all

    select
        'agency' as entity_type,
        toptier_code as entity_id,
        entity_name,
        news_terms,
        subtier_codes as part_ids
    from watched
    where entity_type = 'agency'

    union all

    select
        'topic' as entity_type,
        topic_id as entity_id,
        entity_name,
        news_terms,
        cast([] as varchar[]) as part_ids
    from watched
    where entity_type = 'topic'

)

select * from entities
