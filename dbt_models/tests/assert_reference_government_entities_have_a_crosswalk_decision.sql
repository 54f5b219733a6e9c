-- Government entities in the LDA's current list that the crosswalk has no decision for (a new
-- entity the API added). Warn-only: the list to decide next.
{{ config(severity='warn') }}

with

entities as (

    select * from {{ ref('int_lda_reference_lists') }}
    where constant_list = 'governmententities'

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
where crosswalk.government_entity_id is null
