{#
    The company resolver (this file: word lists and stems; company_match_candidates.sql: the
    scored candidates; resolve_company_names.sql: the rules in order), shared by the warehouse (int_company_match_candidates,
    int_company_name_matches) and its evaluation (company_match_evaluation), so that the figures
    the evaluation prints are those of the rules the marts use.

    Thresholds (dbt vars, defaults here):
      company_match_accept_score  0.92  a fuzzy_typo candidate at or above it is accepted
      company_match_review_score  0.85  a candidate not accepted but at or above it goes to review
      company_match_similarity_review_score  0.95  the same for fuzzy_similarity candidates
      company_match_known_word_zipf  2.5  how common in English (seeds/reference/english_words) a
                                          word must be to count as a real word for fuzzy_typo
#}

{# Words that make a longer name another kind of organisation than the company it starts with
   ("AMERICAN AIRLINES FEDERAL CREDIT UNION" is not American Airlines). #}
{% macro company_other_organisation_words() -%}
    [
        'ALUMNI', 'ASSOCIATION', 'CHARITABLE', 'CLUB', 'COALITION', 'COMMITTEE', 'COUNCIL',
        'DEALERS', 'EMPLOYEES', 'FOUNDATION', 'FRANCHISEES', 'FUND', 'INSTITUTE', 'PAC',
        'PENSION', 'RETIREES', 'SOCIETY', 'UNION', 'WORKERS'
    ]
{%- endmacro %}

{# Words that only say how a company is organised or where: a name that adds nothing else to a
   curated company name ("PFIZER INTL", "LEIDOS HOLDINGS") is that company. #}
{% macro company_structure_words() -%}
    [
        'AMERICA', 'AMERICAS', 'ENTERPRISES', 'GLOBAL', 'GROUP', 'HOLDING', 'HOLDINGS',
        'INTERNATIONAL', 'NORTH', 'OF', 'USA', 'US', 'WORLDWIDE'
    ]
{%- endmacro %}

{# A normalised name with plural word endings dropped (TECHNOLOGIES -> TECHNOLOGY, SYSTEMS ->
   SYSTEM), for comparing names only. #}
{% macro company_name_stem(expression) -%}
    regexp_replace(
        regexp_replace({{ expression }}, '\b([A-Z0-9]{2,})IES\b', '\1Y', 'g'),
        '\b([A-Z0-9]{2,}[A-RT-Z0-9])S\b', '\1', 'g'
    )
{%- endmacro %}

{# A stemmed name (company_name_stem) without spaces and the word AND: two names with the same
   spelling are spelling variants of each other. #}
{% macro company_name_spelling(stem) -%}
    regexp_replace({{ stem }}, '\bAND\b|\s', '', 'g')
{%- endmacro %}

{# Whether word i of `a` is within the edit budget of word i of `b` (lists of words, same
   length): Damerau-Levenshtein distance 0 for words of up to 5 letters or with a digit, 1 for 6-9
   letters, 2 for longer. #}
{% macro company_words_within_budget(a, b) -%}
    list_bool_and(list_transform(
        range(1, len({{ a }}) + 1),
        lambda i: damerau_levenshtein({{ a }}[i], {{ b }}[i])
        <= case
            when regexp_matches({{ a }}[i] || {{ b }}[i], '[0-9]') then 0
            when greatest(len({{ a }}[i]), len({{ b }}[i])) <= 5 then 0
            when greatest(len({{ a }}[i]), len({{ b }}[i])) <= 9 then 1
            else 2
        end
    ))
{%- endmacro %}
