{#
    The canonical form of an article URL, so that one article reached by several links (a feed's
    link with campaign parameters, GDELT's plain link, an analyst's copy from a browser) is one
    article:

      1. surrounding blanks trimmed; scheme and host in lower case; any user:password@ dropped;
         http is written https: the scheme is not part of an article's identity (GDELT often
         gives the http link of a story whose publisher's feed has the https one);
      2. the port dropped when it is the scheme's default (:80 for http, :443 for https);
      3. the fragment (#...) dropped;
      4. tracking query parameters dropped (utm_* and the click ids and mailing-list ids in
         tracking_parameters below), compared case-insensitively; the other parameters kept, in
         their order and exactly as written; empty parameters ("&&", a bare "?") dropped;
      5. a trailing slash dropped from the path ("/a/b/" is "/a/b"); an empty path is "/".

    "www." is kept: a host with and without it can be different sites. Other schemes are kept as
    they are (in lower case). A value that is not an absolute URL (no "scheme://host") is only
    trimmed. Null stays null.
#}

{% macro tracking_parameters() -%}
    '^(utm_[a-z0-9_]*|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_ga|_gl|_hsenc|_hsmi|mkt_tok|oly_anon_id|oly_enc_id|vero_id|rb_clickid|s_cid|wt\.mc_id|ocid|cmpid|ncid)$'
{%- endmacro %}

{% macro canonical_url(column) -%}
    list_transform(
        [
            regexp_extract(
                trim({{ column }}),
                '^([A-Za-z][A-Za-z0-9+.-]*)://(?:[^/?#@]*@)?([^/?#:]+)(:[0-9]*)?([^?#]*)(?:[?]([^#]*))?',
                ['scheme', 'host', 'port', 'path', 'query']
            )
        ],
        lambda url_part: case
            when url_part.scheme = '' then trim({{ column }})
            else
                case
                    when lower(url_part.scheme) in ('http', 'https') then 'https'
                    else lower(url_part.scheme)
                end
                || '://' || lower(url_part.host)
                || case
                    when
                        url_part.port in ('', ':')
                        or (lower(url_part.scheme) = 'http' and url_part.port = ':80')
                        or (lower(url_part.scheme) = 'https' and url_part.port = ':443')
                        then ''
                    else url_part.port
                end
                || coalesce(nullif(regexp_replace(url_part.path, '/+$', ''), ''), '/')
                || coalesce(
                    '?' || nullif(
                        array_to_string(
                            list_filter(
                                string_split(url_part.query, '&'),
                                lambda parameter: parameter != ''
                                and not regexp_matches(
                                    lower(split_part(parameter, '=', 1)),
                                    {{ tracking_parameters() }}
                                )
                            ),
                            '&'
                        ),
                        ''
                    ),
                    ''
                )
        end
    )[1]
{%- endmacro %}
