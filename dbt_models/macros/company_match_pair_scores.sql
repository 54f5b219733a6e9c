{# The resolver's pair scores, kept between builds (int_company_match_pair_scores). #}

{#
    The kept scores (company_match_scored) of the pairs that involve a name of `names` not in
    `scored` (the names scored by earlier builds): each new name against every curated name, and
    against every other name, new or scored before, that company_name_candidate_pairs pairs it
    with, in both directions (which of two names is the other's reference depends on their records
    counts, which change from build to build; company_match_candidates picks the direction). A name no longer
    among `names` stays a possible reference, so a name that comes back finds its pairs complete.
    Each new name also gets one marker row with no reference: it has been scored, whatever it
    matched.
#}
{% macro company_match_pair_scores(names, scored) -%}
    with

    curated_names as (

        select
            aliases.normalized_name as reference_name,
            aliases.company_id,
            true as is_curated,
            coalesce(aliases.is_distinctive_word, false) as is_distinctive_word
        from {{ ref('company_aliases') }} as aliases

    ),

    current_names as (

        select distinct current_names.normalized_name
        from {{ names }} as current_names
        where
            current_names.normalized_name is not null
            and current_names.normalized_name not in (
                select curated_names.reference_name from curated_names
            )

    ),

    new_names as (

        select current_names.normalized_name from current_names
        where current_names.normalized_name not in (
            select scored_names.normalized_name from {{ scored }} as scored_names
        )

    ),

    subjects as (

        select current_names.normalized_name from current_names

        union

        select scored_names.normalized_name from {{ scored }} as scored_names

    ),

    -- the name's id as a reference (once per name, not once per pair)
    subject_ids as (

        select
            subjects.normalized_name,
            {{ slugify('subjects.normalized_name') }} as company_id
        from subjects

    ),

    -- the source names worth comparing with each name (company_name_candidate_pairs)
    source_pairs as (

        {{ company_name_candidate_pairs(
            'subjects', involving='new_names' if is_incremental() else none
        ) }}

    ),

    new_pairs as (

        select
            new_names.normalized_name,
            curated_names.reference_name,
            curated_names.company_id,
            curated_names.is_curated,
            curated_names.is_distinctive_word
        from new_names
        cross join curated_names

        union all

        select
            source_pairs.normalized_name,
            source_pairs.reference_name,
            source_names.company_id,
            false as is_curated,
            false as is_distinctive_word
        from source_pairs
        inner join subject_ids as source_names
            on source_pairs.reference_name = source_names.normalized_name
        where
            source_pairs.normalized_name in (
                select new_names.normalized_name from new_names
            )
            or source_pairs.reference_name in (
                select new_names.normalized_name from new_names
            )

    ),

    kept as (

        {{ company_match_scored('new_pairs') }}

    )

    select * from kept

    union all by name

    select new_names.normalized_name from new_names
{%- endmacro %}

{#
    A digest of everything a pair's score depends on besides its two names: the curated names,
    the known words, the resolver's thresholds, and the version of its pairing and scoring rules
    (company_match_rules_version: raise it when a rule changes which pairs are made or how they
    score). int_company_match_pair_scores keeps it on every row and scores every name again when
    it changes; int_company_match_candidates reads the kept pairs as they are.
#}
{% macro company_match_rules_version() -%}
    2026-12-01 keyed pairing
{%- endmacro %}

{% macro company_match_inputs_hash() -%}
    (
        select md5(string_agg(inputs.line, chr(10) order by inputs.line))
        from (
            select
                concat_ws(
                    '|', 'alias', aliases.normalized_name, aliases.company_id,
                    coalesce(cast(aliases.is_distinctive_word as varchar), '')
                ) as line
            from {{ ref('company_aliases') }} as aliases

            union all

            select concat_ws('|', 'word', english_words.word) as line
            from {{ ref('english_words') }} as english_words
            where english_words.zipf_frequency >= {{ var('company_match_known_word_zipf', 2.5) }}

            union all

            select concat_ws(
                '|', 'vars',
                '{{ var("company_match_accept_score", 0.92) }}',
                '{{ var("company_match_review_score", 0.85) }}',
                '{{ var("company_match_similarity_review_score", 0.95) }}',
                '{{ company_match_rules_version() }}'
            ) as line
        ) as inputs
    )
{%- endmacro %}

{# int_company_match_pair_scores' pre-hook: on an incremental build, forget the scores made with
   other curated names, known words or thresholds (they are all scored again). #}
{% macro drop_stale_company_match_scores() -%}
    {%- if is_incremental() %}
    delete from {{ this }}
    where inputs_hash <> {{ company_match_inputs_hash() }}
    {%- endif %}
{%- endmacro %}

{# The names int_company_match_pair_scores has scored: those of its rows on an incremental build,
   none on a full build. #}
{% macro company_match_scored_names() -%}
    {%- if is_incremental() -%}
        select distinct scored.normalized_name from {{ this }} as scored
    {%- else -%}
        select cast(null as varchar) as normalized_name where false
    {%- endif -%}
{%- endmacro %}
