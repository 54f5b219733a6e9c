{# The news models downstream of int_news_articles_deduplicated (int_news_mentions_tagged and the
   news facts) redo only the articles it recorded as changed for them (news_changes_table;
   record_news_articles_changed), or every article when their other inputs (the patterns) or the
   articles' whole set changed. #}

{# The table of the articles each news model has yet to redo: (model_name, url); in the staging
   schema, which is never published. #}
{% macro news_changes_table() -%}
    staging.news_articles_changed
{%- endmacro %}

{# A pre-hook of int_news_articles_deduplicated: the table of news_changes_table(). #}
{% macro create_news_changes_table() -%}
    create table if not exists {{ news_changes_table() }} (model_name varchar, url varchar)
{%- endmacro %}

{# Whether a consumer of the news changes redoes every article: its last build was made with other
   patterns (`inputs_hash`), or none is recorded, or the articles were rebuilt from scratch. #}
{% macro news_redo_all(inputs_hash=none) -%}
    (
        {{ loaded_at_watermark(held=false, inputs_hash=inputs_hash) }} = timestamptz '-infinity'
        or exists (
            select 1
            from {{ news_changes_table() }} as changes
            where changes.model_name = '{{ this.identifier }}' and changes.url is null
        )
    )
{%- endmacro %}

{# The filter of a news model's incremental build (`keyword` and a condition on `column`): the
   articles recorded as changed for it, or all of them (news_redo_all); nothing on a full build. #}
{% macro news_articles_to_redo(column='url', keyword='where', inputs_hash=none) -%}
    {%- if is_incremental() -%}
        {{ keyword }} (
            {{ news_redo_all(inputs_hash) }}
            or {{ column }} in (
                select changes.url
                from {{ news_changes_table() }} as changes
                where changes.model_name = '{{ this.identifier }}'
            )
        )
    {%- endif %}
{%- endmacro %}

{# A pre-hook of a consumer: on an incremental build, delete the rows of the articles it redoes
   (an article now mentioning nothing, or gone, keeps no row). #}
{% macro delete_news_articles_to_redo(inputs_hash=none) -%}
    {%- if is_incremental() %}
        delete from {{ this }} {{ news_articles_to_redo(inputs_hash=inputs_hash) }}
    {%- endif %}
{%- endmacro %}

{# A post-hook of the news models after int_news_article_links: record how far the build has read
   (and the patterns' hash it tagged with, `inputs_hash`) and forget the articles it redid. #}
{% macro news_articles_redone(inputs_hash=none) -%}
    {{ record_loaded_at_watermark(ref('int_news_article_links'), inputs_hash=inputs_hash) }};
    {{ forget_news_articles_changed() }}
{%- endmacro %}

{# The articles recorded for this model are done. #}
{% macro forget_news_articles_changed() -%}
    delete from {{ news_changes_table() }}
    where model_name = '{{ this.identifier }}'
{%- endmacro %}

{# The hash of the news patterns int_news_mentions_tagged tries (the news_entity_patterns seed
   and int_news_watchlist_patterns): when it changes, every article is tagged again. #}
{% macro news_patterns_hash() -%}
    (
        select md5(string_agg(patterns.pattern_text, chr(10) order by patterns.pattern_text))
        from (
            select {{ news_pattern_text() }} from {{ ref('news_entity_patterns') }}
            union all
            select {{ news_pattern_text() }} from {{ ref('int_news_watchlist_patterns') }}
        ) as patterns
    )
{%- endmacro %}

{# A news pattern's row as one text, for news_patterns_hash. #}
{% macro news_pattern_text() -%}
    concat_ws(
        '|',
        pattern_id,
        entity_type,
        entity_id,
        pattern,
        coalesce(exclusion_pattern, ''),
        coalesce(is_case_sensitive, false)
    ) as pattern_text
{%- endmacro %}
