-- The forms the resolver reads of every company name the sources have spelled
-- (company_name_forms: the normalised name, the d/b/a and former names, the EDGAR tag, the
-- acronym, the surname-first form), kept so that int_company_names_normalized does not normalise
-- a full history's 750,000 names on every build.
-- Incremental: a build normalises the names of the records landed since its last build that it
-- does not hold yet. A name no source spells any more stays (int_company_names_normalized reads
-- the names spelled now). When the normalisation's SQL changes (company_name_forms_hash), every
-- row is deleted first and every name normalised again.

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ delete_all_if_inputs_changed(company_name_forms_hash()) }}",
        post_hook="{{ record_loaded_at_watermark(
            company_name_spelling_loads(), inputs_hash=company_name_forms_hash()
        ) }}",
    )
}}

{%- set since_watermark = new_raw_rows(inputs_hash=company_name_forms_hash()) %}

with

filings as (

    select * from {{ ref('stg_lda__filings') }}
    {{ since_watermark }}

),

awards as (

    select * from {{ ref('stg_usaspending__awards') }}
    {{ since_watermark }}

),

-- both doors of award actions (int_contract_transactions_unioned keeps one row of an action
-- found both ways; both rows spell the same recipient)
archive_actions as (

    select * from {{ ref('stg_usaspending__archive_transactions') }}
    {{ since_watermark }}

),

search_actions as (

    select * from {{ ref('stg_usaspending__transactions') }}
    {{ since_watermark }}

),

-- the spellings int_company_names_normalized counts, of both doors of award actions
spellings as (

    {{ company_name_spellings('filings', 'awards', ['archive_actions', 'search_actions']) }}

),

names as (

    select distinct company_name_raw
    from spellings
    {{ keys_not_held('company_name_raw') }}

),

forms as (

    {{ company_name_forms('names') }}

)

select * from forms
