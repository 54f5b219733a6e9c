-- Every name a corporate-identity reference gives a company, with the reference's id and the
-- dates it held the name: SEC EDGAR's current and former names per CIK (stg_edgar__company_names),
-- GLEIF's legal, previous legal and other names per LEI (stg_gleif__entity_names; no dates).
-- The resolver's reference_former_name rule reads it: a source name that is the former name of
-- one reference company resolves to the company of that reference's current name. Names are
-- normalised as source names are, EDGAR's state tag removed first ("APPLE COMPUTER INC /CA/").

with

edgar_names as (

    select * from {{ ref('stg_edgar__company_names') }}

),

gleif_names as (

    select * from {{ ref('stg_gleif__entity_names') }}

),

referenced as (

    select
        'edgar' as reference_source,
        edgar_names.cik as reference_id,
        edgar_names.name_kind,
        edgar_names.company_name,
        {{ company_edgar_untagged_text('edgar_names.company_name') }} as untagged_text,
        edgar_names.valid_from,
        edgar_names.valid_to
    from edgar_names
    where edgar_names.company_name is not null

    union all

    -- the legal name is the current one, a previous legal name a former one, any other (trading,
    -- transliterated, another language's) an other name of the same entity
    select
        'gleif' as reference_source,
        gleif_names.lei as reference_id,
        case gleif_names.name_kind
            when 'legal' then 'current'
            when 'previous_legal' then 'former'
            else 'other'
        end as name_kind,
        gleif_names.entity_name as company_name,
        upper(trim(gleif_names.entity_name)) as untagged_text,
        cast(null as date) as valid_from,
        cast(null as date) as valid_to
    from gleif_names
    where gleif_names.entity_name is not null

),

normalized as (

    select
        referenced.*,
        {{ normalize_company_name('referenced.untagged_text') }} as normalized_name
    from referenced

),

current_names as (

    select
        reference_source,
        reference_id,
        min(normalized_name) as current_normalized_name
    from normalized
    where name_kind = 'current'
    group by reference_source, reference_id

),

-- one row per name and kind (GLEIF may give one text as two other names)
final as (

    select distinct
        {{ surrogate_key([
            'normalized.reference_source', 'normalized.reference_id', 'normalized.name_kind',
            'normalized.company_name', 'normalized.valid_from', 'normalized.valid_to'
        ]) }} as reference_name_id,
        normalized.reference_source,
        normalized.reference_id,
        normalized.name_kind,
        normalized.company_name,
        normalized.normalized_name,
        current_names.current_normalized_name,
        normalized.valid_from,
        normalized.valid_to
    from normalized
    left join current_names
        on
            normalized.reference_source = current_names.reference_source
            and normalized.reference_id = current_names.reference_id
    where normalized.normalized_name is not null

)

select * from final
