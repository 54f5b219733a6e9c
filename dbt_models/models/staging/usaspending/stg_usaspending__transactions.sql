-- One row per USAspending award action (the base award, modification "0", and each later
-- modification), unpacked from the raw spending_by_transaction rows. The endpoint states agencies
-- by name only (no codes); fct_contract_transactions maps the names to codes.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transaction_key',
        on_schema_change='fail',
    )
}}

with

source as (

    select * from {{ source('raw', 'usaspending_transactions') }}
    {{ new_raw_rows() }}

),

renamed as (

    select

        ----------  ids
        transaction_key,
        {{ json_text('$.generated_internal_id') }} as generated_internal_id,
        {{ json_text('$."Award ID"') }} as award_piid,
        {{ json_text('$.Mod') }} as modification_number,
        {{ json_text('$."Recipient UEI"') }} as recipient_uei,
        {{ json_text('$.recipient_id') }} as recipient_id,
        cast({{ json_text('$.internal_id') }} as bigint) as internal_id,

        ----------  strings
        {{ json_text('$."Action Type"') }} as action_type,
        {{ json_text('$."Transaction Description"') }} as transaction_description,
        {{ json_text('$."Award Type"') }} as award_type,
        {{ json_text('$."Recipient Name"') }} as recipient_name,
        {{ json_text('$."Awarding Agency"') }} as awarding_toptier_name,
        {{ json_text('$."Awarding Sub Agency"') }} as awarding_subtier_name,
        {{ json_text('$."Funding Agency"') }} as funding_toptier_name,
        {{ json_text('$."Funding Sub Agency"') }} as funding_subtier_name,
        {{ json_text('$.NAICS.code') }} as naics_code,
        {{ json_text('$.NAICS.description') }} as naics_description,
        {{ json_text('$.PSC.code') }} as psc_code,
        {{ json_text('$.PSC.description') }} as psc_description,
        {{ json_text('$."Primary Place of Performance".location_country_code') }}
            as performance_country_code,
        {{ json_text('$."Primary Place of Performance".state_code') }} as performance_state_code,
        {{ json_text('$."Primary Place of Performance".city_name') }} as performance_city_name,
        -- disaster emergency fund codes (COVID-19, IIJA, ...): a list, empty or absent when none
        from_json(record -> '$.def_codes', '["VARCHAR"]') as def_codes,

        ----------  numerics
        {{ usaspending_amount('$."Transaction Amount"') }} as transaction_amount,

        ----------  booleans
        {{ json_text('$.generated_internal_id') }} like 'CONT\_IDV\_%' escape '\' as is_idv,

        ----------  dates
        cast({{ json_text('$."Action Date"') }} as date) as action_date,
        cast({{ json_text('$."Last Date to Order"') }} as date) as last_date_to_order,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
