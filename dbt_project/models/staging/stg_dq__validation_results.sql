with source as (
    select * from {{ source('dq', 'validation_results') }}
)

select
    ingest_id,
    report_id,
    suite,
    expectation,
    severity,
    table_id,
    row_code,
    col_code,
    lhs,
    rhs,
    message
from source
