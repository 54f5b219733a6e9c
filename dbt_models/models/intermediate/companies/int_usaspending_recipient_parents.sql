-- The USAspending parent of each recipient name, the input of the resolver's usaspending_parent
-- rule (a recipient rolls up to the company its parent resolves to).
--
-- >>> PARENT UEI INPUT <<< The staging model does not carry the parent yet: parent_uei and
-- parent_name are null until stg_usaspending__awards has them (another change adds
-- `parent_uei` / `parent_name` per recipient). Then select them below instead of the nulls; the
-- resolver needs nothing else. The recipient level (-P parent, -C child, -R neither) is what the
-- awards carry now.

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

recipient_records as (

    select
        recipient_name,
        recipient_uei,
        recipient_level,
        last_modified_at,
        cast(null as varchar) as parent_uei,
        cast(null as varchar) as parent_name
    from awards
    where recipient_name is not null

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
