-- Every row of the company_aliases seed for one company_id gives the same company_name and
-- parent_company_id, and no company is its own parent.

with

aliases as (

    select * from {{ ref('company_aliases') }}

)

select
    company_id,
    count(distinct company_name) as company_names,
    count(distinct coalesce(parent_company_id, '')) as parents
from aliases
group by company_id
having
    count(distinct company_name) > 1
    or count(distinct coalesce(parent_company_id, '')) > 1
    or bool_or(parent_company_id = company_id)
