-- Per report: did the quality gates of the ingest that loaded it pass it?
-- Only results of that ingest count: a report re-parsed later is judged by its latest validation.
with reports as (
    select report_id, ingest_id from {{ ref('stg_xxgk__reports') }}
),

runs as (
    select distinct ingest_id from {{ ref('stg_dq__validation_runs') }} where suite = 'identities'
),

results as (
    select * from {{ ref('stg_dq__validation_results') }}
),

per_report as (
    select
        reports.report_id,
        count(*) filter (where results.expectation = 'I1') as i1_violations,
        count(*) filter (where results.expectation = 'I2') as i2_violations,
        count(*) filter (where results.expectation = 'I3') as i3_violations,
        count(*) filter (where results.expectation = 'I4') as i4_violations,
        count(*) filter (where results.expectation = 'I5') as i5_violations,
        count(*) filter (where results.suite = 'schema') as schema_violations,
        count(*) filter (where results.expectation = 'X1') as x1_warnings,
        count(*) filter (where results.expectation = 'X2') as x2_warnings,
        count(*) filter (where results.expectation = 'X3') as x3_warnings,
        count(*) filter (where results.expectation = 'unreadable_rows') as unreadable_rows,
        string_agg(distinct results.expectation, ',' order by results.expectation)
            filter (where results.severity = 'error') as failed_identities
    from reports
    left join results
        on reports.report_id = results.report_id and reports.ingest_id = results.ingest_id
    group by reports.report_id
)

select
    per_report.*,
    runs.ingest_id is not null as validated,
    case
        when runs.ingest_id is null then null
        else i1_violations + i2_violations + i3_violations + i4_violations + i5_violations + schema_violations = 0
    end as passes_identities
from per_report
inner join reports using (report_id)
left join runs on reports.ingest_id = runs.ingest_id
