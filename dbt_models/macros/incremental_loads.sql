{# Incremental staging over the raw landing tables (raw.<table>: key, record, record_hash, load_id,
   loaded_at). The landing code inserts a new key and rewrites a changed record in place with the
   load's load_id and loaded_at; an identical record keeps both. Loads take the warehouse's DuckDB
   pool one at a time, so loaded_at only grows: the rows of the raw table stamped after the newest
   loaded_at the model already holds are exactly the new and changed records since its last build.
   A full build (or `influence refresh --full`, dbt's --full-refresh) reads every row. #}

{# The newest loaded_at the model holds; -infinity when it holds none (an empty first build). #}
{% macro loaded_at_watermark() -%}
    (select coalesce(max(watermark.loaded_at), timestamptz '-infinity') from {{ this }} as watermark)
{%- endmacro %}

{# A filter for the raw rows an incremental run reads: `where` (or `and`, with `keyword`) and the
   watermark condition, or nothing on a full build. #}
{% macro new_raw_rows(loaded_at='loaded_at', keyword='where') -%}
    {%- if is_incremental() -%}
        {{ keyword }} {{ loaded_at }} > {{ loaded_at_watermark() }}
    {%- endif %}
{%- endmacro %}

{# A pre-hook of a child model (the rows a raw record expands into: a filing's activities): on an
   incremental run, delete the children of every parent that changed since the model's last build,
   before the new version's children are inserted. A new version with fewer children (or none)
   thus leaves none of the old ones behind, which a delete by the batch's own keys would miss. #}
{% macro delete_children_of_changed(parent_source, parent_key) -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where {{ parent_key }} in (
        select changed.{{ parent_key }}
        from {{ parent_source }} as changed
        where changed.loaded_at > {{ loaded_at_watermark() }}
    )
    {%- endif %}
{%- endmacro %}
