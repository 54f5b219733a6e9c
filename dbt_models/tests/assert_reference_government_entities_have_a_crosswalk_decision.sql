-- Every LDA government entity has a decision in the agency crosswalk: each entity of the bundled
-- list (seed lda_government_entities, recorded from the API) and of the API's current list where
-- it has been loaded (raw.lda_constants). A decision is a toptier code, a subtier code, or
-- explicitly none (legislative_no_code, placeholder, no_usaspending_match). Returns the entities
-- without one: an error, since their lobbying would silently reach no agency.

with

bundled_entities as (

    select
        cast(government_entity_id as varchar) as code,
        government_entity_name as code_name,
        'bundled_seed' as list_source
    from {{ ref('lda_government_entities') }}

),

api_entities as (

    select
        code,
        code_name,
        'api' as list_source
    from {{ ref('stg_lda__constants') }}
    where constant_list = 'governmententities'

),

entities as (

    select * from bundled_entities
    union all
    select * from api_entities

),

crosswalk as (

    select * from {{ ref('lda_government_entity_agency_codes') }}

)

select
    entities.code,
    entities.code_name,
    entities.list_source
from entities
left join crosswalk
    on entities.code = cast(crosswalk.government_entity_id as varchar)
where crosswalk.government_entity_id is null or crosswalk.decision is null
