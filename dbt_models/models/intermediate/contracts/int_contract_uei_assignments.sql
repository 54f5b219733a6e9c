-- Which company each recipient UEI stands for: the company of the loaded awards that carry it,
-- when they resolve to one company only (fct_contract_awards). fct_contract_transactions gives an
-- action whose award is not loaded the company of its recipient UEI from here. Kept incrementally
-- as int_company_name_assignments is (macros/assignments.sql): a UEI's row changes, stamped with
-- the build's time (assigned_at), only when it is new, stands for another company, or stands for
-- none any more (its awards now name two companies: a tombstone, company_id null).

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='recipient_uei',
        on_schema_change='fail',
    )
}}

with

awards as (

    select * from {{ ref('fct_contract_awards') }}

),

uei_companies as (

    select
        recipient_uei,
        min(company_id) as company_id
    from awards
    where recipient_uei is not null and company_id is not null
    group by recipient_uei
    having count(distinct company_id) = 1

),

final as (

    {{ assignment_changes('uei_companies', 'recipient_uei', 'company_id') }}

)

select * from final
