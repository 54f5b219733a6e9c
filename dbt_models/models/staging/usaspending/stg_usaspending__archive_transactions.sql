-- One row per contract action of the watched agencies from USAspending's Award Data Archive
-- (raw.usaspending_archive_transactions: the archive's CSV columns, each a text column), mapped to
-- the columns and types of stg_usaspending__transactions so the two doors union. transaction_key is built as
-- the search API's key (contract_award_unique_key = generated_internal_id, modification number,
-- action date): the same action seen through both doors has the same key. A Delta file's
-- deletion rows (correction_delete_ind = 'D') replace the action in raw and are left out here.
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
    )
}}

with

source as (

    select * from {{ source('raw', 'usaspending_archive_transactions') }}
    {{ new_raw_rows() }}

),

kept as (

    select * from source
    where coalesce({{ json_text('correction_delete_ind') }}, '') <> 'D'

),

renamed as (

    select

        ----------  ids
        -- the search API's key; a second transaction number of one modification and date (rare)
        -- keeps its own key
        {{ json_text('contract_award_unique_key') }}
        || '|' || {{ json_text('modification_number') }}
        || '|' || {{ json_text('action_date') }}
        || case
            when coalesce({{ json_text('transaction_number') }}, '0') <> '0'
                then '|' || {{ json_text('transaction_number') }}
            else ''
        end as transaction_key,
        {{ json_text('contract_award_unique_key') }} as generated_internal_id,
        {{ json_text('award_id_piid') }} as award_piid,
        {{ json_text('modification_number') }} as modification_number,
        {{ json_text('recipient_uei') }} as recipient_uei,
        -- the archive names no recipient profile id nor internal award id
        cast(null as varchar) as recipient_id,
        cast(null as bigint) as internal_id,

        ----------  strings
        {{ json_text('action_type_code') }} as action_type,
        {{ json_text('transaction_description') }} as transaction_description,
        coalesce({{ json_text('award_type') }}, {{ json_text('idv_type') }}) as award_type,
        {{ json_text('recipient_name') }} as recipient_name,
        {{ json_text('awarding_agency_name') }} as awarding_toptier_name,
        {{ json_text('awarding_sub_agency_name') }} as awarding_subtier_name,
        {{ json_text('funding_agency_name') }} as funding_toptier_name,
        {{ json_text('funding_sub_agency_name') }} as funding_subtier_name,
        {{ json_text('naics_code') }} as naics_code,
        {{ json_text('naics_description') }} as naics_description,
        {{ json_text('product_or_service_code') }} as psc_code,
        {{ json_text('product_or_service_code_description') }} as psc_description,
        {{ json_text('primary_place_of_performance_country_code') }}
            as performance_country_code,
        {{ json_text('primary_place_of_performance_state_code') }} as performance_state_code,
        {{ json_text('primary_place_of_performance_city_name') }} as performance_city_name,
        -- "<code>: <title>" pairs joined by ";": the codes, as the search API lists them
        list_filter(
            list_transform(
                string_split(
                    coalesce(
                        {{ json_text('disaster_emergency_fund_codes_for_overall_award') }}, ''
                    ),
                    ';'
                ),
                lambda pair: nullif(trim(split_part(pair, ':', 1)), '')
            ),
            lambda code: code is not null
        ) as def_codes,

        ----------  numerics
        {{ usaspending_amount('federal_action_obligation') }} as transaction_amount,

        ----------  booleans
        {{ json_text('contract_award_unique_key') }} like 'CONT\_IDV\_%' escape '\' as is_idv,

        ----------  dates
        cast({{ json_text('action_date') }} as date) as action_date,
        cast({{ json_text('ordering_period_end_date') }} as date) as last_date_to_order,

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
