{# The inputs of company_profile, fingerprinted per company (redo_changed_keys): the company's
   dimension row, its lobbying by quarter, its issues, its reports with their agencies (the part
   int_lda_report_agencies keeps: report_agency_fingerprint_parts), its award actions and its news
   mentions, every column the model reads; the agencies' names under the null key. Keep it in
   step with the model. #}
{% macro company_profile_fingerprints() -%}
    with

    report_agencies as (

        {{ report_agencies_fingerprints() }}

    ),

    reports as (

        select
            reports.company_id,
            reports.filing_uuid,
            report_agencies.agencies_fingerprint
        from {{ ref('fct_lobbying_reports') }} as reports
        left join report_agencies
            on reports.filing_uuid = report_agencies.filing_uuid

    )

    {{ fingerprints_by_key(
        [
            fingerprint_rows(
                'company',
                ref('dim_company'),
                'company_id',
                ['company_name', 'parent_company_id', 'top_company_id'],
            ),
            fingerprint_rows(
                'quarter',
                ref('company_quarter_lobbying'),
                'company_id',
                ['year', 'quarter', 'lobbying_spend', 'reports_count'],
            ),
            fingerprint_rows(
                'issue',
                ref('fct_lobbying_issues'),
                'company_id',
                ['activity_id', 'filing_uuid', 'issue_code', 'issue_name'],
            ),
            fingerprint_rows(
                'report', 'reports', 'company_id', ['filing_uuid', 'agencies_fingerprint'],
            ),
            fingerprint_rows(
                'action',
                ref('fct_contract_transactions'),
                'company_id',
                [
                    'transaction_key', 'awarding_toptier_code', 'awarding_toptier_name',
                    'generated_internal_id', 'transaction_amount',
                ],
            ),
            fingerprint_rows('mention', ref('fct_news_mentions'), 'company_id', ['url']),
        ],
        shared=fingerprint_rows(
            'agency', ref('dim_agency'), 'null', ['agency_code', 'agency_name'],
        ),
    ) }}
{%- endmacro %}
