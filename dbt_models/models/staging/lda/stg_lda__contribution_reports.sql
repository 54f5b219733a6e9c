-- One row per LD-203 contribution report (original or amendment), unpacked from the raw JSON: a
-- registrant's own report (filer_type "organization", no lobbyist) or the report of one of its
-- lobbyists. The contribution items are in stg_lda__contribution_items. Nothing is dropped or
-- chosen here; int_lda_contribution_reports_latest picks current versions.

with

source as (

    select * from {{ source('raw', 'lda_contributions') }}

),

renamed as (

    select

        ----------  ids
        filing_uuid,
        cast(record ->> '$.registrant.id' as bigint) as registrant_id,
        cast(record ->> '$.registrant.house_registrant_id' as bigint) as house_registrant_id,
        cast(record ->> '$.lobbyist.id' as bigint) as lobbyist_id,

        ----------  strings
        {{ json_text('$.registrant.name') }} as registrant_name,
        {{ json_text('$.lobbyist.prefix_display') }} as lobbyist_prefix_display,
        {{ json_text('$.lobbyist.first_name') }} as lobbyist_first_name,
        {{ json_text('$.lobbyist.nickname') }} as lobbyist_nickname,
        {{ json_text('$.lobbyist.middle_name') }} as lobbyist_middle_name,
        {{ json_text('$.lobbyist.last_name') }} as lobbyist_last_name,
        {{ json_text('$.lobbyist.suffix_display') }} as lobbyist_suffix_display,
        -- as stg_lda__activity_lobbyists.full_name
        nullif(concat_ws(
            ' ',
            {{ json_text('$.lobbyist.first_name') }},
            {{ json_text('$.lobbyist.middle_name') }},
            {{ json_text('$.lobbyist.last_name') }},
            {{ json_text('$.lobbyist.suffix') }}
        ), '') as lobbyist_full_name,
        {{ json_text('$.filer_type') }} as filer_type,
        {{ json_text('$.filer_type_display') }} as filer_type_display,
        {{ json_text('$.filing_type') }} as filing_type,
        {{ json_text('$.filing_type_display') }} as filing_type_display,
        {{ json_text('$.filing_period') }} as filing_period,
        {{ json_text('$.filing_period_display') }} as filing_period_display,
        {{ json_text('$.contact_name') }} as contact_name,
        {{ json_text('$.comments') }} as report_comments,
        {{ json_text('$.address_1') }} as address_1,
        {{ json_text('$.address_2') }} as address_2,
        {{ json_text('$.city') }} as city,
        {{ json_text('$.state') }} as state,
        {{ json_text('$.zip') }} as zip,
        {{ json_text('$.country') }} as country,
        {{ json_text('$.filing_document_url') }} as filing_document_url,
        {{ json_text('$.filing_document_content_type') }} as filing_document_content_type,
        {{ json_text('$.url') }} as api_url,

        ----------  lists
        -- the PACs the filer lists (names as filed); an absent list is an empty one
        coalesce(cast(record -> '$.pacs' as varchar[]), []) as pacs,

        ----------  numerics
        cast(record ->> '$.filing_year' as integer) as filing_year,
        coalesce(json_array_length(record, '$.contribution_items'), 0)
            as contribution_items_count,

        ----------  booleans
        -- MA and YA amend; MM and YY are originals
        (record ->> '$.filing_type') in ('MA', 'YA') as is_amendment,
        cast(record ->> '$.no_contributions' as boolean) as is_no_contributions,

        ----------  dates
        {{ lda_timestamp('$.dt_posted') }} as posted_at,

        ----------  landing
        load_id,
        loaded_at

    from source

)

select * from renamed
