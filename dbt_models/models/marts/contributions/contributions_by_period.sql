-- LD-203 contributions by registrant x lobbyist x honoree x half year, from
-- fct_lobbying_contributions (each contribution once). lobbyist_id is the lobbyist whose report
-- lists the items; null for items only the registrant's own report lists. Amounts as reported.

with

contributions as (

    select * from {{ ref('fct_lobbying_contributions') }}

),

final as (

    select
        -- ids
        {{ surrogate_key(['registrant_id', 'lobbyist_id', 'honoree_name', 'filing_year',
            'filing_period']) }} as contributions_by_period_id,
        registrant_id,
        any_value(company_id) as company_id,
        lobbyist_id,

        -- names
        arg_max(registrant_name, posted_at) as registrant_name,
        arg_max(lobbyist_name, posted_at) as lobbyist_name,
        honoree_name,

        -- period
        filing_year,
        filing_period,

        -- measures
        count(*) as items_count,
        sum(amount) as total_amount,
        list(distinct contribution_type order by contribution_type) as contribution_types,
        min(contribution_date) as first_contribution_date,
        max(contribution_date) as last_contribution_date
    from contributions
    group by registrant_id, lobbyist_id, honoree_name, filing_year, filing_period

)

select * from final
