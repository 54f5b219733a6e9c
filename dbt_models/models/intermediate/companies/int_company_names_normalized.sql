-- Every distinct company name the sources spell (LDA clients, LDA registrants that file for
-- themselves, USAspending recipients), normalised (normalize_company_name) with its d/b/a trade
-- name apart. int_company_name_matches resolves them to companies.

with

filings as (

    select * from {{ ref('stg_lda__filings') }}

),

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

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

),

names as (

    select
        company_name_raw,
        count(*) as records_count,
        bool_or(name_source = 'lda_client') as is_lda_client,
        bool_or(name_source = 'lda_self_filing_registrant') as is_lda_self_filing_registrant,
        bool_or(name_source = 'usaspending_recipient') as is_usaspending_recipient
    from spellings
    group by company_name_raw

),

stated as (

    select
        names.*,
        {{ company_dba_text('names.company_name_raw') }} as dba_text,
        {{ company_former_text('names.company_name_raw') }} as former_text
    from names

),

normalized as (

    select
        stated.company_name_raw,
        stated.records_count,
        stated.is_lda_client,
        stated.is_lda_self_filing_registrant,
        stated.is_usaspending_recipient,
        coalesce(
            {{ normalize_company_name('stated.company_name_raw') }},
            upper(trim(stated.company_name_raw))
        ) as normalized_name,
        {{ normalize_company_name('stated.dba_text') }} as dba_name,
        {{ normalize_company_name('stated.former_text') }} as former_name
    from stated

)

select * from normalized
