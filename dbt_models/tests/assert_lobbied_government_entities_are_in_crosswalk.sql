-- Government entities named by current lobbying reports that the crosswalk has not decided yet:
-- their lobbying reaches no agency code. Warn-only: the list to work through next.
{{ config(severity='warn') }}

with

reports as (

    select * from {{ ref('int_lda_filings_latest') }}

),

entities as (

    select * from {{ ref('stg_lda__activity_government_entities') }}

),

crosswalk as (

    select * from {{ ref('lda_government_entity_agency_codes') }}

)

select
    entities.government_entity_id,
    any_value(entities.government_entity_name) as government_entity_name,
    count(distinct entities.filing_uuid) as reports_count
from reports
inner join entities
    on reports.filing_uuid = entities.filing_uuid
left join crosswalk
    on entities.government_entity_id = crosswalk.government_entity_id
where crosswalk.government_entity_id is null
group by entities.government_entity_id
