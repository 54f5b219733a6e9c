-- One row per USAspending contract award or IDV (a spending_by_award result row), unpacked from
-- the raw JSON.
-- The API keys its fields by display names ("Recipient Name"); the JSON paths quote them.

with

source as (

    select * from {{ source('raw', 'usaspending_awards') }}

),

renamed as (

    select

        ----------  ids
        generated_internal_id,
        {{ json_text('$."Award ID"') }} as award_piid,
        cast(record ->> '$.internal_id' as bigint) as internal_id,
        {{ json_text('$."Recipient UEI"') }} as recipient_uei,
        {{ json_text('$.recipient_id') }} as recipient_id,

        ----------  agencies (codes as varchar: leading zeros matter)
        {{ json_text('$."Awarding Agency Code"') }} as awarding_toptier_code,
        {{ json_text('$."Awarding Agency"') }} as awarding_toptier_name,
        {{ json_text('$."Awarding Sub Agency Code"') }} as awarding_subtier_code,
        {{ json_text('$."Awarding Sub Agency"') }} as awarding_subtier_name,
        {{ json_text('$."Funding Agency Code"') }} as funding_toptier_code,
        {{ json_text('$."Funding Agency"') }} as funding_toptier_name,
        {{ json_text('$."Funding Sub Agency Code"') }} as funding_subtier_code,
        {{ json_text('$."Funding Sub Agency"') }} as funding_subtier_name,

        ----------  strings
        {{ json_text('$."Recipient Name"') }} as recipient_name,
        {{ json_text('$.Description') }} as description,
        {{ json_text('$."Contract Award Type"') }} as contract_award_type,
        {{ json_text('$.NAICS.code') }} as naics_code,
        {{ json_text('$.NAICS.description') }} as naics_description,
        {{ json_text('$.PSC.code') }} as psc_code,
        {{ json_text('$.PSC.description') }} as psc_description,
        -- the recipient_id suffix: C a child, P a parent, R neither
        case right({{ json_text('$.recipient_id') }}, 2)
            when '-C' then 'child'
            when '-P' then 'parent'
            when '-R' then 'recipient'
        end as recipient_level,

        ----------  booleans
        -- IDVs (contract vehicles: IDCs, BPAs, GWACs) are searched as their own award type group
        generated_internal_id like 'CONT\_IDV\_%' escape '\' as is_idv,

        ----------  numerics
        cast(record ->> '$."Award Amount"' as decimal(18, 2)) as award_amount,
        cast(record ->> '$."Total Outlays"' as decimal(18, 2)) as total_outlays,

        ----------  dates
        cast(record ->> '$."Base Obligation Date"' as date) as base_obligation_date,
        cast(record ->> '$."Start Date"' as date) as start_date,
        cast(record ->> '$."End Date"' as date) as end_date,
        cast(record ->> '$."Last Modified Date"' as timestamp) as last_modified_at,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
