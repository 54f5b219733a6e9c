-- One row per item of the LDA's constants lists as the API served them: the code (a filing type,
-- an issue code, or a government entity id as text) and its name.

with

source as (

    select * from {{ source('raw', 'lda_constants') }}

),

items as (

    select
        source.constant_list,
        cast(item.key as integer) as item_index,
        item.value as item
    from source,
        json_each(source.record, '$.items') as item

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['constant_list', "coalesce(item ->> '$.id', item ->> '$.value')"]) }}
            as constant_id,
        constant_list,
        coalesce(item ->> '$.id', item ->> '$.value') as code,
        item_index,

        ----------  strings
        item ->> '$.name' as code_name

    from items

)

select * from renamed
