{{ config(materialized='incremental', unique_key='report_id', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', pre_hook="{{ delete_changed_reports() }}",
          post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- Every reason a request was not (fully) granted: each denied.*, unable.*, not_processed.* and other*
-- leaf row of 表三, counted in the 总计 column, with its share of the report's outcomes.
with cells as (
    select * from {{ ref('int_report_cells__coded') }}
    where table_id = 't3' and col_code = 'total' and {{ changed_reports('report_id') }}
),

context as (
    select * from {{ ref('int_reports__context') }}
),

outcome_totals as (
    select report_id, value as outcome_total from cells where row_code = 'outcome_total'
)

select
    cells.report_id,
    context.agency,
    context.report_year,
    context.province,
    context.city,
    context.county,
    context.template_t3,
    cells.group_code as reason_group,
    cells.group_label_zh as reason_group_zh,
    cells.row_code as reason,
    cells.row_label_zh as reason_zh,
    cells.value as count,
    cells.cell_status,
    outcome_totals.outcome_total,
    {{ safe_share('cells.value', 'outcome_totals.outcome_total') }} as share_of_outcomes,
    context.report_status,
    context.passes_identities,
    context.ingest_id
from cells
inner join context on cells.report_id = context.report_id
left join outcome_totals on cells.report_id = outcome_totals.report_id
where cells.is_leaf and cells.group_code in ('denied', 'unable', 'not_processed', 'other')
order by cells.report_id, cells.row_ord
