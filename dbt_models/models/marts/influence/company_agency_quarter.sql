-- Company x agency x calendar quarter: how often the company's lobbying reports named the agency,
-- what the agency obligated to the company in that quarter (award actions by action date) and in
-- each of the four following quarters, and how often the news mentioned both. Agencies are
-- USAspending codes at two levels: a toptier row (070, DHS) covers the agency with all its
-- subtiers; a subtier row (7012, ICE) covers that subtier only. Do not add toptier and subtier
-- rows together.
-- Incremental by company and year: a build redoes the years of a company whose inputs changed
-- since its last build, in that year or the next (company_agency_quarter_fingerprints,
-- redo_changed_keys: a new report, award action or mention, a name resolved to another company,
-- a renamed company), or every row when the agencies changed; `influence refresh --full`
-- rebuilds every row.
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys(
            company_year_key('company_id', 'year'), company_agency_quarter_fingerprints(),
            rows=company_years_redone_rows(), dependents=company_years_before(),
        ) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

{%- set later = [
    'contracts.contract_obligations', 'spine.year * 4 + spine.quarter - 1', 'following_quarters',
] %}

with

reports as (

    select * from {{ ref('int_lda_reports_counted_once') }}
    where
        company_id is not null
        and quarter is not null
        {{ company_years_to_redo('company_id', 'year') }}

),

report_agencies as (

    select * from {{ ref('int_lda_report_agencies') }}

),

transactions as (

    select * from {{ ref('fct_contract_transactions') }}
    where
        company_id is not null
        {{ company_years_to_redo('company_id', 'action_year') }}

),

mentions as (

    select * from {{ ref('fct_news_mentions') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

companies as (

    select * from {{ ref('dim_company') }}

),

-- lobbying: the reports that named the agency, and the company's whole quarter. Dollars are the
-- amounts of the reports that int_lda_reports_counted_once counts towards the company quarter's
-- spend, so that an outside firm's income is never added to a self-filer's expenses
lobbying as (

    select
        reports.company_id,
        report_agencies.agency_code,
        reports.year,
        reports.quarter,
        count(distinct reports.filing_uuid) as reports_naming_agency,
        sum(reports.amount) filter (where reports.is_counted_in_spend)
            as spend_of_reports_naming_agency
    from reports
    inner join report_agencies
        on reports.filing_uuid = report_agencies.filing_uuid
    group by reports.company_id, report_agencies.agency_code, reports.year, reports.quarter

),

company_quarters as (

    select
        company_id,
        year,
        quarter,
        spend_basis,
        sum(amount) filter (where is_counted_in_spend) as lobbying_spend
    from reports
    group by company_id, year, quarter, spend_basis

),

-- contracts: each award action counts, in the quarter of its action date, for its awarding
-- toptier and for its awarding subtier
action_agencies as (

    select
        company_id,
        awarding_toptier_code as agency_code,
        action_year as year,
        action_quarter as quarter,
        generated_internal_id,
        transaction_amount
    from transactions
    where awarding_toptier_code is not null

    union all

    select
        company_id,
        awarding_subtier_code as agency_code,
        action_year as year,
        action_quarter as quarter,
        generated_internal_id,
        transaction_amount
    from transactions
    where awarding_subtier_code is not null

),

contracts as (

    select
        company_id,
        agency_code,
        year,
        quarter,
        sum(transaction_amount) as contract_obligations,
        count(distinct generated_internal_id) as contract_awards_count
    from action_agencies
    group by company_id, agency_code, year, quarter

),

-- news: articles that mention the company and the agency; a subtier mention (ICE) also counts for
-- its toptier (DHS)
company_mentions as (

    select
        url,
        company_id,
        year,
        quarter
    from mentions
    where
        entity_type = 'company'
        {{ company_years_to_redo('company_id', 'year') }}

),

agency_mentions as (

    select
        mentions.url,
        mentions.agency_code
    from mentions
    where mentions.entity_type = 'agency'

    union

    select
        mentions.url,
        agencies.toptier_code as agency_code
    from mentions
    inner join agencies
        on mentions.agency_code = agencies.agency_code
    where
        mentions.entity_type = 'agency'
        and agencies.agency_level = 'subtier'

),

news as (

    select
        company_mentions.company_id,
        agency_mentions.agency_code,
        company_mentions.year,
        company_mentions.quarter,
        count(distinct company_mentions.url) as news_mentions
    from company_mentions
    inner join agency_mentions
        on company_mentions.url = agency_mentions.url
    group by all

),

spine as (

    select
        company_id,
        agency_code,
        year,
        quarter
    from lobbying
    union
    select
        company_id,
        agency_code,
        year,
        quarter
    from contracts
    union
    select
        company_id,
        agency_code,
        year,
        quarter
    from news

),

final as (

    select
        {{ surrogate_key([
            'spine.company_id', 'spine.agency_code', 'spine.year', 'spine.quarter',
        ]) }} as company_agency_quarter_id,
        spine.company_id,
        companies.company_name,
        spine.agency_code,
        agencies.agency_level,
        agencies.toptier_code,
        agencies.agency_name,
        agencies.abbreviation as agency_abbreviation,
        spine.year,
        spine.quarter,
        coalesce(lobbying.reports_naming_agency, 0) as reports_naming_agency,
        lobbying.spend_of_reports_naming_agency,
        company_quarters.lobbying_spend as company_lobbying_spend,
        company_quarters.spend_basis,
        coalesce(contracts.contract_obligations, 0) as contract_obligations,
        coalesce(contracts.contract_awards_count, 0) as contract_awards_count,
        -- the following quarters: every quarter with obligations is on the spine, so the row k
        -- quarters on holds the obligations then, or there is none (0) when the company had none
        -- from the agency then, or that quarter is past the loaded years
        {{ amount_quarters_later([1], *later) }} as obligations_1_quarter_later,
        {{ amount_quarters_later([2], *later) }} as obligations_2_quarters_later,
        {{ amount_quarters_later([3], *later) }} as obligations_3_quarters_later,
        {{ amount_quarters_later([4], *later) }} as obligations_4_quarters_later,
        {{ amount_quarters_later([1, 2, 3, 4], *later) }} as obligations_next_4_quarters,
        coalesce(news.news_mentions, 0) as news_mentions
    from spine
    left join lobbying
        on
            spine.company_id = lobbying.company_id
            and spine.agency_code = lobbying.agency_code
            and spine.year = lobbying.year
            and spine.quarter = lobbying.quarter
    left join contracts
        on
            spine.company_id = contracts.company_id
            and spine.agency_code = contracts.agency_code
            and spine.year = contracts.year
            and spine.quarter = contracts.quarter
    left join news
        on
            spine.company_id = news.company_id
            and spine.agency_code = news.agency_code
            and spine.year = news.year
            and spine.quarter = news.quarter
    left join company_quarters
        on
            spine.company_id = company_quarters.company_id
            and spine.year = company_quarters.year
            and spine.quarter = company_quarters.quarter
    left join agencies
        on spine.agency_code = agencies.agency_code
    left join companies
        on spine.company_id = companies.company_id
    -- one row per company x agency x quarter (every join above is on a unique key), numbered
    -- by quarter (amount_quarters_later)
    window following_quarters as (
        partition by spine.company_id, spine.agency_code
        order by spine.year * 4 + spine.quarter - 1
    )

)

select * from final
{{ company_years_to_redo('company_id', 'year', keyword='where', shifts=[0]) }}
