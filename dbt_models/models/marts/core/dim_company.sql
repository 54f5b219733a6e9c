-- One row per resolved company: every company_id that a source name resolves to, and every company
-- of the alias seed (so that a company the news patterns name exists even before any of its filings
-- or awards has been loaded).

with

names as (

    select * from {{ ref('int_company_names_normalized') }}

),

aliases as (

    select * from {{ ref('company_aliases') }}

),

alias_companies as (

    select
        company_id,
        min(company_name) as company_name,
        min(parent_company_id) as parent_company_id
    from aliases
    group by company_id

),

name_companies as (

    select
        company_id,
        arg_max(company_name_raw, records_count) as most_used_name,
        count(*) as name_variants_count,
        list(company_name_raw order by records_count desc, company_name_raw asc) as name_variants,
        bool_or(is_lda_client or is_lda_self_filing_registrant) as has_lda_filings,
        bool_or(is_lda_self_filing_registrant) as is_lda_self_filer,
        bool_or(is_usaspending_recipient) as has_contract_awards
    from names
    group by company_id

),

final as (

    select
        coalesce(alias_companies.company_id, name_companies.company_id) as company_id,
        coalesce(alias_companies.company_name, name_companies.most_used_name) as company_name,
        alias_companies.parent_company_id,
        coalesce(alias_companies.parent_company_id, coalesce(
            alias_companies.company_id, name_companies.company_id
        )) as top_company_id,
        alias_companies.company_id is not null as is_in_alias_seed,
        coalesce(name_companies.name_variants_count, 0) as name_variants_count,
        coalesce(name_companies.name_variants, []) as name_variants,
        coalesce(name_companies.has_lda_filings, false) as has_lda_filings,
        coalesce(name_companies.is_lda_self_filer, false) as is_lda_self_filer,
        coalesce(name_companies.has_contract_awards, false) as has_contract_awards
    from alias_companies
    full outer join name_companies
        on alias_companies.company_id = name_companies.company_id

)

select * from final
