-- One row per resolved company: every company_id that a source name resolves to, every company
-- of the alias seed (so that a company the news patterns name exists even before any of its filings
-- or awards has been loaded) and every parent known only from USAspending. The parent comes from
-- an analyst's set_parent decision, the alias seed or the USAspending parent
-- (int_company_name_matches.parent_rule).

with

names as (

    select * from {{ ref('int_company_name_matches') }}

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
        min(parent_company_id) as parent_company_id,
        min(top_company_id) as top_company_id,
        -- ties go to the alphabetically first spelling, so that builds agree
        first(company_name_raw order by records_count desc, company_name_raw asc) as most_used_name,
        count(*) as name_variants_count,
        list(company_name_raw order by records_count desc, company_name_raw asc) as name_variants,
        list(distinct match_rule order by match_rule) as match_rules,
        -- every name, with the rule that resolved it, what that rule rested on and where the
        -- name is spelled so
        list(
            {
                'company_name_raw': company_name_raw,
                'match_rule': match_rule,
                'match_score': match_score,
                'match_evidence': match_evidence,
                'sources': list_filter(
                    [
                        case when is_lda_client then 'lda_client' end,
                        case
                            when is_lda_self_filing_registrant then 'lda_self_filing_registrant'
                        end,
                        case when is_usaspending_recipient then 'usaspending_recipient' end
                    ],
                    lambda name_source: name_source is not null
                ),
                'records_count': records_count
            }
            order by records_count desc, company_name_raw asc
        ) as name_matches,
        min(parent_rule) as parent_rule,
        min(match_score) as min_match_score,
        bool_or(is_lda_client or is_lda_self_filing_registrant) as has_lda_filings,
        bool_or(is_lda_self_filing_registrant) as is_lda_self_filer,
        bool_or(is_usaspending_recipient) as has_contract_awards
    from names
    group by company_id

),

-- a parent known only as the USAspending parent of some recipient: a company of its own
parent_only_companies as (

    select distinct parent_company_id as company_id
    from names
    where
        parent_company_id is not null
        and parent_company_id not in (select alias_companies.company_id from alias_companies)
        and parent_company_id not in (select name_companies.company_id from name_companies)

),

companies as (

    select
        coalesce(alias_companies.company_id, name_companies.company_id) as company_id,
        alias_companies.company_name as alias_company_name,
        alias_companies.parent_company_id as alias_parent_company_id,
        name_companies.* exclude (company_id)
    from alias_companies
    full outer join name_companies
        on alias_companies.company_id = name_companies.company_id

    union all by name

    select
        parent_only_companies.company_id,
        parent_only_companies.company_id as alias_company_name,
        null as alias_parent_company_id
    from parent_only_companies

),

final as (

    select
        companies.company_id,
        coalesce(companies.alias_company_name, companies.most_used_name) as company_name,
        coalesce(companies.alias_parent_company_id, companies.parent_company_id)
            as parent_company_id,
        case
            when companies.alias_parent_company_id is not null then 'alias_seed'
            else companies.parent_rule
        end as parent_rule,
        coalesce(
            companies.top_company_id,
            companies.alias_parent_company_id,
            companies.company_id
        ) as top_company_id,
        companies.company_id in (select alias_companies.company_id from alias_companies)
            as is_in_alias_seed,
        coalesce(companies.name_variants_count, 0) as name_variants_count,
        coalesce(companies.name_variants, []) as name_variants,
        coalesce(companies.match_rules, []) as match_rules,
        coalesce(companies.name_matches, []) as name_matches,
        companies.min_match_score,
        coalesce(companies.has_lda_filings, false) as has_lda_filings,
        coalesce(companies.is_lda_self_filer, false) as is_lda_self_filer,
        coalesce(companies.has_contract_awards, false) as has_contract_awards
    from companies

)

select * from final
