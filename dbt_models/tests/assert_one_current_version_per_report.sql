-- Amendment lineage agrees with the latest-amendment rule: every report has exactly one current
-- version in fct_lobbying_report_versions, it is the filing int_lda_filings_latest picks, and both
-- count the same versions. A report present on one side only fails too. Checks the reports that
-- either model's last build redid (every report after a full build): both are redone by report
-- and leave the other reports' rows as they were when this test last checked them.

{%- set redone -%}
    (
        {{ changed_keys_tested('fct_lobbying_report_versions', 'report_id') }}
        or {{ changed_keys_tested('int_lda_filings_latest', 'report_id') }}
    )
{%- endset %}

with

versions as (

    select * from {{ ref('fct_lobbying_report_versions') }}
    where {{ redone }}

),

latest as (

    select * from {{ ref('int_lda_filings_latest') }}
    where {{ redone }}

),

current_versions as (

    select
        report_id,
        count(*) as versions_count,
        count(*) filter (where is_current) as current_versions_count,
        any_value(filing_uuid) filter (where is_current) as current_filing_uuid
    from versions
    group by report_id

)

select
    coalesce(current_versions.report_id, latest.report_id) as report_id,
    current_versions.current_versions_count,
    current_versions.current_filing_uuid,
    latest.filing_uuid as latest_filing_uuid,
    current_versions.versions_count,
    latest.versions_count as latest_versions_count
from current_versions
full outer join latest
    on current_versions.report_id = latest.report_id
where
    current_versions.current_versions_count is distinct from 1
    or current_versions.current_filing_uuid is distinct from latest.filing_uuid
    or current_versions.versions_count is distinct from latest.versions_count
