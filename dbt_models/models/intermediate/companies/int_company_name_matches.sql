-- Every company name the sources spell, resolved to one company: the rule that decided it
-- (analyst decision, alias, d/b/a alias, USAspending parent, a fuzzy rule, or its own normalised
-- name) and a score. Facts join on company_name_raw. Rules: macros/resolve_company_names.sql.

with

company_names as (

    select * from {{ ref('int_company_names_normalized') }}

),

candidates as (

    select * from {{ ref('int_company_match_candidates') }}

),

recipient_parents as (

    select * from {{ ref('int_usaspending_recipient_parents') }}

),

reference_names as (

    select * from {{ ref('int_company_reference_names') }}

),

resolved as (

    {{ resolve_company_names(
        'company_names', 'candidates', 'recipient_parents', 'reference_names'
    ) }}

),

final as (

    select
        company_names.company_name_raw,
        company_names.normalized_name,
        company_names.dba_name,
        company_names.former_name,
        resolved.company_id,
        resolved.parent_company_id,
        resolved.parent_rule,
        resolved.top_company_id,
        resolved.match_rule,
        resolved.match_score,
        resolved.matched_name,
        resolved.match_evidence,
        company_names.records_count,
        company_names.is_lda_client,
        company_names.is_lda_self_filing_registrant,
        company_names.is_usaspending_recipient
    from company_names
    inner join resolved
        on company_names.company_name_raw = resolved.company_name_raw

)

select * from final
