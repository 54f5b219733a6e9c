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
      4b. a parenthesis naming who files or for whom ("(THROUGH FIRM)", "(FOR CLIENT)", "(VIA
         X)") removed, and a trailing one-word parenthesis: the acronym a filer adds ("BIOTECHNOLOGY INDUSTRY
         ORGANIZATION (BIO)", company_acronym_text) or a country tag ("(USA)");
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
         "PUBLIC LIMITED COMPANY" too; the foreign PTY, SA, AG, NV, BV, GMBH, SPA, SRL, SE, OYJ,
         AB, ASA, LTDA, KGAA);
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
                        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
                        regexp_replace(
                            upper(trim(strip_accents(cast({{ expression }} as varchar)))),
                            '&(AMP|#38);', '&', 'g'),
                            '&#?[A-Z0-9]+;', ' ', 'g'),
                            '\s*\bON BEHALF OF (IT)?SELF\b.*$', ''),
                            '^.*\b(ON BEHALF OF|OBO|O/B/O)\s', ''),
                            '\(\s*({{ former_name_markers() }})\b[^)]*\)?', ' ', 'g'),
                            '[,;]?\s*\b({{ former_name_markers() }})\b.*$', ''),
                            '[,;]?\s*\b(D\s*/\s*B\s*/\s*A|DBA|DOING BUSINESS AS)\b.*$', ''),
                            '\(\s*(FOR|THROUGH|THRU|VIA)\s[^)]*\)?|\(\s*[A-Z0-9&.''-]{2,10}\s*\)\s*$',
                            ' ', 'g'),
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
        '(\s(INCORPORATED|LLC|LLP|LP|CORPORATION|(AND\s)?COMPANY|(PUBLIC\s)?LIMITED|PLC|PTY|SA|AG|NV|BV|GMBH|SPA|SRL|SE|OYJ|AB|ASA|LTDA|KGAA))+$',
        '', 'g'
    )), '')
{%- endmacro %}

{#
    The trade name of "LEGAL NAME D/B/A TRADE NAME" (also "DBA", "DOING BUSINESS AS"), as written
    (normalise it with normalize_company_name, in a later CTE); null when the name has none.
#}
{#
    The one-word parenthesis at the end of a name, as written ("BIO" of "BIOTECHNOLOGY INDUSTRY
    ORGANIZATION (BIO)"); company_name_forms keeps it as the name's acronym only when its letters
    spell the start and then, in order, letters of the name.
#}
{% macro company_acronym_text(expression) -%}
    nullif(regexp_extract(
        upper(trim(cast({{ expression }} as varchar))),
        '\(\s*([A-Z0-9&.''-]{2,10})\s*\)\s*$',
        1
    ), '')
{%- endmacro %}

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
    The state (or other) tag EDGAR puts at the end of a registrant's conformed name to tell it from
    another registrant of the same name ("GOODYEAR TIRE & RUBBER CO /OH/", "WELLS FARGO &
    COMPANY/MN", "APPLE COMPUTER INC/ FA"): one to three letters after a slash that follows a word
    or a period, with or without a closing slash. Null for none, and for /DE/ and /NEW/, which
    normalize_company_name drops itself. company_edgar_untagged_text is the name without it.
#}
{% macro company_edgar_tag_pattern() -%}
    ([A-Z]{2,}|[.,)])\s*/\s*([A-Z]{1,3})\s*/?\s*$
{%- endmacro %}

{% macro company_edgar_tag(expression) -%}
    nullif(list_filter(
        [regexp_extract(
            upper(trim(cast({{ expression }} as varchar))), '{{ company_edgar_tag_pattern() }}', 2
        )],
        lambda tag: tag not in ('', 'DE', 'NEW')
    )[1], '')
{%- endmacro %}

{% macro company_edgar_untagged_text(expression) -%}
    regexp_replace(
        upper(trim(cast({{ expression }} as varchar))), '{{ company_edgar_tag_pattern() }}', '\1'
    )
{%- endmacro %}

{# A surname of two letters or more, then one or two initials, then anything (macro above). #}
{% macro company_inverted_pattern() -%}
    ^([A-Z][A-Z0-9]+) ([A-Z](?: [A-Z])?)((?: .*)?)$
{%- endmacro %}

{#
    A select of every column of `relation` (which has company_name_raw) plus the name's forms: the
    d/b/a and former texts as written, then normalized_name (the upper-cased name when nothing is
    left), dba_name and former_name normalised, an EDGAR tag with the name normalised without it
    (untagged_name; null when the name has no tag), and the acronym the name states
    (acronym_name: "AICPA" of "AMERICAN INSTITUTE OF CERTIFIED PUBLIC ACCOUNTANTS (AICPA)", kept
    when its first letter is the name's and its other letters follow in the name in order), and the
    name with a leading surname's initials put first (inverted_name, EDGAR's "SMITH A O"). In
    steps, so that no expression nests one normalisation inside another.
#}
{% macro company_name_forms(relation) -%}
    with

    stated as (

        select
            named.*,
            {{ company_dba_text('named.company_name_raw') }} as dba_text,
            {{ company_former_text('named.company_name_raw') }} as former_text,
            {{ company_edgar_tag('named.company_name_raw') }} as edgar_tag,
            {{ company_edgar_untagged_text('named.company_name_raw') }} as untagged_text,
            regexp_replace(
                {{ company_acronym_text('named.company_name_raw') }}, '[^A-Z0-9]', '', 'g'
            ) as acronym_text
        from {{ relation }} as named

    ),

    normalized as (

    select
        stated.*,
        coalesce(
            {{ normalize_company_name('stated.company_name_raw') }},
            upper(trim(stated.company_name_raw))
        ) as normalized_name,
        {{ normalize_company_name('stated.dba_text') }} as dba_name,
        {{ normalize_company_name('stated.former_text') }} as former_name,
        {{ normalize_company_name('stated.untagged_text') }} as untagged_normalized_name
    from stated

    )

    select
        normalized.* exclude (untagged_text, untagged_normalized_name),
        case
            when normalized.edgar_tag is not null then normalized.untagged_normalized_name
        end as untagged_name,
        case
            when regexp_full_match(
                replace(normalized.normalized_name, ' ', ''),
                array_to_string(string_split(normalized.acronym_text, ''), '.*') || '.*'
            )
                then normalized.acronym_text
        end as acronym_name,
        -- EDGAR's conformed form of a company named after a person, surname first ("BERKLEY W R
        -- CORP" for W. R. Berkley): the initials put back in front ("W R BERKLEY")
        case
            when regexp_full_match(normalized.normalized_name, '{{ company_inverted_pattern() }}')
                then regexp_replace(
                    normalized.normalized_name, '{{ company_inverted_pattern() }}', '\2 \1\3'
                )
        end as inverted_name
    from normalized
{%- endmacro %}

{# The hash of company_name_forms' SQL: int_company_name_forms keeps the forms of every name it
   has normalised, and normalises them all again when this code changes. #}
{% macro company_name_forms_hash() -%}
    {#- linting renders without dbt's context functions (see has_column) -#}
    {%- if local_md5 is not defined %}{{ return("'lint'") }}{% endif -%}
    '{{ local_md5(company_name_forms('names')) }}'
{%- endmacro %}

{# The company names the sources spell, one row per record that spells one (company_name_raw,
   name_source): LDA clients, LDA registrants that file for themselves, USAspending recipients of
   awards (`awards`) and of award actions (`actions`: a list of relations, so that an action whose
   award is not loaded is resolved too). `filings` are stg_lda__filings rows. #}
{% macro company_name_spellings(filings, awards, actions) -%}
    select
        client_name as company_name_raw,
        'lda_client' as name_source
    from {{ filings }}
    where client_name is not null

    union all

    select
        registrant_name as company_name_raw,
        'lda_self_filing_registrant' as name_source
    from {{ filings }}
    where registrant_name is not null and is_client_self_select

    union all

    select
        recipient_name as company_name_raw,
        'usaspending_recipient' as name_source
    from {{ awards }}
    where recipient_name is not null
    {%- for action_relation in actions %}

    union all

    select
        recipient_name as company_name_raw,
        'usaspending_action_recipient' as name_source
    from {{ action_relation }}
    where recipient_name is not null
    {%- endfor %}
{%- endmacro %}

{# The newest loaded_at of the records whose names int_company_name_forms reads (a subquery for
   record_loaded_at_watermark). #}
{% macro company_name_spelling_loads() -%}
    (
        select filings.loaded_at
        from {{ ref('stg_lda__filings') }} as filings
        union all
        select awards.loaded_at
        from {{ ref('stg_usaspending__awards') }} as awards
        union all
        select archive.loaded_at
        from {{ ref('stg_usaspending__archive_transactions') }} as archive
        union all
        select search_api.loaded_at
        from {{ ref('stg_usaspending__transactions') }} as search_api
    ) as spelling_loads
{%- endmacro %}
