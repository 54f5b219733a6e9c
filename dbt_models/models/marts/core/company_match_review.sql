-- The company matches an analyst should look at: every candidate that scored at or above the
-- review threshold without being accepted (a one-word common name, another kind of organisation,
-- a word beyond its edit budget, a similarity below the accept threshold), for names no analyst
-- has decided yet. A decision goes into seeds/reference/company_match_decisions.csv (accept,
-- reject or set_parent) and wins over the algorithm at the next refresh.

with

candidates as (

    select * from {{ ref('int_company_match_candidates') }}

),

matches as (

    select * from {{ ref('int_company_name_matches') }}

),

decisions as (

    select * from {{ ref('company_match_decisions') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

names as (

    select
        normalized_name,
        list(company_name_raw order by records_count desc, company_name_raw asc) as spellings,
        sum(records_count) as records_count,
        bool_or(is_lda_client or is_lda_self_filing_registrant) as is_lda_name,
        bool_or(is_usaspending_recipient) as is_usaspending_name,
        first(company_id order by records_count desc, company_id asc) as current_company_id,
        first(match_rule order by records_count desc, company_id asc) as current_match_rule
    from matches
    group by normalized_name

),

final as (

    select
        candidates.candidate_id as review_id,
        candidates.normalized_name,
        names.spellings,
        names.records_count,
        names.is_lda_name,
        names.is_usaspending_name,
        names.current_company_id,
        names.current_match_rule,
        candidates.company_id as candidate_company_id,
        companies.company_name as candidate_company_name,
        candidates.reference_name,
        candidates.match_rule,
        candidates.match_score,
        candidates.match_reason
    from candidates
    inner join names
        on candidates.normalized_name = names.normalized_name
    left join companies
        on candidates.company_id = companies.company_id
    where
        not candidates.is_accepted
        and candidates.company_id <> names.current_company_id
        and candidates.normalized_name not in (select decisions.normalized_name from decisions)

)

select * from final
