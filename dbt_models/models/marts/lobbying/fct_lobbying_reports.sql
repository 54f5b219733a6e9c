-- One row per current LDA quarterly report (the latest amendment of each registrant x client x
-- period), with the client resolved to a company and the report's amount chosen by who filed it:
-- a self-filer's expenses, an outside firm's income.

with

reports as (

    select * from {{ ref('int_lda_filings_latest') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

final as (

    select
        -- ids
        reports.filing_uuid,
        reports.report_id,
        company_names.company_id,
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
        case
            when reports.is_no_activity and reports.is_client_self_select
                then coalesce(reports.expenses, 0)
            when reports.is_no_activity then coalesce(reports.income, 0)
            when reports.is_client_self_select then reports.expenses
            else reports.income
        end as amount,
        case
            when reports.is_client_self_select then 'self_filed_expenses'
            else 'outside_firm_income'
        end as amount_basis,

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
        reports.filing_document_url
    from reports
    left join company_names
        on reports.client_name = company_names.company_name_raw

)

select
    *,
    amount is null as is_amount_undisclosed
from final
