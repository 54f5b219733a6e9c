{# The inputs of company_agency_quarter, fingerprinted per company (redo_changed_keys): every
   column the model reads from its reports, their agencies, the award actions, the news mentions
   (a company's articles with the agencies they mention) and the company's name; the agencies'
   names and levels (dim_agency) under the null key, as every company's rows read them. A change
   in any of them redoes the company's rows. Keep it in step with the model. #}
{% macro company_agency_quarter_fingerprints() -%}
    with

    reports as (

        select
            company_id,
            filing_uuid,
            year,
            quarter,
            amount,
            is_counted_in_spend,
            spend_basis
        from {{ ref('int_lda_reports_counted_once') }}
        where
            company_id is not null
            and quarter is not null

    ),

    report_agencies as (

        select
            filing_uuid,
            {{ rows_fingerprint(['agency_code']) }} as agencies_fingerprint
        from {{ ref('int_lda_report_agencies') }}
        group by filing_uuid

    ),

    mentions as (

        select * from {{ ref('fct_news_mentions') }}

    ),

    article_agencies as (

        select
            url,
            {{ rows_fingerprint(['agency_code']) }} as agencies_fingerprint
        from mentions
        where entity_type = 'agency'
        group by url

    ),

    company_rows as (

        select
            reports.company_id,
            hash(
                'report',
                reports.filing_uuid,
                reports.year,
                reports.quarter,
                reports.amount,
                reports.is_counted_in_spend,
                reports.spend_basis,
                report_agencies.agencies_fingerprint
            ) as row_hash
        from reports
        left join report_agencies
            on reports.filing_uuid = report_agencies.filing_uuid

        union all

        select
            company_id,
            hash(
                'action',
                generated_internal_id,
                awarding_toptier_code,
                awarding_subtier_code,
                action_year,
                action_quarter,
                transaction_amount
            ) as row_hash
        from {{ ref('fct_contract_transactions') }}
        where company_id is not null

        union all

        select
            mentions.company_id,
            hash(
                'mention',
                mentions.url,
                mentions.year,
                mentions.quarter,
                article_agencies.agencies_fingerprint
            ) as row_hash
        from mentions
        left join article_agencies
            on mentions.url = article_agencies.url
        where mentions.entity_type = 'company'

        union all

        select
            company_id,
            hash('company', company_name) as row_hash
        from {{ ref('dim_company') }}

    )

    select
        company_id as key,
        {{ rows_fingerprint(['row_hash']) }} as fingerprint
    from company_rows
    where company_id is not null
    group by company_id

    union all

    select
        null as key,
        {{ rows_fingerprint([
            'agency_code', 'agency_level', 'toptier_code', 'agency_name', 'abbreviation',
        ]) }} as fingerprint
    from {{ ref('dim_agency') }}
{%- endmacro %}
