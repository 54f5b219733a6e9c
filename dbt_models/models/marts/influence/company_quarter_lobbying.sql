-- A company's lobbying spend per calendar quarter, counted once: the sum of the amounts of the
-- reports int_lda_reports_counted_once counts (the company's own expenses reports if it files for
-- itself that quarter, else the outside firms' income from it). A null amount ("less than
-- $5,000") adds nothing to the sum, and a quarter whose counted reports are all null has a null
-- spend, not 0. A "no activity" report counts as 0.
-- Incremental by company and year (a quarter's counted-once rule reads every report of the
-- company's quarter, and the company's name): a build redoes the years of a company whose reports
-- changed since its last build, every year of a renamed company
-- (company_quarter_lobbying_fingerprints, redo_changed_keys).

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys(
            company_year_key('company_id', 'year'), company_quarter_lobbying_fingerprints(),
            rows=company_years_redone_rows(),
        ) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

reports as (

    select * from {{ ref('int_lda_reports_counted_once') }}
    where
        company_id is not null
        and quarter is not null
        {{ company_years_to_redo('company_id', 'year', shifts=[0]) }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

by_quarter as (

    select
        company_id,
        year,
        quarter,
        spend_basis,
        sum(amount) filter (where is_counted_in_spend) as lobbying_spend,
        count(*) filter (where is_counted_in_spend and is_amount_undisclosed)
            as undisclosed_amount_reports_count,
        count(*) as reports_count,
        count(*) filter (where is_self_filed) as self_filed_reports_count,
        count(*) filter (where not is_self_filed) as outside_firm_reports_count,
        count(distinct registrant_id) filter (where not is_self_filed) as outside_firms_count,
        sum(amount) filter (where is_self_filed) as self_filed_expenses,
        sum(amount) filter (where not is_self_filed) as outside_firm_income,
        count(*) filter (where is_no_activity) as no_activity_reports_count,
        sum(superseded_versions_count) as superseded_versions_count
    from reports
    group by company_id, year, quarter, spend_basis

),

final as (

    select
        {{ surrogate_key(['by_quarter.company_id', 'by_quarter.year', 'by_quarter.quarter']) }}
            as company_quarter_id,
        by_quarter.company_id,
        companies.company_name,
        by_quarter.year,
        by_quarter.quarter,
        by_quarter.lobbying_spend,
        by_quarter.spend_basis,
        by_quarter.reports_count,
        by_quarter.self_filed_reports_count,
        by_quarter.outside_firm_reports_count,
        by_quarter.outside_firms_count,
        by_quarter.undisclosed_amount_reports_count,
        by_quarter.no_activity_reports_count,
        by_quarter.self_filed_expenses,
        by_quarter.outside_firm_income,
        by_quarter.superseded_versions_count
    from by_quarter
    left join companies
        on by_quarter.company_id = companies.company_id

)

select * from final
