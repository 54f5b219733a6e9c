-- Every normalized_name in the company_aliases seed must be written as normalize_company_name
-- writes it, or it can never match a source name.

with

aliases as (

    select * from {{ ref('company_aliases') }}

)

select
    normalized_name,
    {{ normalize_company_name('normalized_name') }} as renormalized_name
from aliases
where {{ normalize_company_name('normalized_name') }} is distinct from normalized_name
