-- Every contract action once, whichever door it came through: the search API's rows
-- (stg_usaspending__transactions: the watched companies' searches) and the Award Data Archive's
-- (stg_usaspending__archive_transactions: the watched agencies' files). Both build the same
-- transaction_key (award id, modification, action date), so an action found both ways (a watched
-- company's award from a watched agency) is one row: the archive's, which carries the agency
-- codes; of the archive's rows for one key, the most recently loaded. The search API's staging
-- holds one row per transaction_key (its raw table's key), so its rows need no ranking: only
-- those the archive also has are left out. A view: it adds no copy of the actions.

{{ config(materialized='view') }}

with

archive as (

    select * exclude (contract_transaction_unique_key)
    from {{ ref('stg_usaspending__archive_transactions') }}
    qualify row_number() over (
        partition by transaction_key
        order by loaded_at desc, load_id asc
    ) = 1

),

search_api as (

    select
        *,
        'search_api' as retrieved_via
    from {{ ref('stg_usaspending__transactions') }} as search_rows
    where not exists (
        select 1
        from archive
        where archive.transaction_key = search_rows.transaction_key
    )

),

unioned as (

    select * from search_api
    union all by name
    select * from archive

)

select * from unioned
