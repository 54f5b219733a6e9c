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
        -- an integer (recorded answers) or a string of digits (the API's contract examples)
        cast({{ json_text('$.internal_id') }} as bigint) as internal_id,
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
        -- the API sends these null on some real records: the award is kept and flagged
        {{ json_text('$."Award Amount"') }} is null as is_award_amount_missing,
        {{ json_text('$."Base Obligation Date"') }} is null as is_base_obligation_date_missing,

        ----------  numerics
        -- a JSON number or a decimal string, as the API sends it
        {{ usaspending_amount('$."Award Amount"') }} as award_amount,
        {{ usaspending_amount('$."Total Outlays"') }} as total_outlays,

        ----------  dates
        cast({{ json_text('$."Base Obligation Date"') }} as date) as base_obligation_date,
        cast({{ json_text('$."Start Date"') }} as date) as start_date,
        -- null on IDVs, whose ordering period ends on the last date to order
        cast({{ json_text('$."End Date"') }} as date) as end_date,
        cast({{ json_text('$."Last Date to Order"') }} as date) as last_date_to_order,
        {{ usaspending_timestamp('$."Last Modified Date"') }} as last_modified_at,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
