-- One row per USAspending award action (the base award, modification "0", and each later
-- modification), unpacked from the raw spending_by_transaction rows. Agency codes are not in these
-- rows: they come from the award (generated_internal_id).

with

source as (

    select * from {{ source('raw', 'usaspending_transactions') }}

),

renamed as (

    select

        ----------  ids
        transaction_key,
        {{ json_text('$.generated_internal_id') }} as generated_internal_id,
        {{ json_text('$."Award ID"') }} as award_piid,
        {{ json_text('$.Mod') }} as modification_number,
        {{ json_text('$."Recipient UEI"') }} as recipient_uei,

        ----------  strings
        {{ json_text('$."Action Type"') }} as action_type,
        {{ json_text('$."Transaction Description"') }} as transaction_description,
        {{ json_text('$."Award Type"') }} as award_type,
        {{ json_text('$."Recipient Name"') }} as recipient_name,
        {{ json_text('$."Awarding Agency"') }} as awarding_toptier_name,
        {{ json_text('$."Awarding Sub Agency"') }} as awarding_subtier_name,

        ----------  numerics
        cast(record ->> '$."Transaction Amount"' as decimal(18, 2)) as transaction_amount,

        ----------  booleans
        {{ json_text('$.generated_internal_id') }} like 'CONT\_IDV\_%' escape '\' as is_idv,

        ----------  dates
        cast(record ->> '$."Action Date"' as date) as action_date,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
