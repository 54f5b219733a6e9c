-- One row per LDA client record (client.id): the client object as it reads on the latest filing
-- that carries it. A client record belongs to one registrant (one company has a client record per
-- firm that represents it, and its own when it files for itself); every filing embeds a copy, so
-- the copy on the filing posted last wins; a tie on posted_at goes to the greatest filing_uuid, as
-- in int_lda_filings_latest.
-- Incremental: which filing is a client's latest, and its counts, come from stg_lda__filings (no
-- JSON to read); a build reads the raw record of the latest filing only for the clients whose
-- latest filing, counts or posting times changed, or whose latest filing was landed again, and
-- replaces their rows. A table, not a view: the dims and many tests read it, and each read of a
-- view parsed every filing.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='client_id',
        on_schema_change='fail',
        pre_hook="{{ delete_keys_gone(ref('stg_lda__filings'), 'client_id') }}",
        post_hook="{{ record_loaded_at_watermark(ref('stg_lda__filings')) }}",
    )
}}

with

-- each client's latest filing (its copy wins) and its counts, from the typed filings
versioned as (

    {{ latest_filing_per('client_id') }}

),

-- the clients whose row changes (every client on a full build)
changed as (

    {{ changed_latest_copies('versioned', 'client_id') }}

),

source as (

    {{ rows_of_keys(
        source('raw', 'lda_filings'), 'filing_uuid', 'select changed.filing_uuid from changed'
    ) }}

),

-- the fields read below from one parse of each latest filing (json_fields: the same text as ->>)
parsed as (

    select
        source.filing_uuid,
        {{ json_fields('source.record', [
            '$.registrant.id',
            '$.client.client_id',
            '$.client.name',
            '$.client.general_description',
            '$.client.state',
            '$.client.state_display',
            '$.client.country',
            '$.client.country_display',
            '$.client.ppb_state',
            '$.client.ppb_state_display',
            '$.client.ppb_country',
            '$.client.ppb_country_display',
            '$.client.url',
            '$.client.client_self_select',
            '$.client.client_government_entity',
            '$.client.effective_date',
        ]) }} as filing
    from source

),

latest as (

    select
        changed.*,
        cast(parsed.filing.registrant.id as bigint) as registrant_id,
        parsed.filing.client
    from changed
    inner join parsed
        on changed.filing_uuid = parsed.filing_uuid

),

renamed as (

    select

        ----------  ids
        latest.client_id,
        cast(latest.client.client_id as bigint) as client_legacy_id,
        latest.registrant_id,
        latest.filing_uuid as latest_filing_uuid,

        ----------  strings
        {{ blank_as_null('latest.client.name') }} as client_name,
        {{ blank_as_null('latest.client.general_description') }} as client_description,
        {{ blank_as_null('latest.client.state') }} as state,
        {{ blank_as_null('latest.client.state_display') }} as state_display,
        {{ blank_as_null('latest.client.country') }} as country,
        {{ blank_as_null('latest.client.country_display') }} as country_display,
        {{ blank_as_null('latest.client.ppb_state') }} as ppb_state,
        {{ blank_as_null('latest.client.ppb_state_display') }} as ppb_state_display,
        {{ blank_as_null('latest.client.ppb_country') }} as ppb_country,
        {{ blank_as_null('latest.client.ppb_country_display') }} as ppb_country_display,
        {{ blank_as_null('latest.client.url') }} as api_url,

        ----------  numerics
        latest.filings_count,

        ----------  booleans
        -- as in stg_lda__filings: false when missing
        coalesce(cast(latest.client.client_self_select as boolean), false)
            as is_client_self_select,
        cast(latest.client.client_government_entity as boolean) as is_client_government_entity,

        ----------  dates
        cast({{ blank_as_null('latest.client.effective_date') }} as date) as effective_date,
        latest.first_posted_at,
        latest.last_posted_at

    from latest

)

select * from renamed
