-- One row per article of the analyst's own list, unpacked from the row as written.

with

source as (

    select * from {{ source('raw', 'analyst_articles') }}

),

renamed as (

    select

        ----------  ids
        url,

        ----------  strings
        {{ json_text('$.title') }} as title,
        {{ json_text('$.description') }} as description,
        {{ json_text('$.publisher') }} as publisher,
        {{ json_text('$.published') }} as published_text,
        {{ json_text('$._file') }} as source_file,

        ----------  numerics
        cast(record ->> '$._row' as integer) as source_row,

        ----------  dates
        -- ISO 8601; a time with an offset (Z, +hh:mm) is honoured, any other value (a bare date,
        -- a time without an offset) is read as UTC whatever the session's time zone
        case
            when
                regexp_matches(
                    {{ json_text('$.published') }},
                    '[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)? *(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'
                )
                then try_cast({{ json_text('$.published') }} as timestamptz)
            else timezone('UTC', try_cast({{ json_text('$.published') }} as timestamp))
        end as published_at,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
