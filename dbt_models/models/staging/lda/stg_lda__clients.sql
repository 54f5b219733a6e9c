-- One row per LDA client record (client.id): the client object as it reads on the latest filing
-- that carries it. A client record belongs to one registrant (one company has a client record per
-- firm that represents it, and its own when it files for itself); every filing embeds a copy, so
-- the copy on the filing posted last wins; a tie on posted_at goes to the greatest filing_uuid, as
-- in int_lda_filings_latest.

with

source as (

    select * from {{ source('raw', 'lda_filings') }}

),

copies as (

    select
        source.filing_uuid,
        cast(source.record ->> '$.client.id' as bigint) as client_id,
        cast(source.record ->> '$.registrant.id' as bigint) as registrant_id,
        {{ lda_timestamp('$.dt_posted', 'source.record') }} as posted_at,
        source.record -> '$.client' as client
    from source
    where source.record ->> '$.client.id' is not null

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
        client_id,
        cast(client ->> '$.client_id' as bigint) as client_legacy_id,
        registrant_id,
        filing_uuid as latest_filing_uuid,

        ----------  strings
        {{ json_text('$.name', 'client') }} as client_name,
        {{ json_text('$.general_description', 'client') }} as client_description,
        {{ json_text('$.state', 'client') }} as state,
        {{ json_text('$.state_display', 'client') }} as state_display,
        {{ json_text('$.country', 'client') }} as country,
        {{ json_text('$.country_display', 'client') }} as country_display,
        {{ json_text('$.ppb_state', 'client') }} as ppb_state,
        {{ json_text('$.ppb_state_display', 'client') }} as ppb_state_display,
        {{ json_text('$.ppb_country', 'client') }} as ppb_country,
        {{ json_text('$.ppb_country_display', 'client') }} as ppb_country_display,
        {{ json_text('$.url', 'client') }} as api_url,

        ----------  numerics
        filings_count,

        ----------  booleans
        -- as in stg_lda__filings: false when missing
        coalesce(cast(client ->> '$.client_self_select' as boolean), false)
            as is_client_self_select,
        cast(client ->> '$.client_government_entity' as boolean) as is_client_government_entity,

        ----------  dates
        cast({{ json_text('$.effective_date', 'client') }} as date) as effective_date,
        first_posted_at,
        last_posted_at

    from versioned
    where version_rank = 1

)

select * from renamed
