-- The news patterns the watchlist adds to the news_entity_patterns seed, so that a company, agency
-- or topic added to the watchlist tags the articles its own terms find:
--   - each watched entity's news_terms (a topic's own name), and, for a watched company, the
--     resolver's names for it (the alias seed's normalised names of its company_id and every
--     source name int_company_name_matches resolves to it);
--   - a term becomes a pattern of its words (runs of letters and digits, in any script), separated
--     by anything else, and not part of a longer word; terms with the same words are one pattern;
--     a watchlist term with no lower-case letter (FBI) is matched case-sensitively, as the seed's
--     abbreviations are, every other term and every resolver name case-insensitively;
--   - each pattern gets the exclusions the seed gives the same entity (the Amazon rainforest is
--     not Amazon, whichever term found it);
--   - a term the seed already recognises as the same entity, or as one of the sub-agencies the
--     watchlist lists under the agency, is left to the seed: the seed's curated pattern (and its
--     more specific sub-agency tag) stands, and nothing is tagged twice.
-- A watched company is its company_id (int_watchlist_entities_resolved); a watched company the
-- resolver does not know tags nothing (add it to the alias seed).
with

entities as (

    select * from {{ ref('int_watchlist_entities_resolved') }}

),

seed_patterns as (

    select * from {{ ref('news_entity_patterns') }}

),

aliases as (

    select * from {{ ref('company_aliases') }}

),

name_matches as (

    select * from {{ ref('int_company_name_matches') }}

),

watched_company_ids as (

    select distinct entity_id as company_id
    from entities
    where entity_type = 'company'

),

terms as (

    select
        entity_type,
        entity_id,
        'watchlist' as term_source,
        unnest(news_terms) as term
    from entities

    union all

    select
        'company' as entity_type,
        aliases.company_id as entity_id,
        'resolver' as term_source,
        aliases.normalized_name as term
    from aliases
    inner join watched_company_ids
        on aliases.company_id = watched_company_ids.company_id

    union all

    select
        'company' as entity_type,
        name_matches.company_id as entity_id,
        'resolver' as term_source,
        name_matches.normalized_name as term
    from name_matches
    inner join watched_company_ids
        on name_matches.company_id = watched_company_ids.company_id

),

-- a term's words: its runs of letters and digits (any script); "Lockheed-Martin" and "LOCKHEED
-- MARTIN" are the same words
term_words as (

    select
        entity_type,
        entity_id,
        term_source,
        trim(term) as term,
        list_filter(
            regexp_split_to_array(lower(term), '[^\pL\pN]+'), lambda term_word: term_word <> ''
        ) as words
    from terms
    where nullif(trim(term), '') is not null

),

-- one row per entity and words, whatever the case and the separators; a term both in the
-- watchlist and among the resolver's names (Raytheon, RAYTHEON) is the watchlist's, as written
distinct_terms as (

    select
        entity_type,
        entity_id,
        words,
        first(term order by term_source desc, term asc) as term,
        bool_and(term_source = 'resolver') as is_resolver_name
    from term_words
    where len(words) > 0
    group by entity_type, entity_id, words

),

seed_exclusions as (

    select
        entity_type,
        entity_id,
        string_agg(distinct '(?:' || exclusion_pattern || ')', '|') as exclusion_pattern
    from seed_patterns
    where coalesce(exclusion_pattern, '') <> ''
    group by entity_type, entity_id

),

-- the terms a seed pattern of the same entity, or of one of its listed parts, already finds
covered as (

    select distinct
        distinct_terms.entity_type,
        distinct_terms.entity_id,
        distinct_terms.term
    from distinct_terms
    inner join entities
        on
            distinct_terms.entity_type = entities.entity_type
            and distinct_terms.entity_id = entities.entity_id
    inner join seed_patterns
        on
            distinct_terms.entity_type = seed_patterns.entity_type
            and (
                distinct_terms.entity_id = seed_patterns.entity_id
                or list_contains(entities.part_ids, seed_patterns.entity_id)
            )
    where regexp_matches(
        case
            when coalesce(seed_patterns.exclusion_pattern, '') = '' then distinct_terms.term
            else regexp_replace(
                distinct_terms.term, '(?i)' || seed_patterns.exclusion_pattern, ' ', 'g'
            )
        end,
        case
            when seed_patterns.is_case_sensitive then seed_patterns.pattern
            else '(?i)' || seed_patterns.pattern
        end
    )

),

-- the words as written, separated by anything but letters and digits, and not inside a longer
-- word (RE2's \b knows only ASCII letters: "Nestlé" would never end a word)
term_patterns as (

    select
        entity_type,
        entity_id,
        term,
        words,
        is_resolver_name,
        '(?:^|[^\pL\pN])'
        || array_to_string(
            list_filter(
                regexp_split_to_array(term, '[^\pL\pN]+'), lambda term_word: term_word <> ''
            ),
            '[^\pL\pN]+'
        )
        || '(?:[^\pL\pN]|$)' as pattern
    from distinct_terms

),

-- the term's words written in ASCII letters and digits only, in lower case and separated by a
-- space: a text its pattern matches holds each of them once the text is folded
-- (news_folded_text); none when every word has another letter
required_words as (

    select
        entity_type,
        entity_id,
        words,
        string_agg(distinct term_word, ' ' order by term_word) as required_words
    from (
        select
            entity_type,
            entity_id,
            words,
            unnest(words) as term_word
        from term_patterns
    ) as term_words_unnested
    where regexp_full_match(term_word, '[a-z0-9]+')
    group by entity_type, entity_id, words

),

final as (

    select
        (case when term_patterns.is_resolver_name then 'resolver' else 'watchlist' end)
        || '-' || term_patterns.entity_type || '-' || term_patterns.entity_id || '-'
        || array_to_string(term_patterns.words, '-') as pattern_id,
        term_patterns.entity_type,
        term_patterns.entity_id,
        term_patterns.term,
        term_patterns.pattern,
        seed_exclusions.exclusion_pattern,
        not term_patterns.is_resolver_name
        and not regexp_matches(term_patterns.term, '\p{Ll}') as is_case_sensitive,
        case
            when term_patterns.is_resolver_name then 'watched company: a resolver name'
            else 'watched ' || term_patterns.entity_type || ': a watchlist term'
        end as note,
        required_words.required_words
    from term_patterns
    left join seed_exclusions
        on
            term_patterns.entity_type = seed_exclusions.entity_type
            and term_patterns.entity_id = seed_exclusions.entity_id
    left join required_words
        on
            term_patterns.entity_type = required_words.entity_type
            and term_patterns.entity_id = required_words.entity_id
            and term_patterns.words = required_words.words
    where not exists (
        select 1
        from covered
        where
            term_patterns.entity_type = covered.entity_type
            and term_patterns.entity_id = covered.entity_id
            and term_patterns.term = covered.term
    )

)

select * from final
