-- One row per USAspending award action (the base award, modification "0", and each later
-- modification), unpacked from the raw spending_by_transaction rows. The endpoint states agencies
-- by name only (no codes); fct_contract_transactions maps the names to codes.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transaction_key',
        on_schema_change='fail',
        post_hook="{{ record_loaded_at_watermark(source('raw', 'usaspending_transactions')) }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'usaspending_transactions') }}
    {{ new_raw_rows() }}

),

-- every field read below from one parse of the record (json_fields: the same text as ->>)
parsed as (

    select
        transaction_key,
        load_id,
        loaded_at,
        {{ json_fields('record', [
            '$.generated_internal_id',
            '$."Award ID"',
            '$.Mod',
            '$."Recipient UEI"',
            '$.recipient_id',
            '$.internal_id',
            '$."Action Type"',
            '$."Transaction Description"',
            '$."Award Type"',
            '$."Recipient Name"',
            '$."Awarding Agency"',
            '$."Awarding Sub Agency"',
            '$."Funding Agency"',
            '$."Funding Sub Agency"',
            '$.NAICS.code',
            '$.NAICS.description',
            '$.PSC.code',
            '$.PSC.description',
            '$."Primary Place of Performance".location_country_code',
            '$."Primary Place of Performance".state_code',
            '$."Primary Place of Performance".city_name',
            '$."Action Date"',
            '$."Last Date to Order"',
            '$."Transaction Amount"',
        ]) }} as api_row,
        -- disaster emergency fund codes (COVID-19, IIJA, ...): a list, empty or absent when none
        from_json(record -> '$.def_codes', '["VARCHAR"]') as def_codes
    from source

),

renamed as (

    select

        ----------  ids
        parsed.transaction_key,
        {{ blank_as_null('parsed.api_row.generated_internal_id') }} as generated_internal_id,
        {{ blank_as_null('parsed.api_row."Award ID"') }} as award_piid,
        {{ blank_as_null('parsed.api_row.Mod') }} as modification_number,
        {{ blank_as_null('parsed.api_row."Recipient UEI"') }} as recipient_uei,
        {{ blank_as_null('parsed.api_row.recipient_id') }} as recipient_id,
        cast({{ blank_as_null('parsed.api_row.internal_id') }} as bigint) as internal_id,

        ----------  strings
        {{ blank_as_null('parsed.api_row."Action Type"') }} as action_type,
        {{ blank_as_null('parsed.api_row."Transaction Description"') }}
            as transaction_description,
        {{ blank_as_null('parsed.api_row."Award Type"') }} as award_type,
        {{ blank_as_null('parsed.api_row."Recipient Name"') }} as recipient_name,
        {{ blank_as_null('parsed.api_row."Awarding Agency"') }} as awarding_toptier_name,
        {{ blank_as_null('parsed.api_row."Awarding Sub Agency"') }} as awarding_subtier_name,
        {{ blank_as_null('parsed.api_row."Funding Agency"') }} as funding_toptier_name,
        {{ blank_as_null('parsed.api_row."Funding Sub Agency"') }} as funding_subtier_name,
        {{ blank_as_null('parsed.api_row.NAICS.code') }} as naics_code,
        {{ blank_as_null('parsed.api_row.NAICS.description') }} as naics_description,
        {{ blank_as_null('parsed.api_row.PSC.code') }} as psc_code,
        {{ blank_as_null('parsed.api_row.PSC.description') }} as psc_description,
        {{ blank_as_null('parsed.api_row."Primary Place of Performance".location_country_code') }}
            as performance_country_code,
        {{ blank_as_null('parsed.api_row."Primary Place of Performance".state_code') }}
            as performance_state_code,
        {{ blank_as_null('parsed.api_row."Primary Place of Performance".city_name') }}
            as performance_city_name,
        parsed.def_codes,

        ----------  numerics
        {{ usaspending_amount_of('parsed.api_row."Transaction Amount"') }}
            as transaction_amount,

        ----------  booleans
        {{ blank_as_null('parsed.api_row.generated_internal_id') }} like 'CONT\_IDV\_%' escape '\'
            as is_idv,

        ----------  dates
        cast({{ blank_as_null('parsed.api_row."Action Date"') }} as date) as action_date,
        cast({{ blank_as_null('parsed.api_row."Last Date to Order"') }} as date)
            as last_date_to_order,

        ----------  landing
        parsed.load_id,
        parsed.loaded_at

    from parsed

)

select * from renamed
