{# The relation a data test reads, as dbt's own get_where_subquery gives it (the model, filtered by
   the test's `where` config when there is one), with one addition: in a `where`, the word
   __built_rows__ stands for built_rows_only of the tested model, the rows its last build wrote,
   and __redone_keys__(key) for changed_keys_tested of the model and that key expression, the rows
   of the keys its last build redid (a model built by redo_changed_keys or record_redone_keys),
   and __redone_company_years__ for changed_company_years_tested of the model (one redone by
   company_year_key: the rows of its redone companies' years).
   A test's YAML config cannot call a project macro (dbt renders it before macros exist), so the
   condition is filled in here, when the test runs. #}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set condition = where | replace('__built_rows__', built_rows_only(relation.identifier)) -%}
    {%- set redone = modules.re.search('__redone_keys__\\((.*)\\)', condition) -%}
    {%- if redone -%}
        {%- set condition = condition | replace(
            redone.group(0), changed_keys_tested(relation.identifier, redone.group(1))
        ) -%}
    {%- endif -%}
    {%- if '__redone_company_years__' in condition -%}
        {%- set condition = condition | replace(
            '__redone_company_years__', changed_company_years_tested(relation.identifier)
        ) -%}
    {%- endif -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ condition ~ ') as dbt_subquery') -%}
{%- endmacro %}
