-- The disclosure law's money rules at the grain of the current LDA report, in one place. A
-- report's amount is what its filer declares: a self-filer's expenses, an outside firm's income;
-- null when under the reporting threshold or never transcribed (never 0; amount_status says
-- which), 0 for a "no activity" report. A company's period (a quarter from 2008, a half year
-- before) counts either its own expenses reports, when it files for itself that period (that
-- total already includes what it paid outside firms), or else the outside firms' income from it,
-- never both: is_counted_in_spend marks the reports whose amounts make up the period's spend.
-- Every mart that sums lobbying dollars by company sums the counted reports of this model.

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
        reports.filing_half_year as half_year,
        reports.filing_period,
        case when reports.filing_quarter is not null then 'quarter' else 'half_year' end
            as period_grain,
        case
            when reports.filing_quarter is not null
                then make_date(reports.filing_year, 3 * reports.filing_quarter - 2, 1)
            else make_date(reports.filing_year, 6 * reports.filing_half_year - 5, 1)
        end as period_start_date,
        case
            when reports.filing_quarter is not null
                then last_day(make_date(reports.filing_year, 3 * reports.filing_quarter, 1))
            else last_day(make_date(reports.filing_year, 6 * reports.filing_half_year, 1))
        end as period_end_date,

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
        reports.reporting_threshold,
        reports.is_amount_not_transcribed,

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
        -- why an amount is null: the filer reported less than the threshold of its period, or
        -- the legacy paper filing was never transcribed (income, expenses and method all null)
        case
            when amount is not null then 'reported'
            when is_amount_not_transcribed then 'not_transcribed'
            else 'below_threshold'
        end as amount_status,
        -- a report without a company is in no company period
        case
            when company_id is null then null
            when bool_or(is_self_filed) over company_period then 'self_filed_expenses'
            else 'outside_firm_income'
        end as spend_basis
    from amounts
    window company_period as (partition by company_id, year, quarter, half_year)

),

final as (

    select
        *,
        coalesce(amount_basis = spend_basis, false) as is_counted_in_spend
    from spend_bases

)

select * from final
