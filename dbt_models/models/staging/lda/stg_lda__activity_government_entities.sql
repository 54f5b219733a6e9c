-- One row per government entity named by a lobbying activity of an LDA filing.
-- Filings posted before 2021-02-14 repeat the filing's whole list on every activity: the LDA's
-- legacy system collected government entities per filing, not per issue (the API's "Limitations /
-- Caveats"). is_listed_per_filing says which rows are such a copy, so that "the activity named the
-- entity" is read as "the filing named it" there.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='filing_uuid',
        on_schema_change='fail',
        pre_hook="{{ delete_children_of_changed(source('raw', 'lda_filings'), 'filing_uuid') }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'lda_filings') }}
    {{ new_raw_rows() }}

),

activities as (

    select
        source.filing_uuid,
        source.load_id,
        source.loaded_at,
        {{ lda_timestamp('$.dt_posted', 'source.record') }} as posted_at,
        cast(activity.key as integer) as activity_index,
        activity.value as activity
    from source,
        json_each(source.record, '$.lobbying_activities') as activity

),

entities as (

    select
        activities.filing_uuid,
        activities.load_id,
        activities.loaded_at,
        activities.posted_at,
        activities.activity_index,
        cast(entity.key as integer) as entity_index,
        entity.value as entity
    from activities,
        json_each(activities.activity, '$.government_entities') as entity

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'activity_index', 'entity_index']) }}
            as activity_government_entity_id,
        {{ surrogate_key(['filing_uuid', 'activity_index']) }} as activity_id,
        filing_uuid,
        activity_index,
        entity_index,
        cast(entity ->> '$.id' as integer) as government_entity_id,

        ----------  strings
        {{ json_text('$.name', 'entity') }} as government_entity_name,

        ----------  booleans
        -- posted before 2021-02-14, Eastern time (the API's dt_posted carries an Eastern offset);
        -- null when the filing has no posting time
        posted_at < timestamptz '2021-02-14 00:00:00-05:00' as is_listed_per_filing,

        ----------  landing
        load_id,
        loaded_at

    from entities

)

select * from renamed
