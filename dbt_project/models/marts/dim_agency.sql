-- Agencies with their place in the administrative hierarchy (cpca gazetteer) and report coverage.
with agencies as (
    select * from {{ ref('stg_xxgk__agencies') }}
),

reports as (
    select agency, report_year, report_status from {{ ref('stg_xxgk__reports') }}
    where agency is not null
)

select
    agencies.agency,
    agencies.unit_kind,
    agencies.admin_level,
    agencies.province,
    agencies.city,
    agencies.county,
    agencies.township,
    agencies.adcode,
    count(reports.report_year) as n_reports,
    count(distinct reports.report_year) filter (where reports.report_status in ('ok', 'partial')) as n_years_with_tables,
    min(reports.report_year) as first_year,
    max(reports.report_year) as last_year
from agencies
left join reports on agencies.agency = reports.agency
group by all
