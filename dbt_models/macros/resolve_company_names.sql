{#
    The resolver's last step (the shared word lists are in company_resolution.sql, the
    candidates in company_match_candidates.sql).
#}

{#
    One company per name of `names` (columns company_name_raw, normalized_name, dba_name,
    former_name), by the first rule that gives one, in this order (match_rule, match_score):
      analyst_accept / analyst_set_parent  the company_match_decisions seed (1.0): analysts win
      alias_exact         the normalised name is in company_aliases (1.0)
      alias_dba           the d/b/a trade name is in company_aliases (1.0)
      alias_former_name   the former name ("(FORMERLY Y)", "F/K/A Y") is in company_aliases (1.0)
      reference_former_name  the name is a former name of one reference company
                          (`reference_names`: EDGAR's names per CIK, GLEIF's per LEI,
                          int_company_reference_names)
                          and no reference company's current name: the company of the current
                          name (its alias's, else its slug) (0.99)
      stated_alias        another spelling states this name as its d/b/a, former name or acronym
                          ("X D/B/A Y", "X (FORMERLY Y)", "X (Y)" make Y resolve to X's company:
                          X's alias, else Y's, else X's own), when the names that state it give one
                          company only (0.97)
      edgar_inverted_name  an EDGAR title that puts a person's surname first ("SMITH A O CORP")
                          is the company of the name in the usual order ("A O SMITH"), when
                          another name or an alias spells it so (0.96)
      edgar_tag_dropped   an EDGAR title with a state tag ("GOODYEAR TIRE & RUBBER CO /OH/") is
                          the company of its name without the tag (an alias's, else its own slug),
                          unless the names hold that name with two different tags (FIRST BANCORP
                          /PR/ and /ME/ are two banks) (0.96)
      the accepted candidates of `candidates` (company_match_candidates), best score first
      normalized_name     none of these: a company of its own, a slug of the normalised name (1.0)
    A `reject` decision removes the company it names from every algorithmic rule of that name
    (then analyst_reject, a slug of the normalised name, 1.0). match_evidence says what each rule
    rested on: the decision and its note, the alias, the stating name, the EDGAR tag, the
    candidate's reason.
    The parent is the company's, not the name's (parent_rule): an analyst's set_parent decision,
    else company_aliases', else the USAspending parent of any of the company's recipient names
    (`parents`: company_name_raw, parent_uei, parent_normalized_name; recipients that give one
    parent UEI share the name most of them spell for it), resolved through company_aliases, else
    the company a name so normalised resolved to, else a slug of the parent's name. top_company_id
    follows the parent and its alias-seed parent.
#}
{% macro resolve_company_names(names, candidates, parents, reference_names=none) -%}
    with

    -- the former names of reference companies (EDGAR: one CIK, one company) that name one
    -- reference company only and are no reference company's current name
    reference_former_names as (
        {% if reference_names %}
        select
            former.normalized_name,
            min(former.current_normalized_name) as current_normalized_name,
            min(
                upper(former.reference_source) || ' ' || former.reference_id || ': former name '
                || former.company_name || ' ('
                || coalesce(cast(former.valid_from as varchar), '?') || ' to '
                || coalesce(cast(former.valid_to as varchar), '?') || ')'
            ) as evidence
        from {{ reference_names }} as former
        where
            former.name_kind <> 'current'
            and former.normalized_name <> former.current_normalized_name
            and former.normalized_name not in (
                select current_names.normalized_name
                from {{ reference_names }} as current_names
                where current_names.name_kind = 'current'
            )
        group by former.normalized_name
        having count(distinct former.current_normalized_name) = 1
        {% else %}
        select
            cast(null as varchar) as normalized_name,
            cast(null as varchar) as current_normalized_name,
            cast(null as varchar) as evidence
        where false
        {% endif %}
    ),

    aliases as (

        select * from {{ ref('company_aliases') }}

    ),

    decisions as (

        select * from {{ ref('company_match_decisions') }}

    ),

    alias_companies as (

        select
            company_id,
            any_value(parent_company_id) as parent_company_id
        from aliases
        group by company_id

    ),

    -- "X D/B/A Y", "X (FORMERLY Y)": a source states that Y is X's company, so a name spelled Y
    -- resolves to the company X resolves to through the aliases (else X's own)
    stated_names as (

        select
            stating_names.normalized_name,
            unnest([
                stating_names.dba_name, stating_names.former_name, stating_names.acronym_name
            ]) as other_name
        from {{ names }} as stating_names

    ),

    stated_companies as (

        select
            stated.other_name,
            stated.normalized_name as stating_name,
            coalesce(
                own_alias.company_id,
                other_alias.company_id,
                {{ slugify('stated.normalized_name') }}
            ) as company_id
        from stated_names as stated
        left join aliases as own_alias
            on stated.normalized_name = own_alias.normalized_name
        left join aliases as other_alias
            on stated.other_name = other_alias.normalized_name
        where stated.other_name is not null and stated.other_name <> stated.normalized_name

    ),

    -- only a name that every stating name gives to one company: two associations that both
    -- call themselves "(PSI)" leave PSI alone
    stated_aliases as (

        select
            other_name,
            min(stating_name) as stating_name,
            min(company_id) as company_id
        from stated_companies
        group by other_name
        having count(distinct company_id) = 1

    ),

    -- the untagged names that one EDGAR tag only qualifies: with two, the tag tells companies apart
    single_tag_names as (

        select tagged.untagged_name
        from {{ names }} as tagged
        where tagged.edgar_tag is not null and tagged.untagged_name is not null
        group by tagged.untagged_name
        having count(distinct tagged.edgar_tag) = 1

    ),

    rule_rows as (

        select
            subject_names.company_name_raw,
            0 as priority,
            case decisions.decision
                when 'set_parent' then 'analyst_set_parent'
                else 'analyst_accept'
            end as match_rule,
            coalesce(
                decisions.company_id, {{ slugify('subject_names.normalized_name') }}
            ) as company_id,
            decisions.parent_company_id,
            1.0 as match_score,
            decisions.normalized_name as matched_name,
            'company_match_decisions: ' || decisions.decision || ' by ' || decisions.analyst
            || ' on ' || cast(decisions.decided_on as varchar)
            || coalesce(': ' || decisions.note, '') as match_evidence
        from {{ names }} as subject_names
        inner join decisions
            on subject_names.normalized_name = decisions.normalized_name
        where decisions.decision in ('accept', 'set_parent')

        union all

        {# the alias seed, on the name (1), then on its d/b/a or former name (2) #}
        {% for name_column, rule, priority in [
            ('normalized_name', 'alias_exact', 1),
            ('dba_name', 'alias_dba', 2),
            ('former_name', 'alias_former_name', 2),
        ] %}
        select
            subject_names.company_name_raw,
            {{ priority }} as priority,
            '{{ rule }}' as match_rule,
            aliases.company_id,
            null as parent_company_id,
            1.0 as match_score,
            aliases.normalized_name as matched_name,
            'company_aliases: ' || aliases.normalized_name as match_evidence
        from {{ names }} as subject_names
        inner join aliases
            on subject_names.{{ name_column }} = aliases.normalized_name

        union all

        {% endfor %}
        select
            subject_names.company_name_raw,
            2 as priority,
            'reference_former_name' as match_rule,
            coalesce(
                current_alias.company_id,
                {{ slugify('reference_former_names.current_normalized_name') }}
            ) as company_id,
            null as parent_company_id,
            0.99 as match_score,
            reference_former_names.current_normalized_name as matched_name,
            reference_former_names.evidence as match_evidence
        from {{ names }} as subject_names
        inner join reference_former_names
            on subject_names.normalized_name = reference_former_names.normalized_name
        left join aliases as current_alias
            on reference_former_names.current_normalized_name = current_alias.normalized_name

        union all

        select
            subject_names.company_name_raw,
            4 as priority,
            'edgar_inverted_name' as match_rule,
            coalesce(inverted_alias.company_id, {{ slugify('subject_names.inverted_name') }})
                as company_id,
            null as parent_company_id,
            0.96 as match_score,
            subject_names.inverted_name as matched_name,
            'EDGAR surname-first form of ' || subject_names.inverted_name as match_evidence
        from {{ names }} as subject_names
        left join aliases as inverted_alias
            on subject_names.inverted_name = inverted_alias.normalized_name
        where
            inverted_alias.company_id is not null
            or subject_names.inverted_name in (
                select usual_order.normalized_name from {{ names }} as usual_order
            )

        union all

        select
            subject_names.company_name_raw,
            4 as priority,
            'edgar_tag_dropped' as match_rule,
            coalesce(
                untagged_alias.company_id, {{ slugify('subject_names.untagged_name') }}
            ) as company_id,
            null as parent_company_id,
            0.96 as match_score,
            subject_names.untagged_name as matched_name,
            'EDGAR tag /' || subject_names.edgar_tag || '/ dropped' as match_evidence
        from {{ names }} as subject_names
        inner join single_tag_names
            on subject_names.untagged_name = single_tag_names.untagged_name
        left join aliases as untagged_alias
            on subject_names.untagged_name = untagged_alias.normalized_name

        union all

        select
            subject_names.company_name_raw,
            3 as priority,
            'stated_alias' as match_rule,
            stated_aliases.company_id,
            null as parent_company_id,
            0.97 as match_score,
            stated_aliases.stating_name as matched_name,
            'stated by the name ' || stated_aliases.stating_name as match_evidence
        from {{ names }} as subject_names
        inner join stated_aliases
            on subject_names.normalized_name = stated_aliases.other_name

        union all

        select
            subject_names.company_name_raw,
            5 as priority,
            match_candidates.match_rule,
            match_candidates.company_id,
            null as parent_company_id,
            match_candidates.match_score,
            match_candidates.reference_name as matched_name,
            match_candidates.match_reason as match_evidence
        from {{ names }} as subject_names
        inner join {{ candidates }} as match_candidates
            on subject_names.normalized_name = match_candidates.normalized_name
        where match_candidates.is_accepted

        union all

        select
            subject_names.company_name_raw,
            9 as priority,
            'normalized_name' as match_rule,
            {{ slugify('subject_names.normalized_name') }} as company_id,
            null as parent_company_id,
            1.0 as match_score,
            subject_names.normalized_name as matched_name,
            null as match_evidence
        from {{ names }} as subject_names

    ),

    rejections as (

        select
            normalized_name,
            list(company_id) as rejected_company_ids
        from decisions
        where decision = 'reject'
        group by normalized_name

    ),

    not_rejected as (

        select
            rule_rows.*,
            rejections.normalized_name is not null as has_rejection
        from rule_rows
        inner join {{ names }} as subject_names
            on rule_rows.company_name_raw = subject_names.company_name_raw
        left join rejections
            on subject_names.normalized_name = rejections.normalized_name
        where
            rule_rows.priority in (0, 9)
            or rejections.normalized_name is null
            or not list_contains(rejections.rejected_company_ids, rule_rows.company_id)

    ),

    chosen as (

        select * from not_rejected
        qualify row_number() over (
            partition by company_name_raw
            order by priority, match_score desc, company_id
        ) = 1

    ),

    -- parents belong to companies: an analyst's set_parent, else the alias seed's, else the
    -- USAspending parent of any of the company's recipient names
    decided_parents as (

        select
            company_id,
            min(parent_company_id) as parent_company_id
        from chosen
        where parent_company_id is not null
        group by company_id

    ),

    -- a parent is its UEI where the records give one: every recipient naming that UEI gets the
    -- one name most of them spell (one parent spelled two ways is still one family); the name
    -- only where no UEI is given
    parent_spellings as (

        select
            upper(trim(recipient_parents.parent_uei)) as parent_uei,
            recipient_parents.parent_normalized_name,
            count(*) as recipients_count
        from {{ parents }} as recipient_parents
        where
            recipient_parents.parent_uei is not null
            and recipient_parents.parent_normalized_name is not null
        group by all

    ),

    parent_uei_names as (

        select
            parent_uei,
            first(
                parent_normalized_name
                order by recipients_count desc, parent_normalized_name asc
            ) as parent_normalized_name
        from parent_spellings
        group by parent_uei

    ),

    recipient_parent_names as (

        select
            recipient_parents.company_name_raw,
            coalesce(
                parent_uei_names.parent_normalized_name,
                recipient_parents.parent_normalized_name
            ) as parent_normalized_name
        from {{ parents }} as recipient_parents
        left join parent_uei_names
            on upper(trim(recipient_parents.parent_uei)) = parent_uei_names.parent_uei

    ),

    -- the company each normalised name resolved to, for parents named like a resolved name
    normalized_name_companies as (

        select
            subject_names.normalized_name,
            min(chosen.company_id) as company_id
        from chosen
        inner join {{ names }} as subject_names
            on chosen.company_name_raw = subject_names.company_name_raw
        group by subject_names.normalized_name

    ),

    usaspending_parents as (

        select
            chosen.company_id,
            min(coalesce(
                parent_aliases.company_id,
                parent_named_companies.company_id,
                {{ slugify('recipient_parents.parent_normalized_name') }}
            )) as parent_company_id
        from chosen
        inner join recipient_parent_names as recipient_parents
            on chosen.company_name_raw = recipient_parents.company_name_raw
        left join aliases as parent_aliases
            on recipient_parents.parent_normalized_name = parent_aliases.normalized_name
        left join normalized_name_companies as parent_named_companies
            on recipient_parents.parent_normalized_name = parent_named_companies.normalized_name
        where recipient_parents.parent_normalized_name is not null
        group by chosen.company_id

    ),

    with_parents as (

        select
            chosen.*,
            case
                when decided_parents.parent_company_id is not null then 'analyst_set_parent'
                when alias_companies.parent_company_id is not null then 'alias_seed'
                when usaspending_parents.parent_company_id <> chosen.company_id
                    then 'usaspending_parent'
            end as parent_rule,
            coalesce(
                decided_parents.parent_company_id,
                alias_companies.parent_company_id,
                nullif(usaspending_parents.parent_company_id, chosen.company_id)
            ) as resolved_parent_company_id
        from chosen
        left join decided_parents
            on chosen.company_id = decided_parents.company_id
        left join alias_companies
            on chosen.company_id = alias_companies.company_id
        left join usaspending_parents
            on chosen.company_id = usaspending_parents.company_id

    ),

    final as (

        select
            with_parents.company_name_raw,
            with_parents.company_id,
            with_parents.resolved_parent_company_id as parent_company_id,
            with_parents.parent_rule,
            coalesce(
                grandparents.parent_company_id,
                with_parents.resolved_parent_company_id,
                with_parents.company_id
            ) as top_company_id,
            case
                when with_parents.priority = 9 and with_parents.has_rejection then 'analyst_reject'
                else with_parents.match_rule
            end as match_rule,
            cast(with_parents.match_score as decimal(5, 4)) as match_score,
            with_parents.matched_name,
            case
                when with_parents.priority = 9 and with_parents.has_rejection
                    then 'company_match_decisions: reject'
                else with_parents.match_evidence
            end as match_evidence
        from with_parents
        left join alias_companies as grandparents
            on with_parents.resolved_parent_company_id = grandparents.company_id

    )

    select * from final
{%- endmacro %}
