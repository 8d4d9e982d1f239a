with source as (
    select * from {{ source('dq', 'validation_runs') }}
)

select
    ingest_id,
    suite,
    expectation,
    severity,
    success,
    n_unexpected,
    n_reports,
    validated_at
from source
