-- One row per government entity named by a lobbying activity of an LDA filing.
-- (Filings posted before 2021-02-14 repeat the filing's whole list on every activity.)

with

source as (

    select * from {{ source('raw', 'lda_filings') }}

),

activities as (

    select
        source.filing_uuid,
        cast(activity.key as integer) as activity_index,
        activity.value as activity
    from source,
        json_each(source.record, '$.lobbying_activities') as activity

),

entities as (

    select
        activities.filing_uuid,
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
        {{ json_text('$.name', 'entity') }} as government_entity_name

    from entities

)

select * from renamed
