{# The resolver's scored candidates (word lists and stems: company_resolution.sql). #}

{#
    Scored candidates for the normalised names of `names` (a relation or CTE with normalized_name
    and records_count) that company_aliases does not list: each against every curated name of
    company_aliases, and against the other names of `names` that company_name_candidate_pairs pairs
    it with and that rank before it (more records, then shorter, then alphabetical: the other
    spelling is the canonical one). One row per name x
    candidate company (its best reference name), kept when accepted or when its score reaches the
    review threshold. Rules, tried in this order on each pair:
      spelling_variant   the same once spaces, "AND" and plural endings are ignored (score 0.98)
      subsidiary_prefix  the name starts with every word of the reference name and adds only
                         structure words (GROUP, HOLDINGS, USA, ...): 0.95; or adds other words
                         after a curated name of two words or more, or of one distinctive word
                         (company_aliases.is_distinctive_word: BOEING yes, AMAZON or APPLE no), none
                         of them naming another kind of organisation (FOUNDATION, UNION, PAC...):
                         0.93; otherwise a review candidate at the review threshold (another
                         source name is not known to be a whole company name: "SIERRA NEVADA")
      truncated_name     the name is the first words (two or more) of the reference name ("BOOZ
                         ALLEN" for "BOOZ ALLEN HAMILTON"): a review candidate at the review threshold
      fuzzy_typo         the same number of words, each within the edit budget of its counterpart
                         (company_words_within_budget, on the words or on their stems); score the
                         Jaro-Winkler similarity of the stemmed names, accepted from the accept
                         threshold unless the words that differ are different real words (each an
                         English word of the english_words seed at company_match_known_word_zipf or
                         a word of a curated company name: SUMNER / SUMTER, BAKERS / BANKERS), which
                         go to review with the two words in the reason
      fuzzy_similarity   any other pair: the Jaro-Winkler similarity, never accepted, and kept for
                         review only from company_match_similarity_review_score (0.95): names that
                         share their first words score high however different the rest
    A name accepted against another source name (not a curated one) only when that name is not
    itself accepted against a third: one hop, so both resolve to the same company.
    With `cache` (int_company_match_pair_scores: the kept scores of every pair among the names it
    has scored, both ways, and a marker row per scored name), a pair of two names it has scored
    is read from it (a pair's score depends on the two names and the curated lists alone), and
    only pairs with a name it lacks are paired and scored here. In a build it lacks none (that
    model scores every new name first), so nothing is paired at all. The ranking by records, the
    best reference per company and the one-hop rule always run on the current names.
#}
{% macro company_match_candidates(names, cache=none) -%}
    with

    curated_names as (

        select
            aliases.normalized_name as reference_name,
            aliases.company_id,
            true as is_curated,
            coalesce(aliases.is_distinctive_word, false) as is_distinctive_word
        from {{ ref('company_aliases') }} as aliases

    ),

    subjects as (

        select
            subject_names.normalized_name,
            sum(subject_names.records_count) as records_count
        from {{ names }} as subject_names
        where
            subject_names.normalized_name is not null
            and subject_names.normalized_name not in (
                select curated_names.reference_name from curated_names
            )
        group by subject_names.normalized_name

    ),

    -- the name's id as a reference (once per name, not once per pair)
    subject_ids as (

        select
            subjects.*,
            {{ slugify('subjects.normalized_name') }} as company_id
        from subjects

    ),

{% if cache %}
    -- the kept scores of the names the cache has scored: against the curated names, and against
    -- the source names paired with them that rank before them now
    cached_scores as (

        select
            cache.normalized_name,
            cache.company_id,
            cache.reference_name,
            cache.is_curated_reference,
            cache.match_rule,
            cache.match_score,
            cache.is_accepted,
            cache.match_reason
        from {{ cache }} as cache
        inner join subject_ids as subject_names
            on cache.normalized_name = subject_names.normalized_name
        left join subject_ids as source_names
            on
                cache.reference_name = source_names.normalized_name
                and not cache.is_curated_reference
        where
            cache.is_curated_reference
            or {{ company_name_ranks_before('source_names', 'subject_names') }}

    ),

    -- the names the cache lacks (none in a build: int_company_match_pair_scores scores every new
    -- name before this model runs), whose pairs are scored here
    uncached_names as (

        select subjects.normalized_name from subjects
        where subjects.normalized_name not in (
            select cache.normalized_name from {{ cache }} as cache
        )

    ),

    -- every name, but only when some name is uncached: pairing them all is the cost avoided
    pairing_subjects as (

        select subjects.* from subjects
        where exists (select 1 from uncached_names)

    ),
{% endif %}

    -- the source names worth comparing with each name (company_name_candidate_pairs)
    source_pairs as (

        {{ company_name_candidate_pairs('pairing_subjects' if cache else 'subjects') }}

    ),

    -- every name against every curated name (a few hundred), and against the source names of its
    -- pairs that rank before it (with a cache: the pairs with an uncached name)
    matched_references as (

        select
            subjects.normalized_name,
            curated_names.reference_name,
            curated_names.company_id,
            curated_names.is_curated,
            curated_names.is_distinctive_word
        from subjects
        cross join curated_names
        {% if cache %}
        where subjects.normalized_name in (select uncached_names.normalized_name from uncached_names)
        {% endif %}

        union all

        select
            source_pairs.normalized_name,
            source_pairs.reference_name,
            source_names.company_id,
            false as is_curated,
            false as is_distinctive_word
        from source_pairs
        inner join subject_ids as subject_names
            on source_pairs.normalized_name = subject_names.normalized_name
        inner join subject_ids as source_names
            on source_pairs.reference_name = source_names.normalized_name
        where
            -- the rendered macro keeps its own indentation, which LT02 misreads here
            {{ company_name_ranks_before('source_names', 'subject_names') }}  -- noqa: LT02
            {% if cache %}
            and (
                source_pairs.normalized_name in (
                    select uncached_names.normalized_name from uncached_names
                )
                or source_pairs.reference_name in (
                    select uncached_names.normalized_name from uncached_names
                )
            )
            {% endif %}

    ),

    scored_here as (

        {{ company_match_scored('matched_references') }}

    ),

    scored as (

        select * from scored_here
        {% if cache %}

        union all by name

        select * from cached_scores
        {% endif %}

    ),

    best_per_company as (

        select * from scored
        qualify row_number() over (
            partition by normalized_name, company_id
            order by is_accepted desc, match_score desc, reference_name
        ) = 1

    ),

    -- names accepted against some reference: they cannot be another name's reference
    linked_names as (

        select distinct normalized_name from best_per_company
        where is_accepted

    ),

    final as (

        select
            best_per_company.normalized_name,
            best_per_company.company_id,
            best_per_company.reference_name,
            best_per_company.is_curated_reference,
            best_per_company.match_rule,
            best_per_company.match_score,
            best_per_company.is_accepted
            and (
                best_per_company.is_curated_reference
                or best_per_company.reference_name not in (
                    select linked_names.normalized_name from linked_names
                )
            ) as is_accepted,
            case
                when
                    best_per_company.is_accepted
                    and not best_per_company.is_curated_reference
                    and best_per_company.reference_name in (
                        select linked_names.normalized_name from linked_names
                    )
                    then 'the other name is itself matched to a third: review'
                else best_per_company.match_reason
            end as match_reason
        from best_per_company

    )

    select * from final
{%- endmacro %}

{# The pairs of `pairs` (normalized_name, reference_name, company_id, is_curated,
   is_distinctive_word) scored by the rules above, kept when accepted or worth a review: one row
   per pair, before the best reference per company is chosen. #}
{% macro company_match_scored(pairs) -%}
    {%- set accept_score = var('company_match_accept_score', 0.92) -%}
    {%- set review_score = var('company_match_review_score', 0.85) -%}
    {%- set similarity_review_score = var('company_match_similarity_review_score', 0.95) -%}
    {%- set known_word_zipf = var('company_match_known_word_zipf', 2.5) -%}
    with

    -- words that are words: common English ones and those of the curated company names
    known_words as (

        select english_words.word from {{ ref('english_words') }} as english_words
        where english_words.zipf_frequency >= {{ known_word_zipf }}

        union

        select unnest(string_split(aliases.normalized_name, ' ')) as word
        from {{ ref('company_aliases') }} as aliases

    ),

    -- what the rules read of one name, computed once per name rather than once per pair (a name
    -- is in thousands of pairs); a null name has null features, as the expressions give it
    -- the pairs, read once (pair_names and pairs both read them)
    input_pairs as materialized (

        select * from {{ pairs }}

    ),

    pair_names as (

        select input_pairs.normalized_name as name
        from input_pairs

        union

        select input_pairs.reference_name as name
        from input_pairs

    ),

    stemmed_names as (

        select
            pair_names.name,
            string_split(pair_names.name, ' ') as words,
            {{ company_name_stem('pair_names.name') }} as stem
        from pair_names

    ),

    name_features as materialized (

        select
            stemmed_names.name,
            stemmed_names.words,
            stemmed_names.stem,
            string_split(stemmed_names.stem, ' ') as stem_words,
            {{ company_name_spelling('stemmed_names.stem') }} as spelling,
            len(regexp_replace(stemmed_names.stem, '\s', '', 'g')) as stem_letters,
            regexp_matches(stemmed_names.name, '[0-9]') as has_digit,
            stemmed_names.name in (select known_words.word from known_words) as is_known_word
        from stemmed_names

    ),

    pairs as (

        select
            matched_references.*,
            subject_names.words as subject_words,
            reference_names.words as reference_words,
            subject_names.stem as subject_stem,
            reference_names.stem as reference_stem,
            subject_names.stem_words as subject_stem_words,
            reference_names.stem_words as reference_stem_words,
            subject_names.spelling as subject_spelling,
            reference_names.spelling as reference_spelling,
            reference_names.stem_letters as reference_stem_letters,
            reference_names.has_digit as reference_has_digit,
            reference_names.is_known_word as is_reference_known_word
        from input_pairs as matched_references
        left join name_features as subject_names
            on matched_references.normalized_name = subject_names.name
        left join name_features as reference_names
            on matched_references.reference_name = reference_names.name

    ),

    all_compared as (

        select
            pairs.*,
            jaro_winkler_similarity(pairs.subject_stem, pairs.reference_stem) as similarity,
            pairs.subject_spelling = pairs.reference_spelling as is_spelling_variant,
            len(pairs.subject_words) > len(pairs.reference_words)
            and pairs.subject_words[1:len(pairs.reference_words)] = pairs.reference_words
                as extends_reference,
            len(pairs.subject_words) >= 2
            and len(pairs.subject_words) < len(pairs.reference_words)
            and pairs.reference_words[1:len(pairs.subject_words)] = pairs.subject_words
                as is_truncated_reference,
            pairs.subject_words[len(pairs.reference_words) + 1:] as added_words
        from pairs

    ),

    -- the pairs that can be kept (the filter at the end): a pair is kept only as a spelling
    -- variant, an extension or truncation of the reference, or with a rounded similarity at or
    -- above one of the thresholds (accepted on the edit budget needs the accept score, kept for
    -- review the review scores). Dropping the others here (most pairs of a block) spares them
    -- the word-by-word rules; what is kept is the same.
    compared as materialized (

        select * from all_compared
        where
            all_compared.is_spelling_variant
            or all_compared.extends_reference
            or all_compared.is_truncated_reference
            or all_compared.similarity >= least(
                {{ accept_score }}, {{ review_score }}, {{ similarity_review_score }}
            ) - 0.0001

    ),

    -- the fuzzy rule's word pairs that differ (names of as many words, the words and their
    -- stems both different, neither the other's start), and those where both words are real
    -- words (or their stems are)
    differing_words as (

        select
            compared.normalized_name,
            compared.reference_name,
            compared.subject_words[word_index] as subject_word,
            compared.reference_words[word_index] as reference_word,
            compared.subject_stem_words[word_index] as subject_stem_word,
            compared.reference_stem_words[word_index] as reference_stem_word
        from (
            select
                compared.*,
                unnest(range(1, len(compared.subject_words) + 1)) as word_index
            from compared
            where
                len(compared.subject_words) = len(compared.reference_words)
                and len(compared.subject_stem_words) = len(compared.subject_words)
                and len(compared.reference_stem_words) = len(compared.reference_words)
                and not compared.is_spelling_variant
        ) as compared
        where
            compared.subject_words[word_index] <> compared.reference_words[word_index]
            and compared.subject_stem_words[word_index]
            <> compared.reference_stem_words[word_index]
            -- one word the other with letters added at its end is a form of the same word
            -- (AMERICA / AMERICAN), not another word
            and not starts_with(
                compared.subject_words[word_index], compared.reference_words[word_index]
            )
            and not starts_with(
                compared.reference_words[word_index], compared.subject_words[word_index]
            )

    ),

    real_word_differences as (

        select
            differing_words.normalized_name,
            differing_words.reference_name,
            string_agg(
                differing_words.subject_word || ' / ' || differing_words.reference_word, ', '
                order by differing_words.subject_word
            ) as real_word_pairs
        from differing_words
        where
            exists (
                select 1 from known_words
                where known_words.word in (
                    differing_words.subject_word, differing_words.subject_stem_word
                )
            )
            and exists (
                select 1 from known_words
                where known_words.word in (
                    differing_words.reference_word, differing_words.reference_stem_word
                )
            )
        group by differing_words.normalized_name, differing_words.reference_name

    ),

    tested as (

        select
            compared.*,
            real_word_differences.real_word_pairs,
            len(compared.subject_words) = len(compared.reference_words)
            and (
                {{ company_words_within_budget('compared.subject_words', 'compared.reference_words') }}
                or {{ company_words_within_budget(
                    'compared.subject_stem_words', 'compared.reference_stem_words'
                ) }}
            ) as is_within_edit_budget,
            list_has_all({{ company_structure_words() }}, compared.added_words)
                as adds_structure_words_only,
            list_has_any({{ company_other_organisation_words() }}, compared.added_words)
                as adds_other_organisation,
            (
                compared.is_curated
                and (len(compared.reference_words) >= 2 or compared.is_distinctive_word)
            )
            -- a coined one-word name of six letters or more that is no English word
            -- (FIRSTENERGY, OLDCASTLE) names one company wherever a name starts with it
            or (
                len(compared.reference_words) = 1
                and len(compared.reference_name) >= 6
                and not compared.reference_has_digit
                and not compared.is_reference_known_word
            )
                as is_distinctive_reference,
            -- a one-word name that is a real word (GRAHAM, FREEDOM) and not curated as
            -- distinctive may be anyone's; a coined one (UBS, ICF) is not
            len(compared.reference_words) = 1
            and not (compared.is_curated and compared.is_distinctive_word)
            and compared.is_reference_known_word
                as is_bare_word_reference,
            -- "S I T" and "SIT": letters that stand for some name, not necessarily the same one
            compared.is_spelling_variant
            and compared.reference_stem_letters <= 4
                as is_short_acronym_variant
        from compared
        left join real_word_differences
            on
                compared.normalized_name = real_word_differences.normalized_name
                and compared.reference_name = real_word_differences.reference_name

    ),

    scored as (

        select
            normalized_name,
            company_id,
            reference_name,
            is_curated as is_curated_reference,
            case
                when is_spelling_variant then 'spelling_variant'
                when extends_reference then 'subsidiary_prefix'
                when is_truncated_reference then 'truncated_name'
                when is_within_edit_budget then 'fuzzy_typo'
                else 'fuzzy_similarity'
            end as match_rule,
            case
                when is_short_acronym_variant then {{ review_score }}
                when is_spelling_variant then 0.98
                when extends_reference and adds_structure_words_only and is_bare_word_reference
                    then {{ review_score }}
                when extends_reference and adds_structure_words_only then 0.95
                when
                    extends_reference and is_distinctive_reference and not adds_other_organisation
                    then 0.93
                when extends_reference or is_truncated_reference then {{ review_score }}
                else round(similarity, 4)
            end as match_score,
            case
                when is_spelling_variant then not is_short_acronym_variant
                when extends_reference
                    then
                        (adds_structure_words_only and not is_bare_word_reference)
                        or (is_distinctive_reference and not adds_other_organisation)
                when is_within_edit_budget
                    then similarity >= {{ accept_score }} and real_word_pairs is null
                else false
            end as is_accepted,
            case
                when is_short_acronym_variant
                    then 'a short acronym with and without spaces: letters that may stand for '
                    || 'other names'
                when is_spelling_variant then 'the same without spaces, AND and plural endings'
                when extends_reference and adds_structure_words_only and is_bare_word_reference
                    then 'adds structure words to a one-word name that is a real word'
                when extends_reference and adds_structure_words_only
                    then 'adds structure words only'
                when
                    extends_reference and is_distinctive_reference and not adds_other_organisation
                    then 'starts with the whole company name'
                when extends_reference and adds_other_organisation
                    then 'adds words naming another kind of organisation'
                when extends_reference
                    then 'starts with a one-word name that is not distinctive (a common word)'
                when is_truncated_reference then 'the first words of a longer name'
                when is_within_edit_budget and real_word_pairs is not null
                    then 'the words that differ are different real words: ' || real_word_pairs
                when is_within_edit_budget and similarity >= {{ accept_score }}
                    then 'every word within its edit budget'
                when is_within_edit_budget then 'similarity below the accept threshold'
                else 'some word differs beyond its edit budget'
            end as match_reason
        from tested

    )

    select * from scored
    where
        is_accepted
        or (match_rule <> 'fuzzy_similarity' and match_score >= {{ review_score }})
        -- names a word or more apart: only the very close ones are worth a look
        or match_score >= {{ similarity_review_score }}
{%- endmacro %}

{# A name's blocks: its first three letters (spaces ignored); and a first word of one or two
   letters ("BP AMERICA", "BP") is a block of its own too, as its first three letters mix in the
   next word. Unnested: one row per block. #}
{% macro company_name_block_keys(name) -%}
    unnest(list_filter(
        [
            left(replace({{ name }}, ' ', ''), 3),
            case
                when len(split_part({{ name }}, ' ', 1)) < 3
                    then split_part({{ name }}, ' ', 1)
            end
        ],
        lambda block_key: block_key is not null
    ))
{%- endmacro %}

{#
    The pairs of source names the resolver compares, in both directions (normalized_name,
    reference_name): the names of `names` (a relation with one row per normalized_name) that share
    a block (company_name_block_keys) and that a rule could keep, found by equal keys rather than
    by comparing every two names of a block, which grew with the square of the names (the block
    "AME" held 856 of 36,421 names at a tenth of full history). Two names of a block are a pair when
      - they have the same spelling once plural endings, "AND" and spaces are dropped (the
        spelling_variant rule);
      - the words of one are the first words of the other (subsidiary_prefix, truncated_name);
      - they have as many words, all the same but one (a typo or another word in one place: the
        fuzzy rules' pairs);
      - they have as many words, each starting with the same two letters (typos in several words
        after their first letters).
    What the fuzzy rules no longer see: names of different lengths in words that are not one the
    other's start, and names whose words differ in two places, one of them in its first two
    letters. At a tenth of full history that lost 376 of 71,786 kept pairs, all of them review
    rows (374 of the similarity rule, 2 of the typo rule), and no accepted match.
    `involving`: a relation of names (normalized_name, all of them among `names`): only the pairs
    with one of them on either side, found by joining their keys to every name's instead of every
    name's to every name's (an incremental build's new names: int_company_match_pair_scores took
    4.2 to 4.9 s instead of 9.6 s for a quarter's on the full-history benchmark's names, with the
    same rows). By default, every pair.
#}
{% macro company_name_candidate_pairs(names, involving=none) -%}
    with

    blocked_names as materialized (

        select
            pair_names.normalized_name,
            string_split(pair_names.normalized_name, ' ') as words,
            {{ company_name_spelling(company_name_stem('pair_names.normalized_name')) }} as spelling,
            {{ company_name_block_keys('pair_names.normalized_name') }} as block_key
        from {{ names }} as pair_names

    ),

    -- keys two names of a pair share: one spelling key, one key per word left out, one key of
    -- the words' first two letters
    name_keys as (

        select
            blocked_names.normalized_name,
            blocked_names.block_key,
            'spelling ' || blocked_names.spelling as pair_key
        from blocked_names

        union all

        select
            blocked_names.normalized_name,
            blocked_names.block_key,
            'all but one ' || unnest(list_transform(
                range(1, len(blocked_names.words) + 1),
                lambda word_index: array_to_string(
                    words[1:word_index - 1] || ['*'] || words[word_index + 1:], ' '
                )
            )) as pair_key
        from blocked_names

        union all

        select
            blocked_names.normalized_name,
            blocked_names.block_key,
            'starts ' || array_to_string(
                list_transform(blocked_names.words, lambda word: left(word, 2)), ' '
            ) as pair_key
        from blocked_names

    ),

    -- each name's first words (one word fewer than the name or less): a name equal to them is the
    -- name's reference for subsidiary_prefix, the name its reference's for truncated_name
    name_starts as (

        select
            blocked_names.normalized_name,
            blocked_names.block_key,
            array_to_string(blocked_names.words[1:start_length], ' ') as name_start
        from blocked_names,
            unnest(range(1, len(blocked_names.words))) as starts (start_length)

    ),

    -- the names whose keys and starts are looked up among every name's: the involved ones, or
    -- every name
    {%- set involved = (
        'where {0}.normalized_name in (select involved.normalized_name from '
        ~ involving ~ ' as involved)'
    ) if involving else '' %}

    looked_up_keys as (

        select name_keys.* from name_keys
        {{ involved.format('name_keys') }}

    ),

    keyed_one_way as {{ 'materialized ' if involving }}(

        select
            looked_up_keys.normalized_name,
            other_keys.normalized_name as reference_name
        from looked_up_keys
        inner join name_keys as other_keys
            on
                looked_up_keys.block_key = other_keys.block_key
                and looked_up_keys.pair_key = other_keys.pair_key
        where looked_up_keys.normalized_name <> other_keys.normalized_name

    ),

    -- (with every name looked up, each pair is found both ways already)
    keyed_pairs as (

        select * from keyed_one_way
        {% if involving %}

        union all

        select
            keyed_one_way.reference_name as normalized_name,
            keyed_one_way.normalized_name as reference_name
        from keyed_one_way
        {% endif %}

    ),

    looked_up_starts as (

        select name_starts.* from name_starts
        {{ involved.format('name_starts') }}

    ),

    -- a name's start that is a name: an involved name's start, and a start that is an involved
    -- name
    start_pairs as (

        select
            looked_up_starts.normalized_name,
            blocked_names.normalized_name as reference_name
        from looked_up_starts
        inner join blocked_names
            on
                looked_up_starts.block_key = blocked_names.block_key
                and looked_up_starts.name_start = blocked_names.normalized_name
        {% if involving %}

        union all

        select
            name_starts.normalized_name,
            looked_up_names.normalized_name as reference_name
        from name_starts
        inner join (
            select blocked_names.* from blocked_names
            {{ involved.format('blocked_names') }}
        ) as looked_up_names
            on
                name_starts.block_key = looked_up_names.block_key
                and name_starts.name_start = looked_up_names.normalized_name
        {% endif %}

    ),

    all_pairs as (

        select * from keyed_pairs

        union all

        select * from start_pairs

        union all

        select
            start_pairs.reference_name as normalized_name,
            start_pairs.normalized_name as reference_name
        from start_pairs

    )

    select distinct
        all_pairs.normalized_name,
        all_pairs.reference_name
    from all_pairs
{%- endmacro %}

{# Whether the name of `source` ranks before the name of `subject` (relations with normalized_name
   and records_count), so that it can be the subject's reference: more records, then shorter,
   then first in alphabetical order. #}
{% macro company_name_ranks_before(source, subject) -%}
    (
        {{ source }}.records_count > {{ subject }}.records_count
        or (
            {{ source }}.records_count = {{ subject }}.records_count
            and (
                len({{ source }}.normalized_name) < len({{ subject }}.normalized_name)
                or (
                    len({{ source }}.normalized_name) = len({{ subject }}.normalized_name)
                    and {{ source }}.normalized_name < {{ subject }}.normalized_name
                )
            )
        )
    )
{%- endmacro %}
