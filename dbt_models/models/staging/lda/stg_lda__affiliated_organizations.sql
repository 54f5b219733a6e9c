-- One row per affiliated organization listed on an LDA filing (the filing's
-- affiliated_organizations list, in the order the filing gives it): an organization other than the
-- client that contributes more than $5,000 to the lobbying in a quarter and takes part in planning,
-- supervising or controlling it. Every field of the API's object, typed.

{# Incremental: the pre-hook deletes the rows of every filing whose raw record this build reads
   (the rows new_raw_rows selects), so the new rows are appended; a delete+insert by filing_uuid
   would delete the same filings' rows a second time. #}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_children_of_changed(source('raw', 'lda_filings'), 'filing_uuid') }}",
        post_hook="{{ record_loaded_at_watermark(source('raw', 'lda_filings')) }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'lda_filings') }}
    {{ new_raw_rows() }}

),

organizations as (

    select
        source.filing_uuid,
        source.load_id,
        source.loaded_at,
        cast(organization.key as integer) as affiliated_organization_index,
        organization.value as organization
    from source,
        json_each(source.record, '$.affiliated_organizations') as organization

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'affiliated_organization_index']) }}
            as affiliated_organization_id,
        filing_uuid,
        affiliated_organization_index,

        ----------  strings
        {{ json_text('$.name', 'organization') }} as affiliated_organization_name,
        {{ json_text('$.url', 'organization') }} as affiliated_organization_url,
        {{ json_text('$.address_1', 'organization') }} as address_1,
        {{ json_text('$.address_2', 'organization') }} as address_2,
        {{ json_text('$.address_3', 'organization') }} as address_3,
        {{ json_text('$.address_4', 'organization') }} as address_4,
        {{ json_text('$.city', 'organization') }} as city,
        {{ json_text('$.state', 'organization') }} as state,
        {{ json_text('$.state_display', 'organization') }} as state_display,
        {{ json_text('$.zip', 'organization') }} as zip,
        {{ json_text('$.country', 'organization') }} as country,
        {{ json_text('$.country_display', 'organization') }} as country_display,
        {{ json_text('$.ppb_city', 'organization') }} as ppb_city,
        {{ json_text('$.ppb_state', 'organization') }} as ppb_state,
        {{ json_text('$.ppb_state_display', 'organization') }} as ppb_state_display,
        {{ json_text('$.ppb_country', 'organization') }} as ppb_country,
        {{ json_text('$.ppb_country_display', 'organization') }} as ppb_country_display,

        ----------  landing
        load_id,
        loaded_at

    from organizations

)

select * from renamed
