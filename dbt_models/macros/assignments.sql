{# Assignments: which company each name (or UEI) is given, kept incrementally so that a fact built
   from them can ask "which keys changed company since my last build" with one cheap filter.
   An assignments model holds one row per key it has ever given: `key`, `value` (the company) and
   assigned_at, the time of the build that last changed the row. A build writes only the keys
   whose value changed: a new key, a key given another company, and a key no longer given any (a
   tombstone: value null), each stamped with the build's time; a key whose value is the same keeps
   its row and its stamp. A fact records the newest assigned_at it has read (a watermark named
   after the assignments, macros/incremental_loads.sql) and reprocesses the rows of the keys
   assigned after it. A full build writes every current key once, without tombstones. #}

{# The rows an assignments model writes from `current` (a CTE of key and value, one row per key):
   every row on a full build, the changed ones on an incremental build. #}
{% macro assignment_changes(current, key, value) -%}
    {%- if is_incremental() %}
    select
        coalesce({{ current }}.{{ key }}, kept.{{ key }}) as {{ key }},
        {{ current }}.{{ value }},
        {{ assignment_stamp() }} as assigned_at
    from {{ current }}
    full outer join {{ this }} as kept
        on {{ current }}.{{ key }} = kept.{{ key }}
    where {{ current }}.{{ value }} is distinct from kept.{{ value }}
    {%- else %}
    select
        {{ current }}.{{ key }},
        {{ current }}.{{ value }},
        {{ assignment_stamp() }} as assigned_at
    from {{ current }}
    {%- endif %}
{%- endmacro %}

{# The time of this build of an assignments model (its transaction's start), the stamp of
   every row it writes: later than any stamp of an earlier build. #}
{% macro assignment_stamp() -%}
    current_timestamp
{%- endmacro %}

{# The keys of `assignments` (an assignments model) given, changed or taken away since the
   model's watermark `name` of them (every key when it has none). #}
{% macro reassigned_keys(assignments, key, name) -%}
    select reassigned.{{ key }}
    from {{ assignments }} as reassigned
    where reassigned.assigned_at > {{ loaded_at_watermark(held=false, name=name) }}
{%- endmacro %}

{# Post-hook of a model that reads `assignments`: record the newest assigned_at it has read. #}
{% macro record_assignments_watermark(assignments, name) -%}
    {{ record_loaded_at_watermark(assignments, loaded_at='assigned_at', name=name) }}
{%- endmacro %}
