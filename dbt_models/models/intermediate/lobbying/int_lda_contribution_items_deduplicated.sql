-- The contribution items of current LD-203 reports, each contribution once. A registrant's report
-- (filer_type "organization") and the report of the lobbyist who runs its PAC list the PAC's
-- contributions alike, so the same item reaches the LDA twice or more for one registrant and
-- period. Items match on (registrant, filing year, filing period, contribution type, contributor,
-- payee, honoree, amount, date): names compared upper-cased with whitespace collapsed, the honoree
-- in normalize_person_name's form ("DOE, JANE" = "Jane Doe"). Identical items within one report
-- are separate contributions: the n-th copy in one report matches the n-th copy in another
-- (occurrence_number). Of the copies, a lobbyist's is kept when there is one (it names who
-- reported the item), the lowest lobbyist_id first, then the lowest filing_uuid.

with

reports as (

    select * from {{ ref('int_lda_contribution_reports_latest') }}

),

items as (

    select * from {{ ref('stg_lda__contribution_items') }}

),

current_items as (

    select
        items.contribution_item_id,
        items.filing_uuid,
        items.contribution_item_index,
        reports.contribution_report_id,
        reports.registrant_id,
        reports.registrant_name,
        reports.lobbyist_id,
        reports.lobbyist_full_name,
        reports.filer_type,
        reports.filing_year,
        reports.filing_period,
        reports.posted_at,
        items.contribution_type,
        items.contribution_type_display,
        items.contributor_name,
        items.payee_name,
        items.honoree_name,
        {{ normalize_person_name('items.honoree_name') }} as honoree_name_normalized,
        items.amount,
        items.contribution_date,
        {{ normalize_name_text('items.contributor_name') }} as contributor_match_name,
        {{ normalize_name_text('items.payee_name') }} as payee_match_name
    from items
    inner join reports
        on items.filing_uuid = reports.filing_uuid

),

numbered as (

    select
        current_items.*,
        row_number() over (
            partition by
                current_items.filing_uuid,
                current_items.contribution_type,
                current_items.contributor_match_name,
                current_items.payee_match_name,
                current_items.honoree_name_normalized,
                current_items.amount,
                current_items.contribution_date
            order by current_items.contribution_item_index
        ) as occurrence_number
    from current_items

),

keyed as (

    select
        {{ surrogate_key([
            'registrant_id', 'filing_year', 'filing_period', 'contribution_type',
            'contributor_match_name', 'payee_match_name', 'honoree_name_normalized', 'amount',
            'contribution_date', 'occurrence_number'
        ]) }} as contribution_id,
        *
    from numbered

),

ranked as (

    select
        keyed.*,
        row_number() over (
            partition by keyed.contribution_id
            order by
                keyed.lobbyist_id asc nulls last,
                keyed.filing_uuid asc,
                keyed.contribution_item_index asc
        ) as copy_rank
    from keyed

),

copies as (

    select
        contribution_id,
        count(*) as copies_count,
        list(distinct filer_type order by filer_type) as reported_by_filer_types,
        coalesce(
            list(distinct lobbyist_id order by lobbyist_id) filter (
                where lobbyist_id is not null
            ),
            []
        ) as reported_by_lobbyist_ids,
        list(filing_uuid order by filing_uuid) as reported_in_filing_uuids
    from keyed
    group by contribution_id

),

final as (

    select
        -- ids
        ranked.contribution_id,
        ranked.contribution_item_id,
        ranked.filing_uuid,
        ranked.contribution_item_index,
        ranked.contribution_report_id,
        ranked.registrant_id,
        ranked.lobbyist_id,

        -- names
        ranked.registrant_name,
        ranked.lobbyist_full_name,
        ranked.filer_type,

        -- the item
        ranked.contribution_type,
        ranked.contribution_type_display,
        ranked.contributor_name,
        ranked.payee_name,
        ranked.honoree_name,
        ranked.honoree_name_normalized,
        ranked.amount,
        ranked.contribution_date,
        ranked.occurrence_number,

        -- period
        ranked.filing_year,
        ranked.filing_period,
        ranked.posted_at,

        -- copies
        copies.reported_by_filer_types,
        copies.reported_by_lobbyist_ids,
        copies.reported_in_filing_uuids,
        copies.copies_count - 1 as duplicate_rows_removed
    from ranked
    inner join copies
        on ranked.contribution_id = copies.contribution_id
    where ranked.copy_rank = 1

)

select * from final
