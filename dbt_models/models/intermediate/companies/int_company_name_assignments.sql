-- Which company each company name is given (int_company_name_matches.company_id), kept
-- incrementally: a row changes only when its name is new, is given another company (a new name
-- that joins a cluster, a parent roll-up that changes), or no longer resolves (a tombstone:
-- company_id null), and it is then stamped with the build's time (assigned_at). The incremental
-- facts (fct_contract_awards, fct_contract_transactions) reprocess the rows of the names assigned
-- since their last build: macros/assignments.sql.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='company_name_raw',
        on_schema_change='fail',
    )
}}

with

matches as (

    select
        company_name_raw,
        company_id
    from {{ ref('int_company_name_matches') }}

),

final as (

    {{ assignment_changes('matches', 'company_name_raw', 'company_id') }}

)

select * from final
