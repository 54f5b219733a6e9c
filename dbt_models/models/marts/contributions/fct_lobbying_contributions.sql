-- One row per political contribution or expense reported on a current LD-203 report, counted once
-- (int_lda_contribution_items_deduplicated): a PAC's contribution listed by the registrant and by
-- the lobbyist who runs the PAC is one row, the lobbyist's. A registrant that lobbies for itself is
-- a company: its company_id comes from dim_lobbying_registrant, which resolves it from its name;
-- an outside firm has none.

with

items as (

    select * from {{ ref('int_lda_contribution_items_deduplicated') }}

),

registrants as (

    select * from {{ ref('dim_lobbying_registrant') }}

),

final as (

    select
        -- ids
        items.contribution_id,
        items.filing_uuid,
        items.contribution_item_id,
        items.registrant_id,
        registrants.company_id,
        items.lobbyist_id,

        -- who reported it
        items.registrant_name,
        items.lobbyist_full_name as lobbyist_name,
        items.filer_type,

        -- the contribution
        items.contribution_type,
        items.contribution_type_display,
        items.contributor_name,
        items.payee_name,
        items.honoree_name_normalized as honoree_name,
        items.honoree_name as honoree_name_as_filed,
        items.amount,
        items.contribution_date,

        -- period
        items.filing_year,
        items.filing_period,

        -- copies
        items.reported_by_filer_types,
        items.reported_by_lobbyist_ids,
        items.duplicate_rows_removed,

        -- dates
        items.posted_at
    from items
    left join registrants
        on items.registrant_id = registrants.registrant_id

)

select * from final
