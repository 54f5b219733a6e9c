-- Every distinct company name the sources spell (LDA clients, LDA registrants that file for
-- themselves, USAspending recipients of awards and of award actions, so that an action whose
-- award is not loaded is resolved too), normalised (normalize_company_name) with its d/b/a trade
-- name apart. int_company_name_matches resolves them to companies.

with

filings as (

    select * from {{ ref('stg_lda__filings') }}

),

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

transactions as (

    select * from {{ ref('stg_usaspending__transactions') }}

),

spellings as (

    select
        client_name as company_name_raw,
        'lda_client' as name_source
    from filings
    where client_name is not null

    union all

    select
        registrant_name as company_name_raw,
        'lda_self_filing_registrant' as name_source
    from filings
    where registrant_name is not null and is_client_self_select

    union all

    select
        recipient_name as company_name_raw,
        'usaspending_recipient' as name_source
    from awards
    where recipient_name is not null

    union all

    select
        recipient_name as company_name_raw,
        'usaspending_action_recipient' as name_source
    from transactions
    where recipient_name is not null

),

names as (

    select
        company_name_raw,
        count(*) as records_count,
        bool_or(name_source = 'lda_client') as is_lda_client,
        bool_or(name_source = 'lda_self_filing_registrant') as is_lda_self_filing_registrant,
        bool_or(name_source in ('usaspending_recipient', 'usaspending_action_recipient'))
            as is_usaspending_recipient
    from spellings
    group by company_name_raw

),

normalized as (

    {{ company_name_forms('names') }}

)

select * from normalized
