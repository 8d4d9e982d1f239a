-- Cells with the Chinese labels and (表三) outcome group of their row and column.
with cells as (
    select * from {{ ref('stg_xxgk__report_cells') }}
),

codes as (
    select * from {{ ref('stg_ref__codes') }}
)

select
    cells.*,
    row_codes.label_zh as row_label_zh,
    row_codes.group_code,
    row_codes.group_label_zh,
    row_codes.is_leaf,
    row_codes.ord as row_ord,
    col_codes.label_zh as col_label_zh,
    col_codes.ord as col_ord
from cells
left join codes as row_codes
    on cells.table_id = row_codes.table_id and row_codes.axis = 'row' and cells.row_code = row_codes.code
left join codes as col_codes
    on cells.table_id = col_codes.table_id and col_codes.axis = 'col' and cells.col_code = col_codes.code
