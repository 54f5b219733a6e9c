-- One row per name of a GLEIF legal entity: its registered legal name, and every other name the
-- LEI record lists (previous legal names, legal names in other languages, trading names, ASCII
-- transliterations), each typed as GLEIF types it. Evidence for the company resolver.

with

source as (

    select * from {{ source('raw', 'gleif_lei_records') }}

),

legal_names as (

    select
        lei,
        'legalName' as name_list,
        0 as name_position,
        'LEGAL_NAME' as gleif_name_type,
        record -> '$.attributes.entity.legalName' as name_object
    from source

),

other_names as (

    select
        source.lei,
        'otherNames' as name_list,
        cast(other.key as integer) + 1 as name_position,
        other.value ->> '$.type' as gleif_name_type,
        other.value as name_object
    from source,
        json_each(source.record, '$.attributes.entity.otherNames') as other

),

transliterated_names as (

    select
        source.lei,
        'transliteratedOtherNames' as name_list,
        cast(other.key as integer) + 1 as name_position,
        other.value ->> '$.type' as gleif_name_type,
        other.value as name_object
    from source,
        json_each(source.record, '$.attributes.entity.transliteratedOtherNames') as other

),

names as (

    select * from legal_names
    union all
    select * from other_names
    union all
    select * from transliterated_names

),

renamed as (

    select

        ----------  ids
        lei || '|' || name_list || '|' || name_position as entity_name_key,
        lei,

        ----------  strings
        {{ json_text('$.name', 'name_object') }} as entity_name,
        case gleif_name_type
            when 'LEGAL_NAME' then 'legal'
            when 'PREVIOUS_LEGAL_NAME' then 'previous_legal'
            when 'ALTERNATIVE_LANGUAGE_LEGAL_NAME' then 'alternative_language_legal'
            when 'TRADING_OR_OPERATING_NAME' then 'trading_or_operating'
            when 'PREFERRED_ASCII_TRANSLITERATED_LEGAL_NAME'
                then 'preferred_ascii_transliterated_legal'
            when 'AUTO_ASCII_TRANSLITERATED_LEGAL_NAME' then 'auto_ascii_transliterated_legal'
            else lower(regexp_replace(gleif_name_type, '_NAME$', ''))
        end as name_kind,
        gleif_name_type,
        {{ json_text('$.language', 'name_object') }} as name_language,
        name_list,

        ----------  numerics
        name_position

    from names

)

select * from renamed
where entity_name is not null
