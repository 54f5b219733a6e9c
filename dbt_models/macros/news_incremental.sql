{# The news chain built incrementally: int_news_article_links (each input row's canonical links,
   for the rows landed since its last build) -> int_news_articles_deduplicated (rebuilds only the
   articles those rows touch) -> int_news_mentions_tagged, fct_news_articles, fct_news_mentions
   (redo only those articles, or every article when the patterns changed).
   The articles a build of int_news_articles_deduplicated rewrites or deletes are recorded, for it
   and for each model downstream, in news_changes_table(); each model deletes its own record once
   it has redone them (a model that failed or was not selected redoes them on its next build). A
   record with a null url means every article (the articles were rebuilt from scratch). #}
{# The rows of the three news inputs (GDELT, the watched feeds, the analyst's list) in one shape,
   with their canonical link (link_url) and GDELT's canonical mobile link (mobile_url): the CTEs
   news_inputs and canonical. With `new_rows`, only the rows landed since the model's last build
   (new_raw_rows). #}
{% macro news_input_links(gdelt, feeds, analyst, new_rows=false) -%}
    news_inputs as (

        select
            'gdelt' as news_input,
            2 as input_rank,
            url as source_url,
            title,
            cast(null as varchar) as description,
            seen_at as dated_at,
            domain as publisher,
            language,
            source_country,
            url_mobile,
            cast(null as varchar[]) as feed_urls,
            loaded_at
        from {{ gdelt }} {{ new_raw_rows() if new_rows }}

        union all by name

        select
            'feeds' as news_input,
            1 as input_rank,
            url as source_url,
            title,
            description,
            published_at as dated_at,
            feed_title as publisher,
            cast(null as varchar) as language,
            cast(null as varchar) as source_country,
            cast(null as varchar) as url_mobile,
            feed_urls,
            loaded_at
        from {{ feeds }} {{ new_raw_rows() if new_rows }}

        union all by name

        select
            'analyst' as news_input,
            3 as input_rank,
            url as source_url,
            title,
            description,
            published_at as dated_at,
            publisher,
            cast(null as varchar) as language,
            cast(null as varchar) as source_country,
            cast(null as varchar) as url_mobile,
            cast(null as varchar[]) as feed_urls,
            loaded_at
        from {{ analyst }} {{ new_raw_rows() if new_rows }}

    ),

    canonical as (

        select
            *,
            {{ canonical_url('source_url') }} as link_url,
            {{ canonical_url("nullif(trim(url_mobile), '')") }} as mobile_url
        from news_inputs

    )
{%- endmacro %}

{# The CTEs mobile_links and keyed: each row of `rows` (with link_url and mobile_url) under its
   article's url: the main link of the GDELT article whose mobile link its link is (the first by
   url), else its own link. The GDELT rows of `links` give the mobile links; with `only_rows`,
   only the mobile links of `rows` are looked up. #}
{% macro news_article_keys(rows, links, only_rows=false) -%}
    mobile_links as (

        select
            mobile_url,
            min(link_url) as main_url
        from {{ links }}
        where
            mobile_url is not null and mobile_url != link_url
            {{ 'and mobile_url in (select link_url from ' ~ rows ~ ')' if only_rows }}
        group by mobile_url

    ),

    keyed as (

        select
            {{ rows }}.* exclude ({{ rows }}.link_url, {{ rows }}.mobile_url),
            coalesce(mobile_links.main_url, {{ rows }}.link_url) as url
        from {{ rows }}
        left join mobile_links
            on {{ rows }}.link_url = mobile_links.mobile_url

    )
{%- endmacro %}

{# The input of record_loaded_at_watermark for int_news_article_links: the three inputs' landing
   times. #}
{% macro news_inputs_loaded_at() -%}
    (
        select loaded_at from {{ ref('stg_gdelt__articles') }}
        union all
        select loaded_at from {{ ref('stg_feeds__entries') }}
        union all
        select loaded_at from {{ ref('stg_analyst__articles') }}
    ) as news_inputs
{%- endmacro %}

{# A pre-hook of int_news_articles_deduplicated. On an incremental build: record (for the model
   and for each of `consumers`) the articles whose rows change, and delete them from the model,
   which then rebuilds them from all their links. They are the articles
   before and after this build of every link that changed (landed in `links` since the model's
   last build), of every link that is now a changed GDELT article's mobile link, and of every
   other link of the articles those were part of (an article that lost its GDELT article, or the
   main link its links were moved to, has its links placed again). A link's article before: the
   article of its own link, or of a GDELT article that gives it as its mobile link (the GDELT
   article unchanged, its mobile link is as before; changed, its own article is recorded). On a
   full build: every article, for the consumers. After create_news_changes_tables. #}
{% macro record_news_articles_changed(links, consumers) -%}
    {%- if is_incremental() %}
    insert into {{ news_changes_table() }} (model_name, url)
    with

    changed as (

        select
            source_url,
            link_url,
            mobile_url
        from {{ links }}
        where loaded_at > {{ loaded_at_watermark(held=false) }}

    ),

    touched as (

        select
            source_url,
            link_url
        from changed

        union

        select
            links.source_url,
            links.link_url
        from {{ links }} as links
        where links.link_url in (
            select changed.mobile_url
            from changed
            where changed.mobile_url != changed.link_url
        )

    ),

    earlier_urls as (

        select touched.link_url as url
        from touched

        union

        select links.link_url as url
        from {{ links }} as links
        where
            links.mobile_url != links.link_url
            and links.mobile_url in (select touched.link_url from touched)

    ),

    earlier as (

        select
            kept.url,
            kept.source_urls
        from {{ this }} as kept
        where kept.url in (select earlier_urls.url from earlier_urls)

    ),

    placed_again as (

        select
            touched.source_url,
            touched.link_url,
            cast(null as varchar) as mobile_url
        from touched

        union

        select
            links.source_url,
            links.link_url,
            cast(null as varchar) as mobile_url
        from {{ links }} as links
        where links.source_url in (select unnest(earlier.source_urls) from earlier)

    ),

    {{ news_article_keys('placed_again', links, only_rows=true) }},

    affected as (

        select earlier.url from earlier
        union
        select keyed.url from keyed

    )

    select
        models.model_name,
        affected.url
    from affected
    cross join (
        select unnest(['{{ this.identifier }}', '{{ consumers | join("', '") }}']) as model_name
    ) as models;

    delete from {{ this }}
    where url in (
        select changes.url
        from {{ news_changes_table() }} as changes
        where changes.model_name = '{{ this.identifier }}'
    )
    {%- else %}
    insert into {{ news_changes_table() }} (model_name, url)
    select
        unnest(['{{ consumers | join("', '") }}']) as model_name,
        cast(null as varchar) as url
    {%- endif %}
{%- endmacro %}
