-- One row per federal contract award or IDV, with the recipient resolved to a company, its parent
-- (from the recipient profile), the watchlist product its description names, and the award dated
-- to the calendar quarter of its base obligation date. Obligations by the quarter they were made
-- are in fct_contract_transactions. An award row without agency codes (the API sends the codes
-- only when asked) gets them from its agency names (int_agency_codes_by_name); an agency the
-- reference lacks leaves the codes null and the award flagged, not dropped.
-- Incremental (macros/contract_transactions.sql): a build rebuilds the awards landed since its
-- last build, those whose recipient profile was, and those whose recipient name was given another
-- company since (int_company_name_assignments); every award when the agency names, the award id
-- reference or the product patterns changed (contract_reference_hash). The awards a build
-- rebuilds are recorded first (record_redone_keys), for its data tests.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='generated_internal_id',
        on_schema_change='fail',
        pre_hook="{{ record_redone_keys(changed_contract_award_keys()) }}",
        post_hook=[
            "{{ record_loaded_at_watermark(
                contract_loads(), inputs_hash=contract_reference_hash()
            ) }}",
            "{{ record_assignments_watermark(
                ref('int_company_name_assignments'), 'company_names'
            ) }}",
        ],
    )
}}

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}
    {{ changed_keys_only('generated_internal_id', keyword='where') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

recipients as (

    select * from {{ ref('stg_usaspending__recipients') }}

),

agency_names as (

    select * from {{ ref('int_agency_codes_by_name') }}

),

award_id_agencies as (

    select * from {{ ref('usaspending_award_id_agency_ids') }}

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

coded as (

    select
        awards.*,
        {{ awarding_toptier_code_from_names('awards.awarding_toptier_code') }}
            as resolved_toptier_code
    from awards
    {{ awarding_toptier_name_joins('awards') }}

),

resolved as (

    select
        coded.*,
        {{ awarding_subtier_code_from_names('coded.awarding_subtier_code') }}
            as resolved_subtier_code
    from coded
    {{ awarding_subtier_name_join('coded', 'coded.resolved_toptier_code') }}

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
        awards.resolved_toptier_code as awarding_toptier_code,
        awards.awarding_toptier_name,
        awards.resolved_subtier_code as awarding_subtier_code,
        awards.awarding_subtier_name,
        awards.resolved_toptier_code is null as is_awarding_agency_unknown,
        awards.resolved_subtier_code is null as is_awarding_subtier_unknown,
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
        awards.last_date_to_order,
        awards.last_modified_at,

        -- money
        awards.award_amount,
        awards.total_outlays,
        awards.is_award_amount_missing,
        awards.is_base_obligation_date_missing,

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
    from resolved as awards
    left join company_names
        on awards.recipient_name = company_names.company_name_raw
    left join recipients
        on awards.recipient_id = recipients.recipient_id
    left join products
        on awards.generated_internal_id = products.generated_internal_id

)

select * from final
