-- One row per lobbying activity (issue) of a current LDA report: what the company lobbied on.
-- Dollars belong to the report, not to an issue: join fct_lobbying_reports for the amount.
-- Incremental by filing: a build redoes the filings whose activities or current report's row
-- changed since its last build (a new or amended filing, a report resolved to another company,
-- one superseded: its rows go), or every filing when the issue codes' names change
-- (fct_lobbying_issues_fingerprints, redo_changed_keys).

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys('filing_uuid', fct_lobbying_issues_fingerprints()) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

reports as (

    select * from {{ ref('fct_lobbying_reports') }}
    {{ changed_keys_only('filing_uuid', 'where') }}

),

activities as (

    select * from {{ ref('stg_lda__activities') }}
    {{ changed_keys_only('filing_uuid', 'where') }}

),

issue_codes as (

    select * from {{ ref('lda_issue_codes') }}

),

final as (

    select
        activities.activity_id,
        activities.filing_uuid,
        activities.activity_index,
        reports.company_id,
        reports.client_name,
        reports.registrant_name,
        reports.is_self_filed,
        reports.year,
        reports.quarter,
        activities.issue_code,
        coalesce(issue_codes.issue_name, activities.issue_code_display) as issue_name,
        activities.description,
        activities.foreign_entity_issues,
        activities.lobbyists_count,
        activities.government_entities_count
    from activities
    inner join reports
        on activities.filing_uuid = reports.filing_uuid
    left join issue_codes
        on activities.issue_code = issue_codes.issue_code

)

select * from final
