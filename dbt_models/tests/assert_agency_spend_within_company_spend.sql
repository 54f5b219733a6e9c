-- The spend of the reports that named an agency can never exceed the company's spend that quarter:
-- both follow the same spend basis, so no outside income is added to a self-filer's expenses.

with

company_agency_quarter as (

    select * from {{ ref('company_agency_quarter') }}

)

select *
from company_agency_quarter
where
    spend_of_reports_naming_agency > company_lobbying_spend
    or (spend_of_reports_naming_agency is not null and company_lobbying_spend is null)
