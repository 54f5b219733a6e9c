-- Company x agency x calendar quarter: how often the company's lobbying reports named the agency,
-- what the agency obligated to the company in that quarter (award actions by action date) and in
-- each of the four following quarters, and how often the news mentioned both. Agencies are
-- USAspending codes at two levels: a toptier row (070, DHS) covers the agency with all its
-- subtiers; a subtier row (7012, ICE) covers that subtier only. Do not add toptier and subtier
-- rows together.

with

reports as (

    select * from {{ ref('fct_lobbying_reports') }}
    where
        company_id is not null
        and quarter is not null

),

report_agencies as (

    select * from {{ ref('int_lda_report_agencies') }}

),

company_quarters as (

    select * from {{ ref('company_quarter_lobbying') }}

),

transactions as (

    select * from {{ ref('fct_contract_transactions') }}
    where company_id is not null

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

-- lobbying: the reports that named the agency; their dollars follow the company quarter's spend
-- basis, so that an outside firm's income is not added to a self-filer's expenses
lobbying as (

    select
        reports.company_id,
        report_agencies.agency_code,
        reports.year,
        reports.quarter,
        count(distinct reports.filing_uuid) as reports_naming_agency,
        sum(reports.amount) filter (
            where (company_quarters.spend_basis = 'self_filed_expenses') = reports.is_self_filed
        ) as spend_of_reports_naming_agency,
        count(*) filter (
            where (company_quarters.spend_basis = 'self_filed_expenses') = reports.is_self_filed
        ) as spend_reports_naming_agency
    from reports
    inner join report_agencies
        on reports.filing_uuid = report_agencies.filing_uuid
    inner join company_quarters
        on
            reports.company_id = company_quarters.company_id
            and reports.year = company_quarters.year
            and reports.quarter = company_quarters.quarter
    group by reports.company_id, report_agencies.agency_code, reports.year, reports.quarter

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
        year * 4 + quarter - 1 as quarter_index,
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
    where entity_type = 'company'

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
        coalesce(later_1.contract_obligations, 0) as obligations_1_quarter_later,
        coalesce(later_2.contract_obligations, 0) as obligations_2_quarters_later,
        coalesce(later_3.contract_obligations, 0) as obligations_3_quarters_later,
        coalesce(later_4.contract_obligations, 0) as obligations_4_quarters_later,
        coalesce(later_1.contract_obligations, 0)
        + coalesce(later_2.contract_obligations, 0)
        + coalesce(later_3.contract_obligations, 0)
        + coalesce(later_4.contract_obligations, 0) as obligations_next_4_quarters,
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
    left join contracts as later_1
        on
            spine.company_id = later_1.company_id
            and spine.agency_code = later_1.agency_code
            and spine.year * 4 + spine.quarter - 1 + 1 = later_1.quarter_index
    left join contracts as later_2
        on
            spine.company_id = later_2.company_id
            and spine.agency_code = later_2.agency_code
            and spine.year * 4 + spine.quarter - 1 + 2 = later_2.quarter_index
    left join contracts as later_3
        on
            spine.company_id = later_3.company_id
            and spine.agency_code = later_3.agency_code
            and spine.year * 4 + spine.quarter - 1 + 3 = later_3.quarter_index
    left join contracts as later_4
        on
            spine.company_id = later_4.company_id
            and spine.agency_code = later_4.agency_code
            and spine.year * 4 + spine.quarter - 1 + 4 = later_4.quarter_index
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

)

select * from final
