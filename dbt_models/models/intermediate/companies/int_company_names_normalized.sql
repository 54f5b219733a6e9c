-- Every distinct company name the sources spell (LDA clients, LDA registrants that file for
-- themselves, USAspending recipients), normalised and resolved to a company_id: through the
-- company_aliases seed where the normalised name is listed there, else a slug of the normalised
-- name.

with

filings as (

    select * from {{ ref('stg_lda__filings') }}

),

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

aliases as (

    select * from {{ ref('company_aliases') }}

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

normalized as (

    select
        names.*,
        coalesce(
            {{ normalize_company_name('company_name_raw') }},
            upper(trim(names.company_name_raw))
        ) as normalized_name
    from names

),

resolved as (

    select
        normalized.company_name_raw,
        normalized.normalized_name,
        coalesce(aliases.company_id, {{ slugify('normalized.normalized_name') }}) as company_id,
        aliases.company_name as alias_company_name,
        aliases.parent_company_id,
        case
            when aliases.company_id is not null then 'alias_seed'
            else 'normalized_name'
        end as match_rule,
        normalized.records_count,
        normalized.is_lda_client,
        normalized.is_lda_self_filing_registrant,
        normalized.is_usaspending_recipient
    from normalized
    left join aliases
        on normalized.normalized_name = aliases.normalized_name

)

select * from resolved
