-- One row per LDA registrant (registrant.id): the registrant object as it reads on the latest
-- filing that carries it. Every filing embeds a copy of its registrant, and names, addresses and
-- contacts change over the years, so the copy on the filing posted last wins; a tie on posted_at
-- goes to the greatest filing_uuid, as in int_lda_filings_latest.
-- Incremental: which filing is a registrant's latest, and its counts, come from stg_lda__filings
-- (no JSON to read); a build reads the raw record of the latest filing only for the registrants
-- whose latest filing, counts or posting times changed, or whose latest filing was landed again,
-- and replaces their rows. A table, not a view: the dims and many tests read it, and each read of
-- a view parsed every filing.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='registrant_id',
        on_schema_change='fail',
        pre_hook="{{ delete_keys_gone(ref('stg_lda__filings'), 'registrant_id') }}",
        post_hook="{{ record_loaded_at_watermark(ref('stg_lda__filings')) }}",
    )
}}

with

-- each registrant's latest filing (its copy wins) and its counts, from the typed filings
versioned as (

    {{ latest_filing_per('registrant_id') }}

),

-- the registrants whose row changes (every registrant on a full build)
changed as (

    {{ changed_latest_copies('versioned', 'registrant_id') }}

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
            '$.registrant.house_registrant_id',
            '$.registrant.name',
            '$.registrant.description',
            '$.registrant.address_1',
            '$.registrant.address_2',
            '$.registrant.address_3',
            '$.registrant.address_4',
            '$.registrant.city',
            '$.registrant.state',
            '$.registrant.state_display',
            '$.registrant.zip',
            '$.registrant.country',
            '$.registrant.country_display',
            '$.registrant.ppb_country',
            '$.registrant.ppb_country_display',
            '$.registrant.contact_name',
            '$.registrant.contact_telephone',
            '$.registrant.url',
            '$.registrant.dt_updated',
        ]) }} as filing
    from source

),

latest as (

    select
        changed.*,
        parsed.filing.registrant
    from changed
    inner join parsed
        on changed.filing_uuid = parsed.filing_uuid

),

renamed as (

    select

        ----------  ids
        latest.registrant_id,
        cast(latest.registrant.house_registrant_id as bigint) as house_registrant_id,
        latest.filing_uuid as latest_filing_uuid,

        ----------  strings
        {{ blank_as_null('latest.registrant.name') }} as registrant_name,
        {{ blank_as_null('latest.registrant.description') }} as registrant_description,
        {{ blank_as_null('latest.registrant.address_1') }} as address_1,
        {{ blank_as_null('latest.registrant.address_2') }} as address_2,
        {{ blank_as_null('latest.registrant.address_3') }} as address_3,
        {{ blank_as_null('latest.registrant.address_4') }} as address_4,
        {{ blank_as_null('latest.registrant.city') }} as city,
        {{ blank_as_null('latest.registrant.state') }} as state,
        {{ blank_as_null('latest.registrant.state_display') }} as state_display,
        {{ blank_as_null('latest.registrant.zip') }} as zip,
        {{ blank_as_null('latest.registrant.country') }} as country,
        {{ blank_as_null('latest.registrant.country_display') }} as country_display,
        {{ blank_as_null('latest.registrant.ppb_country') }} as ppb_country,
        {{ blank_as_null('latest.registrant.ppb_country_display') }} as ppb_country_display,
        {{ blank_as_null('latest.registrant.contact_name') }} as contact_name,
        {{ blank_as_null('latest.registrant.contact_telephone') }} as contact_telephone,
        {{ blank_as_null('latest.registrant.url') }} as api_url,

        ----------  numerics
        latest.filings_count,

        ----------  dates
        cast({{ blank_as_null('latest.registrant.dt_updated') }} as timestamp with time zone)
            as registrant_updated_at,
        latest.first_posted_at,
        latest.last_posted_at

    from latest

)

select * from renamed
