-- One row per federal agency code: USAspending toptier agencies and subtier agencies, keyed by the
-- code (a toptier code such as 070, or a subtier code such as 7012). Toptier names come from
-- USAspending's agency list as loaded from the API, else from the bundled reference seed (the
-- offline copy, which also holds agencies the API lists only when they have spending); codes that
-- awards use but neither has are added with the names the awards carry.

with

toptier_api as (

    select * from {{ ref('stg_usaspending__toptier_agencies') }}

),

toptier_seed as (

    select * from {{ ref('usaspending_toptier_agencies') }}

),

toptier_reference as (

    select
        toptier_code,
        agency_name,
        abbreviation,
        'usaspending_api' as name_source
    from toptier_api

    union all

    select
        toptier_code,
        agency_name,
        nullif(abbreviation, '') as abbreviation,
        'reference_seed' as name_source
    from toptier_seed
    where toptier_code not in (select toptier_api.toptier_code from toptier_api)

),

subtier_seed as (

    select * from {{ ref('usaspending_subtier_agencies') }}

),

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

award_toptiers as (

    select
        awarding_toptier_code as toptier_code,
        awarding_toptier_name as agency_name,
        last_modified_at
    from awards
    union all
    select
        funding_toptier_code,
        funding_toptier_name,
        last_modified_at
    from awards

),

award_subtiers as (

    select
        awarding_subtier_code as subtier_code,
        awarding_subtier_name as agency_name,
        awarding_toptier_code as toptier_code,
        last_modified_at
    from awards
    union all
    select
        funding_subtier_code,
        funding_subtier_name,
        funding_toptier_code,
        last_modified_at
    from awards

),

toptiers as (

    select
        toptier_code as agency_code,
        'toptier' as agency_level,
        toptier_code,
        agency_name,
        abbreviation,
        name_source
    from toptier_reference

    union all

    select
        toptier_code as agency_code,
        'toptier' as agency_level,
        toptier_code,
        arg_max(agency_name, last_modified_at) as agency_name,
        null as abbreviation,
        'award_records' as name_source
    from award_toptiers
    where
        toptier_code is not null
        and toptier_code not in (select toptier_reference.toptier_code from toptier_reference)
    group by toptier_code

),

subtiers as (

    select
        subtier_code as agency_code,
        'subtier' as agency_level,
        toptier_code,
        subtier_name as agency_name,
        nullif(abbreviation, '') as abbreviation,
        'reference_seed' as name_source
    from subtier_seed

    union all

    select
        subtier_code as agency_code,
        'subtier' as agency_level,
        arg_max(toptier_code, last_modified_at) as toptier_code,
        arg_max(agency_name, last_modified_at) as agency_name,
        null as abbreviation,
        'award_records' as name_source
    from award_subtiers
    where
        subtier_code is not null
        and subtier_code not in (select subtier_seed.subtier_code from subtier_seed)
    group by subtier_code

),

agencies as (

    select * from toptiers
    union all
    select * from subtiers

),

final as (

    select
        agencies.agency_code,
        agencies.agency_level,
        agencies.toptier_code,
        agencies.agency_name,
        agencies.abbreviation,
        parents.agency_name as toptier_name,
        parents.abbreviation as toptier_abbreviation,
        agencies.name_source
    from agencies
    left join toptiers as parents
        on agencies.toptier_code = parents.agency_code

)

select * from final
