{#
    The normalised form of a company name, the key that `company_aliases` and
    `company_match_decisions` are written in.

    In order:
      1. accents stripped, upper case, trimmed; HTML entities as filed: "&AMP;" (and "&#38;") ->
         "&", any other entity ("&#226;", "&NBSP;") -> a space;
      2. "X ON BEHALF OF Y" (also "X OBO Y", "X O/B/O Y") -> "Y" (outside firms' way of naming the
         real client); but "X ON BEHALF OF ITSELF / SELF AND SUBSIDIARIES" -> "X";
      3. "(FORMERLY Z)", "(FORMERLY KNOWN AS Z)", "(FORMALLY KNOWN AS Z)" (sic, as filed),
         "(F/K/A Z)", "(N/K/A Z)", "(A/K/A Z)" and a trailing ", FORMERLY Z" (or F/K/A, NKA ...)
         removed;
      4. a trailing "D/B/A Z" (or "DBA Z", "DOING BUSINESS AS Z") removed: the legal name stays, the
         trade name is company_dba_text's;
      5. EDGAR's Delaware and "new" tags at the end removed ("CORP /DE/", "CO /NEW/", a trailing
         "/"), not a slash inside a short suffix ("A/S"); other state tags ("/PR/", "/MI/") stay,
         as words: EDGAR adds them to tell apart different companies of one name (First Bancorp
         /PR/ and /ME/), so they must not meet;
      6. "&" -> " AND "; periods and apostrophes dropped ("L.L.C." -> "LLC", "AMAZON.COM" ->
         "AMAZONCOM", "NAT'L" -> "NATL"); any other punctuation -> a space;
      7. the name split into words, and abbreviated words written out wherever they stand
         (macro company_word_expansions: CORP -> CORPORATION, NATL -> NATIONAL, ASSOC ->
         ASSOCIATION, BROS -> BROTHERS, ...), so "NEC CORP OF AMERICA" and "NEC CORPORATION OF
         AMERICA" meet;
      8. a leading "THE " and a trailing ", THE" removed; trailing legal suffixes removed, repeatedly
         (INCORPORATED, LLC, LLP, LP, CORPORATION, COMPANY, LIMITED, PLC; "AND COMPANY" and
         "PUBLIC LIMITED COMPANY" too; the foreign SA, AG, NV, BV, GMBH, SPA, SRL);
      9. whitespace collapsed (words joined by one space); an empty result is null.
#}
{#
    The abbreviations written out by normalize_company_name, word for word: the legal forms, and
    the short forms filers and standardised lists (OpenSecrets' "Natl", "Assn", "Cos") use. A word
    is listed only where it has no other common reading in a company name.
#}
{% macro company_word_expansions() -%}
    {{ return({
        'CORP': 'CORPORATION', 'INC': 'INCORPORATED', 'CO': 'COMPANY', 'LTD': 'LIMITED',
        'INTL': 'INTERNATIONAL', 'ASSN': 'ASSOCIATION', 'ASSOC': 'ASSOCIATION',
        'ASSOCS': 'ASSOCIATES', 'NATL': 'NATIONAL', 'GOVT': 'GOVERNMENT', 'INST': 'INSTITUTE',
        'COS': 'COMPANIES', 'BROS': 'BROTHERS', 'MFG': 'MANUFACTURING', 'SVCS': 'SERVICES',
        'DEPT': 'DEPARTMENT', 'BLDG': 'BUILDING', 'UNIV': 'UNIVERSITY', 'CTR': 'CENTER',
        'GRP': 'GROUP', 'INDS': 'INDUSTRIES'
    }) }}
{%- endmacro %}

{% macro normalize_company_name(expression) -%}
    nullif(trim(regexp_replace(regexp_replace(
        array_to_string(list_transform(
            list_filter(
                string_split(
                    regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                        regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                        regexp_replace(regexp_replace(regexp_replace(
                            upper(trim(strip_accents(cast({{ expression }} as varchar)))),
                            '&(AMP|#38);', '&', 'g'),
                            '&#?[A-Z0-9]+;', ' ', 'g'),
                            '\s*\bON BEHALF OF (IT)?SELF\b.*$', ''),
                            '^.*\b(ON BEHALF OF|OBO|O/B/O)\s', ''),
                            '\(\s*({{ former_name_markers() }})\b[^)]*\)?', ' ', 'g'),
                            '[,;]?\s*\b({{ former_name_markers() }})\b.*$', ''),
                            '[,;]?\s*\b(D\s*/\s*B\s*/\s*A|DBA|DOING BUSINESS AS)\b.*$', ''),
                            '([A-Z]{2,}|[.,)])\s*/\s*(DE|NEW)?\s*/?\s*$', '\1'),
                            '&', ' AND ', 'g'),
                            '[.''’]', '', 'g'),
                            '[^A-Z0-9 ]', ' ', 'g'),
                    ' '
                ),
                lambda word: word <> ''
            ),
            lambda word: coalesce(
                map {{ company_word_expansions() | tojson | replace('"', "'") }} [word],
                word
            )
        ), ' '),
        '^THE\s|\sTHE$', '', 'g'),
        '(\s(INCORPORATED|LLC|LLP|LP|CORPORATION|(AND\s)?COMPANY|(PUBLIC\s)?LIMITED|PLC|SA|AG|NV|BV|GMBH|SPA|SRL))+$',
        '', 'g'
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
    The words that introduce a company's other name in a filed name: FORMERLY (and FORMERLY KNOWN
    AS, whose name is what follows AS), FORMALLY KNOWN AS (as filed), F/K/A, FKA, N/K/A, NKA (now
    known as), A/K/A, AKA. Longer forms first, so the name captured is the one after them.
#}
{% macro former_name_markers() -%}
    FORMERLY KNOWN AS|FORMALLY KNOWN AS|FORMERLY|F/K/A|FKA|N/K/A|NKA|A/K/A|AKA
{%- endmacro %}

{#
    The former or other name of "NAME (FORMERLY OTHER)", "NAME, F/K/A OTHER", "NAME (A/K/A OTHER)",
    "NAME (FORMERLY KNOWN AS OTHER)", as written (normalise it in a later CTE); null when the name
    states none.
#}
{% macro company_former_text(expression) -%}
    nullif(regexp_extract(
        upper(cast({{ expression }} as varchar)),
        '\b(?:{{ former_name_markers() }})\b\s*([^)]*)',
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
