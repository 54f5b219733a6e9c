-- One row per award action (base award and modifications), dated by its action date: the dollars
-- an agency obligated to a company in a quarter. Agency codes, the company and the product named
-- come from the award when it is loaded. An action whose award is not loaded takes its agencies
-- from the names the API states on the action (int_agency_codes_by_name), and its company from
-- the recipient's UEI on loaded awards, else from its recipient name. The award id's fourth part
-- is the FPDS contracting-agency id (9700 on every DoD award), not a subtier code: it is read only
-- through the usaspending_award_id_agency_ids reference, for the toptier, when nothing else gives
-- one. An agency the reference lacks leaves the code null and the action flagged, never dropped.
-- Incremental (macros/contract_transactions.sql): a build rebuilds, by transaction_key, the
-- actions landed since its last build through either door, the actions of the awards
-- fct_contract_awards rebuilds (contract_award_changed), those whose recipient name or UEI was
-- given another company since (int_company_name_assignments, int_contract_uei_assignments), and
-- the keys whose archive row was replaced or deleted since; a key no door holds any more is
-- deleted (delete_replaced_archive_actions). Every action when the reference inputs changed.
-- The keys a build rebuilds are recorded first (record_redone_keys), for its data tests.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='transaction_key',
        on_schema_change='append_new_columns',
        pre_hook="{{ record_redone_keys(changed_contract_action_keys()) }}",
        post_hook=[
            "{{ delete_replaced_archive_actions() }}",
            "{{ record_loaded_at_watermark(
                contract_loads(with_actions=true), inputs_hash=contract_reference_hash()
            ) }}",
            "{{ record_assignments_watermark(
                ref('int_company_name_assignments'), 'company_names'
            ) }}",
            "{{ record_assignments_watermark(
                ref('int_contract_uei_assignments'), 'recipient_ueis'
            ) }}",
        ],
    )
}}

-- depends_on: {{ ref('stg_usaspending__archive_transactions') }}
-- depends_on: {{ ref('stg_usaspending__transactions') }}
-- depends_on: {{ ref('stg_usaspending__awards') }}
-- depends_on: {{ ref('stg_usaspending__recipients') }}
-- depends_on: {{ ref('int_company_name_assignments') }}
-- depends_on: {{ source('raw', 'usaspending_archive_transactions') }}

with

transactions as (

    {% if is_incremental() -%}
    {{ contract_transactions_unioned(
        ref('stg_usaspending__archive_transactions'),
        ref('stg_usaspending__transactions'),
        keys=redone_keys('transaction_key'),
    ) }}
    {%- else -%}
        select * from {{ ref('int_contract_transactions_unioned') }}
    {%- endif %}

),

awards as (

    select * from {{ ref('fct_contract_awards') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

),

agency_names as (

    select * from {{ ref('int_agency_codes_by_name') }}

),

award_id_agencies as (

    select * from {{ ref('usaspending_award_id_agency_ids') }}

),

-- a UEI the loaded awards resolve to one company only
uei_companies as (

    select * from {{ ref('int_contract_uei_assignments') }}
    where company_id is not null

),

coded as (

    select
        transactions.*,
        {{ awarding_toptier_code_from_names('awards.awarding_toptier_code') }}
            as resolved_toptier_code,
        awards.awarding_subtier_code as award_subtier_code,
        coalesce(awards.company_id, uei_companies.company_id, company_names.company_id)
            as company_id,
        awards.product_company_id,
        awards.is_product_bought_through_other_recipient,
        awards.generated_internal_id is not null as is_award_loaded
    from transactions
    left join awards
        on transactions.generated_internal_id = awards.generated_internal_id
    left join uei_companies
        on transactions.recipient_uei = uei_companies.recipient_uei
    left join company_names
        on transactions.recipient_name = company_names.company_name_raw
    {{ awarding_toptier_name_joins('transactions') }}

),

resolved as (

    select
        coded.*,
        {{ awarding_subtier_code_from_names('coded.award_subtier_code') }}
            as resolved_subtier_code
    from coded
    {{ awarding_subtier_name_join('coded', 'coded.resolved_toptier_code') }}

),

final as (

    select
        -- ids
        resolved.transaction_key,
        resolved.generated_internal_id,
        resolved.award_piid,
        resolved.modification_number,
        resolved.contract_transaction_unique_key,
        resolved.company_id,

        -- recipient
        resolved.recipient_name,
        resolved.recipient_uei,

        -- agencies
        resolved.resolved_toptier_code as awarding_toptier_code,
        resolved.awarding_toptier_name,
        resolved.resolved_subtier_code as awarding_subtier_code,
        resolved.awarding_subtier_name,
        resolved.funding_toptier_name,
        resolved.funding_subtier_name,
        resolved.resolved_toptier_code is null as is_awarding_agency_unknown,
        resolved.resolved_subtier_code is null as is_awarding_subtier_unknown,

        -- period
        resolved.action_date,
        cast(year(resolved.action_date) as integer) as action_year,
        {{ calendar_quarter('resolved.action_date') }} as action_quarter,
        cast(year(resolved.action_date + interval 3 month) as integer) as action_fiscal_year,
        resolved.last_date_to_order,

        -- money
        resolved.transaction_amount,

        -- what
        resolved.is_idv,
        resolved.award_type,
        resolved.action_type,
        resolved.transaction_description,
        resolved.naics_code,
        resolved.naics_description,
        resolved.psc_code,
        resolved.psc_description,
        resolved.def_codes,
        resolved.product_company_id,
        coalesce(resolved.is_product_bought_through_other_recipient, false)
            as is_product_bought_through_other_recipient,

        -- where
        resolved.performance_country_code,
        resolved.performance_state_code,
        resolved.performance_city_name,

        resolved.is_award_loaded
    from resolved

)

select * from final
