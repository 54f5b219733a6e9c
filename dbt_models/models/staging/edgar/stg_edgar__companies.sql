-- One row per SEC EDGAR company (CIK): its current name and what EDGAR says of it (tickers,
-- state of incorporation, business address, SIC code), with its former names as sent. The same
-- CIK landed padded and unpadded (the API has written both) is one company: the body loaded
-- last wins, the padded form (the API's current one) on a tie.

with

source as (

    select * from {{ source('raw', 'edgar_submissions') }}

),

latest as (

    select * from source
    qualify row_number() over (
        partition by {{ edgar_cik('cik') }}
        order by loaded_at desc, length(cik) desc
    ) = 1

),

renamed as (

    select

        ----------  ids
        {{ edgar_cik('cik') }} as cik,
        {{ json_text('$.ein') }} as employer_identification_number,
        {{ json_text('$.sic') }} as sic_code,

        ----------  strings
        {{ json_text('$.name') }} as company_name,
        {{ json_text('$.entityType') }} as entity_type,
        {{ json_text('$.sicDescription') }} as sic_description,
        {{ json_text('$.category') }} as filer_category,
        {{ json_text('$.stateOfIncorporation') }} as state_of_incorporation,
        {{ json_text('$.addresses.business.city') }} as business_address_city,
        {{ json_text('$.addresses.business.stateOrCountry') }} as business_address_state,
        {{ json_text('$.fiscalYearEnd') }} as fiscal_year_end,
        cast(coalesce(record -> '$.tickers', '[]') as varchar[]) as tickers,
        cast(coalesce(record -> '$.exchanges', '[]') as varchar[]) as exchanges,

        ----------  json
        coalesce(record -> '$.formerNames', '[]') as former_names,

        ----------  landing
        load_id,
        loaded_at

    from latest

)

select * from renamed
