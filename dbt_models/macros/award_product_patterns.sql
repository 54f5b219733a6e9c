{# The hash of the product patterns (seeds/reference/award_product_patterns) that
   int_contract_award_products matched its rows with: a change to the seed makes the next build
   match every award again. #}
{% macro award_product_patterns_hash() -%}
    (
        select md5(string_agg(
            concat_ws(
                '|', patterns.pattern_id, patterns.company_id, patterns.product, patterns.pattern
            ),
            chr(10) order by patterns.pattern_id
        ))
        from {{ ref('award_product_patterns') }} as patterns
    )
{%- endmacro %}
