{#
    The sum of `amount` k quarters after each row's, for each k in `quarters` (0 when no row of
    the partition has those quarters), over `window`: a window partitioned by the series (company x
    agency) and ordered by `quarter_number` (year * 4 + quarter - 1), holding one row per quarter
    number. The row k quarters on is then one of the next k rows: lead() finds it without the range
    frames a windowed sum would search (five of them over every company x agency x quarter took
    most of company_agency_quarter's build).
#}
{% macro amount_quarters_later(quarters, amount, quarter_number, window) -%}
    {%- set terms = [] -%}
    {%- for k in quarters -%}
        {%- set branches = [] -%}
        {%- for j in range(1, k + 1) -%}
            {%- do branches.append(
                'when lead(' ~ quarter_number ~ ', ' ~ j ~ ') over ' ~ window ~ ' = '
                ~ quarter_number ~ ' + ' ~ k ~ ' then lead(' ~ amount ~ ', ' ~ j ~ ') over '
                ~ window
            ) -%}
        {%- endfor -%}
        {%- do terms.append('coalesce(case ' ~ branches | join(' ') ~ ' end, 0)') -%}
    {%- endfor -%}
    {{ terms | join(' + ') }}
{%- endmacro %}
