-- One row per lobbying activity (issue) of an LDA filing, in the order the filing lists them.

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

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'activity_index']) }} as activity_id,
        filing_uuid,
        activity_index,

        ----------  strings
        {{ json_text('$.general_issue_code', 'activity') }} as issue_code,
        {{ json_text('$.general_issue_code_display', 'activity') }} as issue_code_display,
        -- the text cleaned of HTML references and mojibake for reading, and as filed; sqlfluff's
        -- duckdb dialect cannot parse the lambda (lambda x, y: ...) the macro needs in DuckDB 2.0
        {{ text_as_filed("activity ->> '$.description'") }} as description,  -- noqa: PRS
        {{ json_text('$.description', 'activity') }} as description_as_filed,
        {{ json_text('$.foreign_entity_issues', 'activity') }} as foreign_entity_issues,

        ----------  numerics
        coalesce(json_array_length(activity, '$.lobbyists'), 0) as lobbyists_count,
        coalesce(json_array_length(activity, '$.government_entities'), 0)
            as government_entities_count,

        ----------  landing
        load_id,
        loaded_at

    from activities

)

select * from renamed
