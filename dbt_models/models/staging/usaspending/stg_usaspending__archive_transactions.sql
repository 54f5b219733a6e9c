-- One row per contract action of the watched agencies from USAspending's Award Data Archive
-- (raw.usaspending_archive_transactions: the archive's CSV columns, each a text column), mapped to
-- the columns and types of stg_usaspending__transactions so the two doors union. transaction_key
-- is built as the search API's key (contract_award_unique_key = generated_internal_id,
-- modification number, action date): the same action seen through both doors has the same key.
-- A Delta file's deletion rows (correction_delete_ind = 'D') replace the action in raw and are
-- left out here.
-- Incremental on the raw rows' loaded_at (macros/incremental_loads.sql), keyed on the archive's
-- own key: a changed or deleted raw row first removes its action (pre-hook), then the new version,
-- unless it is a deletion, is inserted.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='contract_transaction_unique_key',
        on_schema_change='fail',
        pre_hook="{{ delete_children_of_changed(
            source('raw', 'usaspending_archive_transactions'), 'contract_transaction_unique_key'
        ) }}",
        post_hook="{{ record_loaded_at_watermark(
            source('raw', 'usaspending_archive_transactions')
        ) }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'usaspending_archive_transactions') }}
    {{ new_raw_rows() }}

),

kept as (

    select * from source
    where coalesce({{ blank_as_null('correction_delete_ind') }}, '') <> 'D'

),

renamed as (

    select

        ----------  ids
        -- the search API's key; a second transaction number of one modification and date (rare)
        -- keeps its own key
        {{ blank_as_null('contract_award_unique_key') }}
        || '|' || {{ blank_as_null('modification_number') }}
        || '|' || {{ blank_as_null('action_date') }}
        || case
            when coalesce({{ blank_as_null('transaction_number') }}, '0') <> '0'
                then '|' || {{ blank_as_null('transaction_number') }}
            else ''
        end as transaction_key,
        {{ blank_as_null('contract_award_unique_key') }} as generated_internal_id,
        {{ blank_as_null('award_id_piid') }} as award_piid,
        {{ blank_as_null('modification_number') }} as modification_number,
        {{ blank_as_null('recipient_uei') }} as recipient_uei,
        -- the archive names no recipient profile id nor internal award id
        cast(null as varchar) as recipient_id,
        cast(null as bigint) as internal_id,

        ----------  strings
        {{ blank_as_null('action_type_code') }} as action_type,
        {{ blank_as_null('transaction_description') }} as transaction_description,
        coalesce({{ blank_as_null('award_type') }}, {{ blank_as_null('idv_type') }}) as award_type,
        {{ blank_as_null('recipient_name') }} as recipient_name,
        {{ blank_as_null('awarding_agency_name') }} as awarding_toptier_name,
        {{ blank_as_null('awarding_sub_agency_name') }} as awarding_subtier_name,
        {{ blank_as_null('funding_agency_name') }} as funding_toptier_name,
        {{ blank_as_null('funding_sub_agency_name') }} as funding_subtier_name,
        {{ blank_as_null('naics_code') }} as naics_code,
        {{ blank_as_null('naics_description') }} as naics_description,
        {{ blank_as_null('product_or_service_code') }} as psc_code,
        {{ blank_as_null('product_or_service_code_description') }} as psc_description,
        {{ blank_as_null('primary_place_of_performance_country_code') }}
            as performance_country_code,
        {{ blank_as_null('primary_place_of_performance_state_code') }} as performance_state_code,
        {{ blank_as_null('primary_place_of_performance_city_name') }} as performance_city_name,
        -- "<code>: <title>" pairs joined by ";": the codes, as the search API lists them
        list_filter(
            list_transform(
                string_split(
                    coalesce(
                        {{ blank_as_null('disaster_emergency_fund_codes_for_overall_award') }}, ''
                    ),
                    ';'
                ),
                lambda pair: nullif(trim(split_part(pair, ':', 1)), '')
            ),
            lambda code: code is not null
        ) as def_codes,

        ----------  numerics
        {{ usaspending_amount_of('federal_action_obligation') }} as transaction_amount,

        ----------  booleans
        {{ blank_as_null('contract_award_unique_key') }} like 'CONT\_IDV\_%' escape '\' as is_idv,

        ----------  dates
        cast({{ blank_as_null('action_date') }} as date) as action_date,
        cast({{ blank_as_null('ordering_period_end_date') }} as date) as last_date_to_order,

        ----------  landing
        load_id,
        loaded_at,

        ----------  lineage
        'award_data_archive' as retrieved_via,
        -- the archive's key of the action (the raw table's key)
        contract_transaction_unique_key

    from kept

)

select * from renamed
