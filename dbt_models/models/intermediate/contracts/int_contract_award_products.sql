-- Which watchlist company's product each award's description names (award_product_patterns), one
-- row per award x company: the way to find AWS capacity bought from a reseller or integrator.
-- Incremental: a build matches only the awards landed since its last build, after deleting their
-- earlier rows (a changed description may name nothing now); when the patterns change
-- (award_product_patterns_hash), every award is matched again.

{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='generated_internal_id',
        on_schema_change='fail',
        pre_hook="{{ delete_children_of_changed(
            ref('stg_usaspending__awards'), 'generated_internal_id',
            inputs_hash=award_product_patterns_hash(),
        ) }}",
        post_hook="{{ record_loaded_at_watermark(
            ref('stg_usaspending__awards'), inputs_hash=award_product_patterns_hash()
        ) }}",
    )
}}

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}
    where
        description is not null
        {{ new_raw_rows(keyword='and', inputs_hash=award_product_patterns_hash()) }}

),

patterns as (

    select * from {{ ref('award_product_patterns') }}

),

matches as (

    select
        awards.generated_internal_id,
        patterns.company_id,
        patterns.pattern_id,
        patterns.product
    from awards
    cross join patterns
    where regexp_matches(upper(awards.description), patterns.pattern)

),

final as (

    select
        {{ surrogate_key(['generated_internal_id', 'company_id']) }} as award_product_id,
        generated_internal_id,
        company_id,
        list(distinct product order by product) as products,
        list(pattern_id order by pattern_id) as matched_pattern_ids
    from matches
    group by generated_internal_id, company_id

)

select * from final
