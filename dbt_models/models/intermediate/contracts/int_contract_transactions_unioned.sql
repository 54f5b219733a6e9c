-- Every contract action once, whichever door it came through: the search API's rows
-- (stg_usaspending__transactions: the watched companies' searches) and the Award Data Archive's
-- (stg_usaspending__archive_transactions: the watched agencies' files). Both build the same
-- transaction_key (award id, modification, action date), so an action found both ways (a watched
-- company's award from a watched agency) is one row: the archive's, which carries the agency
-- codes; of the archive's rows for one key, the most recently loaded. The search API's staging
-- holds one row per transaction_key (its raw table's key), so its rows need no ranking: only
-- those the archive also has are left out. A view: it adds no copy of the actions. The rules are
-- in macros/contract_transactions.sql: fct_contract_transactions applies them to the keys it
-- rebuilds.

{{ config(materialized='view') }}

{{ contract_transactions_unioned(
    ref('stg_usaspending__archive_transactions'), ref('stg_usaspending__transactions')
) }}
