-- One row per LDA client record (client.id): the client object as it reads on the latest filing
-- that carries it. A client record belongs to one registrant (one company has a client record per
-- firm that represents it, and its own when it files for itself); every filing embeds a copy, so
-- the copy on the filing posted last wins; a tie on posted_at goes to the greatest filing_uuid, as
-- in int_lda_filings_latest.

with

source as (

    select * from {{ source('raw', 'lda_filings') }}

),

-- the fields read below from one parse of each filing (json_fields: the same text as ->>)
parsed as (

    select
        source.filing_uuid,
        {{ json_fields('source.record', [
            '$.client.id',
            '$.registrant.id',
            '$.dt_posted',
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

copies as (

    select
        parsed.filing_uuid,
        cast(parsed.filing.client.id as bigint) as client_id,
        cast(parsed.filing.registrant.id as bigint) as registrant_id,
        {{ lda_timestamp_of('parsed.filing.dt_posted') }} as posted_at,
        parsed.filing.client
    from parsed
    where parsed.filing.client.id is not null

),

versioned as (

    select
        copies.*,
        row_number() over latest_first as version_rank,
        count(*) over client_window as filings_count,
        min(copies.posted_at) over client_window as first_posted_at,
        max(copies.posted_at) over client_window as last_posted_at
    from copies
    window
        client_window as (partition by client_id),
        latest_first as (
            partition by client_id
            {{ lda_version_order('latest_first') }}
        )

),

renamed as (

    select

        ----------  ids
        versioned.client_id,
        cast(versioned.client.client_id as bigint) as client_legacy_id,
        versioned.registrant_id,
        versioned.filing_uuid as latest_filing_uuid,

        ----------  strings
        {{ blank_as_null('versioned.client.name') }} as client_name,
        {{ blank_as_null('versioned.client.general_description') }} as client_description,
        {{ blank_as_null('versioned.client.state') }} as state,
        {{ blank_as_null('versioned.client.state_display') }} as state_display,
        {{ blank_as_null('versioned.client.country') }} as country,
        {{ blank_as_null('versioned.client.country_display') }} as country_display,
        {{ blank_as_null('versioned.client.ppb_state') }} as ppb_state,
        {{ blank_as_null('versioned.client.ppb_state_display') }} as ppb_state_display,
        {{ blank_as_null('versioned.client.ppb_country') }} as ppb_country,
        {{ blank_as_null('versioned.client.ppb_country_display') }} as ppb_country_display,
        {{ blank_as_null('versioned.client.url') }} as api_url,

        ----------  numerics
        versioned.filings_count,

        ----------  booleans
        -- as in stg_lda__filings: false when missing
        coalesce(cast(versioned.client.client_self_select as boolean), false)
            as is_client_self_select,
        cast(versioned.client.client_government_entity as boolean) as is_client_government_entity,

        ----------  dates
        cast({{ blank_as_null('versioned.client.effective_date') }} as date) as effective_date,
        versioned.first_posted_at,
        versioned.last_posted_at

    from versioned
    where versioned.version_rank = 1

)

select * from renamed
