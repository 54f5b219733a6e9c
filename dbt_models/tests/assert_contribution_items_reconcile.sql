-- Every item of a current LD-203 report reaches fct_lobbying_contributions or is counted there as
-- a removed duplicate: rows + sum(duplicate_rows_removed) = the current reports' items. Returns a
-- row when the counts differ.

with

current_items as (

    select count(*) as items_count
    from {{ ref('stg_lda__contribution_items') }} as items
    inner join {{ ref('int_lda_contribution_reports_latest') }} as reports
        on items.filing_uuid = reports.filing_uuid

),

contributions as (

    select
        count(*) as rows_count,
        coalesce(sum(duplicate_rows_removed), 0) as duplicates_count
    from {{ ref('fct_lobbying_contributions') }}

)

select
    current_items.items_count,
    contributions.rows_count,
    contributions.duplicates_count
from current_items
cross join contributions
where current_items.items_count <> contributions.rows_count + contributions.duplicates_count
