{#
    How a news pattern is tried on a text: the pattern must be found in the text as written, and
    again once the matches of its exclusion pattern are cut out (an empty exclusion is none: dbt's
    unit tests read a seed file's empty cells as ''). It is searched as written when it is
    case-sensitive, else with RE2's (?i) flag. The text is cut only where the pattern is found, so
    an entity's long exclusion costs only on the texts that name it; and cutting cannot make a
    match of its own (an exclusion cut out of "rainforestAmazon" leaves a word boundary before
    "Amazon" that the text does not have). The one rule for int_news_mentions_tagged, whether the
    pattern comes as a column or as a constant.
#}
{% macro news_pattern_matches(text, pattern, exclusion_pattern, is_case_sensitive) -%}
    {%- set searched = 'case when ' ~ is_case_sensitive ~ ' then ' ~ pattern ~ " else '(?i)' || "
        ~ pattern ~ ' end' -%}
    (
        regexp_matches({{ text }}, {{ searched }})
        and (
            coalesce({{ exclusion_pattern }}, '') = ''
            or regexp_matches(
                regexp_replace({{ text }}, '(?i)' || {{ exclusion_pattern }}, ' ', 'g'),
                {{ searched }}
            )
        )
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
        {% set required = 'required_words' if has_column(relation, 'required_words')
            else 'cast(null as varchar) as required_words' %}
        {% do selects.append('select ' ~ columns ~ ', ' ~ required ~ ' from ' ~ relation) %}
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
        title as field_text,
        {{ news_folded_text('title') }} as folded_text
    from {{ articles }}
    where title is not null

    union all

    select
        url,
        'description' as text_field,
        description as field_text,
        {{ news_folded_text('description') }} as folded_text
    from {{ articles }}
    where description is not null
{%- endmacro %}

{# Which of `words` (required words of news patterns) are whole runs of ASCII letters and digits in
   the folded title or description of some article of `articles` (a relation or an aliased
   subquery), read when the model runs: a list (every word of `words` where the articles cannot be
   read: dbt only parsing). #}
{% macro news_words_found(articles, words) %}
    {% if not execute or not words %}
        {{ return(words) }}
    {% endif %}
    {% set listed = [] %}
    {% for word in words | unique %}
        {% do listed.append(sql_string(word)) %}
    {% endfor %}
    {% set query %}
        with

        texts as (

            {{ news_article_texts(articles) }}

        ),

        text_runs as (

            select unnest({{ news_text_words('texts.folded_text') }}) as word
            from texts

        )

        select distinct text_runs.word
        from text_runs
        where text_runs.word in ({{ listed | join(', ') }})
    {% endset %}
    {{ return(run_query(query).columns[0].values() | list) }}
{% endmacro %}

{# The words of a folded text (news_folded_text): its runs of ASCII letters and digits, the form of
   a pattern's required words (int_news_watchlist_patterns). #}
{% macro news_text_words(folded_text) -%}
    string_split_regex({{ folded_text }}, '[^a-z0-9]+')
{%- endmacro %}

{# A text in lower case, with the two letters RE2's case folding takes for ASCII ones (the long
   s for s, the Kelvin sign for k) written as those: a text that a case-insensitive pattern of
   ASCII words matches holds each word, in lower case, once folded so (and a case-sensitive one's,
   too). The pattern's required_words are looked for in it before the pattern is tried. #}
{% macro news_folded_text(text) -%}
    lower(replace(replace({{ text }}, 'ſ', 's'), 'K', 'k'))
{%- endmacro %}
