with source as (
    select * from {{ source('ref', 'codes') }}
)

select
    table_id,
    axis,
    code,
    label_zh,
    group_code,
    group_label_zh,
    template,
    is_leaf,
    ord
from source
