-- One row per watched company, agency and topic, unpacked from the watchlist's sections.

with

source as (

    select * from {{ source('raw', 'watchlist_sections') }}

),

entries as (

    select
        source.section,
        cast(entry.key as integer) as entry_index,
        entry.value as entry,
        source.load_id,
        source.loaded_at
    from source,
        json_each(source.record, '$.entries') as entry

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['section', "entry ->> '$.name'"]) }} as watchlist_entity_id,
        case section
            when 'companies' then 'company'
            when 'agencies' then 'agency'
            when 'topics' then 'topic'
        end as entity_type,
        case when section = 'agencies' then entry ->> '$.toptier_code' end as toptier_code,
        case
            when section = 'topics'
                then trim(regexp_replace(lower(entry ->> '$.name'), '[^\pL\pN]+', '-', 'g'), '-')
        end as topic_id,
        entry_index,

        ----------  strings
        {{ json_text('$.name', 'entry') }} as entity_name,

        ----------  lists
        case
            when section = 'topics' then [entry ->> '$.name']
            else cast(coalesce(entry -> '$.news_terms', '[]') as varchar[])
        end as news_terms,
        case
            when section = 'companies'
                then cast(coalesce(entry -> '$.recipient_search', '[]') as varchar[])
        end as recipient_search,
        case
            when section = 'agencies'
                then coalesce(json_extract_string(entry, '$.subtiers[*].code'), [])
        end as subtier_codes,

        ----------  landing
        load_id,
        loaded_at

    from entries

)

select * from renamed
