{# A raw table's key that DuckDB enforces: the landing creates the table with the column as its
   primary key (ingest/landing.py), so no write can repeat a key or leave it null. Rather than
   group every key on every build (10 million award actions), the test checks that the constraint
   is there: a table re-created without it fails, with one row naming the table and column. #}
{% test primary_key_enforced(model, column_name) %}

select
    '{{ model.schema }}.{{ model.identifier }}' as relation_name,
    '{{ column_name }}' as column_name
where not exists (
    select 1
    from duckdb_constraints() as constraints
    where
        constraints.database_name = '{{ model.database }}'
        and constraints.schema_name = '{{ model.schema }}'
        and constraints.table_name = '{{ model.identifier }}'
        and constraints.constraint_type = 'PRIMARY KEY'
        and constraints.constraint_column_names = ['{{ column_name }}']
)

{% endtest %}
