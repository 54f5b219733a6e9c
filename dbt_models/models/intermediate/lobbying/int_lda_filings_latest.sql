-- The current version of every LDA quarterly report: an amendment is a new filing with its own uuid
-- and no link to the original, so the current state of a report is the filing with the latest
-- posted_at per (registrant, client, filing year, filing period). Ties (the same posted_at) go to
-- the greatest filing_uuid, so that the choice never depends on the order rows are read in.
-- Registrations (RR, RA) carry no money and are left out.
-- Incremental by report: a build redoes the reports whose filings changed since its last build
-- (lda_report_filings_fingerprints, redo_changed_keys: a new filing or amendment, a changed one,
-- one moved to another registrant, client or period redoes the report it left and the one it
-- joined); the current version and the superseded list read the report's filings only.

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys(
            'report_id', lda_report_filings_fingerprints(), same_as='int_lda_report_versions',
        ) }}",
        post_hook="{{ store_changed_keys_fingerprints() }}",
    )
}}

with

filings as (

    select * from {{ ref('stg_lda__filings') }}
    where
        not is_registration
        {{ changed_keys_only(surrogate_key([
            'registrant_id', 'client_id', 'filing_year', 'filing_period',
        ])) }}

),

versioned as (

    select
        filings.*,
        row_number() over report_versions as version_rank,
        count(*) over report_window as versions_count,
        min(filings.posted_at) over report_window as first_posted_at
    from filings
    window
        report_window as (partition by registrant_id, client_id, filing_year, filing_period),
        report_versions as (
            partition by registrant_id, client_id, filing_year, filing_period
            {{ lda_version_order('latest_first') }}
        )

),

superseded as (

    select
        {{ surrogate_key(['registrant_id', 'client_id', 'filing_year', 'filing_period']) }}
            as report_id,
        list(filing_uuid order by posted_at, filing_uuid) as superseded_filing_uuids
    from versioned
    where version_rank > 1
    group by all

),

current_versions as (

    select
        {{ surrogate_key(['registrant_id', 'client_id', 'filing_year', 'filing_period']) }}
            as report_id,
        versioned.* exclude (version_rank)  -- noqa: RF03
    from versioned
    where versioned.version_rank = 1

),

final as (

    select
        current_versions.report_id,
        current_versions.filing_uuid,
        current_versions.registrant_id,
        current_versions.client_id,
        current_versions.registrant_name,
        current_versions.client_name,
        current_versions.filing_type,
        current_versions.filing_period,
        current_versions.filing_year,
        current_versions.filing_quarter,
        current_versions.filing_half_year,
        current_versions.income,
        current_versions.expenses,
        current_versions.expenses_method,
        current_versions.reporting_threshold,
        current_versions.is_amount_not_transcribed,
        current_versions.is_client_self_select,
        current_versions.is_amendment,
        current_versions.is_termination,
        current_versions.is_no_activity,
        current_versions.posted_at,
        current_versions.first_posted_at,
        current_versions.termination_date,
        current_versions.filing_document_url,
        current_versions.versions_count,
        current_versions.versions_count - 1 as superseded_versions_count,
        coalesce(superseded.superseded_filing_uuids, []) as superseded_filing_uuids
    from current_versions
    left join superseded
        on current_versions.report_id = superseded.report_id

)

select * from final
