-- One row per entry of a watched RSS or Atom feed, unpacked from the entry feedparser read.

with

source as (

    select * from {{ source('raw', 'feed_entries') }}

),

renamed as (

    select

        ----------  ids
        url,
        {{ json_text('$.id') }} as entry_id,

        ----------  strings
        {{ json_text('$.title') }} as title,
        -- the summary is HTML (RSS description, Atom summary): as plain text
        {{ html_to_text("record ->> '$.summary'") }} as description,
        {{ json_text('$.author') }} as author,
        {{ json_text('$.feed_url') }} as feed_url,
        {{ json_text('$.feed_title') }} as feed_title,
        {{ json_text('$.feed_version') }} as feed_version,

        ----------  dates
        -- UTC, as feedparser read the feed's own published / updated text
        strptime(
            (record ->> '$.published_utc') || '+0000', '%Y-%m-%dT%H:%M:%SZ%z'
        ) as published_at,
        strptime(
            (record ->> '$.updated_utc') || '+0000', '%Y-%m-%dT%H:%M:%SZ%z'
        ) as updated_at,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
