-- The LDA entity -> agency crosswalk: a `toptier` decision has a toptier code and no subtier, a
-- `subtier` decision has both and the subtier belongs to that toptier, every other decision has no
-- code at all.

with

crosswalk as (

    select * from {{ ref('lda_government_entity_agency_codes') }}

),

subtiers as (

    select * from {{ ref('usaspending_subtier_agencies') }}

)

select crosswalk.*
from crosswalk
left join subtiers
    on crosswalk.subtier_code = subtiers.subtier_code
where
    (
        crosswalk.decision = 'toptier'
        and (crosswalk.toptier_code is null or crosswalk.subtier_code is not null)
    )
    or (
        crosswalk.decision = 'subtier'
        and (subtiers.toptier_code is null or subtiers.toptier_code <> crosswalk.toptier_code)
    )
    or (
        crosswalk.decision not in ('toptier', 'subtier')
        and (crosswalk.toptier_code is not null or crosswalk.subtier_code is not null)
    )
