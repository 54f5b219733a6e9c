-- One row per news article (GDELT DOC 2.0 ArtList), unpacked from the raw JSON.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='url',
        on_schema_change='fail',
        post_hook="{{ record_loaded_at_watermark(source('raw', 'gdelt_articles')) }}",
    )
}}

with

source as (

    select * from {{ source('raw', 'gdelt_articles') }}
    {{ new_raw_rows() }}

),

renamed as (

    select

        ----------  ids
        url,

        ----------  strings
        {{ json_text('$.title') }} as title,
        {{ json_text('$.domain') }} as domain,
        {{ json_text('$.language') }} as language,
        {{ json_text('$.sourcecountry') }} as source_country,
        {{ json_text('$.url_mobile') }} as url_mobile,
        {{ json_text('$.socialimage') }} as social_image_url,

        ----------  dates
        -- seendate is UTC, written like 20181023T210400Z
        strptime(
            (record ->> '$.seendate') || '+0000', '%Y%m%dT%H%M%SZ%z'
        ) as seen_at,
        cast(strptime(record ->> '$.seendate', '%Y%m%dT%H%M%SZ') as date) as seen_date,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
