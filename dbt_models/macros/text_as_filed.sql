{#
    Free text of a filing (an LDA activity's description) cleaned for reading, the raw text being
    kept beside it by the model. Filers paste text from word processors and web forms, so the API
    carries HTML character references (&#8217; &#x2019; &amp; &nbsp; ...) and mojibake: UTF-8
    read as Windows-1252 and stored again, e.g. a zero-width space (UTF-8 E2 80 8B) that arrives
    as "â€‹", sometimes with its first letter escaped ("&#226;€‹").
    In order: numeric references are decoded (decimal and hex, each once; a reference to no
    character is left alone), then the named ones (&amp; last, so "&amp;lt;" stays "&lt;"), then
    the mojibake of the common punctuation is mapped back to the character meant, zero-width
    characters are dropped, runs of blanks become one space, and an empty result is null.
    Unlike html_to_text (for feed summaries), tags are not removed: a filing is not HTML, and "<"
    in it is text.
#}
{% macro text_as_filed(expression) -%}
    {#- what each named reference or mojibake stands for, in the order they are replaced -#}
    {%- set replacements = [
        ("'&nbsp;'", "' '"),
        ("'&lt;'", "'<'"),
        ("'&gt;'", "'>'"),
        ("'&quot;'", "'\"'"),
        ("'&apos;'", "''''"),
        ("'&amp;'", "'&'"),
        ("'â€‹'", "''"),
        ("'â€™'", "'’'"),
        ("'â€˜'", "'‘'"),
        ("'â€œ'", "'“'"),
        ("'â€' || chr(157)", "'”'"),
        ("'â€“'", "'–'"),
        ("'â€”'", "'—'"),
        ("'â€¦'", "'…'"),
        ("'â€¢'", "'•'"),
        ("'Â§'", "'§'"),
        ("'Â' || chr(160)", "' '"),
        ("'Ã©'", "'é'"),
    ] -%}
    {#- the code point a numeric reference (&#8217; or &#x2019;) names; null if not a number -#}
    {%- set code_point -%}
        try_cast(
            case when lower(token[3]) = 'x' then '0x' || token[4:-2] else token[3:-2] end
            as integer
        )
    {%- endset -%}
    nullif(
        trim(
            regexp_replace(
                regexp_replace(
                    list_reduce(
                        [{{ expression }}]
                        || coalesce(
                            list_distinct(
                                regexp_extract_all(
                                    {{ expression }}, '&#([0-9]{1,7}|[xX][0-9a-fA-F]{1,6});'
                                )
                            ),
                            []
                        )
                        || [{% for token, _ in replacements %}{{ token }}{{ ", " if not loop.last }}{% endfor %}],
                        lambda text, token: replace(
                            text,
                            token,
                            coalesce(
                                list_extract(
                                    [{% for _, character in replacements %}{{ character }}{{ ", " if not loop.last }}{% endfor %}],
                                    list_position(
                                        [{% for token, _ in replacements %}{{ token }}{{ ", " if not loop.last }}{% endfor %}],
                                        token
                                    )
                                ),
                                chr(
                                    case
                                        when {{ code_point }} between 1 and 1114111
                                            and {{ code_point }} not between 55296 and 57343
                                            then {{ code_point }}
                                    end
                                ),
                                token
                            )
                        )
                    ),
                    '[\x{200b}\x{200c}\x{200d}\x{2060}\x{feff}]',
                    '',
                    'g'
                ),
                '\s+',
                ' ',
                'g'
            )
        ),
        ''
    )
{%- endmacro %}
