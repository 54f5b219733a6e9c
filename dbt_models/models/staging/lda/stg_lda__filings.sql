-- One row per LDA filing (registration or report, original or amendment), unpacked from the raw
-- JSON.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='filing_uuid',
        on_schema_change='fail',
    )
}}

with

source as (

    select * from {{ source('raw', 'lda_filings') }}
    {{ new_raw_rows() }}

),

renamed as (

    select

        ----------  ids
        filing_uuid,
        cast(record ->> '$.registrant.id' as bigint) as registrant_id,
        cast(record ->> '$.registrant.house_registrant_id' as bigint) as house_registrant_id,
        cast(record ->> '$.client.id' as bigint) as client_id,
        cast(record ->> '$.client.client_id' as bigint) as client_legacy_id,

        ----------  strings
        {{ json_text('$.registrant.name') }} as registrant_name,
        {{ json_text('$.client.name') }} as client_name,
        {{ json_text('$.client.general_description') }} as client_description,
        {{ json_text('$.client.state') }} as client_state,
        {{ json_text('$.client.country') }} as client_country,
        {{ json_text('$.filing_type') }} as filing_type,
        {{ json_text('$.filing_type_display') }} as filing_type_display,
        {{ json_text('$.filing_period') }} as filing_period,
        {{ json_text('$.filing_period_display') }} as filing_period_display,
        -- the API's schema says a/b/c; real filings send A/B/C (display "A"): one case here
        lower({{ json_text('$.expenses_method') }}) as expenses_method,
        {{ json_text('$.expenses_method_display') }} as expenses_method_display,
        {{ json_text('$.posted_by_name') }} as posted_by_name,
        {{ json_text('$.filing_document_url') }} as filing_document_url,
        {{ json_text('$.filing_document_content_type') }} as filing_document_content_type,
        {{ json_text('$.url') }} as api_url,
        -- the registrant's address as this filing gives it (the top-level registrant_* fields)
        {{ json_text('$.registrant_address_1') }} as registrant_address_1,
        {{ json_text('$.registrant_address_2') }} as registrant_address_2,
        {{ json_text('$.registrant_city') }} as registrant_city,
        {{ json_text('$.registrant_state') }} as registrant_state,
        {{ json_text('$.registrant_zip') }} as registrant_zip,
        {{ json_text('$.registrant_country') }} as registrant_country,
        {{ json_text('$.registrant_ppb_country') }} as registrant_ppb_country,

        ----------  numerics
        cast(record ->> '$.filing_year' as integer) as filing_year,
        case record ->> '$.filing_period'
            when 'first_quarter' then 1
            when 'second_quarter' then 2
            when 'third_quarter' then 3
            when 'fourth_quarter' then 4
        end as filing_quarter,
        case record ->> '$.filing_period'
            when 'mid_year' then 1
            when 'year_end' then 2
        end as filing_half_year,
        -- money is a decimal string or null; null stays null (see is_amount_not_transcribed)
        cast(record ->> '$.income' as decimal(14, 2)) as income,
        cast(record ->> '$.expenses' as decimal(14, 2)) as expenses,
        {{ lda_reporting_threshold("cast(record ->> '$.filing_year' as integer)") }}
            as reporting_threshold,

        ----------  booleans
        coalesce(cast(record ->> '$.client.client_self_select' as boolean), false)
            as is_client_self_select,
        cast(record ->> '$.client.client_government_entity' as boolean)
            as is_client_government_entity,
        cast(record ->> '$.registrant_different_address' as boolean)
            as is_registrant_different_address,
        -- the filing type code says it: 1A, 1@, RA ... amend; 1T, 1@, MT ... terminate;
        -- a three-letter code ending in Y (Q1Y, 1TY, YYY) is a "no activity" report
        substr(record ->> '$.filing_type', 2, 1) in ('A', '@') as is_amendment,
        substr(record ->> '$.filing_type', 2, 1) in ('T', '@') as is_termination,
        (
            length(record ->> '$.filing_type') = 3
            and right(record ->> '$.filing_type', 1) = 'Y'
        ) as is_no_activity,
        (record ->> '$.filing_type') in ('RR', 'RA') as is_registration,
        {{ lda_is_not_transcribed('record') }} as is_amount_not_transcribed,

        ----------  dates
        {{ lda_timestamp('$.dt_posted') }} as posted_at,
        cast(record ->> '$.termination_date' as date) as termination_date,
        cast({{ json_text('$.client.effective_date') }} as date) as client_effective_date,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
