-- Which watchlist company's product each award's description names (award_product_patterns), one
-- row per award x company: the way to find AWS capacity bought from a reseller or integrator.

with

awards as (

    select * from {{ ref('stg_usaspending__awards') }}
    where description is not null

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
