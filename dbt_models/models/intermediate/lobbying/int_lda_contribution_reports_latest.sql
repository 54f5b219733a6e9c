-- The current version of every LD-203 contribution report. An amendment (MA, YA) is a new report
-- with its own uuid and no link to the original, so a report is identified by (registrant,
-- lobbyist, filing year, filing period), the lobbyist being null for the registrant's own report
-- (filer_type "organization"), and its current version is the one posted last, as in
-- int_lda_filings_latest. Ties (the same posted_at) go to the greatest filing_uuid, so that the
-- choice never depends on the order rows are read in.

with

reports as (

    select * from {{ ref('stg_lda__contribution_reports') }}

),

versioned as (

    select
        reports.*,
        row_number() over report_versions as version_rank,
        count(*) over report_window as versions_count,
        min(reports.posted_at) over report_window as first_posted_at
    from reports
    window
        report_window as (
            partition by registrant_id, coalesce(lobbyist_id, -1), filing_year, filing_period
        ),
        report_versions as (
            partition by registrant_id, coalesce(lobbyist_id, -1), filing_year, filing_period
            {{ lda_version_order('latest_first') }}
        )

),

superseded as (

    select
        {{ surrogate_key(['registrant_id', 'lobbyist_id', 'filing_year', 'filing_period']) }}
            as contribution_report_id,
        list(filing_uuid order by posted_at, filing_uuid) as superseded_filing_uuids
    from versioned
    where version_rank > 1
    group by all

),

current_versions as (

    select
        {{ surrogate_key(['registrant_id', 'lobbyist_id', 'filing_year', 'filing_period']) }}
            as contribution_report_id,
        versioned.* exclude (version_rank)  -- noqa: RF03
    from versioned
    where versioned.version_rank = 1

),

final as (

    select
        current_versions.contribution_report_id,
        current_versions.filing_uuid,
        current_versions.registrant_id,
        current_versions.lobbyist_id,
        current_versions.registrant_name,
        current_versions.lobbyist_full_name,
        current_versions.filer_type,
        current_versions.filing_type,
        current_versions.filing_year,
        current_versions.filing_period,
        current_versions.pacs,
        current_versions.contribution_items_count,
        current_versions.is_amendment,
        current_versions.is_no_contributions,
        current_versions.posted_at,
        current_versions.first_posted_at,
        current_versions.filing_document_url,
        current_versions.versions_count,
        current_versions.versions_count - 1 as superseded_versions_count,
        coalesce(superseded.superseded_filing_uuids, []) as superseded_filing_uuids
    from current_versions
    left join superseded
        on current_versions.contribution_report_id = superseded.contribution_report_id

)

select * from final
