-- One row per GLEIF LEI record: the legal entity's registered legal name, jurisdiction, status,
-- legal and headquarters addresses (country, region, city) and the LEI registration's status and
-- dates. Other names are in stg_gleif__entity_names.

with

source as (

    select * from {{ source('raw', 'gleif_lei_records') }}

),

renamed as (

    select

        ----------  ids
        lei,
        {{ json_text('$.attributes.entity.legalForm.id') }} as legal_form_code,
        {{ json_text('$.attributes.entity.registeredAs') }} as registered_as,
        {{ json_text('$.attributes.registration.managingLou') }} as managing_lou_lei,
        {{ json_text('$.attributes.entity.successorEntity.lei') }} as successor_lei,

        ----------  strings
        {{ json_text('$.attributes.entity.legalName.name') }} as legal_name,
        {{ json_text('$.attributes.entity.legalName.language') }} as legal_name_language,
        {{ json_text('$.attributes.entity.jurisdiction') }} as legal_jurisdiction,
        {{ json_text('$.attributes.entity.category') }} as entity_category,
        {{ json_text('$.attributes.entity.status') }} as entity_status,
        {{ json_text('$.attributes.registration.status') }} as registration_status,
        {{ json_text('$.attributes.registration.corroborationLevel') }} as corroboration_level,
        {{ json_text('$.attributes.entity.legalAddress.country') }} as legal_country_code,
        {{ json_text('$.attributes.entity.legalAddress.region') }} as legal_region_code,
        {{ json_text('$.attributes.entity.legalAddress.city') }} as legal_city,
        {{ json_text('$.attributes.entity.headquartersAddress.country') }}
            as headquarters_country_code,
        {{ json_text('$.attributes.entity.headquartersAddress.region') }}
            as headquarters_region_code,
        {{ json_text('$.attributes.entity.headquartersAddress.city') }} as headquarters_city,

        ----------  booleans
        coalesce({{ json_text('$.attributes.entity.status') }} = 'ACTIVE', false) as is_active,

        ----------  dates
        {{ gleif_date("record ->> '$.attributes.entity.creationDate'") }} as entity_created_date,
        {{ gleif_timestamp("record ->> '$.attributes.registration.initialRegistrationDate'") }}
            as initial_registration_at,
        {{ gleif_timestamp("record ->> '$.attributes.registration.lastUpdateDate'") }}
            as last_update_at,
        {{ gleif_timestamp("record ->> '$.attributes.registration.nextRenewalDate'") }}
            as next_renewal_at,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
