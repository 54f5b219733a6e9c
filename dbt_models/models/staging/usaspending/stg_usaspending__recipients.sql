-- One row per USAspending recipient profile: the recipient's UEI and its parent (UEI, name), the
-- basis of the parent roll-up, and the other names the recipient has been known by.

with

source as (

    select * from {{ source('raw', 'usaspending_recipients') }}

),

renamed as (

    select

        ----------  ids
        recipient_id,
        {{ json_text('$.uei') }} as recipient_uei,
        {{ json_text('$.parent_id') }} as parent_recipient_id,
        {{ json_text('$.parent_uei') }} as parent_uei,
        {{ json_text('$.duns') }} as recipient_duns,

        ----------  strings
        {{ json_text('$.name') }} as recipient_name,
        {{ json_text('$.parent_name') }} as parent_name,
        case {{ json_text('$.recipient_level') }}
            when 'C' then 'child'
            when 'P' then 'parent'
            when 'R' then 'recipient'
        end as recipient_level,
        cast(record -> '$.alternate_names' as varchar[]) as alternate_names,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
