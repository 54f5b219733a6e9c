-- Who owned each company, and when (int_company_ownership): GLEIF's relationships with their
-- periods and the resolver's parents, for analysts to roll facts up to the parent of their day.

with

ownership as (

    select * from {{ ref('int_company_ownership') }}

),

final as (

    select
        ownership_id,
        company_id,
        company_reference_name,
        parent_company_id,
        parent_reference_name,
        relationship_type,
        ownership_source,
        valid_from,
        valid_to,
        is_current,
        ownership_evidence
    from ownership

)

select * from final
