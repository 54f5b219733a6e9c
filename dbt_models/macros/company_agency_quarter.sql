{# company_agency_quarter is redone by company and year (redo_changed_keys): a row of a company's
   year reads the company's inputs of that year and, for the obligations of the following four
   quarters, of the next year. The key 'company_id|year'. #}
{% macro company_year_key(company_id, year) -%}
    ({{ company_id }} || '|' || ({{ year }}))
{%- endmacro %}

{# The company and the year of a company_year_key `key` (an expression): the company is the text
   before the last '|', the year the digits after it. #}
{% macro key_company(key) -%}
    regexp_extract({{ key }}, '^(.*)[|][0-9]+$', 1)
{%- endmacro %}

{% macro key_year(key) -%}
    cast(regexp_extract({{ key }}, '[|]([0-9]+)$', 1) as integer)
{%- endmacro %}

{# redo_changed_keys' `dependents` of company_agency_quarter: the year before each company year
   whose inputs changed, as a key (its rows' following quarters read that year's obligations). #}
{% macro company_years_before() -%}
    select {{ company_year_key(key_company('changed.key'), key_year('changed.key') ~ ' - 1') }}
    from changed
    where changed.key is not null
{%- endmacro %}

{# The inputs of company_agency_quarter, fingerprinted per company and year: every column the
   model reads from the company's reports of the year, their agencies (the part
   int_lda_report_agencies keeps: report_agency_fingerprint_parts), the award actions, the news
   mentions (the company's articles with the agencies they mention), and the company's name; the
   agencies' names and levels (dim_agency) under the null key, as every row reads them. A change
   in any of them redoes the company's year and the year before (company_years_before: its
   following quarters read this year's obligations), rather than each year's fingerprint holding
   the next year's (a join of every company year to the next: 0.70 s in the query's profile on a
   full history). A company's year without reports, actions or mentions has no row, and no key.
   Keep it in step with the model. #}
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

        {{ report_agencies_fingerprints() }}

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

    input_rows as (

        select
            reports.company_id,
            reports.year,
            hash(
                'report',
                reports.filing_uuid,
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
            action_year as year,
            hash(
                'action',
                generated_internal_id,
                awarding_toptier_code,
                awarding_subtier_code,
                action_quarter,
                transaction_amount
            ) as row_hash
        from {{ ref('fct_contract_transactions') }}
        where company_id is not null

        union all

        select
            mentions.company_id,
            mentions.year,
            hash(
                'mention',
                mentions.url,
                mentions.quarter,
                article_agencies.agencies_fingerprint
            ) as row_hash
        from mentions
        left join article_agencies
            on mentions.url = article_agencies.url
        where mentions.entity_type = 'company'

    ),

    company_years as (

        select
            company_id,
            year,
            {{ rows_fingerprint(['row_hash']) }} as fingerprint
        from input_rows
        where company_id is not null
        group by company_id, year

    )

    select
        {{ company_year_key('company_years.company_id', 'company_years.year') }} as key,
        hash(company_years.fingerprint, companies.company_name) as fingerprint
    from company_years
    left join {{ ref('dim_company') }} as companies
        on company_years.company_id = companies.company_id

    union all

    select
        null as key,
        {{ rows_fingerprint([
            'agency_code', 'agency_level', 'toptier_code', 'agency_name', 'abbreviation',
        ]) }} as fingerprint
    from {{ ref('dim_agency') }}
{%- endmacro %}

{# The company years a model's build redid (redone_keys of company_year_key keys: `model`, this
   model's by default), as a query of (company_id, year), the years moved on by each of `shifts`.
   A filter on those typed columns, not on the key text: joining 10 million award actions or 15
   million company_agency_quarter rows on their keys spelt out took 0.5 to 0.8 s a join, on the
   columns 0.2 s (the full-history benchmark's warehouse). The key ends in '|' and the year, so
   the company is the text before the last '|'. #}
{% macro redone_company_years(model=none, shifts=[0]) -%}
    select
        {{ key_company('redone.key') }} as company_id,
        {{ key_year('redone.key') }} + shifts.shift as year
    from ({{ redone_keys('key', model) }}) as redone
    cross join (
        values {% for shift in shifts %}({{ shift }}){{ ', ' if not loop.last }}{% endfor %}
    ) as shifts (shift)
{%- endmacro %}

{# The filter (`keyword` and a condition) of an input row of company `company_id` and year `year`
   on an incremental build: the company's years being redone (`shifts` [0]), or those and the year
   after each ([0, 1]: the following quarters of company_agency_quarter); nothing on a full
   build. #}
{% macro company_years_to_redo(company_id, year, keyword='and', shifts=[0, 1]) -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ company_years_redone_rows(company_id, year, shifts) }}
    {%- endif %}
{%- endmacro %}

{# The rows of the company years this model's build redoes (moved on by `shifts`), on any build:
   redo_changed_keys' `rows`, and company_years_to_redo's condition. #}
{% macro company_years_redone_rows(company_id='company_id', year='year', shifts=[0]) -%}
    ({{ company_id }}, {{ year }}) in ({{ redone_company_years(shifts=shifts) }})
{%- endmacro %}

{# The condition of a data test on a model redone by company and year (company_year_key), as
   changed_keys_tested gives it for the key spelt out, on the typed columns. #}
{% macro changed_company_years_tested(model, company_id='company_id', year='year') -%}
    {{ changed_keys_tested(
        model, company_id ~ ', ' ~ year, members=redone_company_years(model)
    ) }}
{%- endmacro %}
