{# The inputs of company_profile, fingerprinted per company (redo_changed_keys): the company's
   dimension row, its lobbying by quarter, its issues, its reports with their agencies, its award
   actions and its news mentions, every column the model reads; the agencies' names under the
   null key. Keep it in step with the model. #}
{% macro company_profile_fingerprints() -%}
    with

    report_agencies as (

        select
            filing_uuid,
            {{ rows_fingerprint(['agency_code', 'agency_level']) }} as agencies_fingerprint
        from {{ ref('int_lda_report_agencies') }}
        group by filing_uuid

    ),

    company_rows as (

        select
            company_id,
            hash('company', company_name, parent_company_id, top_company_id) as row_hash
        from {{ ref('dim_company') }}

        union all

        select
            company_id,
            hash('quarter', year, quarter, lobbying_spend, reports_count) as row_hash
        from {{ ref('company_quarter_lobbying') }}

        union all

        select
            company_id,
            hash('issue', activity_id, filing_uuid, issue_code, issue_name) as row_hash
        from {{ ref('fct_lobbying_issues') }}

        union all

        select
            reports.company_id,
            hash('report', reports.filing_uuid, report_agencies.agencies_fingerprint) as row_hash
        from {{ ref('fct_lobbying_reports') }} as reports
        left join report_agencies
            on reports.filing_uuid = report_agencies.filing_uuid

        union all

        select
            company_id,
            hash(
                'action',
                transaction_key,
                awarding_toptier_code,
                awarding_toptier_name,
                generated_internal_id,
                transaction_amount
            ) as row_hash
        from {{ ref('fct_contract_transactions') }}

        union all

        select
            company_id,
            hash('mention', url) as row_hash
        from {{ ref('fct_news_mentions') }}

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
        {{ rows_fingerprint(['agency_code', 'agency_name']) }} as fingerprint
    from {{ ref('dim_agency') }}
{%- endmacro %}
