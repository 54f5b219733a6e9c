-- Which agencies each current LDA report lobbied, as USAspending agency codes: the report's
-- government entities through the crosswalk seed. An entity mapped to a subtier (ICE -> 070/7012)
-- gives a subtier row and a row for its toptier (so a report that named ICE lobbied DHS); entities
-- whose crosswalk decision gives no code (the House, the Senate, placeholders) and entities not yet
-- in the crosswalk give no row. Before 2021 the LDA repeated the filing's entity list on every
-- activity: rows are per report, so that repetition counts once.
-- Incremental: before a build, the rows of filings landed since the last one and of filings no
-- longer current (an amendment superseded them) are deleted; the build then adds the current
-- filings that have no row (new ones, changed ones, one current again, and those that name no
-- mapped agency), recorded first (record_redone_keys) for its data tests. A changed crosswalk
-- deletes every row first. The build keeps each filing's agencies fingerprinted for the models
-- incremental by fingerprint that read them (report_agency_fingerprint_parts), computed again for
-- the filings whose rows it deleted or added (report_agency_filings_changed).

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='filing_uuid',
        on_schema_change='fail',
        pre_hook=[
            "{{ delete_children_of_changed(ref('stg_lda__filings'), 'filing_uuid',
                inputs_hash=reference_rows_hash(ref('lda_government_entity_agency_codes'))) }}",
            "{{ delete_keys_gone(ref('int_lda_filings_latest'), 'filing_uuid') }}",
            "{{ record_redone_keys(keys_not_held_in(ref('int_lda_filings_latest'), 'filing_uuid')) }}",
        ],
        post_hook=[
            "{{ store_fingerprint_parts(
                report_agency_fingerprint_parts(), 'filing_uuid', report_agency_filings_changed()
            ) }}",
            "{{ record_loaded_at_watermark(ref('stg_lda__filings'),
                inputs_hash=reference_rows_hash(ref('lda_government_entity_agency_codes'))) }}",
        ],
    )
}}

with

reports as (

    select * from {{ ref('int_lda_filings_latest') }}
    {{ changed_keys_only('filing_uuid', keyword='where') }}

),

activity_entities as (

    select * from {{ ref('stg_lda__activity_government_entities') }}

),

crosswalk as (

    select * from {{ ref('lda_government_entity_agency_codes') }}
    where toptier_code is not null

),

report_entities as (

    select distinct
        reports.filing_uuid,
        activity_entities.government_entity_id,
        crosswalk.toptier_code,
        crosswalk.subtier_code
    from reports
    inner join activity_entities
        on reports.filing_uuid = activity_entities.filing_uuid
    inner join crosswalk
        on activity_entities.government_entity_id = crosswalk.government_entity_id

),

agency_rows as (

    select
        filing_uuid,
        toptier_code as agency_code,
        'toptier' as agency_level,
        toptier_code,
        government_entity_id,
        subtier_code is null as is_named_directly
    from report_entities

    union all

    select
        filing_uuid,
        subtier_code as agency_code,
        'subtier' as agency_level,
        toptier_code,
        government_entity_id,
        true as is_named_directly
    from report_entities
    where subtier_code is not null

),

final as (

    select
        {{ surrogate_key(['filing_uuid', 'agency_code']) }} as report_agency_id,
        filing_uuid,
        agency_code,
        agency_level,
        toptier_code,
        bool_or(is_named_directly) as is_named_directly,
        list(distinct government_entity_id order by government_entity_id)
            as government_entity_ids
    from agency_rows
    group by filing_uuid, agency_code, agency_level, toptier_code

)

select * from final
