-- The agency codes a name stands for, for records that state an agency by name only
-- (spending_by_transaction rows; award rows asked without the code fields). One row per level,
-- toptier and lower-cased name; a subtier name that means different agencies under different
-- toptiers (several have an "Office of Inspector General") keeps one row per toptier, and
-- toptier_code is null on the row for the name alone, which is kept only where the name is
-- unambiguous. Read from dim_agency, the one agency list (API, bundled seed, award records).

with

agencies as (

    select * from {{ ref('dim_agency') }}

),

toptiers as (

    select
        'toptier' as agency_level,
        cast(null as varchar) as toptier_code,
        lower(agency_name) as agency_name_key,
        min(agency_code) as agency_code,
        min(agency_code) as agency_toptier_code
    from agencies
    where agency_level = 'toptier' and agency_name is not null
    group by lower(agency_name)
    having count(distinct agency_code) = 1

),

subtiers_in_toptier as (

    select
        'subtier' as agency_level,
        toptier_code,
        lower(agency_name) as agency_name_key,
        min(agency_code) as agency_code,
        toptier_code as agency_toptier_code
    from agencies
    where agency_level = 'subtier' and agency_name is not null and toptier_code is not null
    group by toptier_code, lower(agency_name)
    having count(distinct agency_code) = 1

),

subtiers_by_name_alone as (

    select
        'subtier' as agency_level,
        cast(null as varchar) as toptier_code,
        lower(agency_name) as agency_name_key,
        min(agency_code) as agency_code,
        min(toptier_code) as agency_toptier_code
    from agencies
    where agency_level = 'subtier' and agency_name is not null
    group by lower(agency_name)
    having count(distinct agency_code) = 1 and count(distinct toptier_code) <= 1

),

names as (

    select * from toptiers
    union all
    select * from subtiers_in_toptier
    union all
    select * from subtiers_by_name_alone

),

final as (

    select
        agency_level || '|' || coalesce(toptier_code, '') || '|' || agency_name_key
            as lookup_key,
        agency_level,
        toptier_code,
        agency_name_key,
        agency_code,
        agency_toptier_code
    from names

)

select * from final
