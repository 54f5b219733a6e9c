with

source as (

    select * from {{ source('raw', 'toy_widgets') }}

),

renamed as (

    select
        -- ids
        widget_id,

        -- strings
        record ->> '$.name' as widget_name,

        -- numerics
        try_cast(record ->> '$.price' as decimal(10, 2)) as price

    from source

)

select * from renamed
