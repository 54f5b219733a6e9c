{#
    Use a model's custom schema name as it is (`marts`, not `main_marts`), so that analysts find
    the tables at the documented names whatever the target. Without a custom schema, the target's.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
