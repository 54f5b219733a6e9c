-- One row per contribution item of an LD-203 report (the report's contribution_items list, in the
-- order the report gives it): a FECA contribution of $200 or more, or an honorary, meeting,
-- presidential library or inaugural expense. Every field of the API's object, typed; the amount is
-- a decimal string in the API. Filers write "no honoree" as the string "None": it becomes null, as
-- empty strings do.

with

source as (

    select * from {{ source('raw', 'lda_contributions') }}

),

items as (

    select
        source.filing_uuid,
        cast(item.key as integer) as contribution_item_index,
        item.value as item
    from source,
        json_each(source.record, '$.contribution_items') as item

),

renamed as (

    select

        ----------  ids
        {{ surrogate_key(['filing_uuid', 'contribution_item_index']) }} as contribution_item_id,
        filing_uuid,
        contribution_item_index,

        ----------  strings
        {{ json_text('$.contribution_type', 'item') }} as contribution_type,
        {{ json_text('$.contribution_type_display', 'item') }} as contribution_type_display,
        {{ json_text('$.contributor_name', 'item') }} as contributor_name,
        {{ json_text('$.payee_name', 'item') }} as payee_name,
        case
            when lower({{ json_text('$.honoree_name', 'item') }}) = 'none' then null
            else {{ json_text('$.honoree_name', 'item') }}
        end as honoree_name,

        ----------  numerics
        cast(item ->> '$.amount' as decimal(14, 2)) as amount,

        ----------  dates
        cast({{ json_text('$.date', 'item') }} as date) as contribution_date

    from items

)

select * from renamed
