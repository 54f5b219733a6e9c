{#
    The normalised form of a company name, the key that `company_aliases` is written in.

    In order:
      1. accents stripped, upper case, trimmed;
      2. "X ON BEHALF OF Y" -> "Y" (outside firms' way of naming the real client);
      3. "(FORMERLY Z)", "(F/K/A Z)" and a trailing ", FORMERLY Z" removed;
      4. "&" -> " AND "; periods and apostrophes dropped ("L.L.C." -> "LLC", "AMAZON.COM" ->
         "AMAZONCOM"); any other punctuation -> a space;
      5. a leading "THE " and a trailing ", THE" removed; trailing legal suffixes removed, repeatedly
         (INC, INCORPORATED, LLC, LLP, LP, CORP, CORPORATION, CO, COMPANY, LTD, LIMITED,
         PLC; "AND CO" and "AND COMPANY" too);
      6. whitespace collapsed; an empty result is null.
#}
{% macro normalize_company_name(expression) -%}
    nullif(trim(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            upper(trim(strip_accents(cast({{ expression }} as varchar)))),
            '^.*\bON BEHALF OF\b', '', 'g'),
            '\(\s*(FORMERLY|F/K/A|FKA)\b[^)]*\)?', ' ', 'g'),
            '[,;]?\s*\b(FORMERLY|F/K/A|FKA)\b.*$', '', 'g'),
            '&', ' AND ', 'g'),
            '[.''’]', '', 'g'),
            '[^A-Z0-9 ]', ' ', 'g'),
            '\s+', ' ', 'g'),
            '^\s*THE\s|\sTHE\s*$', '', 'g'),
            '(\s(INC|INCORPORATED|LLC|LLP|LP|CORP|CORPORATION|(AND\s)?CO|(AND\s)?COMPANY|LTD|LIMITED|PLC))+\s*$', '', 'g'),
            '\s+', ' ', 'g')), '')
{%- endmacro %}
