-- int_contract_transactions_unioned holds one row per transaction_key. Checked on the keys
-- fct_contract_transactions rebuilt in this build (every key after a full build): those are the
-- keys of every action landed, replaced or deleted since, so the view's rows of the other keys are
-- the ones checked before. The fact table is a parent so that this test runs after its build.
-- depends_on: {{ ref('fct_contract_transactions') }}

select
    unioned.transaction_key,
    count(*) as rows_count
from {{ ref('int_contract_transactions_unioned') }} as unioned
where
    {{ changed_keys_tested('fct_contract_transactions', 'unioned.transaction_key') }}
group by unioned.transaction_key
having count(*) > 1
