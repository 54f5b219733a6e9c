{#
    The awarding agency of a USAspending row, from what the row states: its own code where it
    came with one, else the code its toptier name stands for, else the toptier of its subtier name
    (when that name means one agency only), else the toptier of the FPDS contracting-agency id in
    the award id's fourth part, read only through the usaspending_award_id_agency_ids reference
    (9700: every DoD award). The subtier: the row's own code, else the code its subtier name stands
    for under that toptier. One rule for awards and actions; a code no rule finds stays null.

    They need the CTEs `agency_names` (int_agency_codes_by_name) and `award_id_agencies` (the
    reference seed); `row` is the alias of the rows, which carry awarding_toptier_name,
    awarding_subtier_name and generated_internal_id.
#}

{% macro awarding_toptier_code_from_names(known_code) -%}
    coalesce(
        {{ known_code }},
        toptier_names.agency_code,
        subtier_alone_names.agency_toptier_code,
        award_id_agencies.toptier_code
    )
{%- endmacro %}

{% macro awarding_toptier_name_joins(row) -%}
    left join agency_names as toptier_names
        on
            toptier_names.agency_level = 'toptier'
            and lower({{ row }}.awarding_toptier_name) = toptier_names.agency_name_key
    left join agency_names as subtier_alone_names
        on
            subtier_alone_names.agency_level = 'subtier'
            and subtier_alone_names.toptier_code is null
            and lower({{ row }}.awarding_subtier_name) = subtier_alone_names.agency_name_key
    left join award_id_agencies
        on
            split_part({{ row }}.generated_internal_id, '_', 4)
            = award_id_agencies.award_id_agency_id
{%- endmacro %}

{% macro awarding_subtier_code_from_names(known_code) -%}
    coalesce({{ known_code }}, subtier_names.agency_code)
{%- endmacro %}

{% macro awarding_subtier_name_join(row, toptier_code) -%}
    left join agency_names as subtier_names
        on
            subtier_names.agency_level = 'subtier'
            and {{ toptier_code }} = subtier_names.toptier_code
            and lower({{ row }}.awarding_subtier_name) = subtier_names.agency_name_key
{%- endmacro %}
