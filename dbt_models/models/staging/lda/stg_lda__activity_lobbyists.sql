-- One row per lobbyist listed on a lobbying activity of an LDA filing.

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

-- the lobbyists' fields from one parse of the record (json_fields: the same text as ->>)
parsed as (

    select
        filing_uuid,
        load_id,
        loaded_at,
        {{ json_fields('record', [
            '$.lobbying_activities[*].lobbyists[*].lobbyist.id',
            '$.lobbying_activities[*].lobbyists[*].lobbyist.prefix',
            '$.lobbying_activities[*].lobbyists[*].lobbyist.first_name',
            '$.lobbying_activities[*].lobbyists[*].lobbyist.nickname',
            '$.lobbying_activities[*].lobbyists[*].lobbyist.middle_name',
            '$.lobbying_activities[*].lobbyists[*].lobbyist.last_name',
            '$.lobbying_activities[*].lobbyists[*].lobbyist.suffix',
            '$.lobbying_activities[*].lobbyists[*].covered_position',
            '$.lobbying_activities[*].lobbyists[*].new',
        ]) }} as filing
    from source

),

activities as (

    select
        parsed.filing_uuid,
        parsed.load_id,
        parsed.loaded_at,
        {{ unnest_indexed('parsed.filing.lobbying_activities', 'activity', 'activity_index') }}
    from parsed

),

lobbyists as (

    select
        activities.filing_uuid,
        activities.load_id,
        activities.loaded_at,
        activities.activity_index,
        {{ unnest_indexed('activities.activity.lobbyists', 'lobbyist', 'lobbyist_index') }}
    from activities

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key([
            'lobbyists.filing_uuid',
            'lobbyists.activity_index',
            'lobbyists.lobbyist_index'
        ]) }} as activity_lobbyist_id,
        {{ surrogate_key(['lobbyists.filing_uuid', 'lobbyists.activity_index']) }} as activity_id,
        lobbyists.filing_uuid,
        lobbyists.activity_index,
        lobbyists.lobbyist_index,
        cast(lobbyists.lobbyist.lobbyist.id as bigint) as lobbyist_id,

        ----------  strings
        {{ blank_as_null('lobbyists.lobbyist.lobbyist.prefix') }} as prefix,
        {{ blank_as_null('lobbyists.lobbyist.lobbyist.first_name') }} as first_name,
        {{ blank_as_null('lobbyists.lobbyist.lobbyist.nickname') }} as nickname,
        {{ blank_as_null('lobbyists.lobbyist.lobbyist.middle_name') }} as middle_name,
        {{ blank_as_null('lobbyists.lobbyist.lobbyist.last_name') }} as last_name,
        {{ blank_as_null('lobbyists.lobbyist.lobbyist.suffix') }} as suffix,
        nullif(concat_ws(
            ' ',
            {{ blank_as_null('lobbyists.lobbyist.lobbyist.first_name') }},
            {{ blank_as_null('lobbyists.lobbyist.lobbyist.middle_name') }},
            {{ blank_as_null('lobbyists.lobbyist.lobbyist.last_name') }},
            {{ blank_as_null('lobbyists.lobbyist.lobbyist.suffix') }}
        ), '') as full_name,
        {{ blank_as_null('lobbyists.lobbyist.covered_position') }} as covered_position,

        ----------  booleans
        coalesce(cast(lobbyists.lobbyist.new as boolean), false) as is_new,

        ----------  landing
        lobbyists.load_id,
        lobbyists.loaded_at

    from lobbyists

)

select * from renamed
