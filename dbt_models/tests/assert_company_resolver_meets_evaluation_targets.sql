-- The company resolver on the project's own labelled pairs (the regression set of
-- company_match_evaluation_metrics) keeps what it reached: precision >= 0.98 and recall >= 0.90
-- with the USAspending parents of recipient names; from names alone precision must hold too.
-- The real-name set is reported (python -m evaluation.company_matching), not gated here.

with

metrics as (

    select * from {{ ref('company_match_evaluation_metrics') }}
    where category = 'all' and evaluation_set = 'regression'

)

select *
from metrics
where
    precision < 0.98
    or (evaluation_mode = 'with_usaspending_parents' and recall < 0.90)
