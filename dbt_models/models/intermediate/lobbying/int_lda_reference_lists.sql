-- The LDA's reference lists as the warehouse uses them: the API's current lists where they have
-- been loaded (raw.lda_constants), else the bundled copies in the seeds (recorded from the API in
-- September 2024), so an offline warehouse still has every code. `list_source` says which.

with

api as (

    select * from {{ ref('stg_lda__constants') }}

),

filing_types as (

    select * from {{ ref('lda_filing_types') }}

),

issue_codes as (

    select * from {{ ref('lda_issue_codes') }}

),

government_entities as (

    select * from {{ ref('lda_government_entities') }}

),

bundled as (

    select
        'filingtypes' as constant_list,
        filing_types.filing_type as code,
        filing_types.filing_type_name as code_name
    from filing_types
    union all
    select
        'lobbyingactivityissues' as constant_list,
        issue_codes.issue_code as code,
        issue_codes.issue_name as code_name
    from issue_codes
    union all
    select
        'governmententities' as constant_list,
        cast(government_entities.government_entity_id as varchar) as code,
        government_entities.government_entity_name as code_name
    from government_entities

),

lists_from_api as (

    select distinct api.constant_list from api

),

final as (

    select
        api.constant_id,
        api.constant_list,
        api.code,
        api.code_name,
        'api' as list_source
    from api
    union all
    select
        {{ surrogate_key(['bundled.constant_list', 'bundled.code']) }} as constant_id,
        bundled.constant_list,
        bundled.code,
        bundled.code_name,
        'bundled_seed' as list_source
    from bundled
    where bundled.constant_list not in (select lists_from_api.constant_list from lists_from_api)

)

select * from final
