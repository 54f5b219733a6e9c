-- Every distinct company name the sources spell (LDA clients, LDA registrants that file for
-- themselves, USAspending recipients of awards and of award actions, so that an action whose
-- award is not loaded is resolved too), normalised (normalize_company_name) with its d/b/a trade
-- name apart (the forms kept by int_company_name_forms). int_company_name_matches resolves them to
-- companies.

with

filings as (

    select * from {{ ref('stg_lda__filings') }}

),

awards as (

    select * from {{ ref('stg_usaspending__awards') }}

),

transactions as (

    select * from {{ ref('int_contract_transactions_unioned') }}

),

spellings as (

    {{ company_name_spellings('filings', 'awards', ['transactions']) }}

),

names as (

    select
        company_name_raw,
        count(*) as records_count,
        bool_or(name_source = 'lda_client') as is_lda_client,
        bool_or(name_source = 'lda_self_filing_registrant') as is_lda_self_filing_registrant,
        bool_or(name_source in ('usaspending_recipient', 'usaspending_action_recipient'))
            as is_usaspending_recipient
    from spellings
    group by company_name_raw

),

-- each name's forms, as int_company_name_forms keeps them; a name it does not hold (a unit test's
-- input, a build of this model alone) is normalised here, by the same macro
kept_forms as (

    select * from {{ ref('int_company_name_forms') }}

),

names_not_kept as (

    select names.*
    from names
    where names.company_name_raw not in (select kept_forms.company_name_raw from kept_forms)

),

normalized_here as (

    {{ company_name_forms('names_not_kept') }}

),

normalized as (

    select
        names.*,
        kept_forms.* exclude (kept_forms.company_name_raw)
    from names
    inner join kept_forms
        on names.company_name_raw = kept_forms.company_name_raw

    union all by name

    select * from normalized_here

),

-- "X ON BEHALF OF Y" names Y the client and X the firm, but some filers swap them ("PRIVATE
-- PRACTICE SECTION OF APTA ON BEHALF OF CONNOLLY STRATEGIES", filed by Lillstrom Cheng Connolly
-- LLC): X is the client when Y shares more words with the filing's registrant than X does
-- (words of three letters or more, legal forms and common words of organisation names aside)
obo_filings as (

    select distinct
        client_name as company_name_raw,
        regexp_extract(
            upper(client_name), '^(.*?)\s+(?:ON BEHALF OF|OBO|O/B/O)\s+(.*)$', 1
        ) as firm_side_text,
        regexp_extract(
            upper(client_name), '^(.*?)\s+(?:ON BEHALF OF|OBO|O/B/O)\s+(.*)$', 2
        ) as client_side_text,
        list_distinct(list_filter(
            string_split(
                regexp_replace(upper(registrant_name), '[^A-Z0-9]+', ' ', 'g'), ' '
            ),
            lambda word: len(word) >= 3 and word not in (
                'THE', 'AND', 'FOR', 'INC', 'LLC', 'LLP', 'CORP', 'CORPORATION', 'COMPANY',
                'LTD', 'FKA', 'DBA', 'GROUP', 'ASSOCIATES', 'ASSOCIATION', 'AMERICAN',
                'NATIONAL', 'INTERNATIONAL', 'USA', 'UNITED', 'STATES'
            )
        )) as registrant_words
    from filings
    where regexp_matches(upper(client_name), '\s(ON BEHALF OF|OBO|O/B/O)\s')

),

obo_sides as (

    select
        obo_filings.company_name_raw,
        obo_filings.registrant_words,
        {{ normalize_company_name('obo_filings.firm_side_text') }} as firm_side_name,
        {{ normalize_company_name('obo_filings.client_side_text') }} as client_side_name
    from obo_filings

),

swapped as (

    select
        company_name_raw,
        min(firm_side_name) as client_normalized_name
    from obo_sides
    where
        firm_side_name is not null
        and len(list_intersect(string_split(client_side_name, ' '), registrant_words))
        > len(list_intersect(string_split(firm_side_name, ' '), registrant_words))
    group by company_name_raw

),

final as (

    select
        normalized.* replace (
            coalesce(swapped.client_normalized_name, normalized.normalized_name)
                as normalized_name
        ),
        swapped.company_name_raw is not null as is_on_behalf_of_swapped
    from normalized
    left join swapped
        on normalized.company_name_raw = swapped.company_name_raw

)

select * from final
