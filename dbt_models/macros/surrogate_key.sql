{#
    A surrogate key: the md5 of the parts cast to varchar and joined with '-', a null part written
    as '_null_' so that (null, 'a') and ('', 'a') stay different. Same idea as dbt_utils'
    generate_surrogate_key, which this project does not install (no package downloads).
#}
{% macro surrogate_key(parts) -%}
    md5(concat_ws('-'
    {%- for part in parts %},
        coalesce(cast({{ part }} as varchar), '_null_')
    {%- endfor %}
    ))
{%- endmacro %}
