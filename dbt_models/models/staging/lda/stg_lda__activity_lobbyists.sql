-- One row per lobbyist listed on a lobbying activity of an LDA filing.

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
        cast(activity.key as integer) as activity_index,
        activity.value as activity
    from source,
        json_each(source.record, '$.lobbying_activities') as activity

),

lobbyists as (

    select
        activities.filing_uuid,
        activities.load_id,
        activities.loaded_at,
        activities.activity_index,
        cast(lobbyist.key as integer) as lobbyist_index,
        lobbyist.value as lobbyist
    from activities,
        json_each(activities.activity, '$.lobbyists') as lobbyist

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'activity_index', 'lobbyist_index']) }}
            as activity_lobbyist_id,
        {{ surrogate_key(['filing_uuid', 'activity_index']) }} as activity_id,
        filing_uuid,
        activity_index,
        lobbyist_index,
        cast(lobbyist ->> '$.lobbyist.id' as bigint) as lobbyist_id,

        ----------  strings
        {{ json_text('$.lobbyist.prefix', 'lobbyist') }} as prefix,
        {{ json_text('$.lobbyist.first_name', 'lobbyist') }} as first_name,
        {{ json_text('$.lobbyist.nickname', 'lobbyist') }} as nickname,
        {{ json_text('$.lobbyist.middle_name', 'lobbyist') }} as middle_name,
        {{ json_text('$.lobbyist.last_name', 'lobbyist') }} as last_name,
        {{ json_text('$.lobbyist.suffix', 'lobbyist') }} as suffix,
        nullif(concat_ws(
            ' ',
            {{ json_text('$.lobbyist.first_name', 'lobbyist') }},
            {{ json_text('$.lobbyist.middle_name', 'lobbyist') }},
            {{ json_text('$.lobbyist.last_name', 'lobbyist') }},
            {{ json_text('$.lobbyist.suffix', 'lobbyist') }}
        ), '') as full_name,
        {{ json_text('$.covered_position', 'lobbyist') }} as covered_position,

        ----------  booleans
        coalesce(cast(lobbyist ->> '$.new' as boolean), false) as is_new,

        ----------  landing
        load_id,
        loaded_at

    from lobbyists

)

select * from renamed
