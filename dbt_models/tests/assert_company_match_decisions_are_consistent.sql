-- The analysts' decisions can be applied: every name is written as normalize_company_name writes
-- it (or it never matches), has at most one accept or set_parent, an accept or a reject names a
-- company, and a set_parent names a parent that is not the company itself.

with

decisions as (

    select * from {{ ref('company_match_decisions') }}

),

problems as (

    select
        normalized_name,
        'not normalised' as problem
    from decisions
    where {{ normalize_company_name('normalized_name') }} is distinct from normalized_name

    union all

    select
        normalized_name,
        'more than one accept or set_parent' as problem
    from decisions
    where decision in ('accept', 'set_parent')
    group by normalized_name
    having count(*) > 1

    union all

    select
        normalized_name,
        decision || ' without a company_id' as problem
    from decisions
    where decision in ('accept', 'reject') and company_id is null

    union all

    select
        normalized_name,
        'set_parent without a parent, or its own parent' as problem
    from decisions
    where
        decision = 'set_parent'
        and (parent_company_id is null or parent_company_id = company_id)

)

select * from problems
