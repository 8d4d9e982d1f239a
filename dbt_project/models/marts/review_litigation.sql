{{ config(materialized='incremental', unique_key='report_id', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', pre_hook="{{ delete_changed_reports() }}",
          post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- 表四 per report × proceeding (行政复议; 行政诉讼 未经复议直接起诉 / 复议后起诉).
with cells as (
    select * from {{ ref('int_report_cells__coded') }}
    where table_id = 't4' and {{ changed_reports('report_id') }}
),

context as (
    select * from {{ ref('int_reports__context') }}
),

proceedings as (
    select
        report_id,
        row_code as proceeding,
        any_value(row_label_zh) as proceeding_zh,
        any_value(group_code) as proceeding_kind,
        any_value(row_ord) as proceeding_ord,
        max(value) filter (where col_code = 'upheld') as upheld,
        max(value) filter (where col_code = 'corrected') as corrected,
        max(value) filter (where col_code = 'other') as other_result,
        max(value) filter (where col_code = 'pending') as pending,
        max(value) filter (where col_code = 'total') as total,
        count(*) filter (where cell_status = 'ambiguous') as n_ambiguous
    from cells
    group by report_id, row_code
)

select
    proceedings.report_id,
    context.agency,
    context.report_year,
    context.province,
    context.city,
    context.county,
    proceedings.proceeding,
    proceedings.proceeding_zh,
    proceedings.proceeding_kind,
    proceedings.upheld,
    proceedings.corrected,
    proceedings.other_result,
    proceedings.pending,
    proceedings.total,
    proceedings.upheld + proceedings.corrected + proceedings.other_result as concluded,
    {{ safe_share('proceedings.corrected', 'proceedings.upheld + proceedings.corrected + proceedings.other_result') }}
        as correction_rate,
    proceedings.n_ambiguous,
    context.report_status,
    context.passes_identities,
    context.ingest_id
from proceedings
inner join context on proceedings.report_id = context.report_id
order by proceedings.report_id, proceedings.proceeding_ord
