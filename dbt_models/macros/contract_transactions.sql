{# The contract facts' shared rules: the union of the two doors of contract actions, what makes
   an award's or an action's fact row change, and the reference inputs whose change rebuilds them. #}

{# Every contract action of `archive` (stg_usaspending__archive_transactions rows) and
   `search_api` (stg_usaspending__transactions rows) once: an action found both ways (one
   transaction_key) is the archive's row, of the archive's rows for one key the most recently
   loaded. The search API's staging holds one row per key. With `keys` (a select of
   transaction_key: an incremental fct_contract_transactions), only the actions of those keys,
   the same rows as without: every rule here is per key. #}
{% macro contract_transactions_unioned(archive, search_api, keys=none) -%}
    with

    {% if keys -%}
    rebuilt_keys as (

        {{ keys }}

    ),

    {% endif -%}
    archive as (

        select * from {{ archive }}
    {%- if keys %}
        where transaction_key in (select rebuilt_keys.transaction_key from rebuilt_keys)
    {%- endif %}
        qualify row_number() over (
            partition by transaction_key
            order by loaded_at desc, load_id asc
        ) = 1

    ),

    search_api as (

        select
            *,
            'search_api' as retrieved_via
        from {{ search_api }} as search_rows
        where
            not exists (
                select 1
                from archive
                where archive.transaction_key = search_rows.transaction_key
            )
    {%- if keys %}
            and search_rows.transaction_key in (
                select rebuilt_keys.transaction_key from rebuilt_keys
            )
    {%- endif %}

    ),

    unioned as (

        select * from search_api
        union all by name
        select * from archive

    )

    select * from unioned
{%- endmacro %}

{# The hash of the reference inputs that map every award and action at once: the agency codes
   their names stand for (int_agency_codes_by_name, read from dim_agency), the award id agency
   reference and the product patterns. A change rebuilds every row of the contract facts
   (loaded_at_watermark's inputs_hash). #}
{% macro contract_reference_hash() -%}
    md5(concat_ws(
        '|',
        (
            select string_agg(
                concat_ws(
                    ',', names.agency_level, names.toptier_code, names.agency_name_key,
                    names.agency_code, names.agency_toptier_code
                ),
                chr(10) order by names.lookup_key
            )
            from {{ ref('int_agency_codes_by_name') }} as names
        ),
        (
            select string_agg(
                concat_ws(',', ids.award_id_agency_id, ids.toptier_code),
                chr(10) order by ids.award_id_agency_id
            )
            from {{ ref('usaspending_award_id_agency_ids') }} as ids
        ),
        {{ award_product_patterns_hash() }}
    ))
{%- endmacro %}

{# The inputs whose newest loaded_at the contract facts record (a subquery for
   record_loaded_at_watermark): the awards, the recipient profiles and, for the actions, both
   doors of actions (the archive's raw rows: its deletions too). #}
{% macro contract_loads(with_actions=false) -%}
    (
        select awards.loaded_at
        from {{ ref('stg_usaspending__awards') }} as awards
        union all
        select recipients.loaded_at
        from {{ ref('stg_usaspending__recipients') }} as recipients
    {%- if with_actions %}
        union all
        select archive.loaded_at
        from {{ source('raw', 'usaspending_archive_transactions') }} as archive
        union all
        select search_api.loaded_at
        from {{ ref('stg_usaspending__transactions') }} as search_api
    {%- endif %}
    ) as contract_loads
{%- endmacro %}

{# The model's watermark of the contract loads (every row before its first incremental build, or
   when the reference inputs changed: contract_reference_hash). #}
{% macro contract_loads_watermark() -%}
    {{ loaded_at_watermark(held=false, inputs_hash=contract_reference_hash()) }}
{%- endmacro %}

{# A condition on `awards` (stg_usaspending__awards rows): the award's fact row may differ from
   the one built at the model's last build: the award was landed since (new or amended), its
   recipient's profile was (the parent), or its recipient name was given another company
   (int_company_name_assignments). fct_contract_awards rebuilds these awards, and
   fct_contract_transactions the actions of these awards. #}
{% macro contract_award_changed(awards) -%}
    (
        {{ awards }}.loaded_at > {{ contract_loads_watermark() }}
        or {{ awards }}.recipient_id in (
            select recipients.recipient_id
            from {{ ref('stg_usaspending__recipients') }} as recipients
            where recipients.loaded_at > {{ contract_loads_watermark() }}
        )
        or {{ awards }}.recipient_name in (
            {{ reassigned_keys(
                ref('int_company_name_assignments'), 'company_name_raw', 'company_names'
            ) }}
        )
    )
{%- endmacro %}

{# The awards fct_contract_awards rebuilds (contract_award_changed), by generated_internal_id. #}
{% macro changed_contract_award_keys() -%}
    select awards.generated_internal_id
    from {{ ref('stg_usaspending__awards') }} as awards
    where {{ contract_award_changed('awards') }}
{%- endmacro %}

{# The archive keys of the raw archive rows landed since the model's watermark: new rows, rows
   replaced by a new version (whose action may now have another transaction_key), and deletions
   (a Delta file's 'D' rows, which staging leaves out). #}
{% macro replaced_archive_keys() -%}
    select replaced.contract_transaction_unique_key
    from {{ source('raw', 'usaspending_archive_transactions') }} as replaced
    where replaced.loaded_at > {{ contract_loads_watermark() }}
{%- endmacro %}

{# A post-hook of fct_contract_transactions, before its watermark is recorded: delete the actions
   built from an archive row replaced or deleted since the last build that no door holds under
   that key any more (the keys still held were rebuilt by delete+insert). #}
{% macro delete_replaced_archive_actions() -%}
    {%- if is_incremental() %}
    delete from {{ this }} as kept
    where
        kept.contract_transaction_unique_key in ({{ replaced_archive_keys() }})
        and not exists (
            select 1
            from {{ ref('stg_usaspending__archive_transactions') }} as archive
            where
                archive.contract_transaction_unique_key = kept.contract_transaction_unique_key
                and archive.transaction_key = kept.transaction_key
        )
    {%- endif %}
{%- endmacro %}

{# The transaction keys an incremental fct_contract_transactions rebuilds (see its header): the
   actions landed since its last build through either door, the actions of the awards
   fct_contract_awards rebuilds, those of the names and UEIs reassigned since, and the keys built
   from an archive row replaced or deleted since. #}
{% macro changed_contract_action_keys() -%}
    {#- a table built before it kept the archive key has no watermark either: every key is read -#}
    {%- set kept_archive_keys = has_column(this, 'contract_transaction_unique_key') -%}
    with

    changed_awards as (

        {{ changed_contract_award_keys() }}

    ),

    reassigned_names as (

        {{ reassigned_keys(
            ref('int_company_name_assignments'), 'company_name_raw', 'company_names'
        ) }}

    ),

    reassigned_ueis as (

        {{ reassigned_keys(
            ref('int_contract_uei_assignments'), 'recipient_uei', 'recipient_ueis'
        ) }}

    )

    {% for door in ['stg_usaspending__archive_transactions', 'stg_usaspending__transactions'] -%}
    select actions.transaction_key
    from {{ ref(door) }} as actions
    where
        actions.loaded_at > {{ contract_loads_watermark() }}
        or actions.generated_internal_id in (
            select changed_awards.generated_internal_id from changed_awards
        )
        or actions.recipient_name in (
            select reassigned_names.company_name_raw from reassigned_names
        )
        or actions.recipient_uei in (select reassigned_ueis.recipient_uei from reassigned_ueis)
    {{ 'union' if not loop.last or kept_archive_keys }}
    {% endfor -%}
    {%- if kept_archive_keys %}
    select kept.transaction_key
    from {{ this }} as kept
    where kept.contract_transaction_unique_key in ({{ replaced_archive_keys() }})
    {%- endif %}
{%- endmacro %}
