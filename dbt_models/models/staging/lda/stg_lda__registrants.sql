-- One row per LDA registrant (registrant.id): the registrant object as it reads on the latest
-- filing that carries it. Every filing embeds a copy of its registrant, and names, addresses and
-- contacts change over the years, so the copy on the filing posted last wins; a tie on posted_at
-- goes to the greatest filing_uuid, as in int_lda_filings_latest.

with

source as (

    select * from {{ source('raw', 'lda_filings') }}

),

-- the fields read below from one parse of each filing (json_fields: the same text as ->>)
parsed as (

    select
        source.filing_uuid,
        {{ json_fields('source.record', [
            '$.registrant.id',
            '$.dt_posted',
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

copies as (

    select
        parsed.filing_uuid,
        cast(parsed.filing.registrant.id as bigint) as registrant_id,
        {{ lda_timestamp_of('parsed.filing.dt_posted') }} as posted_at,
        parsed.filing.registrant
    from parsed
    where parsed.filing.registrant.id is not null

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
        versioned.registrant_id,
        cast(versioned.registrant.house_registrant_id as bigint) as house_registrant_id,
        versioned.filing_uuid as latest_filing_uuid,

        ----------  strings
        {{ blank_as_null('versioned.registrant.name') }} as registrant_name,
        {{ blank_as_null('versioned.registrant.description') }} as registrant_description,
        {{ blank_as_null('versioned.registrant.address_1') }} as address_1,
        {{ blank_as_null('versioned.registrant.address_2') }} as address_2,
        {{ blank_as_null('versioned.registrant.address_3') }} as address_3,
        {{ blank_as_null('versioned.registrant.address_4') }} as address_4,
        {{ blank_as_null('versioned.registrant.city') }} as city,
        {{ blank_as_null('versioned.registrant.state') }} as state,
        {{ blank_as_null('versioned.registrant.state_display') }} as state_display,
        {{ blank_as_null('versioned.registrant.zip') }} as zip,
        {{ blank_as_null('versioned.registrant.country') }} as country,
        {{ blank_as_null('versioned.registrant.country_display') }} as country_display,
        {{ blank_as_null('versioned.registrant.ppb_country') }} as ppb_country,
        {{ blank_as_null('versioned.registrant.ppb_country_display') }} as ppb_country_display,
        {{ blank_as_null('versioned.registrant.contact_name') }} as contact_name,
        {{ blank_as_null('versioned.registrant.contact_telephone') }} as contact_telephone,
        {{ blank_as_null('versioned.registrant.url') }} as api_url,

        ----------  numerics
        versioned.filings_count,

        ----------  dates
        cast({{ blank_as_null('versioned.registrant.dt_updated') }} as timestamp with time zone)
            as registrant_updated_at,
        versioned.first_posted_at,
        versioned.last_posted_at

    from versioned
    where versioned.version_rank = 1

)

select * from renamed
