-- A company's lobbying spend per reporting period, counted once, over every period the law has
-- had: calendar quarters from 2008 and half years (mid-year, year-end) before, when reports
-- covered six months. company_quarter_lobbying holds the quarters only; this mart is the one to
-- use across 2008, because a half year is never split into quarters (the law did not say how
-- the money was spread over its months). The spend rule is int_lda_reports_counted_once's. A
-- null amount adds nothing; amount_status tells a report under the threshold of its period
-- ($5,000 from 2008, $10,000 before) from a legacy paper filing whose money was never transcribed.
-- Incremental by company and year, as company_quarter_lobbying (a half year, too, lies in one
-- year): a build redoes the years of a company whose reports changed since its last build, every
-- year of a renamed company (company_period_lobbying_fingerprints, redo_changed_keys).

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys(
            company_year_key('company_id', 'year'), company_period_lobbying_fingerprints(),
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
        {{ company_years_to_redo('company_id', 'year', shifts=[0]) }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

by_period as (

    select
        company_id,
        year,
        filing_period,
        period_grain,
        quarter,
        half_year,
        period_start_date,
        period_end_date,
        reporting_threshold,
        spend_basis,
        sum(amount) filter (where is_counted_in_spend) as lobbying_spend,
        count(*) filter (where is_counted_in_spend and amount_status = 'below_threshold')
            as below_threshold_reports_count,
        count(*) filter (where is_counted_in_spend and amount_status = 'not_transcribed')
            as not_transcribed_reports_count,
        count(*) as reports_count,
        count(*) filter (where is_self_filed) as self_filed_reports_count,
        count(*) filter (where not is_self_filed) as outside_firm_reports_count,
        count(distinct registrant_id) filter (where not is_self_filed) as outside_firms_count,
        count(*) filter (where is_no_activity) as no_activity_reports_count
    from reports
    group by all

),

final as (

    select
        {{ surrogate_key(['by_period.company_id', 'by_period.year', 'by_period.filing_period']) }}
            as company_period_id,
        by_period.company_id,
        companies.company_name,
        by_period.year,
        by_period.filing_period,
        by_period.period_grain,
        by_period.quarter,
        by_period.half_year,
        by_period.period_start_date,
        by_period.period_end_date,
        by_period.lobbying_spend,
        by_period.spend_basis,
        by_period.reporting_threshold,
        by_period.reports_count,
        by_period.self_filed_reports_count,
        by_period.outside_firm_reports_count,
        by_period.outside_firms_count,
        by_period.below_threshold_reports_count,
        by_period.not_transcribed_reports_count,
        by_period.no_activity_reports_count
    from by_period
    left join companies
        on by_period.company_id = companies.company_id

)

select * from final
