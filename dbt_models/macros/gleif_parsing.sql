{#
    GLEIF date-times (`2008-10-02T00:00:00Z`, `lastUpdateDate`, a period's `startDate`) as
    timestamptz: the one parsing rule for them. The suites (expectations/suites/gleif_*.py) parse
    them with the same cast (as try_cast) and block a batch holding a value it would refuse.
#}
{% macro gleif_timestamp(expression) -%}
    cast(nullif(trim({{ expression }}), '') as timestamp with time zone)
{%- endmacro %}

{#
    The calendar date of a GLEIF date-time, in UTC, as GLEIF writes it. An entity east of UTC
    has its midnight written as the evening before (an Indian subsidiary's relationship starting
    on 1994-08-25 is sent as 1994-08-24T18:30:00Z): the date is the UTC one, a day early there.
#}
{% macro gleif_date(expression) -%}
    cast(timezone('UTC', {{ gleif_timestamp(expression) }}) as date)
{%- endmacro %}
