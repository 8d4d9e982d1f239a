{{ config(materialized='incremental', unique_key='report_id', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', pre_hook="{{ delete_changed_reports() }}",
          post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- 表二 per report × item × measure, restricted to the measures the report's 表二 template has.
with cells as (
    select * from {{ ref('int_report_cells__coded') }}
    where table_id = 't2' and {{ changed_reports('report_id') }}
),

context as (
    select * from {{ ref('int_reports__context') }}
),

layout as (
    select * from {{ source('ref', 't2_layout') }}
)

select
    cells.report_id,
    context.agency,
    context.report_year,
    context.province,
    context.city,
    context.county,
    context.template_t2,
    cells.row_code as item,
    cells.row_label_zh as item_zh,
    cells.col_code as measure,
    cells.col_label_zh as measure_zh,
    cells.value,
    case when cells.col_code = 'amount_10k_yuan' then coalesce(cells.unit, '万元') end as unit,
    case when cells.col_code = 'amount_10k_yuan' and cells.unit = '万元' then cells.value end as amount_10k_yuan,
    cells.cell_status,
    cells.printed_text,
    context.report_status,
    context.passes_identities,
    context.ingest_id
from cells
inner join context on cells.report_id = context.report_id
inner join layout
    on layout.template = context.template_t2 and layout.item = cells.row_code and layout.measure = cells.col_code
order by cells.report_id, cells.row_ord, cells.col_ord
