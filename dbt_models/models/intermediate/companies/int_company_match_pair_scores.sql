-- The resolver's scored name pairs, kept between builds so that a build scores only the pairs
-- involving names it has not seen (the pairs among names scored before are kept): the kept
-- candidates (accepted or worth a review) of each name against the curated names and against the
-- source names it is paired with (company_name_candidate_pairs), both ways, and one marker row
-- (no reference) per scored name.
-- int_company_match_candidates reads them instead of scoring every pair again. When the curated
-- names, the known words or the thresholds change (inputs_hash), every name is scored again;
-- `influence refresh --full` rebuilds it too.

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ drop_stale_company_match_scores() }}",
    )
}}

with

company_names as (

    select * from {{ ref('int_company_names_normalized') }}

),

-- the names scored by earlier builds (none on a full build)
scored_names as (

    {{ company_match_scored_names() }}

),

pair_scores as (

    {{ company_match_pair_scores('company_names', 'scored_names') }}

),

final as (

    select
        normalized_name,
        reference_name,
        company_id,
        is_curated_reference,
        match_rule,
        match_score,
        is_accepted,
        match_reason,
        {{ company_match_inputs_hash() }} as inputs_hash
    from pair_scores

)

select * from final
