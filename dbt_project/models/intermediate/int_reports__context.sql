-- The report-level columns every mart carries, joined once.
with reports as (
    select * from {{ ref('stg_xxgk__reports') }}
),

outcomes as (
    select report_id, passes_identities, failed_identities from {{ ref('int_reports__identity_outcomes') }}
),

agencies as (
    select agency, province, city, county, admin_level from {{ ref('stg_xxgk__agencies') }}
)

select
    reports.report_id,
    reports.ingest_id,
    reports.agency,
    reports.report_year,
    reports.report_status,
    reports.template_t2,
    reports.template_t3,
    agencies.province,
    agencies.city,
    agencies.county,
    agencies.admin_level,
    outcomes.passes_identities,
    outcomes.failed_identities
from reports
left join outcomes using (report_id)
left join agencies using (agency)
