-- One row per GLEIF accounting-consolidation relationship: a child LEI consolidated by a parent
-- LEI, directly or ultimately, with its status and its validity (the RELATIONSHIP_PERIOD), so
-- that a unit sold in 2016 rolls up to its old parent before and to its new one after.

with

source as (

    select * from {{ source('raw', 'gleif_relationships') }}

),

periods as (

    select
        source.relationship_key,
        period.value ->> '$.type' as period_type,
        {{ gleif_date("period.value ->> '$.startDate'") }} as start_date,
        {{ gleif_date("period.value ->> '$.endDate'") }} as end_date
    from source,
        json_each(source.record, '$.attributes.relationship.periods') as period

),

relationship_periods as (

    -- a relationship period without an end date is open: so is the relationship
    select
        relationship_key,
        min(start_date) as valid_from,
        case when count(*) = count(end_date) then max(end_date) end as valid_to,
        count(*) as relationship_periods_count
    from periods
    where period_type = 'RELATIONSHIP_PERIOD'
    group by relationship_key

),

accounting_periods as (

    -- the latest accounting period the relationship was reported for
    select
        relationship_key,
        max(start_date) as accounting_period_start_date,
        max(end_date) as accounting_period_end_date
    from periods
    where period_type = 'ACCOUNTING_PERIOD'
    group by relationship_key

),

renamed as (

    select

        ----------  ids
        source.relationship_key,
        {{ json_text('$.attributes.relationship.startNode.id') }} as child_lei,
        {{ json_text('$.attributes.relationship.endNode.id') }} as parent_lei,
        {{ json_text('$.id') }} as gleif_record_id,

        ----------  strings
        case {{ json_text('$.attributes.relationship.type') }}
            when 'IS_DIRECTLY_CONSOLIDATED_BY' then 'direct'
            when 'IS_ULTIMATELY_CONSOLIDATED_BY' then 'ultimate'
        end as relationship_type,
        {{ json_text('$.attributes.relationship.type') }} as gleif_relationship_type,
        {{ json_text('$.attributes.relationship.status') }} as relationship_status,
        {{ json_text('$.attributes.registration.status') }} as registration_status,
        {{ json_text('$.attributes.registration.corroborationLevel') }} as corroboration_level,

        ----------  numerics
        coalesce(relationship_periods.relationship_periods_count, 0)
            as relationship_periods_count,

        ----------  booleans
        coalesce({{ json_text('$.attributes.relationship.status') }} = 'ACTIVE', false)
            as is_active,

        ----------  dates
        relationship_periods.valid_from,
        relationship_periods.valid_to,
        accounting_periods.accounting_period_start_date,
        accounting_periods.accounting_period_end_date,
        {{ gleif_timestamp("record ->> '$.attributes.registration.lastUpdateDate'") }}
            as last_update_at,

        ----------  landing
        source.load_id,
        source.loaded_at

    from source
    left join relationship_periods
        on source.relationship_key = relationship_periods.relationship_key
    left join accounting_periods
        on source.relationship_key = accounting_periods.relationship_key

)

select * from renamed
