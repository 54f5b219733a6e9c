{#
    The order of the versions of one LDA report (an amendment is a new filing with no link to the
    original): by posting time, ties broken by filing_uuid so the choice never depends on the order
    rows are read in; a version with no posting time counts as the oldest. `latest_first` puts the
    current version first; `oldest_first` is the exact reverse (version 1 = the original).
#}
{% macro lda_version_order(direction='latest_first') -%}
    {%- if direction == 'latest_first' -%}
        order by posted_at desc nulls last, filing_uuid desc
    {%- elif direction == 'oldest_first' -%}
        order by posted_at asc nulls first, filing_uuid asc
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "lda_version_order: direction must be latest_first or oldest_first"
        ) }}
    {%- endif -%}
{%- endmacro %}
