with source as (
    select * from {{ source('raw', 'report_cells') }}
)

select
    report_id,
    table_id,
    row_code,
    col_code,
    value,
    text as printed_text,
    status as cell_status,
    rule as inferred_by,
    unit,
    line as source_line,
    page as source_page
from source
