-- One report per agency × statistics year (a crawl often holds the same report twice, e.g. HTML and PDF):
-- the fullest reading wins — ok before partial, fewer ambiguous cells, then the smallest report_id.
with reports as (
    select * from {{ ref('stg_xxgk__reports') }}
    where agency is not null and report_year is not null and report_status in ('ok', 'partial')
)

select
    agency,
    report_year,
    report_id,
    count(*) over (partition by agency, report_year) as n_candidates
from reports
qualify row_number() over (
    partition by agency, report_year
    order by report_status = 'ok' desc, n_ambiguous asc, report_id asc
) = 1
