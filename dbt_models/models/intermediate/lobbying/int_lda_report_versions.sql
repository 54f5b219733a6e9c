-- Every version of every LDA quarterly report, oldest first. An amendment is a new filing with its
-- own uuid and no link to the original, so the versions of a report are its filings: the filings of
-- one (registrant, client, filing year, filing period), ordered by posted_at and, on a tie, by
-- filing_uuid; the order int_lda_filings_latest picks the current version by, reversed, so that the
-- last version here is the one it picks. A version is valid from its posted_at until the next
-- version's posted_at. Registrations (RR, RA) are left out, as there.
-- Incremental by report, as int_lda_filings_latest (the same fingerprints of the report's
-- filings): every version's number and validity read its report's filings only.

{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        on_schema_change='fail',
        pre_hook="{{ redo_changed_keys(
            'report_id', lda_report_filings_fingerprints(), same_as='int_lda_filings_latest',
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
        {{ surrogate_key(['registrant_id', 'client_id', 'filing_year', 'filing_period']) }}
            as report_id,
        *,
        row_number() over oldest_first as version_number,
        count(*) over report_window as versions_count,
        lead(posted_at) over oldest_first as next_posted_at
    from filings
    window
        report_window as (partition by registrant_id, client_id, filing_year, filing_period),
        -- the exact reverse of int_lda_filings_latest's order
        oldest_first as (
            partition by registrant_id, client_id, filing_year, filing_period
            {{ lda_version_order('oldest_first') }}
        )

),

final as (

    select
        -- ids
        report_id,
        filing_uuid,
        registrant_id,
        client_id,

        -- names
        registrant_name,
        client_name,

        -- period
        filing_year,
        filing_period,
        filing_quarter,

        -- the version
        version_number,
        versions_count,
        filing_type,
        income,
        expenses,
        expenses_method,
        is_client_self_select,
        is_amendment,
        is_termination,
        is_no_activity,
        filing_document_url,

        -- validity
        posted_at as valid_from,
        next_posted_at as valid_to,
        version_number = versions_count as is_current
    from versioned

)

select * from final
