{#
    An HTML fragment (a feed's summary) as plain text: block tags (p, br, li, div, headings...)
    become a space, other tags are dropped, the entities feedparser leaves escaped (&lt; &gt;
    &quot; &#39; &amp;, decoded once, &amp; last) are decoded, runs of blanks become one space,
    and an empty result is null.
#}
{% macro html_to_text(expression) -%}
    nullif(
        trim(
            regexp_replace(
                replace(
                    replace(
                        replace(
                            replace(
                                replace(
                                    regexp_replace(
                                        regexp_replace(
                                            {{ expression }},
                                            '</?(p|br|div|li|ul|ol|h[1-6]|blockquote|tr|td)\b[^>]*>',
                                            ' ',
                                            'gi'
                                        ),
                                        '<[^>]*>',
                                        '',
                                        'g'
                                    ),
                                    '&lt;', '<'
                                ),
                                '&gt;', '>'
                            ),
                            '&quot;', '"'
                        ),
                        '&#39;', ''''
                    ),
                    '&amp;', '&'
                ),
                '\s+',
                ' ',
                'g'
            )
        ),
        ''
    )
{%- endmacro %}
