-- One row per name an SEC EDGAR company (CIK) has gone by: its current name and each of its
-- former names, with the dates EDGAR gives. Evidence for company identity: the names under one
-- CIK are one company. EDGAR lists former names in no particular order (Apple's newest first,
-- then older ones out of order), so the current name's start is the latest end of a former name.

with

companies as (

    select
        cik,
        company_name,
        former_names
    from {{ ref('stg_edgar__companies') }}

),

former_entries as (

    select
        cik,
        unnest(cast(former_names as json[])) as entry
    from companies

),

former_names as (

    select
        cik,
        'former' as name_kind,
        nullif(trim(entry ->> '$.name'), '') as company_name,
        {{ edgar_date("entry ->> '$.from'") }} as valid_from,
        {{ edgar_date("entry ->> '$.to'") }} as valid_to
    from former_entries

),

last_renamed as (

    select
        cik,
        max(valid_to) as renamed_on
    from former_names
    group by cik

),

current_names as (

    select
        companies.cik,
        'current' as name_kind,
        companies.company_name,
        last_renamed.renamed_on as valid_from,
        cast(null as date) as valid_to
    from companies
    left join last_renamed on companies.cik = last_renamed.cik

),

unioned as (

    select * from current_names
    union all
    select * from former_names

),

final as (

    select

        ----------  ids
        {{ surrogate_key(['cik', 'name_kind', 'company_name', 'valid_from', 'valid_to']) }}
            as company_name_id,
        cik,

        ----------  strings
        name_kind,
        company_name,

        ----------  dates
        valid_from,
        valid_to

    from unioned

)

select * from final
