-- One row per LDA registrant (a lobbying firm, or an organisation that lobbies for itself), as its
-- latest filing describes it. A registrant that files for itself is also a company: its company_id
-- is resolved from its name, as a self-filer's name is everywhere else; an outside firm has none.

with

registrants as (

    select * from {{ ref('stg_lda__registrants') }}

),

clients as (

    select * from {{ ref('stg_lda__clients') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}
    where is_lda_self_filing_registrant

),

registrant_clients as (

    select
        registrant_id,
        count(*) as clients_count,
        bool_or(is_client_self_select) as is_self_filer
    from clients
    group by registrant_id

),

final as (

    select
        -- ids
        registrants.registrant_id,
        registrants.house_registrant_id,
        case
            when coalesce(registrant_clients.is_self_filer, false)
                then company_names.company_id
        end as company_id,

        -- names
        registrants.registrant_name,
        registrants.registrant_description,

        -- address and contact
        registrants.address_1,
        registrants.address_2,
        registrants.city,
        registrants.state,
        registrants.zip,
        registrants.country,
        registrants.ppb_country,
        registrants.contact_name,
        registrants.contact_telephone,

        -- flags
        coalesce(registrant_clients.is_self_filer, false) as is_self_filer,

        -- counts
        coalesce(registrant_clients.clients_count, 0) as clients_count,
        registrants.filings_count,

        -- dates
        registrants.first_posted_at,
        registrants.last_posted_at,
        registrants.registrant_updated_at,
        registrants.latest_filing_uuid
    from registrants
    left join registrant_clients
        on registrants.registrant_id = registrant_clients.registrant_id
    left join company_names
        on registrants.registrant_name = company_names.company_name_raw

)

select * from final
