-- Which companies, agencies and watchlist topics each news article mentions in its title or its
-- description, by the regular expressions of the news_entity_patterns seed and those the
-- watchlist adds (int_news_watchlist_patterns: the watched entities' own terms and the
-- resolver's names for a watched company, with the seed's exclusions for the same entity): one
-- row per article x entity. Articles are one per canonical url (int_news_articles_deduplicated);
-- GDELT gives titles only, the feeds and the analyst's list may give a description too. A
-- pattern is tried on each text after the matches of its exclusion pattern have been cut out
-- ("Amazon rainforest" does not mention Amazon, but "Amazon fights fires in the Amazon
-- rainforest" still does), and on the title and the description separately, so no match spans
-- the two. Case-insensitive patterns get RE2's (?i) flag; case-sensitive ones (ICE, CBP, DHS) are
-- matched as written. When the model runs, the patterns are read first and each is tried as a
-- constant (news_patterns_as_constants: DuckDB compiles a constant regular expression once per
-- query, a column's once per row); in a unit test they are tried as columns, by the same rule
-- (news_pattern_matches). A pattern with required words (a watchlist term's ASCII words) is
-- tried only on the texts that hold the rarest of them as a word: the texts are split into words
-- once and joined to the required words, instead of a search per pattern and text.
-- Incremental: a build tags the articles int_news_articles_deduplicated rewrote since its last
-- build (news_articles_to_redo) with every pattern, and every article with the patterns that
-- changed since (news_pattern_changes: each pattern is hashed, news_pattern_hashes, and the
-- hashes recorded by the post-hook in staging.news_patterns_tried). An entity that lost or
-- edited a pattern is tagged again whole: its rows are deleted with those of the articles to redo
-- (delete_news_mentions_to_redo), and every article is tried with all its patterns; one that lost
-- none keeps its rows, every article is tried with its new patterns only, and what these find is
-- added to the entity's row of the article (matched_pattern_ids, is_in_title and
-- is_in_description are unions over the patterns, so adding patterns adds to them). A new
-- watched company, or a new source name the resolver gives one (int_news_watchlist_patterns),
-- thus tries that name's pattern on every article, and nothing else. With no hashes recorded (the
-- first build since they are kept per pattern), every article is tagged again with every pattern.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='news_mention_id',
        on_schema_change='fail',
        pre_hook="{{ delete_news_mentions_to_redo(news_pattern_hashes(), additions_kept=true) }}",
        post_hook=[
            "{{ news_articles_redone() }}",
            "{{ record_news_patterns_tagged(news_pattern_hashes()) }}",
        ],
    )
}}
{%- set constant_patterns = news_patterns_as_constants(
    [ref('news_entity_patterns'), ref('int_news_watchlist_patterns')]
) %}
{%- set changes = news_pattern_changes(news_pattern_hashes()) %}
{%- set changed_entities = none if changes is none else changes['changed'] %}
{#- the entities that only gained patterns: their rows stand, and what the new patterns find is
    added to them #}
{%- set added_to = [] if changes is none else changes['gained'] %}
{#- the texts a changed pattern is tried on: every article's (on a full build, the articles' texts
    are every article's already) #}
{%- set changed_texts = 'all_texts' if is_incremental() else 'texts' %}
-- the entities whose patterns changed, tried on every article:
-- {{ news_entities_named(changed_entities) }}
-- of which those that only gained patterns, tried with those only:
-- {{ news_entities_named(added_to) }}
with

articles as (

    select * from {{ ref('int_news_articles_deduplicated') }}
    {{ news_articles_to_redo() }}

),

texts as (

    {{ news_article_texts('articles') }}

),

{% if is_incremental() %}

    all_articles as (

        select * from {{ ref('int_news_articles_deduplicated') }}

    ),

    all_texts as (

        {{ news_article_texts('all_articles') }}

    ),

{% endif %}

{% if constant_patterns is none %}

    seed_patterns as (

        select * from {{ ref('news_entity_patterns') }}

    ),

    watchlist_patterns as (

        select * from {{ ref('int_news_watchlist_patterns') }}

    ),

    patterns as (

        select
            pattern_id,
            entity_type,
            entity_id,
            pattern,
            exclusion_pattern,
            is_case_sensitive
        from seed_patterns

        union all

        select
            pattern_id,
            entity_type,
            entity_id,
            pattern,
            exclusion_pattern,
            is_case_sensitive
        from watchlist_patterns

    ),

    -- the changed patterns on every article's texts, the others on the texts of the articles
    -- to redo
    pattern_matches as (

        {% for source, changed in [('texts', false), (changed_texts, true)] %}

            {{ 'union all' if not loop.first }}

            select
                texts.url,
                texts.text_field,
                patterns.entity_type,
                patterns.entity_id,
                patterns.pattern_id
            from {{ source }} as texts
            cross join patterns
            where
                {{ '' if changed else 'not' }} ({{ news_pattern_changed(
                    changes, 'patterns.entity_type', 'patterns.entity_id', 'patterns.pattern_id'
                ) }})
                and {{ news_pattern_matches(
                    'texts.field_text',
                    'patterns.pattern',
                    'patterns.exclusion_pattern',
                    'patterns.is_case_sensitive'
                ) }}

        {% endfor %}

    ),

{% else %}

    {#- each pattern's texts: every article's when it changed (news_pattern_changed), else those
        of the articles to redo; and its required words, when it has some #}
    {%- set tried = [] %}
    {%- for row in constant_patterns %}
        {%- do tried.append({
            'row': row,
            'source': changed_texts if news_pattern_is_changed(changes, row) else 'texts',
            'words': (row['required_words'] or '').split(),
        }) %}
    {%- endfor %}
    {#- on an incremental build, a pattern tried on the texts of the articles to redo only is left
        out when one of its required words is in none of them: it cannot match there (DuckDB
        compiles every constant pattern of the query before it runs, a few milliseconds each for
        Unicode classes, while a quarter's articles name few of the watched companies' names) #}
    {%- if is_incremental() %}
        {%- set found = news_words_found(
            '(select * from ' ~ ref('int_news_articles_deduplicated') ~ ' '
            ~ news_articles_to_redo() ~ ') as articles',
            tried | selectattr('source', 'equalto', 'texts') | map(attribute='words') | sum(start=[])
        ) %}
        {%- set kept = [] %}
        {%- for pattern in tried %}
            {%- if pattern['source'] != 'texts' or pattern['words'] | reject('in', found) | list
                | length == 0 %}
                {%- do kept.append(pattern) %}
            {%- endif %}
        {%- endfor %}
        {%- set tried = kept %}
    {%- endif %}
    {%- set worded = tried | selectattr('words') | list %}

    {% if worded %}

        -- the required words of the patterns that have some, with the texts each is tried on
        required_words as (

            select * from (
                values
                {% for pattern in worded %}
                    {%- set outer = loop %}
                    {%- for word in pattern['words'] %}
                        (
                            {{ sql_string(pattern['row']['pattern_id']) }},
                            {{ sql_string(pattern['row']['entity_type']) }},
                            {{ sql_string(pattern['row']['entity_id']) }},
                            {{ sql_string(word) }},
                            {{ sql_string(pattern['source']) }}
                        ){{ ',' if not (outer.last and loop.last) }}
                    {%- endfor %}
                {%- endfor %}
            ) as required (pattern_id, entity_type, entity_id, word, texts_source)

        ),

    {% endif %}

    {% for source in worded | map(attribute='source') | unique %}

        -- wherever a pattern with required words matches, each of its words is a whole run of
        -- ASCII letters and digits in the folded text (news_folded_text;
        -- int_news_watchlist_patterns): the runs of these texts that are someone's required word
        {{ source }}_words as materialized (

            select
                url,
                text_field,
                word
            from (
                select
                    url,
                    text_field,
                    unnest({{ news_text_words('folded_text') }}) as word
                from {{ source }}
            ) as text_runs
            where word in (
                select required.word from required_words as required
                where required.texts_source = {{ sql_string(source) }}
            )

        ),

        -- each pattern's required word found the fewest times in these texts (any one of its
        -- words would do: the rarest leaves the fewest texts to try the pattern on)
        {{ source }}_rarest_words as (

            select
                required.pattern_id,
                any_value(required.entity_type) as entity_type,
                any_value(required.entity_id) as entity_id,
                arg_min(required.word, coalesce(frequencies.texts_count, 0)) as word
            from required_words as required
            left join (
                select
                    word,
                    count(*) as texts_count
                from {{ source }}_words
                group by word
            ) as frequencies
                on required.word = frequencies.word
            where required.texts_source = {{ sql_string(source) }}
            group by required.pattern_id

        ),

        -- the texts each such pattern is tried on (those holding its rarest required word), and
        -- the pattern tried: in one filter over every pair, not a branch per pattern (DuckDB
        -- would try the OR of every branch's filter on every pair)
        {{ source }}_worded_matches as (

            select
                texts.url,
                texts.text_field,
                holding.entity_type,
                holding.entity_id,
                holding.pattern_id
            from (
                select distinct
                    text_words.url,
                    text_words.text_field,
                    rarest.entity_type,
                    rarest.entity_id,
                    rarest.pattern_id
                from {{ source }}_words as text_words
                inner join {{ source }}_rarest_words as rarest
                    on text_words.word = rarest.word
            ) as holding
            inner join {{ source }} as texts
                on holding.url = texts.url and holding.text_field = texts.text_field
            where
                case holding.pattern_id
                    {% for pattern in worded if pattern['source'] == source %}
                        {%- set row = pattern['row'] %}
                        when {{ sql_string(row['pattern_id']) }} then {{ news_pattern_matches(
                            'texts.field_text',
                            sql_string(row['pattern']),
                            sql_string(row['exclusion_pattern']),
                            'true' if row['is_case_sensitive'] else 'false'
                        ) }}
                    {% endfor %}
                end

        ),

    {% endfor %}

    -- each pattern tried as a constant: those with required words above, each other pattern in a
    -- branch of its own, on every article's texts when it changed, else on the texts of the
    -- articles to redo
    pattern_matches as (

        select
            cast(null as varchar) as url,
            cast(null as varchar) as text_field,
            cast(null as varchar) as entity_type,
            cast(null as varchar) as entity_id,
            cast(null as varchar) as pattern_id
        where false

        {% for source in worded | map(attribute='source') | unique %}

            union all

            select * from {{ source }}_worded_matches

        {% endfor %}

        {% for pattern in tried if not pattern['words'] %}
            {%- set row = pattern['row'] %}

            union all

            select
                url,
                text_field,
                {{ sql_string(row['entity_type']) }} as entity_type,
                {{ sql_string(row['entity_id']) }} as entity_id,
                {{ sql_string(row['pattern_id']) }} as pattern_id
            from {{ pattern['source'] }}
            where
                {{ news_pattern_matches(
                    'field_text',
                    sql_string(row['pattern']),
                    sql_string(row['exclusion_pattern']),
                    'true' if row['is_case_sensitive'] else 'false'
                ) }}

        {% endfor %}

    ),

{% endif %}

tagged as (

    select
        {{ surrogate_key(['url', 'entity_type', 'entity_id']) }} as news_mention_id,
        url,
        entity_type,
        entity_id,
        case when entity_type = 'company' then entity_id end as company_id,
        case when entity_type = 'agency' then entity_id end as agency_code,
        case when entity_type = 'topic' then entity_id end as topic_id,
        list(distinct pattern_id order by pattern_id) as matched_pattern_ids,
        bool_or(text_field = 'title') as is_in_title,
        bool_or(text_field = 'description') as is_in_description
    from pattern_matches
    group by url, entity_type, entity_id

),

{% if added_to %}

    -- an entity that only gained patterns: what they found, added to its row of the article (the
    -- rows of the articles to redo are gone already, and another entity's row of an article not
    -- redone is not made again)
    final as (

        select
            tagged.news_mention_id,
            tagged.url,
            tagged.entity_type,
            tagged.entity_id,
            tagged.company_id,
            tagged.agency_code,
            tagged.topic_id,
            list_sort(list_distinct(list_concat(
                tagged.matched_pattern_ids, coalesce(kept.matched_pattern_ids, [])
            ))) as matched_pattern_ids,
            tagged.is_in_title or coalesce(kept.is_in_title, false) as is_in_title,
            tagged.is_in_description
            or coalesce(kept.is_in_description, false) as is_in_description
        from tagged
        left join {{ this }} as kept
            on tagged.news_mention_id = kept.news_mention_id

    )

{% else %}

    final as (

        select * from tagged

    )

{% endif %}

select * from final
