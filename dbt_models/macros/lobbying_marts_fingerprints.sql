{# The fingerprints of the LDA report models that are incremental by fingerprint
   (macros/changed_keys.sql, redo_changed_keys): one query per model, of (key, fingerprint) over
   every column the model reads from each of its inputs (fingerprint_rows, fingerprints_by_key). A model's key is the one its rows depend
   on as a whole: the filing (filing_uuid) for a mart with rows per current report, the report
   (report_id: registrant, client, filing year and period, whose filings are the report's versions)
   for the versions and the current version, the company for the company periods. Keep each one in
   step with its model: a column the model reads and its fingerprint leaves out would leave its
   keys stale after that column changes (test_dbt_incremental builds both ways and compares). #}

{# The filings of quarterly reports (not registrations), keyed by report, with every column
   int_lda_filings_latest and int_lda_report_versions read: the versions of a report are its
   filings, so a new, amended or moved filing redoes its report (both of them, when a filing moves
   to another registrant, client or period). #}
{% macro lda_report_filings_fingerprints() -%}
    {{ fingerprints_by_key([
        fingerprint_rows(
            'filing',
            ref('stg_lda__filings'),
            surrogate_key(['registrant_id', 'client_id', 'filing_year', 'filing_period']),
            [
                'filing_uuid', 'registrant_id', 'client_id', 'registrant_name', 'client_name',
                'filing_type', 'filing_period', 'filing_year', 'filing_quarter',
                'filing_half_year', 'income', 'expenses', 'expenses_method',
                'reporting_threshold', 'is_amount_not_transcribed', 'is_client_self_select',
                'is_amendment', 'is_termination', 'is_no_activity', 'posted_at',
                'termination_date', 'filing_document_url',
            ],
            where='not is_registration',
        ),
    ]) }}
{%- endmacro %}

{# fct_lobbying_reports, per current filing: its row of int_lda_filings_latest and of
   int_lda_reports_counted_once. #}
{% macro fct_lobbying_reports_fingerprints() -%}
    {{ fingerprints_by_key([
        fingerprint_rows(
            'report',
            ref('int_lda_filings_latest'),
            'filing_uuid',
            [
                'report_id', 'client_id', 'registrant_id', 'client_name', 'registrant_name',
                'filing_year', 'filing_quarter', 'filing_period', 'filing_type', 'income',
                'expenses', 'expenses_method', 'is_client_self_select', 'is_no_activity',
                'is_termination', 'is_amendment', 'versions_count', 'superseded_versions_count',
                'superseded_filing_uuids', 'first_posted_at', 'posted_at', 'filing_document_url',
            ],
        ),
        fingerprint_rows(
            'counted',
            ref('int_lda_reports_counted_once'),
            'filing_uuid',
            [
                'company_id', 'amount', 'amount_basis', 'is_amount_undisclosed',
                'amount_status', 'reporting_threshold',
            ],
        ),
    ]) }}
{%- endmacro %}

{# The columns of fct_lobbying_reports a mart with rows per current filing reads, keyed by
   filing. #}
{% macro current_report_rows(columns) -%}
    {{ fingerprint_rows('report', ref('fct_lobbying_reports'), 'filing_uuid', columns) }}
{%- endmacro %}

{# fct_lobbying_issues, per filing: its activities (the part stg_lda__activities keeps:
   activity_fingerprint_parts), its current report's row (none when the filing is no longer
   current) and, under the null key, the issue codes' names. #}
{% macro fct_lobbying_issues_fingerprints() -%}
    {{ fingerprints_by_key(
        [
            fingerprint_rows(
                'activities',
                '(' ~ fingerprint_part('stg_lda__activities', 'fct_lobbying_issues') ~ ')',
                'key',
                ['fingerprint'],
            ),
            current_report_rows([
                'company_id', 'client_name', 'registrant_name', 'is_self_filed', 'year',
                'quarter',
            ]),
        ],
        shared=fingerprint_rows(
            'issue_code', ref('lda_issue_codes'), 'null', ['issue_code', 'issue_name'],
        ),
    ) }}
{%- endmacro %}

{# fct_lobbying_report_agencies, per filing: its agencies (the part int_lda_report_agencies keeps:
   report_agency_fingerprint_parts), its current report's row and, under the null key, the
   agencies' names. #}
{% macro fct_lobbying_report_agencies_fingerprints() -%}
    {{ fingerprints_by_key(
        [
            fingerprint_rows(
                'agencies',
                '(' ~ report_agencies_fingerprints() ~ ')',
                'filing_uuid',
                ['agencies_fingerprint'],
            ),
            current_report_rows(['company_id', 'year', 'quarter']),
        ],
        shared=fingerprint_rows(
            'agency', ref('dim_agency'), 'null', ['agency_code', 'agency_name', 'abbreviation'],
        ),
    ) }}
{%- endmacro %}

{# fct_lobbying_report_versions, per report: its versions and its current report's company. #}
{% macro fct_lobbying_report_versions_fingerprints() -%}
    {{ fingerprints_by_key([
        fingerprint_rows(
            'version',
            ref('int_lda_report_versions'),
            'report_id',
            [
                'filing_uuid', 'client_id', 'registrant_id', 'client_name', 'registrant_name',
                'filing_year', 'filing_quarter', 'filing_period', 'version_number',
                'versions_count', 'filing_type', 'income', 'expenses', 'expenses_method',
                'is_client_self_select', 'is_amendment', 'is_termination', 'is_no_activity',
                'filing_document_url', 'valid_from', 'valid_to', 'is_current',
            ],
        ),
        fingerprint_rows('report', ref('fct_lobbying_reports'), 'report_id', ['company_id']),
    ]) }}
{%- endmacro %}

{# A company mart of int_lda_reports_counted_once, per company and year (company_year_key): the
   `columns` it reads of the company's reports of the year (those `where` selects) and the
   company's name. The counted-once rule spans a company's period, which lies in one year, so the
   company's year (not the filing) is the key: a report added to a period can change whether the
   period's other reports count. A new quarter redoes the current year of the companies it has
   reports of; a renamed company, every year of it. #}
{% macro company_lobbying_fingerprints(columns, where) -%}
    with

    company_years as (

        select
            company_id,
            year,
            {{ rows_fingerprint(['hash(' ~ (columns | join(', ')) ~ ')']) }} as fingerprint
        from {{ ref('int_lda_reports_counted_once') }}
        where
            company_id is not null
            and {{ where }}
        group by company_id, year

    )

    select
        {{ company_year_key('company_years.company_id', 'company_years.year') }} as key,
        hash(company_years.fingerprint, companies.company_name) as fingerprint
    from company_years
    left join {{ ref('dim_company') }} as companies
        on company_years.company_id = companies.company_id
{%- endmacro %}

{% macro company_quarter_lobbying_fingerprints() -%}
    {{ company_lobbying_fingerprints(
        [
            'year', 'quarter', 'spend_basis', 'amount', 'is_counted_in_spend',
            'is_amount_undisclosed', 'is_self_filed', 'registrant_id', 'is_no_activity',
            'superseded_versions_count',
        ],
        where='quarter is not null',
    ) }}
{%- endmacro %}

{% macro company_period_lobbying_fingerprints() -%}
    {{ company_lobbying_fingerprints(
        [
            'year', 'filing_period', 'period_grain', 'quarter', 'half_year',
            'period_start_date', 'period_end_date', 'reporting_threshold', 'spend_basis',
            'amount', 'is_counted_in_spend', 'amount_status', 'is_self_filed', 'registrant_id',
            'is_no_activity',
        ],
        where='true',
    ) }}
{%- endmacro %}

{# The fingerprint part int_lda_report_agencies keeps (macros/fingerprint_parts.sql): each filing's
   agencies, over every column fct_lobbying_report_agencies reads of them. company_profile and
   company_agency_quarter read fewer of those columns (the agency's code and level): the part
   serves them too, so a filing whose agencies' other columns change redoes their keys as well. #}
{% macro report_agency_fingerprint_parts() -%}
    {%- do return([{
        'part': 'report_agencies',
        'columns': [
            'report_agency_id', 'agency_code', 'agency_level', 'toptier_code',
            'is_named_directly', 'government_entity_ids',
        ],
    }]) -%}
{%- endmacro %}

{# The filings int_lda_report_agencies' build may have changed (a query, for its post-hook,
   before it moves its watermark): those whose rows its pre-hooks deleted (landed since its last
   build, or no longer current: their parts stay until then) and those it added. #}
{% macro report_agency_filings_changed() -%}
    {{ changed_raw_keys(
        ref('stg_lda__filings'),
        'filing_uuid',
        inputs_hash=reference_rows_hash(ref('lda_government_entity_agency_codes')),
    ) }}
    union all
    select stored.key
    from ({{ fingerprint_part(this.identifier, 'report_agencies') }}) as stored
    where stored.key not in (
        select latest.filing_uuid
        from {{ ref('int_lda_filings_latest') }} as latest
        where latest.filing_uuid is not null
    )
    union all
    {{ redone_keys('key') }}
{%- endmacro %}

{# The filings' agencies, as a query of (filing_uuid, agencies_fingerprint). #}
{% macro report_agencies_fingerprints() -%}
    select
        part.key as filing_uuid,
        part.fingerprint as agencies_fingerprint
    from ({{ fingerprint_part('int_lda_report_agencies', 'report_agencies') }}) as part
{%- endmacro %}

{# The fingerprint part stg_lda__activities keeps (macros/fingerprint_parts.sql): each filing's
   activities, over the columns fct_lobbying_issues reads of them. #}
{% macro activity_fingerprint_parts() -%}
    {%- do return([{
        'part': 'fct_lobbying_issues',
        'columns': [
            'activity_id', 'activity_index', 'issue_code', 'issue_code_display', 'description',
            'foreign_entity_issues', 'lobbyists_count', 'government_entities_count',
        ],
    }]) -%}
{%- endmacro %}
