-- One row per LDA registrant (registrant.id): the registrant object as it reads on the latest
-- filing that carries it. Every filing embeds a copy of its registrant, and names, addresses and
-- contacts change over the years, so the copy on the filing posted last wins; a tie on posted_at
-- goes to the greatest filing_uuid, as in int_lda_filings_latest.

with

source as (

    select * from {{ source('raw', 'lda_filings') }}

),

copies as (

    select
        source.filing_uuid,
        cast(source.record ->> '$.registrant.id' as bigint) as registrant_id,
        {{ lda_timestamp('$.dt_posted', 'source.record') }} as posted_at,
        source.record -> '$.registrant' as registrant
    from source
    where source.record ->> '$.registrant.id' is not null

),

versioned as (

    select
        copies.*,
        row_number() over latest_first as version_rank,
        count(*) over registrant_window as filings_count,
        min(copies.posted_at) over registrant_window as first_posted_at,
        max(copies.posted_at) over registrant_window as last_posted_at
    from copies
    window
        registrant_window as (partition by registrant_id),
        latest_first as (
            partition by registrant_id
            {{ lda_version_order('latest_first') }}
        )

),

renamed as (

    select

        ----------  ids
        registrant_id,
        cast(registrant ->> '$.house_registrant_id' as bigint) as house_registrant_id,
        filing_uuid as latest_filing_uuid,

        ----------  strings
        {{ json_text('$.name', 'registrant') }} as registrant_name,
        {{ json_text('$.description', 'registrant') }} as registrant_description,
        {{ json_text('$.address_1', 'registrant') }} as address_1,
        {{ json_text('$.address_2', 'registrant') }} as address_2,
        {{ json_text('$.address_3', 'registrant') }} as address_3,
        {{ json_text('$.address_4', 'registrant') }} as address_4,
        {{ json_text('$.city', 'registrant') }} as city,
        {{ json_text('$.state', 'registrant') }} as state,
        {{ json_text('$.state_display', 'registrant') }} as state_display,
        {{ json_text('$.zip', 'registrant') }} as zip,
        {{ json_text('$.country', 'registrant') }} as country,
        {{ json_text('$.country_display', 'registrant') }} as country_display,
        {{ json_text('$.ppb_country', 'registrant') }} as ppb_country,
        {{ json_text('$.ppb_country_display', 'registrant') }} as ppb_country_display,
        {{ json_text('$.contact_name', 'registrant') }} as contact_name,
        {{ json_text('$.contact_telephone', 'registrant') }} as contact_telephone,
        {{ json_text('$.url', 'registrant') }} as api_url,

        ----------  numerics
        filings_count,

        ----------  dates
        cast({{ json_text('$.dt_updated', 'registrant') }} as timestamp with time zone)
            as registrant_updated_at,
        first_posted_at,
        last_posted_at

    from versioned
    where version_rank = 1

)

select * from renamed
