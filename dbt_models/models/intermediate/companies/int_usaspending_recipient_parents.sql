-- The USAspending parent of each recipient name, the input of the resolver's usaspending_parent
-- rule (a recipient rolls up to the company its parent resolves to). The parent's UEI and name
-- come from the recipient's profile (GET /api/v2/recipient/<id>/, stg_usaspending__recipients),
-- fetched for every child recipient (-C) the awards name; parents (-P) and recipients that are
-- neither (-R) have none.

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

profiles as (

    select * from {{ ref('stg_usaspending__recipients') }}

),

recipient_records as (

    select
        awards.recipient_name,
        awards.recipient_uei,
        awards.recipient_level,
        awards.last_modified_at,
        profiles.parent_uei,
        profiles.parent_name
    from awards
    left join profiles
        on awards.recipient_id = profiles.recipient_id
    where awards.recipient_name is not null

),

recipients as (

    select
        recipient_name as company_name_raw,
        count(distinct recipient_uei) as recipient_ueis_count,
        arg_max(recipient_uei, last_modified_at) as recipient_uei,
        arg_max(recipient_level, last_modified_at) as recipient_level,
        arg_max(parent_uei, last_modified_at) as parent_uei,
        arg_max(parent_name, last_modified_at) as parent_name
    from recipient_records
    group by recipient_name

),

final as (

    select
        recipients.*,
        {{ normalize_company_name('recipients.parent_name') }} as parent_normalized_name
    from recipients

)

select * from final
