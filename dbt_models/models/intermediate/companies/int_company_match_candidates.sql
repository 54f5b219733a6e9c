-- Scored fuzzy candidates for the normalised names that no alias lists exactly: each name against
-- every curated name of company_aliases (rules and scores in macros/company_match_candidates.sql).
-- Accepted candidates resolve names in int_company_name_matches; the others at or above the
-- review threshold are company_match_review's rows. The pairs among names scored by an earlier
-- build come from int_company_match_pair_scores; only pairs with a new name are scored here (none
-- when that model has just scored them).

with

company_names as (

    select * from {{ ref('int_company_names_normalized') }}

),

candidates as (

    {{ company_match_candidates('company_names', cache=ref('int_company_match_pair_scores')) }}

),

final as (

    select
        {{ surrogate_key(['normalized_name', 'company_id']) }} as candidate_id,
        normalized_name,
        company_id,
        reference_name,
        match_rule,
        match_score,
        is_accepted,
        match_reason
    from candidates

)

select * from final
