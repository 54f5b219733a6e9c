-- One row per lobbying activity (issue) of an LDA filing, in the order the filing lists them.

{# Incremental: the pre-hook deletes the rows of every filing whose raw record this build reads
   (the rows new_raw_rows selects), so the new rows are appended; a delete+insert by filing_uuid
   would delete the same filings' rows a second time. Those filings are recorded first
   (record_redone_keys): the build keeps each filing's activities fingerprinted for
   fct_lobbying_issues (activity_fingerprint_parts), computed again for those filings. #}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook=[
            "{{ record_redone_keys(changed_raw_keys(source('raw', 'lda_filings'), 'filing_uuid')) }}",
            "{{ delete_children_of_changed(source('raw', 'lda_filings'), 'filing_uuid') }}",
        ],
        post_hook=[
            "{{ store_fingerprint_parts(
                activity_fingerprint_parts(), 'filing_uuid', redone_keys('key')
            ) }}",
            "{{ record_loaded_at_watermark(source('raw', 'lda_filings')) }}",
        ],
    )
}}

with

source as (

    select * from {{ source('raw', 'lda_filings') }}
    {{ new_raw_rows() }}

),

-- the activities' fields from one parse of the record (json_fields: the same text as ->>)
parsed as (

    select
        filing_uuid,
        load_id,
        loaded_at,
        {{ json_fields('record', [
            '$.lobbying_activities[*].general_issue_code',
            '$.lobbying_activities[*].general_issue_code_display',
            '$.lobbying_activities[*].description',
            '$.lobbying_activities[*].foreign_entity_issues',
            '$.lobbying_activities[*].lobbyists[*]',
            '$.lobbying_activities[*].government_entities[*]',
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

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['activities.filing_uuid', 'activities.activity_index']) }} as activity_id,
        activities.filing_uuid,
        activities.activity_index,

        ----------  strings
        {{ blank_as_null('activities.activity.general_issue_code') }} as issue_code,
        {{ blank_as_null('activities.activity.general_issue_code_display') }} as issue_code_display,
        -- the text cleaned of HTML references and mojibake for reading, and as filed; sqlfluff's
        -- duckdb dialect cannot parse the lambda (lambda x, y: ...) the macro needs in DuckDB 2.0
        {{ text_as_filed('activities.activity.description') }} as description,  -- noqa: PRS
        {{ blank_as_null('activities.activity.description') }} as description_as_filed,
        {{ blank_as_null('activities.activity.foreign_entity_issues') }} as foreign_entity_issues,

        ----------  numerics
        -- json_array_length's type; a value that is not an array counts 0, as it does there
        coalesce(cast(len(activities.activity.lobbyists) as ubigint), 0) as lobbyists_count,
        coalesce(cast(len(activities.activity.government_entities) as ubigint), 0)
            as government_entities_count,

        ----------  landing
        activities.load_id,
        activities.loaded_at

    from activities

)

select * from renamed
