-- One row per LDA client record, as its latest filing describes it, with the company it resolves to
-- (through its name, as the reports' clients are). One company has many client records: one per
-- firm that represents it, and its own when it files for itself.

with

clients as (

    select * from {{ ref('stg_lda__clients') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

final as (

    select
        -- ids
        clients.client_id,
        clients.client_legacy_id,
        company_names.company_id,
        clients.registrant_id,

        -- names
        clients.client_name,
        clients.client_description,

        -- location
        clients.state,
        clients.country,
        clients.ppb_state,
        clients.ppb_country,

        -- flags
        clients.is_client_self_select as is_self_filed,
        clients.is_client_government_entity as is_government_entity,

        -- dates
        clients.effective_date,
        clients.first_posted_at,
        clients.last_posted_at,

        -- filings
        clients.filings_count,
        clients.latest_filing_uuid
    from clients
    left join company_names
        on clients.client_name = company_names.company_name_raw

)

select * from final
