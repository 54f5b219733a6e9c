-- One row per USAspending contract award or IDV (a spending_by_award result row), unpacked from
-- the raw JSON.
-- The API keys its fields by display names ("Recipient Name"); the JSON paths quote them.
-- Incremental: a build reads only the raw rows landed since its last build (a new award, or a
-- changed record rewritten in place) and replaces those awards' rows. A table, not a view: the
-- contract models and the tests read it many times, and each read of a view parsed every record.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='generated_internal_id',
        on_schema_change='fail',
        post_hook="{{ record_loaded_at_watermark(source('raw', 'usaspending_awards')) }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'usaspending_awards') }}
    {{ new_raw_rows() }}

),

-- every field read below from one parse of the record (json_fields: the same text as ->>)
parsed as (

    select
        generated_internal_id,
        load_id,
        loaded_at,
        {{ json_fields('record', [
            '$."Award ID"',
            '$.internal_id',
            '$."Recipient UEI"',
            '$.recipient_id',
            '$."Awarding Agency Code"',
            '$."Awarding Agency"',
            '$."Awarding Sub Agency Code"',
            '$."Awarding Sub Agency"',
            '$."Funding Agency Code"',
            '$."Funding Agency"',
            '$."Funding Sub Agency Code"',
            '$."Funding Sub Agency"',
            '$."Recipient Name"',
            '$.Description',
            '$."Contract Award Type"',
            '$.NAICS.code',
            '$.NAICS.description',
            '$.PSC.code',
            '$.PSC.description',
            '$."Award Amount"',
            '$."Total Outlays"',
            '$."Base Obligation Date"',
            '$."Start Date"',
            '$."End Date"',
            '$."Last Date to Order"',
            '$."Last Modified Date"',
        ]) }} as award
    from source

),

renamed as (

    select

        ----------  ids
        parsed.generated_internal_id,
        {{ blank_as_null('parsed.award."Award ID"') }} as award_piid,
        -- an integer (recorded answers) or a string of digits (the API's contract examples)
        cast({{ blank_as_null('parsed.award.internal_id') }} as bigint) as internal_id,
        {{ blank_as_null('parsed.award."Recipient UEI"') }} as recipient_uei,
        {{ blank_as_null('parsed.award.recipient_id') }} as recipient_id,

        ----------  agencies (codes as varchar: leading zeros matter)
        {{ blank_as_null('parsed.award."Awarding Agency Code"') }} as awarding_toptier_code,
        {{ blank_as_null('parsed.award."Awarding Agency"') }} as awarding_toptier_name,
        {{ blank_as_null('parsed.award."Awarding Sub Agency Code"') }} as awarding_subtier_code,
        {{ blank_as_null('parsed.award."Awarding Sub Agency"') }} as awarding_subtier_name,
        {{ blank_as_null('parsed.award."Funding Agency Code"') }} as funding_toptier_code,
        {{ blank_as_null('parsed.award."Funding Agency"') }} as funding_toptier_name,
        {{ blank_as_null('parsed.award."Funding Sub Agency Code"') }} as funding_subtier_code,
        {{ blank_as_null('parsed.award."Funding Sub Agency"') }} as funding_subtier_name,

        ----------  strings
        {{ blank_as_null('parsed.award."Recipient Name"') }} as recipient_name,
        {{ blank_as_null('parsed.award.Description') }} as description,
        {{ blank_as_null('parsed.award."Contract Award Type"') }} as contract_award_type,
        {{ blank_as_null('parsed.award.NAICS.code') }} as naics_code,
        {{ blank_as_null('parsed.award.NAICS.description') }} as naics_description,
        {{ blank_as_null('parsed.award.PSC.code') }} as psc_code,
        {{ blank_as_null('parsed.award.PSC.description') }} as psc_description,
        -- the recipient_id suffix: C a child, P a parent, R neither
        case right({{ blank_as_null('parsed.award.recipient_id') }}, 2)
            when '-C' then 'child'
            when '-P' then 'parent'
            when '-R' then 'recipient'
        end as recipient_level,

        ----------  booleans
        -- IDVs (contract vehicles: IDCs, BPAs, GWACs) are searched as their own award type group
        parsed.generated_internal_id like 'CONT\_IDV\_%' escape '\' as is_idv,
        -- the API sends these null on some real records: the award is kept and flagged
        {{ blank_as_null('parsed.award."Award Amount"') }} is null as is_award_amount_missing,
        {{ blank_as_null('parsed.award."Base Obligation Date"') }} is null
            as is_base_obligation_date_missing,

        ----------  numerics
        -- a JSON number or a decimal string, as the API sends it
        {{ usaspending_amount_of('parsed.award."Award Amount"') }} as award_amount,
        {{ usaspending_amount_of('parsed.award."Total Outlays"') }} as total_outlays,

        ----------  dates
        cast({{ blank_as_null('parsed.award."Base Obligation Date"') }} as date)
            as base_obligation_date,
        cast({{ blank_as_null('parsed.award."Start Date"') }} as date) as start_date,
        -- null on IDVs, whose ordering period ends on the last date to order
        cast({{ blank_as_null('parsed.award."End Date"') }} as date) as end_date,
        cast({{ blank_as_null('parsed.award."Last Date to Order"') }} as date)
            as last_date_to_order,
        {{ usaspending_timestamp_of('parsed.award."Last Modified Date"') }} as last_modified_at,

        ----------  landing
        parsed.load_id,
        parsed.loaded_at

    from parsed

)

select * from renamed
