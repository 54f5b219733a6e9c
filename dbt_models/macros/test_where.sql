{# The relation a data test reads, as dbt's own get_where_subquery gives it (the model, filtered by
   the test's `where` config when there is one), with one addition: in a `where`, the word
   __built_rows__ stands for built_rows_only of the tested model, the rows its last build wrote.
   A test's YAML config cannot call a project macro (dbt renders it before macros exist), so the
   condition is filled in here, when the test runs. #}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if not where -%}
        {%- do return(relation) -%}
    {%- endif -%}
    {%- set condition = where | replace('__built_rows__', built_rows_only(relation.identifier)) -%}
    {%- do return('(select * from ' ~ relation ~ ' where ' ~ condition ~ ') as dbt_subquery') -%}
{%- endmacro %}
