-- One row per LDA registration filing: an LD-1 registration (RR), which starts a lobbying
-- relationship between a registrant and a client, or an amendment of one (RA). Registrations carry
-- no money and are left out of the reports; here they date new client relationships. The client is
-- resolved to a company through its name, as the reports' clients are.

with

registrations as (

    select * from {{ ref('stg_lda__filings') }}
    where is_registration

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

ranked as (

    select
        registrations.*,
        row_number() over (
            partition by registrations.registrant_id, registrations.client_id
            order by registrations.posted_at desc nulls last, registrations.filing_uuid desc
        ) as latest_rank
    from registrations

),

final as (

    select
        -- ids
        ranked.filing_uuid,
        {{ surrogate_key(['ranked.registrant_id', 'ranked.client_id']) }} as client_relationship_id,
        company_names.company_id,
        ranked.client_id,
        ranked.client_legacy_id,
        ranked.registrant_id,

        -- names
        ranked.client_name,
        ranked.client_description,
        ranked.registrant_name,

        -- the registration
        ranked.filing_type,
        ranked.filing_year,
        ranked.client_effective_date as effective_date,
        cast(year(ranked.client_effective_date) as integer) as effective_year,
        {{ calendar_quarter('ranked.client_effective_date') }} as effective_quarter,

        -- flags
        ranked.is_amendment,
        ranked.is_client_self_select as is_self_filed,
        ranked.latest_rank = 1 as is_latest_filing,

        -- filing
        ranked.posted_at,
        ranked.filing_document_url
    from ranked
    left join company_names
        on ranked.client_name = company_names.company_name_raw

)

select * from final
