{{ config(materialized='incremental', unique_key='report_id', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', pre_hook="{{ delete_changed_reports() }}",
          post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- 表三 pivoted to one row per report × applicant type (the seven columns), outcome groups summed.
-- A group sum is null when any of its leaves is blank or ambiguous (strict_sum), never a partial sum.
-- A table kept like the per-report marts (an ingest's reports replaced, the rest kept): the models that
-- compare reports across years and regions are rebuilt in full on every ingest, and read these rows
-- instead of pivoting every 表三 cell of the warehouse again.
with cells as (
    select * from {{ ref('int_report_cells__coded') }}
    where table_id = 't3' and {{ changed_reports('report_id') }}
),

pivoted as (
    select
        report_id,
        col_code as applicant_type,
        any_value(col_label_zh) as applicant_type_zh,
        any_value(col_ord) as applicant_ord,
        max(value) filter (where row_code = 'new_received') as new_received,
        max(value) filter (where row_code = 'carried_over') as carried_over,
        {{ strict_sum('value', "group_code = 'granted'") }} as granted,
        {{ strict_sum('value', "group_code = 'partly_granted'") }} as partly_granted,
        {{ strict_sum('value', "group_code = 'denied'") }} as denied,
        {{ strict_sum('value', "group_code = 'unable'") }} as unable,
        {{ strict_sum('value', "group_code = 'not_processed'") }} as not_processed,
        {{ strict_sum('value', "group_code = 'other'") }} as other_handling,
        max(value) filter (where row_code = 'outcome_total') as outcome_total,
        max(value) filter (where row_code = 'carried_forward') as carried_forward,
        count(*) filter (where cell_status = 'inferred') as n_inferred,
        count(*) filter (where cell_status = 'ambiguous') as n_ambiguous,
        count(*) filter (where cell_status = 'blank') as n_blank
    from cells
    group by report_id, col_code
)

select pivoted.*, reports.ingest_id
from pivoted
inner join {{ ref('stg_xxgk__reports') }} as reports on reports.report_id = pivoted.report_id
