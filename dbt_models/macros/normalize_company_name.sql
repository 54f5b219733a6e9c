{#
    The normalised form of a company name, the key that `company_aliases` and
    `company_match_decisions` are written in.

    In order:
      1. accents stripped, upper case, trimmed;
      2. "X ON BEHALF OF Y" -> "Y" (outside firms' way of naming the real client);
      3. "(FORMERLY Z)", "(F/K/A Z)", "(A/K/A Z)" and a trailing ", FORMERLY Z" removed;
      4. a trailing "D/B/A Z" (or "DBA Z", "DOING BUSINESS AS Z") removed: the legal name stays, the
         trade name is company_dba_text's;
      5. "&" -> " AND "; periods and apostrophes dropped ("L.L.C." -> "LLC", "AMAZON.COM" ->
         "AMAZONCOM"); any other punctuation -> a space;
      6. the name split into words, and abbreviated words written out wherever they stand: CORP, INC, CO, LTD, INTL, ASSN ->
         CORPORATION, INCORPORATED, COMPANY, LIMITED, INTERNATIONAL, ASSOCIATION ("NEC CORP OF
         AMERICA" and "NEC CORPORATION OF AMERICA" meet);
      7. a leading "THE " and a trailing ", THE" removed; trailing legal suffixes removed, repeatedly
         (INCORPORATED, LLC, LLP, LP, CORPORATION, COMPANY, LIMITED, PLC; "AND COMPANY" and
         "PUBLIC LIMITED COMPANY" too);
      8. whitespace collapsed (words joined by one space); an empty result is null.
#}
{% macro normalize_company_name(expression) -%}
    nullif(trim(regexp_replace(regexp_replace(
        array_to_string(list_transform(
            list_filter(
                string_split(
                    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                        regexp_replace(regexp_replace(regexp_replace(
                            upper(trim(strip_accents(cast({{ expression }} as varchar)))),
                            '^.*\bON BEHALF OF\b', '', 'g'),
                            '\(\s*(FORMERLY|F/K/A|FKA|A/K/A|AKA)\b[^)]*\)?', ' ', 'g'),
                            '[,;]?\s*\b(FORMERLY|F/K/A|FKA)\b.*$', '', 'g'),
                            '[,;]?\s*\b(D\s*/\s*B\s*/\s*A|DBA|DOING BUSINESS AS)\b.*$', '', 'g'),
                            '&', ' AND ', 'g'),
                            '[.''’]', '', 'g'),
                            '[^A-Z0-9 ]', ' ', 'g'),
                    ' '
                ),
                lambda word: word <> ''
            ),
            lambda word: case word
                when 'CORP' then 'CORPORATION'
                when 'INC' then 'INCORPORATED'
                when 'CO' then 'COMPANY'
                when 'LTD' then 'LIMITED'
                when 'INTL' then 'INTERNATIONAL'
                when 'ASSN' then 'ASSOCIATION'
                else word
            end
        ), ' '),
        '^THE\s|\sTHE$', '', 'g'),
        '(\s(INCORPORATED|LLC|LLP|LP|CORPORATION|(AND\s)?COMPANY|(PUBLIC\s)?LIMITED|PLC))+$', '', 'g'
    )), '')
{%- endmacro %}

{#
    The trade name of "LEGAL NAME D/B/A TRADE NAME" (also "DBA", "DOING BUSINESS AS"), as written
    (normalise it with normalize_company_name, in a later CTE); null when the name has none.
#}
{% macro company_dba_text(expression) -%}
    nullif(regexp_extract(
        upper(cast({{ expression }} as varchar)),
        '\b(?:D\s*/\s*B\s*/\s*A|DBA|DOING BUSINESS AS)\b\s*(.*)$',
        1
    ), '')
{%- endmacro %}

{#
    The former or other name of "NAME (FORMERLY OTHER)", "NAME, F/K/A OTHER", "NAME (A/K/A OTHER)",
    as written (normalise it in a later CTE); null when the name states none.
#}
{% macro company_former_text(expression) -%}
    nullif(regexp_extract(
        upper(cast({{ expression }} as varchar)),
        '\b(?:FORMERLY|F/K/A|FKA|A/K/A|AKA)\b\s*([^)]*)',
        1
    ), '')
{%- endmacro %}

{#
    A select of every column of `relation` (which has company_name_raw) plus the name's forms: the
    d/b/a and former texts as written, then normalized_name (the upper-cased name when nothing is
    left), dba_name and former_name normalised. In two steps, so that no expression nests one
    normalisation inside another.
#}
{% macro company_name_forms(relation) -%}
    with

    stated as (

        select
            named.*,
            {{ company_dba_text('named.company_name_raw') }} as dba_text,
            {{ company_former_text('named.company_name_raw') }} as former_text
        from {{ relation }} as named

    )

    select
        stated.*,
        coalesce(
            {{ normalize_company_name('stated.company_name_raw') }},
            upper(trim(stated.company_name_raw))
        ) as normalized_name,
        {{ normalize_company_name('stated.dba_text') }} as dba_name,
        {{ normalize_company_name('stated.former_text') }} as former_name
    from stated
{%- endmacro %}
