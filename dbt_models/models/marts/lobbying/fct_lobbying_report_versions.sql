-- Every version (the original and each amendment) of every LDA quarterly report, with its validity
-- interval: what a report said at any time, and how amendments changed it. The current versions
-- are the rows of fct_lobbying_reports; the company is the report's, as resolved there.
-- Incremental by report (registrant, client, filing year and period; an amendment is another
-- filing of the same report, so the report, not the filing, holds every row its versions'
-- numbers and validity read): a build redoes the reports whose versions or current company
-- changed since its last build (fct_lobbying_report_versions_fingerprints, redo_changed_keys).

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys('report_id', fct_lobbying_report_versions_fingerprints()) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

versions as (

    select * from {{ ref('int_lda_report_versions') }}
    {{ changed_keys_only('report_id', 'where') }}

),

reports as (

    select * from {{ ref('fct_lobbying_reports') }}
    {{ changed_keys_only('report_id', 'where') }}

),

final as (

    select
        -- ids
        versions.filing_uuid,
        versions.report_id,
        reports.company_id,
        versions.client_id,
        versions.registrant_id,

        -- names
        versions.client_name,
        versions.registrant_name,

        -- period
        versions.filing_year as year,
        versions.filing_quarter as quarter,
        versions.filing_period,

        -- the version
        versions.version_number,
        versions.versions_count,
        versions.filing_type,
        versions.income,
        versions.expenses,
        versions.expenses_method,
        versions.is_client_self_select as is_self_filed,
        versions.is_amendment,
        versions.is_termination,
        versions.is_no_activity,
        versions.filing_document_url,

        -- validity
        versions.valid_from,
        versions.valid_to,
        versions.is_current
    from versions
    left join reports
        on versions.report_id = reports.report_id

)

select * from final
