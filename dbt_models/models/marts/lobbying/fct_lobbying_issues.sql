-- One row per lobbying activity (issue) of a current LDA report: what the company lobbied on.
-- Dollars belong to the report, not to an issue: join fct_lobbying_reports for the amount.

with

reports as (

    select * from {{ ref('fct_lobbying_reports') }}

),

activities as (

    select * from {{ ref('stg_lda__activities') }}

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
