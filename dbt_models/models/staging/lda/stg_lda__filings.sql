-- One row per LDA filing (registration or report, original or amendment), unpacked from the raw
-- JSON.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='filing_uuid',
        on_schema_change='fail',
        post_hook="{{ record_loaded_at_watermark(source('raw', 'lda_filings')) }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'lda_filings') }}
    {{ new_raw_rows() }}

),

-- every field read below from one parse of the record (json_fields: the same text as ->>)
parsed as (

    select
        filing_uuid,
        load_id,
        loaded_at,
        {{ json_fields('record', [
            '$.registrant.id',
            '$.registrant.house_registrant_id',
            '$.registrant.name',
            '$.client.id',
            '$.client.client_id',
            '$.client.name',
            '$.client.general_description',
            '$.client.state',
            '$.client.country',
            '$.client.client_self_select',
            '$.client.client_government_entity',
            '$.client.effective_date',
            '$.filing_type',
            '$.filing_type_display',
            '$.filing_period',
            '$.filing_period_display',
            '$.filing_year',
            '$.income',
            '$.expenses',
            '$.expenses_method',
            '$.expenses_method_display',
            '$.posted_by_name',
            '$.filing_document_url',
            '$.filing_document_content_type',
            '$.url',
            '$.registrant_address_1',
            '$.registrant_address_2',
            '$.registrant_city',
            '$.registrant_state',
            '$.registrant_zip',
            '$.registrant_country',
            '$.registrant_ppb_country',
            '$.registrant_different_address',
            '$.termination_date',
            '$.dt_posted',
        ]) }} as filing
    from source

),

renamed as (

    select

        ----------  ids
        parsed.filing_uuid,
        cast(parsed.filing.registrant.id as bigint) as registrant_id,
        cast(parsed.filing.registrant.house_registrant_id as bigint) as house_registrant_id,
        cast(parsed.filing.client.id as bigint) as client_id,
        cast(parsed.filing.client.client_id as bigint) as client_legacy_id,

        ----------  strings
        {{ blank_as_null('parsed.filing.registrant.name') }} as registrant_name,
        {{ blank_as_null('parsed.filing.client.name') }} as client_name,
        {{ blank_as_null('parsed.filing.client.general_description') }} as client_description,
        {{ blank_as_null('parsed.filing.client.state') }} as client_state,
        {{ blank_as_null('parsed.filing.client.country') }} as client_country,
        {{ blank_as_null('parsed.filing.filing_type') }} as filing_type,
        {{ blank_as_null('parsed.filing.filing_type_display') }} as filing_type_display,
        {{ blank_as_null('parsed.filing.filing_period') }} as filing_period,
        {{ blank_as_null('parsed.filing.filing_period_display') }} as filing_period_display,
        -- the API's schema says a/b/c; real filings send A/B/C (display "A"): one case here
        lower({{ blank_as_null('parsed.filing.expenses_method') }}) as expenses_method,
        {{ blank_as_null('parsed.filing.expenses_method_display') }} as expenses_method_display,
        {{ blank_as_null('parsed.filing.posted_by_name') }} as posted_by_name,
        {{ blank_as_null('parsed.filing.filing_document_url') }} as filing_document_url,
        {{ blank_as_null('parsed.filing.filing_document_content_type') }}
            as filing_document_content_type,
        {{ blank_as_null('parsed.filing.url') }} as api_url,
        -- the registrant's address as this filing gives it (the top-level registrant_* fields)
        {{ blank_as_null('parsed.filing.registrant_address_1') }} as registrant_address_1,
        {{ blank_as_null('parsed.filing.registrant_address_2') }} as registrant_address_2,
        {{ blank_as_null('parsed.filing.registrant_city') }} as registrant_city,
        {{ blank_as_null('parsed.filing.registrant_state') }} as registrant_state,
        {{ blank_as_null('parsed.filing.registrant_zip') }} as registrant_zip,
        {{ blank_as_null('parsed.filing.registrant_country') }} as registrant_country,
        {{ blank_as_null('parsed.filing.registrant_ppb_country') }} as registrant_ppb_country,

        ----------  numerics
        cast(parsed.filing.filing_year as integer) as filing_year,
        case parsed.filing.filing_period
            when 'first_quarter' then 1
            when 'second_quarter' then 2
            when 'third_quarter' then 3
            when 'fourth_quarter' then 4
        end as filing_quarter,
        case parsed.filing.filing_period
            when 'mid_year' then 1
            when 'year_end' then 2
        end as filing_half_year,
        -- money is a decimal string or null; null stays null (see is_amount_not_transcribed)
        cast(parsed.filing.income as decimal(14, 2)) as income,
        cast(parsed.filing.expenses as decimal(14, 2)) as expenses,
        {{ lda_reporting_threshold('cast(parsed.filing.filing_year as integer)') }}
            as reporting_threshold,

        ----------  booleans
        coalesce(cast(parsed.filing.client.client_self_select as boolean), false)
            as is_client_self_select,
        cast(parsed.filing.client.client_government_entity as boolean)
            as is_client_government_entity,
        cast(parsed.filing.registrant_different_address as boolean)
            as is_registrant_different_address,
        -- the filing type code says it: 1A, 1@, RA ... amend; 1T, 1@, MT ... terminate;
        -- a three-letter code ending in Y (Q1Y, 1TY, YYY) is a "no activity" report
        substr(parsed.filing.filing_type, 2, 1) in ('A', '@') as is_amendment,
        substr(parsed.filing.filing_type, 2, 1) in ('T', '@') as is_termination,
        (
            length(parsed.filing.filing_type) = 3
            and right(parsed.filing.filing_type, 1) = 'Y'
        ) as is_no_activity,
        parsed.filing.filing_type in ('RR', 'RA') as is_registration,
        {{ lda_is_not_transcribed_of(
            'parsed.filing.income',
            'parsed.filing.expenses',
            'parsed.filing.expenses_method',
            'parsed.filing.filing_document_content_type',
        ) }} as is_amount_not_transcribed,

        ----------  dates
        {{ lda_timestamp_of('parsed.filing.dt_posted') }} as posted_at,
        cast(parsed.filing.termination_date as date) as termination_date,
        cast({{ blank_as_null('parsed.filing.client.effective_date') }} as date)
            as client_effective_date,

        ----------  landing
        parsed.load_id,
        parsed.loaded_at

    from parsed

)

select * from renamed
