-- One row per conviction disclosure on an LDA filing (the filing's conviction_disclosures list, in
-- the order the filing gives it): a lobbyist listed on the filing who has been convicted of an
-- offense involving bribery, extortion, embezzlement, an illegal kickback, tax evasion, fraud, a
-- conflict of interest, making a false statement, perjury or money laundering. Every field of the
-- API's object, typed; the lobbyist's name fields as in stg_lda__activity_lobbyists.

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

disclosures as (

    select
        source.filing_uuid,
        source.load_id,
        source.loaded_at,
        cast(disclosure.key as integer) as conviction_disclosure_index,
        disclosure.value as disclosure
    from source,
        json_each(source.record, '$.conviction_disclosures') as disclosure

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'conviction_disclosure_index']) }}
            as conviction_disclosure_id,
        filing_uuid,
        conviction_disclosure_index,
        cast(disclosure ->> '$.lobbyist.id' as bigint) as lobbyist_id,

        ----------  strings
        {{ json_text('$.lobbyist.prefix', 'disclosure') }} as prefix,
        {{ json_text('$.lobbyist.prefix_display', 'disclosure') }} as prefix_display,
        {{ json_text('$.lobbyist.first_name', 'disclosure') }} as first_name,
        {{ json_text('$.lobbyist.nickname', 'disclosure') }} as nickname,
        {{ json_text('$.lobbyist.middle_name', 'disclosure') }} as middle_name,
        {{ json_text('$.lobbyist.last_name', 'disclosure') }} as last_name,
        {{ json_text('$.lobbyist.suffix', 'disclosure') }} as suffix,
        {{ json_text('$.lobbyist.suffix_display', 'disclosure') }} as suffix_display,
        nullif(concat_ws(
            ' ',
            {{ json_text('$.lobbyist.first_name', 'disclosure') }},
            {{ json_text('$.lobbyist.middle_name', 'disclosure') }},
            {{ json_text('$.lobbyist.last_name', 'disclosure') }},
            {{ json_text('$.lobbyist.suffix', 'disclosure') }}
        ), '') as full_name,
        {{ json_text('$.description', 'disclosure') }} as description,

        ----------  dates
        cast({{ json_text('$.date', 'disclosure') }} as date) as conviction_date,

        ----------  landing
        load_id,
        loaded_at

    from disclosures

)

select * from renamed
