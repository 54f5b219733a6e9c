-- A company's lobbying spend per calendar quarter, counted once (the disclosure law's rule, as
-- OpenSecrets applies it): the company's own expenses report(s) if it files for itself that
-- quarter, because that total already includes what it paid outside firms; else the sum of the
-- outside firms' income from it. A null amount ("less than $5,000") stays null: it adds nothing to
-- a sum, and a quarter whose only reports are null has a null spend, not 0. A "no activity" report
-- counts as 0.

with

reports as (

    select * from {{ ref('fct_lobbying_reports') }}
    where
        company_id is not null
        and quarter is not null

),

companies as (

    select * from {{ ref('dim_company') }}

),

by_quarter as (

    select
        company_id,
        year,
        quarter,
        count(*) as reports_count,
        count(*) filter (where is_self_filed) as self_filed_reports_count,
        count(*) filter (where not is_self_filed) as outside_firm_reports_count,
        count(distinct registrant_id) filter (where not is_self_filed) as outside_firms_count,
        sum(amount) filter (where is_self_filed) as self_filed_expenses,
        sum(amount) filter (where not is_self_filed) as outside_firm_income,
        count(*) filter (where is_self_filed and is_amount_undisclosed)
            as self_filed_undisclosed_count,
        count(*) filter (where not is_self_filed and is_amount_undisclosed)
            as outside_firm_undisclosed_count,
        count(*) filter (where is_no_activity) as no_activity_reports_count,
        sum(superseded_versions_count) as superseded_versions_count
    from reports
    group by company_id, year, quarter

),

final as (

    select
        {{ surrogate_key(['by_quarter.company_id', 'by_quarter.year', 'by_quarter.quarter']) }}
            as company_quarter_id,
        by_quarter.company_id,
        companies.company_name,
        by_quarter.year,
        by_quarter.quarter,
        case
            when by_quarter.self_filed_reports_count > 0 then by_quarter.self_filed_expenses
            else by_quarter.outside_firm_income
        end as lobbying_spend,
        case
            when by_quarter.self_filed_reports_count > 0 then 'self_filed_expenses'
            else 'outside_firm_income'
        end as spend_basis,
        by_quarter.reports_count,
        by_quarter.self_filed_reports_count,
        by_quarter.outside_firm_reports_count,
        by_quarter.outside_firms_count,
        case
            when by_quarter.self_filed_reports_count > 0
                then by_quarter.self_filed_undisclosed_count
            else by_quarter.outside_firm_undisclosed_count
        end as undisclosed_amount_reports_count,
        by_quarter.no_activity_reports_count,
        by_quarter.self_filed_expenses,
        by_quarter.outside_firm_income,
        by_quarter.superseded_versions_count
    from by_quarter
    left join companies
        on by_quarter.company_id = companies.company_id

)

select * from final
