-- One row per government entity named by a lobbying activity of an LDA filing.
-- Filings posted before 2021-02-14 repeat the filing's whole list on every activity: the LDA's
-- legacy system collected government entities per filing, not per issue (the API's "Limitations /
-- Caveats"). is_listed_per_filing says which rows are such a copy, so that "the activity named the
-- entity" is read as "the filing named it" there.

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

-- the entities' fields from one parse of the record (json_fields: the same text as ->>)
parsed as (

    select
        filing_uuid,
        load_id,
        loaded_at,
        {{ json_fields('record', [
            '$.dt_posted',
            '$.lobbying_activities[*].government_entities[*].id',
            '$.lobbying_activities[*].government_entities[*].name',
        ]) }} as filing
    from source

),

activities as (

    select
        parsed.filing_uuid,
        parsed.load_id,
        parsed.loaded_at,
        {{ lda_timestamp_of('parsed.filing.dt_posted') }} as posted_at,
        {{ unnest_indexed('parsed.filing.lobbying_activities', 'activity', 'activity_index') }}
    from parsed

),

entities as (

    select
        activities.filing_uuid,
        activities.load_id,
        activities.loaded_at,
        activities.posted_at,
        activities.activity_index,
        {{ unnest_indexed('activities.activity.government_entities', 'entity', 'entity_index') }}
    from activities

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key([
            'entities.filing_uuid',
            'entities.activity_index',
            'entities.entity_index'
        ]) }} as activity_government_entity_id,
        {{ surrogate_key(['entities.filing_uuid', 'entities.activity_index']) }} as activity_id,
        entities.filing_uuid,
        entities.activity_index,
        entities.entity_index,
        cast(entities.entity.id as integer) as government_entity_id,

        ----------  strings
        {{ blank_as_null('entities.entity.name') }} as government_entity_name,

        ----------  booleans
        -- posted before 2021-02-14, Eastern time (the API's dt_posted carries an Eastern offset);
        -- null when the filing has no posting time
        entities.posted_at < timestamptz '2021-02-14 00:00:00-05:00' as is_listed_per_filing,

        ----------  landing
        entities.load_id,
        entities.loaded_at

    from entities

)

select * from renamed
