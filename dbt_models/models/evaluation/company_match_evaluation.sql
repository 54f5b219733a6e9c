-- The company resolver on every labelled set: the project's own pairs (`regression`) and real
-- name pairs from public records (`real`, in a development and a frozen test half). Each set is
-- resolved on its own (macros/evaluate_company_pairs.sql).

with

regression as (

    select * from {{ ref('company_match_evaluation_regression') }}

),

real_names as (

    select * from {{ ref('company_match_evaluation_real') }}

),

final as (

    select * from regression
    union all by name
    select * from real_names

)

select * from final
