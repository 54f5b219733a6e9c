"""The queries behind every chart and table of the site, over the published marts.

Each is self-contained SQL an analyst can paste into DuckDB against ``warehouse.duckdb``: the
site build puts the company id or agency code in as a literal (``{company}``, ``{agency}``),
runs that exact text, and prints the same text in the panel's "SQL" box, so the numbers and the
query shown cannot drift apart.
"""

from __future__ import annotations

# ---- company pages -------------------------------------------------------------------------

# Spend per quarter counted once (marts.company_quarter_lobbying): the company's own expenses
# reports when it self-files, else the sum of outside firms' income; outside firms' income of a
# self-filing quarter is shown beside, not added (it is inside the company's expenses)
COMPANY_SPEND = """
select
    year,
    quarter,
    year || ' Q' || quarter as period,
    lobbying_spend,
    spend_basis,
    self_filed_expenses,
    outside_firm_income,
    self_filed_reports_count,
    outside_firm_reports_count,
    outside_firms_count,
    undisclosed_amount_reports_count
from marts.company_quarter_lobbying
where company_id = {company}
order by year, quarter
"""

# Obligations by the awarding (toptier) agency per quarter of the award actions' dates
COMPANY_OBLIGATIONS = """
select
    year,
    quarter,
    year || ' Q' || quarter as period,
    agency_code,
    coalesce(agency_abbreviation, agency_code) as agency,
    agency_name,
    contract_obligations,
    contract_awards_count
from marts.company_agency_quarter
where company_id = {company} and agency_level = 'toptier' and contract_awards_count > 0
order by year, quarter, agency_code
"""

# The reports that named each agency, per quarter (a toptier row counts its sub-agencies' too)
COMPANY_AGENCY_GRID = """
select
    agency_code,
    agency_level,
    coalesce(agency_abbreviation, agency_code) as agency,
    agency_name,
    year,
    quarter,
    year || ' Q' || quarter as period,
    reports_naming_agency,
    spend_of_reports_naming_agency
from marts.company_agency_quarter
where company_id = {company} and reports_naming_agency > 0
order by agency_level desc, agency_code, year, quarter
"""

COMPANY_ISSUE_CODES = """
select
    issue_code,
    any_value(issue_name) as issue_name,
    count(distinct filing_uuid) as reports,
    min(year) as first_year,
    max(year) as last_year
from marts.fct_lobbying_issues
where company_id = {company}
group by issue_code
order by reports desc, issue_code
"""

# The phrases of the issue descriptions, one row per description and quarter
COMPANY_ISSUE_PHRASES = """
select
    year,
    quarter,
    year || ' Q' || quarter as period,
    issue_code,
    description,
    count(distinct filing_uuid) as reports,
    string_agg(distinct registrant_name, '; ' order by registrant_name) as filed_by
from marts.fct_lobbying_issues
where company_id = {company} and description is not null
group by year, quarter, issue_code, description
order by year desc, quarter desc, issue_code, description
"""

COMPANY_OUTSIDE_FIRMS = """
select
    registrant_id,
    any_value(registrant_name) as registrant_name,
    count(*) as reports,
    sum(income) as income,
    count(*) filter (where income is null and not is_no_activity) as undisclosed_reports,
    min(year) as first_year,
    max(year) as last_year
from marts.fct_lobbying_reports
where company_id = {company} and not is_self_filed
group by registrant_id
order by income desc nulls last, registrant_name
"""

COMPANY_CONTRIBUTIONS = """
select
    contribution_date,
    filing_year,
    contribution_type_display as contribution_type,
    coalesce(lobbyist_name, registrant_name) as contributor,
    payee_name,
    honoree_name,
    amount
from marts.fct_lobbying_contributions
where company_id = {company}
order by contribution_date desc nulls last, amount desc, contribution_id
"""

# Articles mentioning the company, per week (Monday to Sunday), each week with its stories
COMPANY_NEWS = """
with

articles as (

    select distinct
        article.url,
        article.seen_at,
        article.seen_date,
        coalesce(article.domain, article.publisher) as outlet,
        article.title
    from marts.fct_news_mentions as mention
    inner join marts.fct_news_articles as article on mention.url = article.url
    where mention.entity_type = 'company' and mention.company_id = {company}

)

select
    cast(date_trunc('week', seen_date) as date) as week_start,
    count(*) as articles,
    list(
        {'seen_date': seen_date, 'outlet': outlet, 'title': title, 'url': url}
        order by seen_at, url
    ) as stories
from articles
group by week_start
order by week_start
"""

# Every source name resolved to the company: the rule, the score and the evidence
COMPANY_NAMES = """
select
    name_match.company_name_raw,
    name_match.match_rule,
    name_match.match_score,
    name_match.match_evidence,
    array_to_string(name_match.sources, ', ') as sources,
    name_match.records_count
from marts.dim_company, unnest(name_matches) as matched(name_match)
where company_id = {company}
order by name_match.records_count desc nulls last, name_match.company_name_raw
"""

# Parents (and subsidiaries) with the dates the relationship held
COMPANY_OWNERSHIP = """
select
    if(ownership.company_id = {company}, 'parent', 'subsidiary') as relation,
    if(ownership.company_id = {company}, ownership.parent_company_id, ownership.company_id)
        as related_company_id,
    coalesce(
        related.company_name,
        if(
            ownership.company_id = {company},
            ownership.parent_reference_name,
            ownership.company_reference_name
        )
    ) as related_company_name,
    ownership.relationship_type,
    ownership.ownership_source,
    ownership.valid_from,
    ownership.valid_to,
    ownership.is_current,
    ownership.ownership_evidence
from marts.company_ownership as ownership
left join marts.dim_company as related
    on related.company_id = if(
        ownership.company_id = {company}, ownership.parent_company_id, ownership.company_id
    )
where ownership.company_id = {company} or ownership.parent_company_id = {company}
order by relation, valid_from nulls first, related_company_name
"""

# ---- agency pages --------------------------------------------------------------------------

AGENCY_LOBBIED_BY_QUARTER = """
select
    year,
    quarter,
    year || ' Q' || quarter as period,
    sum(reports_naming_agency) as reports,
    count(distinct company_id) filter (where reports_naming_agency > 0) as companies
from marts.company_agency_quarter
where agency_code = {agency}
group by year, quarter
having sum(reports_naming_agency) > 0
order by year, quarter
"""

# Each company that named the agency: its reports, and what the agency obligated to it before
# the first quarter a report named the agency and from that quarter on
AGENCY_COMPANIES = """
with

quarters as (

    select * from marts.company_agency_quarter
    where agency_code = {agency}

),

first_named as (

    select company_id, min(year * 10 + quarter) as first_quarter
    from quarters
    where reports_naming_agency > 0
    group by company_id

)

select
    quarters.company_id,
    any_value(quarters.company_name) as company_name,
    sum(quarters.reports_naming_agency) as reports,
    any_value(first_named.first_quarter) // 10 || ' Q'
        || any_value(first_named.first_quarter) % 10 as first_named,
    coalesce(sum(quarters.contract_obligations) filter (
        where quarters.year * 10 + quarters.quarter < first_named.first_quarter
    ), 0) as obligations_before,
    coalesce(sum(quarters.contract_obligations) filter (
        where quarters.year * 10 + quarters.quarter >= first_named.first_quarter
    ), 0) as obligations_from_then_on
from quarters
inner join first_named on quarters.company_id = first_named.company_id
group by quarters.company_id
order by reports desc, quarters.company_id
"""

# What the agency obligated per quarter to the companies that named it in a report
AGENCY_OBLIGATIONS = """
with

lobbied_by as (

    select distinct company_id
    from marts.company_agency_quarter
    where agency_code = {agency} and reports_naming_agency > 0

)

select
    year,
    quarter,
    year || ' Q' || quarter as period,
    company_id,
    any_value(company_name) as company_name,
    sum(contract_obligations) as contract_obligations,
    sum(reports_naming_agency) as reports_naming_agency
from marts.company_agency_quarter
where agency_code = {agency}
    and company_id in (select company_id from lobbied_by)
    and contract_awards_count > 0
group by year, quarter, company_id
order by year, quarter, company_id
"""

# The issue codes of the reports that named the agency (a report names agencies per issue
# activity; the mart keeps them per report, so these are the issues of those reports)
AGENCY_ISSUES = """
select
    issue.issue_code,
    any_value(issue.issue_name) as issue_name,
    count(distinct issue.filing_uuid) as reports,
    count(distinct issue.company_id) as companies
from marts.fct_lobbying_report_agencies as agency
inner join marts.fct_lobbying_issues as issue on agency.filing_uuid = issue.filing_uuid
where agency.agency_code = {agency}
group by issue.issue_code
order by reports desc, issue.issue_code
"""

AGENCY_SUBAGENCIES = """
with

activity as (

    select
        agency_code,
        sum(reports_naming_agency) as reports_naming_agency,
        sum(contract_obligations) as contract_obligations
    from marts.company_agency_quarter
    group by agency_code

)

select
    subtier.agency_code,
    subtier.abbreviation,
    subtier.agency_name,
    coalesce(activity.reports_naming_agency, 0) as reports_naming_agency,
    coalesce(activity.contract_obligations, 0) as contract_obligations
from marts.dim_agency as subtier
left join activity on subtier.agency_code = activity.agency_code
where subtier.toptier_code = {agency} and subtier.agency_level = 'subtier'
order by reports_naming_agency desc, contract_obligations desc, subtier.agency_code
"""

# ---- every page ----------------------------------------------------------------------------

FRESHNESS = """
select
    freshness.raw_table,
    freshness.source,
    freshness.last_success_at,
    freshness.last_success_load_id,
    freshness.last_attempt_status,
    freshness.is_stale,
    snapshot.snapshot_id,
    snapshot.published_at
from audit.source_freshness as freshness
cross join audit.published_snapshot as snapshot
order by freshness.raw_table
"""

# ---- the index -----------------------------------------------------------------------------

# The companies that get a page: those with lobbying reports, contract actions or news
COMPANIES = """
with

active as (

    select company_id from marts.fct_lobbying_reports
    union
    select company_id from marts.fct_contract_transactions
    union
    select company_id from marts.fct_news_mentions where entity_type = 'company'

)

select
    company.company_id,
    company.company_name,
    company.name_variants,
    profile.lobbying_spend_total,
    profile.contract_obligations_total,
    profile.news_mentions_count
from marts.dim_company as company
inner join marts.company_profile as profile on company.company_id = profile.company_id
where company.company_id in (select company_id from active)
order by company.company_name, company.company_id
"""

# The agencies that get a page: those named in reports, obligating, or in the news
AGENCIES = """
select
    agency.agency_code,
    agency.agency_level,
    agency.toptier_code,
    agency.agency_name,
    agency.abbreviation,
    agency.toptier_name,
    sum(quarters.reports_naming_agency) as reports_naming_agency,
    sum(quarters.contract_obligations) as contract_obligations,
    count(distinct quarters.company_id) as companies
from marts.dim_agency as agency
inner join marts.company_agency_quarter as quarters on agency.agency_code = quarters.agency_code
group by all
order by agency.agency_level desc, agency.agency_name, agency.agency_code
"""

# Phrases of the issue descriptions, by company, for the search box
PHRASES = """
select
    company_id,
    description,
    min(year) as first_year,
    max(year) as last_year,
    count(distinct filing_uuid) as reports
from marts.fct_lobbying_issues
where description is not null and company_id is not null
group by company_id, description
order by company_id, description
"""

# The front page's example: one company's quarter, what it lobbied on and whom, and the news
# of the month after the quarter ended
CASE = """
with

spend as (

    select lobbying_spend, spend_basis
    from marts.company_quarter_lobbying
    where company_id = {company} and year = {year} and quarter = {quarter}

),

agencies as (

    select list(coalesce(agency_abbreviation, agency_code) order by agency_code) as agencies
    from marts.company_agency_quarter
    where company_id = {company} and year = {year} and quarter = {quarter}
        and agency_level = 'toptier' and reports_naming_agency > 0

),

issues as (

    select list(distinct issue_code order by issue_code) as issue_codes
    from marts.fct_lobbying_issues
    where company_id = {company} and year = {year} and quarter = {quarter}

),

news as (

    select count(distinct url) as articles_next_month
    from marts.fct_news_mentions
    where entity_type = 'company' and company_id = {company}
        and seen_date >= make_date({year}, {quarter} * 3, 1) + interval 1 month
        and seen_date < make_date({year}, {quarter} * 3, 1) + interval 2 month

)

select spend.lobbying_spend, spend.spend_basis, agencies.agencies, issues.issue_codes,
    news.articles_next_month
from spend, agencies, issues, news
"""
