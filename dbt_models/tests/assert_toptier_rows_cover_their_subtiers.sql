-- A toptier row of company_agency_quarter covers its subtiers: its contract obligations, awards
-- and reports are at least the sum (awards) or the largest (reports) of its subtier rows. Checks
-- the companies' years the model's last build redid (all after a full build): a toptier row and
-- its subtier rows are of one company and year.

with

company_agency_quarter as (

    select * from {{ ref('company_agency_quarter') }}
    where
        {{ changed_company_years_tested('company_agency_quarter') }}

),

subtier_totals as (

    select
        company_id,
        toptier_code,
        year,
        quarter,
        sum(contract_obligations) as contract_obligations,
        sum(contract_awards_count) as contract_awards_count,
        max(reports_naming_agency) as reports_naming_agency,
        max(news_mentions) as news_mentions
    from company_agency_quarter
    where agency_level = 'subtier'
    group by company_id, toptier_code, year, quarter

),

toptier_rows as (

    select * from company_agency_quarter
    where agency_level = 'toptier'

)

select
    subtier_totals.*,
    toptier_rows.contract_obligations as toptier_contract_obligations
from subtier_totals
left join toptier_rows
    on
        subtier_totals.company_id = toptier_rows.company_id
        and subtier_totals.toptier_code = toptier_rows.agency_code
        and subtier_totals.year = toptier_rows.year
        and subtier_totals.quarter = toptier_rows.quarter
where
    toptier_rows.agency_code is null
    or toptier_rows.contract_obligations < subtier_totals.contract_obligations
    or toptier_rows.contract_awards_count < subtier_totals.contract_awards_count
    or toptier_rows.reports_naming_agency < subtier_totals.reports_naming_agency
    or toptier_rows.news_mentions < subtier_totals.news_mentions
