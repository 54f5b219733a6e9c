-- One row per USAspending toptier agency, as the API's agency list names it.

with

source as (

    select * from {{ source('raw', 'usaspending_toptier_agencies') }}

),

renamed as (

    select

        ----------  ids
        toptier_code,

        ----------  strings
        {{ json_text('$.agency_name') }} as agency_name,
        nullif({{ json_text('$.abbreviation') }}, '') as abbreviation,
        {{ json_text('$.agency_slug') }} as agency_slug,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
