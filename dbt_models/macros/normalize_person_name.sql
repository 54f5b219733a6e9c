{#
    Text to compare names by: upper case, trimmed, whitespace runs collapsed to one space; an empty
    result is null. LD-203 filers type the same PAC, committee or person in several spellings.
#}
{% macro normalize_name_text(expression) -%}
    nullif(upper(trim(regexp_replace(cast({{ expression }} as varchar), '\s+', ' ', 'g'))), '')
{%- endmacro %}

{#
    The normalised form of a person's name as LD-203 filers write honorees: normalize_name_text,
    then "LAST, FIRST" (exactly one comma) turned into "FIRST LAST", so that "DOE, JANE" and
    "Jane Doe" both read "JANE DOE". A comma before a suffix ("JOHN SMITH, JR.", "FRIENDS OF X,
    INC.") is not a "LAST, FIRST" comma and stays. Committees and funds ("Senate Victory Alliance
    Fund") are only upper-cased.
#}
{% macro normalize_person_name(expression) -%}
    case
        when
            regexp_matches({{ normalize_name_text(expression) }}, '^[^,]+,[^,]+$')
            and not regexp_matches(
                {{ normalize_name_text(expression) }},
                ',\s*(JR|SR|II|III|IV|V|ESQ|PHD|MD|INC|LLC|LLP|LP|CORP|CO|LTD|PLC)\.?$'
            )
            then nullif(trim(regexp_replace(
                {{ normalize_name_text(expression) }}, '^\s*([^,]+?)\s*,\s*([^,]+?)\s*$', '\2 \1'
            )), '')
        else {{ normalize_name_text(expression) }}
    end
{%- endmacro %}
