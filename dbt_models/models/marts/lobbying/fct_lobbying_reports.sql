-- One row per current LDA quarterly report (the latest amendment of each registrant x client x
-- period), with the client resolved to a company and the report's amount chosen by who filed it
-- (a self-filer's expenses, an outside firm's income), both from int_lda_reports_counted_once,
-- where the money rules are written.
-- Incremental by filing: a build redoes the current filings whose row of int_lda_filings_latest
-- or int_lda_reports_counted_once changed since its last build, and deletes those no longer
-- current (fct_lobbying_reports_fingerprints, redo_changed_keys).

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys('filing_uuid', fct_lobbying_reports_fingerprints()) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

reports as (

    select * from {{ ref('int_lda_filings_latest') }}
    {{ changed_keys_only('filing_uuid', 'where') }}

),

counted_reports as (

    select * from {{ ref('int_lda_reports_counted_once') }}
    {{ changed_keys_only('filing_uuid', 'where') }}

),

final as (

    select
        -- ids
        reports.filing_uuid,
        reports.report_id,
        counted_reports.company_id,
        reports.client_id,
        reports.registrant_id,

        -- names
        reports.client_name,
        reports.registrant_name,

        -- period
        reports.filing_year as year,
        reports.filing_quarter as quarter,
        reports.filing_period,
        reports.filing_type,

        -- money
        reports.income,
        reports.expenses,
        reports.expenses_method,
        counted_reports.amount,
        counted_reports.amount_basis,

        -- flags
        reports.is_client_self_select as is_self_filed,
        reports.is_no_activity,
        reports.is_termination,
        reports.is_amendment,

        -- versions
        reports.versions_count,
        reports.superseded_versions_count,
        reports.superseded_filing_uuids,
        reports.first_posted_at,
        reports.posted_at,
        reports.filing_document_url,
        counted_reports.is_amount_undisclosed,
        counted_reports.amount_status,
        counted_reports.reporting_threshold
    from reports
    inner join counted_reports
        on reports.filing_uuid = counted_reports.filing_uuid

)

select * from final
