-- One row per company: its lobbying by year (counted once, as company_quarter_lobbying counts it),
-- the issues and agencies its current reports named most, the agencies that obligated it the most
-- (award actions in the loaded years),
-- and how many news titles mention it. Lists are ordered, largest first, five entries at most.
-- Incremental by company: a build redoes the companies whose inputs changed since its last build
-- (company_profile_fingerprints, redo_changed_keys), or every company when the agencies' names
-- changed; `influence refresh --full` rebuilds every row.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys('company_id', company_profile_fingerprints()) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

companies as (

    select * from {{ ref('dim_company') }}
    {{ changed_keys_only('company_id', keyword='where') }}

),

quarters as (

    select * from {{ ref('company_quarter_lobbying') }}
    {{ changed_keys_only('company_id', keyword='where') }}

),

issues as (

    select * from {{ ref('fct_lobbying_issues') }}
    {{ changed_keys_only('company_id', keyword='where') }}

),

reports as (

    select * from {{ ref('fct_lobbying_reports') }}
    {{ changed_keys_only('company_id', keyword='where') }}

),

report_agencies as (

    select * from {{ ref('int_lda_report_agencies') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

actions as (

    select * from {{ ref('fct_contract_transactions') }}
    {{ changed_keys_only('company_id', keyword='where') }}

),

news as (

    select * from {{ ref('fct_news_mentions') }}
    {{ changed_keys_only('company_id', keyword='where') }}

),

lobbying_years as (

    select
        company_id,
        year,
        sum(lobbying_spend) as lobbying_spend,
        cast(sum(reports_count) as bigint) as reports_count
    from quarters
    group by company_id, year

),

lobbying as (

    select
        company_id,
        sum(lobbying_spend) as lobbying_spend_total,
        list(
            { 'year': year, 'lobbying_spend': lobbying_spend, 'reports': reports_count }
            order by year
        ) as lobbying_by_year
    from lobbying_years
    group by company_id

),

issue_counts as (

    select
        company_id,
        issue_code,
        any_value(issue_name) as issue_name,
        count(distinct filing_uuid) as reports_count
    from issues
    where company_id is not null
    group by company_id, issue_code

),

top_issues as (

    select
        company_id,
        list(
            { 'issue_code': issue_code, 'issue_name': issue_name, 'reports': reports_count }
            order by reports_count desc, issue_code asc
        )[1:5] as top_issues
    from issue_counts
    group by company_id

),

agency_lobbying_counts as (

    select
        reports.company_id,
        report_agencies.agency_code,
        count(distinct report_agencies.filing_uuid) as reports_count
    from report_agencies
    inner join reports
        on report_agencies.filing_uuid = reports.filing_uuid
    where reports.company_id is not null and report_agencies.agency_level = 'toptier'
    group by reports.company_id, report_agencies.agency_code

),

top_agencies_lobbied as (

    select
        agency_lobbying_counts.company_id,
        list(
            {
                'agency_code': agency_lobbying_counts.agency_code,
                'agency_name': agencies.agency_name,
                'reports': agency_lobbying_counts.reports_count
            }
            order by
                agency_lobbying_counts.reports_count desc, agency_lobbying_counts.agency_code asc
        )[1:5] as top_agencies_lobbied
    from agency_lobbying_counts
    left join agencies
        on agency_lobbying_counts.agency_code = agencies.agency_code
    group by agency_lobbying_counts.company_id

),

awarding_totals as (

    select
        company_id,
        awarding_toptier_code as agency_code,
        any_value(awarding_toptier_name) as agency_name,
        count(distinct generated_internal_id) as awards_count,
        sum(transaction_amount) as obligations
    from actions
    where company_id is not null
    group by company_id, awarding_toptier_code

),

contracts as (

    select
        company_id,
        sum(awards_count) as contract_awards_count,
        sum(obligations) as contract_obligations_total,
        list(
            {
                'agency_code': agency_code,
                'agency_name': agency_name,
                'awards': awards_count,
                'obligations': obligations
            }
            order by obligations desc, agency_code asc
        )[1:5] as top_awarding_agencies
    from awarding_totals
    group by company_id

),

news_counts as (

    select
        company_id,
        count(distinct url) as news_mentions_count
    from news
    where company_id is not null
    group by company_id

),

final as (

    select
        companies.company_id,
        companies.company_name,
        companies.parent_company_id,
        companies.top_company_id,
        lobbying.lobbying_spend_total,
        coalesce(lobbying.lobbying_by_year, []) as lobbying_by_year,
        coalesce(top_issues.top_issues, []) as top_issues,
        coalesce(top_agencies_lobbied.top_agencies_lobbied, []) as top_agencies_lobbied,
        coalesce(contracts.contract_awards_count, 0) as contract_awards_count,
        coalesce(contracts.contract_obligations_total, 0) as contract_obligations_total,
        coalesce(contracts.top_awarding_agencies, []) as top_awarding_agencies,
        coalesce(news_counts.news_mentions_count, 0) as news_mentions_count
    from companies
    left join lobbying
        on companies.company_id = lobbying.company_id
    left join top_issues
        on companies.company_id = top_issues.company_id
    left join top_agencies_lobbied
        on companies.company_id = top_agencies_lobbied.company_id
    left join contracts
        on companies.company_id = contracts.company_id
    left join news_counts
        on companies.company_id = news_counts.company_id

)

select * from final
