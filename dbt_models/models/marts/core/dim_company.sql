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

ownership as (

    select * from {{ ref('int_company_ownership') }}

),

-- GLEIF's parents that hold today, for companies the resolver gives none
gleif_parents as (

    select
        company_id,
        min(parent_company_id) filter (where relationship_type = 'direct')
            as direct_parent_company_id,
        min(parent_company_id) filter (where relationship_type = 'ultimate')
            as ultimate_parent_company_id
    from ownership
    where ownership_source = 'gleif' and is_current
    group by company_id

),

-- the legal name GLEIF gives a company, for companies no source spells
reference_companies as (

    select
        company_id,
        min(company_reference_name) as reference_name
    from (
        select
            ownership.company_id,
            ownership.company_reference_name
        from ownership
        union all
        select
            ownership.parent_company_id,
            ownership.parent_reference_name
        from ownership
    ) as owned_companies
    group by company_id

),

alias_companies as (

    select
        company_id,
        min(company_name) as company_name,
        min(parent_company_id) as parent_company_id
    from aliases
    group by company_id

),

-- each name's place among its company's names: the most used first; ties go to the
-- alphabetically first spelling, so that builds agree
ranked_names as (

    select
        names.*,
        row_number() over (
            partition by names.company_id
            order by names.records_count desc, names.company_name_raw asc
        ) as name_rank
    from names

),

-- the lists are put in that order after grouping (list_sort on the rank first): an ordered
-- aggregate sorts every group on its own, twice as slow on a full history's 750,000 names
name_companies as (

    select
        company_id,
        min(parent_company_id) as parent_company_id,
        min(top_company_id) as top_company_id,
        min_by(company_name_raw, name_rank) as most_used_name,
        count(*) as name_variants_count,
        list_transform(
            list_sort(list({ 'name_rank': name_rank, 'company_name_raw': company_name_raw })),
            lambda ranked: ranked['company_name_raw']
        ) as name_variants,
        list_sort(list(distinct match_rule)) as match_rules,
        -- every name, with the rule that resolved it, what that rule rested on and where the
        -- name is spelled so
        list_transform(
            list_sort(list({
                'name_rank': name_rank,
                'name_match': {
                    'company_name_raw': company_name_raw,
                    'match_rule': match_rule,
                    'match_score': match_score,
                    'match_evidence': match_evidence,
                    'sources': list_filter(
                        [
                            case when is_lda_client then 'lda_client' end,
                            case
                                when is_lda_self_filing_registrant
                                    then 'lda_self_filing_registrant'
                            end,
                            case when is_usaspending_recipient then 'usaspending_recipient' end
                        ],
                        lambda name_source: name_source is not null
                    ),
                    'records_count': records_count
                }
            })),
            lambda ranked: ranked['name_match']
        ) as name_matches,
        min(parent_rule) as parent_rule,
        min(match_score) as min_match_score,
        bool_or(is_lda_client or is_lda_self_filing_registrant) as has_lda_filings,
        bool_or(is_lda_self_filing_registrant) as is_lda_self_filer,
        bool_or(is_usaspending_recipient) as has_contract_awards
    from ranked_names
    group by company_id

),

-- a company known only as the USAspending parent of some recipient, or only from GLEIF (a
-- subsidiary or parent no source spells): a company of its own
parent_only_companies as (

    select distinct known.company_id
    from (
        select names.parent_company_id as company_id from names
        union all
        select reference_companies.company_id from reference_companies
    ) as known
    where
        known.company_id is not null
        and known.company_id not in (select alias_companies.company_id from alias_companies)
        and known.company_id not in (select name_companies.company_id from name_companies)

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
        coalesce(reference_companies.reference_name, parent_only_companies.company_id)
            as alias_company_name,
        null as alias_parent_company_id
    from parent_only_companies
    left join reference_companies
        on parent_only_companies.company_id = reference_companies.company_id

),

final as (

    select
        companies.company_id,
        coalesce(companies.alias_company_name, companies.most_used_name) as company_name,
        coalesce(
            companies.alias_parent_company_id,
            companies.parent_company_id,
            gleif_parents.direct_parent_company_id,
            gleif_parents.ultimate_parent_company_id
        ) as parent_company_id,
        case
            when companies.alias_parent_company_id is not null then 'alias_seed'
            when companies.parent_company_id is not null then companies.parent_rule
            when gleif_parents.company_id is not null then 'gleif_parent'
        end as parent_rule,
        case
            when
                companies.alias_parent_company_id is not null
                or companies.parent_company_id is not null
                then coalesce(
                    companies.top_company_id,
                    companies.alias_parent_company_id,
                    companies.company_id
                )
            else coalesce(
                gleif_parents.ultimate_parent_company_id,
                gleif_parents.direct_parent_company_id,
                companies.top_company_id,
                companies.company_id
            )
        end as top_company_id,
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
    left join gleif_parents
        on companies.company_id = gleif_parents.company_id

)

select * from final
