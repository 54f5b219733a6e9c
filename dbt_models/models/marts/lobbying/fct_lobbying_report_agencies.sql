-- One row per current lobbying report x agency it named, as USAspending agency codes (a report that
-- named ICE has a row for ICE, 7012, and one for DHS, 070), with the report's company and quarter:
-- the join from a report's text (fct_lobbying_issues) to the agencies and their obligations
-- (company_agency_quarter).
-- Incremental by filing: a build redoes the filings whose agencies or current report's company
-- or quarter changed since its last build, or every filing when the agencies' names change
-- (fct_lobbying_report_agencies_fingerprints, redo_changed_keys).

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys('filing_uuid', fct_lobbying_report_agencies_fingerprints()) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

report_agencies as (

    select * from {{ ref('int_lda_report_agencies') }}
    {{ changed_keys_only('filing_uuid', 'where') }}

),

reports as (

    select * from {{ ref('fct_lobbying_reports') }}
    {{ changed_keys_only('filing_uuid', 'where') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

final as (

    select
        report_agencies.report_agency_id,
        report_agencies.filing_uuid,
        reports.company_id,
        reports.year,
        reports.quarter,
        report_agencies.agency_code,
        report_agencies.agency_level,
        report_agencies.toptier_code,
        agencies.agency_name,
        agencies.abbreviation as agency_abbreviation,
        report_agencies.is_named_directly,
        report_agencies.government_entity_ids
    from report_agencies
    inner join reports
        on report_agencies.filing_uuid = reports.filing_uuid
    left join agencies
        on report_agencies.agency_code = agencies.agency_code

)

select * from final
