{#
    How a news pattern is tried on a text: the matches of its exclusion pattern are cut out first
    (an empty exclusion is none: dbt's unit tests read a seed file's empty cells as ''), then the
    pattern is searched, as written when it is case-sensitive, else with RE2's (?i) flag. The one
    rule for int_news_mentions_tagged, whether the pattern comes as a column or as a constant.
#}
{% macro news_pattern_matches(text, pattern, exclusion_pattern, is_case_sensitive) -%}
    regexp_matches(
        case
            when coalesce({{ exclusion_pattern }}, '') = '' then {{ text }}
            else regexp_replace({{ text }}, '(?i)' || {{ exclusion_pattern }}, ' ', 'g')
        end,
        case
            when {{ is_case_sensitive }} then {{ pattern }}
            else '(?i)' || {{ pattern }}
        end
    )
{%- endmacro %}

{# A text as a SQL string literal. #}
{% macro sql_string(text) -%}
    '{{ text | replace("'", "''") }}'
{%- endmacro %}

{#
    The news patterns of the given relations (each with the news_entity_patterns seed's columns),
    read when the model runs, so that the model can try each one as a constant: DuckDB compiles a
    regular expression given as a constant once per query, but one given as a column once per row,
    and a pattern of Unicode classes (\pL) costs over a millisecond to compile. Returns none where
    the patterns cannot be read: when dbt only parses, in a unit test (whose inputs are fixtures,
    not tables), or before the relations exist (dbt docs generate on an empty database); the model
    then tries the patterns as columns, by the same rule.
#}
{% macro news_patterns_as_constants(relations) %}
    {% if not execute or model.resource_type == 'unit_test' %}
        {{ return(none) }}
    {% endif %}
    {% for relation in relations %}
        {% if load_relation(relation) is none %}
            {{ return(none) }}
        {% endif %}
    {% endfor %}
    {% set columns = (
        "pattern_id, entity_type, entity_id, pattern,"
        ~ " coalesce(exclusion_pattern, '') as exclusion_pattern,"
        ~ " coalesce(is_case_sensitive, false) as is_case_sensitive"
    ) %}
    {% set selects = [] %}
    {% for relation in relations %}
        {% do selects.append('select ' ~ columns ~ ' from ' ~ relation) %}
    {% endfor %}
    {% set query = selects | join(' union all ') ~ ' order by pattern_id' %}
    {{ return(run_query(query).rows) }}
{% endmacro %}

{# The texts the patterns are tried on, of the articles `articles` (a CTE of
   int_news_articles_deduplicated's rows): one row per article and text field (url, text_field,
   field_text), its title and its description, when it has one. #}
{% macro news_article_texts(articles) -%}
    select
        url,
        'title' as text_field,
        title as field_text
    from {{ articles }}
    where title is not null

    union all

    select
        url,
        'description' as text_field,
        description as field_text
    from {{ articles }}
    where description is not null
{%- endmacro %}
