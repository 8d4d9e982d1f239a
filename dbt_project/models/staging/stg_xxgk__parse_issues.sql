with source as (
    select * from {{ source('raw', 'parse_issues') }}
)

select
    report_id,
    seq,
    severity,
    code as issue_code,
    table_id,
    row_code,
    col_code,
    line as source_line,
    message
from source
