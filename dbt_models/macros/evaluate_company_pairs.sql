{#-
    The company resolver on a labelled set of name pairs: both names of every pair go through the
    same normalisation, candidates and rules as the warehouse's names (macros/company_resolution.sql,
    the same alias and decision seeds), and the pair is predicted the same company when both names
    roll up to the same top company. Twice: with the USAspending parent names the set gives
    (`with_usaspending_parents`), and from the names alone (`names_only`). The names of one set are
    resolved among themselves only, so one set's names never change another's figures.

    pairs: the seed; evaluation_set: its name; half, label_basis: SQL for those columns.
    Emits the CTEs, the last one `final`.
-#}
{% macro evaluate_company_pairs(pairs, evaluation_set, half, label_basis) %}
labelled_pairs as (

    select
        left_name,
        left_parent_name,
        right_name,
        right_parent_name,
        is_same_company,
        category,
        note,
        '{{ evaluation_set }}' as evaluation_set,
        {{ half }} as half,
        {{ label_basis }} as label_basis
    from {{ pairs }}

),

spellings as (

    select labelled_pairs.left_name as company_name_raw from labelled_pairs
    union
    select labelled_pairs.right_name as company_name_raw from labelled_pairs

),

counted as (

    -- no record counts: every name counts once
    select
        spellings.company_name_raw,
        1 as records_count
    from spellings

),

names as (

    {{ company_name_forms('counted') }}

),

recipient_parents as (

    select
        labelled_pairs.left_name as company_name_raw,
        cast(null as varchar) as parent_uei,
        {{ normalize_company_name('labelled_pairs.left_parent_name') }} as parent_normalized_name
    from labelled_pairs
    where labelled_pairs.left_parent_name is not null
    union
    select
        labelled_pairs.right_name as company_name_raw,
        cast(null as varchar) as parent_uei,
        {{ normalize_company_name('labelled_pairs.right_parent_name') }} as parent_normalized_name
    from labelled_pairs
    where labelled_pairs.right_parent_name is not null

),

no_recipient_parents as (

    select
        cast(null as varchar) as company_name_raw,
        cast(null as varchar) as parent_uei,
        cast(null as varchar) as parent_normalized_name
    where false

),

candidates as (

    {{ company_match_candidates('names') }}

),

resolved_with_parents as (

    {{ resolve_company_names('names', 'candidates', 'recipient_parents') }}

),

resolved_names_only as (

    {{ resolve_company_names('names', 'candidates', 'no_recipient_parents') }}

),

resolved as (

    select
        'with_usaspending_parents' as evaluation_mode,
        resolved_with_parents.*
    from resolved_with_parents
    union all
    select
        'names_only' as evaluation_mode,
        resolved_names_only.*
    from resolved_names_only

),

predicted as (

    select
        left_names.evaluation_mode,
        labelled_pairs.left_name,
        labelled_pairs.left_parent_name,
        labelled_pairs.right_name,
        labelled_pairs.right_parent_name,
        labelled_pairs.is_same_company,
        labelled_pairs.category,
        labelled_pairs.note,
        labelled_pairs.evaluation_set,
        labelled_pairs.half,
        labelled_pairs.label_basis,
        left_names.company_id as left_company_id,
        right_names.company_id as right_company_id,
        left_names.top_company_id as left_top_company_id,
        right_names.top_company_id as right_top_company_id,
        left_names.match_rule as left_match_rule,
        right_names.match_rule as right_match_rule,
        left_names.match_score as left_match_score,
        right_names.match_score as right_match_score
    from labelled_pairs
    inner join resolved as left_names
        on labelled_pairs.left_name = left_names.company_name_raw
    inner join resolved as right_names
        on
            labelled_pairs.right_name = right_names.company_name_raw
            and left_names.evaluation_mode = right_names.evaluation_mode

),

final as (

    select
        {{ surrogate_key(['evaluation_set', 'evaluation_mode', 'left_name', 'right_name']) }}
            as evaluation_id,
        {{ surrogate_key(['evaluation_set', 'left_name', 'right_name']) }} as pair_id,
        *,
        left_top_company_id = right_top_company_id as is_predicted_same_company,
        case
            when is_same_company and left_top_company_id = right_top_company_id
                then 'true_positive'
            when is_same_company then 'false_negative'
            when left_top_company_id = right_top_company_id then 'false_positive'
            else 'true_negative'
        end as outcome
    from predicted

)
{% endmacro %}
