{#
    How SEC EDGAR's submissions fields are read: one rule each, used by the staging models. The
    suite (expectations/suites/edgar_submissions.py) parses former names' dates the same way (as
    try_cast) and blocks a batch holding a date this cast would refuse.
#}

{#
    An EDGAR timestamp as the date EDGAR means: its first ten characters. formerNames' dates come
    as "2005-02-17T00:00:00.000Z" or "2019-08-20T04:00:00.000Z" (midnight US Eastern written in
    UTC), so the date part is the day of the change whatever the hour.
#}
{% macro edgar_date(expression) -%}
    cast(left({{ expression }}, 10) as date)
{%- endmacro %}

{#
    A CIK as the ten-digit, zero-padded text EDGAR's URLs use (CIK0000320193.json). The submissions
    API has sent the cik both padded ("0000320193") and not ("1318605").
#}
{% macro edgar_cik(expression) -%}
    lpad(cast(cast({{ expression }} as bigint) as varchar), 10, '0')
{%- endmacro %}
