{# The contract facts' shared rules: the union of the two doors of contract actions, what makes
   an award's or an action's fact row change, and the reference inputs whose change rebuilds them. #}

{# Every contract action of `archive` (stg_usaspending__archive_transactions rows) and
   `search_api` (stg_usaspending__transactions rows) once: an action found both ways (one
   transaction_key) is the archive's row, of the archive's rows for one key the most recently
   loaded. The search API's staging holds one row per key. With both inputs cut to some keys (an
   incremental fct_contract_transactions), the rows of those keys are the same as uncut: every
   rule here is per key. #}
{% macro contract_transactions_unioned(archive, search_api) -%}
    with

    archive as (

        select * from {{ archive }}
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
   doors of actions. #}
{% macro contract_loads(with_actions=false) -%}
    (
        select awards.loaded_at from {{ ref('stg_usaspending__awards') }} as awards
        union all
        select recipients.loaded_at from {{ ref('stg_usaspending__recipients') }} as recipients
        {%- if with_actions %}
        union all
        select archive.loaded_at
        from {{ ref('stg_usaspending__archive_transactions') }} as archive
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
