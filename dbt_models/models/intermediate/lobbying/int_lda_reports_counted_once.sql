-- The disclosure law's money rules at the grain of the current LDA report, in one place. A
-- report's amount is what its filer declares: a self-filer's expenses, an outside firm's income;
-- null when under $5,000 (never 0), 0 for a "no activity" report. A company's quarter counts
-- either its own expenses reports, when it files for itself that quarter (that total already
-- includes what it paid outside firms), or else the outside firms' income from it, never both:
-- is_counted_in_spend marks the reports whose amounts make up the quarter's spend. Every mart
-- that sums lobbying dollars by company sums the counted reports of this model.

with

reports as (

    select * from {{ ref('int_lda_filings_latest') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

amounts as (

    select
        -- ids
        reports.filing_uuid,
        company_names.company_id,
        reports.registrant_id,

        -- period
        reports.filing_year as year,
        reports.filing_quarter as quarter,

        -- money
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

        -- versions
        reports.superseded_versions_count
    from reports
    left join company_names
        on reports.client_name = company_names.company_name_raw

),

spend_bases as (

    select
        *,
        amount is null as is_amount_undisclosed,
        -- a report without a company or a quarter (pre-2008 half years) is in no company quarter
        case
            when company_id is null or quarter is null then null
            when bool_or(is_self_filed) over company_quarter then 'self_filed_expenses'
            else 'outside_firm_income'
        end as spend_basis
    from amounts
    window company_quarter as (partition by company_id, year, quarter)

),

final as (

    select
        *,
        coalesce(amount_basis = spend_basis, false) as is_counted_in_spend
    from spend_bases

)

select * from final
