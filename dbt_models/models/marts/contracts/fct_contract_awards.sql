-- One row per federal contract award or IDV, with the recipient resolved to a company, its parent
-- (from the recipient profile), the watchlist product its description names, and the award dated
-- to the calendar quarter of its base obligation date. Obligations by the quarter they were made
-- are in fct_contract_transactions.

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

recipients as (

    select * from {{ ref('stg_usaspending__recipients') }}

),

products as (

    select
        generated_internal_id,
        -- one company per award: the first by id should a description name two
        arg_min(company_id, company_id) as product_company_id,
        arg_min(products, company_id) as products
    from {{ ref('int_contract_award_products') }}
    group by generated_internal_id

),

final as (

    select
        -- ids
        awards.generated_internal_id,
        awards.award_piid,
        company_names.company_id,
        awards.recipient_id,
        awards.recipient_uei,

        -- recipient
        awards.recipient_name,
        awards.recipient_level,
        recipients.parent_uei,
        recipients.parent_name,

        -- agencies
        awards.awarding_toptier_code,
        awards.awarding_toptier_name,
        awards.awarding_subtier_code,
        awards.awarding_subtier_name,
        awards.funding_toptier_code,
        awards.funding_subtier_code,

        -- period
        awards.base_obligation_date,
        cast(year(awards.base_obligation_date) as integer) as obligation_year,
        {{ calendar_quarter('awards.base_obligation_date') }} as obligation_quarter,
        cast(year(awards.base_obligation_date + interval 3 month) as integer)
            as obligation_fiscal_year,
        awards.start_date,
        awards.end_date,
        awards.last_modified_at,

        -- money
        awards.award_amount,
        awards.total_outlays,

        -- what was bought
        awards.is_idv,
        awards.contract_award_type,
        awards.description,
        awards.naics_code,
        awards.naics_description,
        awards.psc_code,
        awards.psc_description,
        products.product_company_id,
        products.products as named_products,
        coalesce(
            products.product_company_id <> coalesce(company_names.company_id, ''), false
        ) as is_product_bought_through_other_recipient
    from awards
    left join company_names
        on awards.recipient_name = company_names.company_name_raw
    left join recipients
        on awards.recipient_id = recipients.recipient_id
    left join products
        on awards.generated_internal_id = products.generated_internal_id

)

select * from final
