-- One row per link of the watched RSS and Atom feeds, unpacked from the entries feedparser read:
-- the first feed's entry (watchlist order) gives the fields, and every feed that carried the
-- link is listed.

with

source as (

    select * from {{ source('raw', 'feed_entries') }}

),

first_entries as (

    select
        url,
        record -> '$.entries[0]' as entry,
        json_extract_string(record, '$.entries[*].feed_url') as feed_urls,
        json_array_length(record, '$.entries') as entries_count,
        load_id,
        loaded_at
    from source

),

renamed as (

    select

        ----------  ids
        url,
        {{ json_text('$.id', 'entry') }} as entry_id,

        ----------  strings
        {{ json_text('$.title', 'entry') }} as title,
        -- the summary is HTML (RSS description, Atom summary): as plain text
        {{ html_to_text("entry ->> '$.summary'") }} as description,
        {{ json_text('$.author', 'entry') }} as author,
        {{ json_text('$.feed_url', 'entry') }} as feed_url,
        {{ json_text('$.feed_title', 'entry') }} as feed_title,
        {{ json_text('$.feed_version', 'entry') }} as feed_version,
        list_sort(list_distinct(feed_urls)) as feed_urls,

        ----------  numerics
        cast(entries_count as integer) as entries_count,

        ----------  dates
        -- UTC, as feedparser read the feed's own published / updated text
        strptime(
            (entry ->> '$.published_utc') || '+0000', '%Y-%m-%dT%H:%M:%SZ%z'
        ) as published_at,
        strptime(
            (entry ->> '$.updated_utc') || '+0000', '%Y-%m-%dT%H:%M:%SZ%z'
        ) as updated_at,

        ----------  landing
        load_id,
        loaded_at

    from first_entries

)

select * from renamed
