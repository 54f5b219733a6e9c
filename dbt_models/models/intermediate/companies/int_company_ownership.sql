-- Who owned each company, and when: one row per company, parent, kind of relationship and period.
-- GLEIF's Level 2 relationships carry their periods (a unit sold in 2016 is consolidated by its
-- old parent until the sale and no longer after); the resolver's parents (an analyst's decision,
-- the alias seed, the USAspending parent UEI) carry none, and hold while the record says so.
-- An LEI is the company its legal name resolves to: an alias's, else the company of a source name
-- so normalised, else a slug of the name.

with

reference_names as (

    select * from {{ ref('int_company_reference_names') }}

),

relationships as (

    select * from {{ ref('stg_gleif__relationships') }}

),

name_matches as (

    select * from {{ ref('int_company_name_matches') }}

),

aliases as (

    select * from {{ ref('company_aliases') }}

),

name_companies as (

    select
        normalized_name,
        min(company_id) as company_id
    from name_matches
    group by normalized_name

),

lei_companies as (

    select
        reference_names.reference_id as lei,
        min(reference_names.company_name) as legal_name,
        min(coalesce(
            aliases.company_id,
            name_companies.company_id,
            {{ slugify('reference_names.normalized_name') }}
        )) as company_id
    from reference_names
    left join aliases
        on reference_names.normalized_name = aliases.normalized_name
    left join name_companies
        on reference_names.normalized_name = name_companies.normalized_name
    where reference_names.reference_source = 'gleif' and reference_names.name_kind = 'current'
    group by reference_names.reference_id

),

gleif_ownership as (

    select
        children.company_id,
        children.legal_name as company_reference_name,
        parents.company_id as parent_company_id,
        parents.legal_name as parent_reference_name,
        relationships.relationship_type,
        'gleif' as ownership_source,
        relationships.valid_from,
        relationships.valid_to,
        relationships.relationship_status = 'ACTIVE'
        and (relationships.valid_to is null or relationships.valid_to >= current_date)
            as is_current,
        'GLEIF: ' || relationships.child_lei || ' ' || relationships.gleif_relationship_type
        || ' ' || relationships.parent_lei || ' (' || relationships.relationship_status || ')'
            as ownership_evidence
    from relationships
    inner join lei_companies as children
        on relationships.child_lei = children.lei
    inner join lei_companies as parents
        on relationships.parent_lei = parents.lei
    where children.company_id <> parents.company_id

),

-- the resolver's parents: those its names got, and the alias seed's for companies no name spells
resolver_parents as (

    select
        name_matches.company_id,
        name_matches.parent_company_id,
        name_matches.parent_rule
    from name_matches
    where name_matches.parent_company_id is not null

    union

    select
        aliases.company_id,
        aliases.parent_company_id,
        'alias_seed' as parent_rule
    from aliases
    where aliases.parent_company_id is not null

),

resolver_ownership as (

    select distinct
        resolver_parents.company_id,
        cast(null as varchar) as company_reference_name,
        resolver_parents.parent_company_id,
        cast(null as varchar) as parent_reference_name,
        'direct' as relationship_type,
        resolver_parents.parent_rule as ownership_source,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to,
        true as is_current,
        case resolver_parents.parent_rule
            when 'alias_seed' then 'company_aliases'
            when 'analyst_set_parent' then 'company_match_decisions'
            else 'the parent UEI of the company''s USAspending recipients'
        end as ownership_evidence
    from resolver_parents

),

unioned as (

    select * from gleif_ownership
    union all
    select * from resolver_ownership

),

final as (

    select
        {{ surrogate_key([
            'company_id', 'parent_company_id', 'relationship_type', 'ownership_source',
            'valid_from', 'valid_to'
        ]) }} as ownership_id,
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
    from unioned

)

select * from final
