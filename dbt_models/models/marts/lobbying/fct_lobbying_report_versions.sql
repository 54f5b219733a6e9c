-- Every version (the original and each amendment) of every LDA quarterly report, with its validity
-- interval: what a report said at any time, and how amendments changed it. The current versions
-- are the rows of fct_lobbying_reports; the company is the report's, as resolved there.

with

versions as (

    select * from {{ ref('int_lda_report_versions') }}

),

reports as (

    select * from {{ ref('fct_lobbying_reports') }}

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
