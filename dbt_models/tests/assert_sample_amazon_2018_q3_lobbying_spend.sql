-- A data test about the bundled sample (the case in shared/reference/case-facts.md): Amazon's
-- lobbying spend for July-September 2018 is $3,630,000, counted once although outside firms also
-- reported income from Amazon. Warn-only: a live warehouse may not hold that quarter.
{{ config(severity='warn') }}

with

amazon_q3 as (

    select * from {{ ref('company_quarter_lobbying') }}
    where company_id = 'amazon' and year = 2018 and quarter = 3

),

expected as (

    select 3630000.00 as lobbying_spend

)

select
    expected.lobbying_spend as expected_spend,
    amazon_q3.lobbying_spend as actual_spend
from expected
left join amazon_q3
    on true
where amazon_q3.lobbying_spend is distinct from expected.lobbying_spend
