-- raw.report_cells stores its code columns as ENUMs of the contract's lists (a storage choice of the
-- load, ingestion/warehouse.py); from here on they are plain strings, so no model depends on a list.
with source as (
    select * from {{ source('raw', 'report_cells') }}
)

select
    report_id,
    table_id::varchar as table_id,
    row_code::varchar as row_code,
    col_code::varchar as col_code,
    value,
    text as printed_text,
    status::varchar as cell_status,
    rule as inferred_by,
    unit,
    line as source_line,
    page as source_page
from source
