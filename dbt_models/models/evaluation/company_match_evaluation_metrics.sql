-- Precision, recall and F1 of the company resolver on the labelled pairs, per set (regression,
-- real), half (all; dev, test) and evaluation mode (with_usaspending_parents, names_only): one row
-- for all pairs (`category` = 'all') and one per category of pair (legal_suffix, typo, ...).

with

evaluation as (

    select * from {{ ref('company_match_evaluation') }}

),

by_category as (

    select
        evaluation_set,
        half,
        evaluation_mode,
        coalesce(category, 'all') as category,
        count(*) as pairs_count,
        count(*) filter (where is_same_company) as positives_count,
        count(*) filter (where outcome = 'true_positive') as true_positives,
        count(*) filter (where outcome = 'false_positive') as false_positives,
        count(*) filter (where outcome = 'false_negative') as false_negatives,
        count(*) filter (where outcome = 'true_negative') as true_negatives
    from evaluation
    group by grouping sets (
        (evaluation_set, half, evaluation_mode),
        (evaluation_set, half, evaluation_mode, category)
    )

),

rates as (

    select
        *,
        true_positives / nullif(true_positives + false_positives, 0) as precision,
        true_positives / nullif(true_positives + false_negatives, 0) as recall
    from by_category

),

final as (

    select
        {{ surrogate_key(['evaluation_set', 'half', 'evaluation_mode', 'category']) }}
            as metrics_id,
        *,
        2 * precision * recall / nullif(precision + recall, 0) as f1
    from rates

)

select * from final
