-- One row per federal contract award, with the recipient resolved to a company and the award
-- dated to the calendar quarter of its base obligation date.

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

company_names as (

    select * from {{ ref('int_company_name_matches') }}

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
        awards.contract_award_type,
        awards.description,
        awards.naics_code,
        awards.naics_description,
        awards.psc_code,
        awards.psc_description
    from awards
    left join company_names
        on awards.recipient_name = company_names.company_name_raw

)

select * from final
