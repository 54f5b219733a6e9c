-- One row per award action (base award and modifications), dated by its action date: the dollars
-- an agency obligated to a company in a quarter. Agency codes, the company and the product named
-- come from the award; an action whose award is not loaded keeps the subtier code written in its
-- generated_internal_id and is resolved to a company by its recipient name.

with

transactions as (

    select * from {{ ref('stg_usaspending__transactions') }}

),

awards as (

    select * from {{ ref('fct_contract_awards') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

agencies as (

    select * from {{ ref('dim_agency') }}

),

coded as (

    select
        transactions.*,
        -- CONT_AWD_<PIID>_<subtier>_... and CONT_IDV_<PIID>_<subtier>: the fourth part
        coalesce(
            awards.awarding_subtier_code,
            nullif(split_part(transactions.generated_internal_id, '_', 4), '')
        ) as awarding_subtier_code,
        awards.awarding_toptier_code,
        coalesce(awards.company_id, company_names.company_id) as company_id,
        awards.product_company_id,
        awards.is_product_bought_through_other_recipient,
        awards.generated_internal_id is not null as is_award_loaded
    from transactions
    left join awards
        on transactions.generated_internal_id = awards.generated_internal_id
    left join company_names
        on transactions.recipient_name = company_names.company_name_raw

),

final as (

    select
        -- ids
        coded.transaction_key,
        coded.generated_internal_id,
        coded.award_piid,
        coded.modification_number,
        coded.company_id,

        -- recipient
        coded.recipient_name,
        coded.recipient_uei,

        -- agencies
        coalesce(coded.awarding_toptier_code, agencies.toptier_code) as awarding_toptier_code,
        coded.awarding_toptier_name,
        coded.awarding_subtier_code,
        coded.awarding_subtier_name,

        -- period
        coded.action_date,
        cast(year(coded.action_date) as integer) as action_year,
        {{ calendar_quarter('coded.action_date') }} as action_quarter,
        cast(year(coded.action_date + interval 3 month) as integer) as action_fiscal_year,

        -- money
        coded.transaction_amount,

        -- what
        coded.is_idv,
        coded.award_type,
        coded.action_type,
        coded.transaction_description,
        coded.product_company_id,
        coalesce(coded.is_product_bought_through_other_recipient, false)
            as is_product_bought_through_other_recipient,
        coded.is_award_loaded
    from coded
    left join agencies
        on coded.awarding_subtier_code = agencies.agency_code

)

select * from final
