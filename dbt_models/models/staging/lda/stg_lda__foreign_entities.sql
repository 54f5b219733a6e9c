-- One row per foreign entity listed on an LDA filing (the filing's foreign_entities list, in the
-- order the filing gives it): a foreign entity that holds at least 20% of the client, controls or
-- finances its activities, or is affiliated with it and interested in the outcome. Every field of
-- the API's object, typed; money and percentages are decimal strings in the API.

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

foreign_entities as (

    select
        source.filing_uuid,
        source.load_id,
        source.loaded_at,
        cast(foreign_entity.key as integer) as foreign_entity_index,
        foreign_entity.value as foreign_entity
    from source,
        json_each(source.record, '$.foreign_entities') as foreign_entity

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'foreign_entity_index']) }} as foreign_entity_id,
        filing_uuid,
        foreign_entity_index,

        ----------  strings
        {{ json_text('$.name', 'foreign_entity') }} as foreign_entity_name,
        {{ json_text('$.address', 'foreign_entity') }} as address,
        {{ json_text('$.city', 'foreign_entity') }} as city,
        {{ json_text('$.state', 'foreign_entity') }} as state,
        {{ json_text('$.state_display', 'foreign_entity') }} as state_display,
        {{ json_text('$.country', 'foreign_entity') }} as country,
        {{ json_text('$.country_display', 'foreign_entity') }} as country_display,
        {{ json_text('$.ppb_city', 'foreign_entity') }} as ppb_city,
        {{ json_text('$.ppb_state', 'foreign_entity') }} as ppb_state,
        {{ json_text('$.ppb_state_display', 'foreign_entity') }} as ppb_state_display,
        {{ json_text('$.ppb_country', 'foreign_entity') }} as ppb_country,
        {{ json_text('$.ppb_country_display', 'foreign_entity') }} as ppb_country_display,

        ----------  numerics
        -- decimal strings ("25000.00", "51.00") or null; null stays null
        cast({{ json_text('$.contribution', 'foreign_entity') }} as decimal(18, 2))
            as contribution,
        cast({{ json_text('$.ownership_percentage', 'foreign_entity') }} as decimal(7, 2))
            as ownership_percentage,

        ----------  landing
        load_id,
        loaded_at

    from foreign_entities

)

select * from renamed
