{{ config(materialized='incremental', unique_key='report_id', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', pre_hook="{{ delete_changed_reports() }}",
          post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
with columns as (
    select * from {{ ref('int_t3__applicant_columns') }}
    where {{ changed_reports('report_id') }}
),

context as (
    select * from {{ ref('int_reports__context') }}
),

totals as (
    select report_id, new_received as all_new_received
    from columns
    where applicant_type = 'total'
)

select
    columns.report_id,
    context.agency,
    context.report_year,
    context.province,
    context.city,
    context.county,
    context.template_t3,
    columns.applicant_type,
    columns.applicant_type_zh,
    columns.new_received,
    columns.carried_over,
    columns.granted,
    columns.partly_granted,
    columns.denied,
    columns.unable,
    columns.not_processed,
    columns.other_handling,
    columns.outcome_total,
    columns.carried_forward,
    {{ safe_share('columns.new_received', 'totals.all_new_received') }} as share_of_new_received,
    {{ safe_share('columns.granted', 'columns.outcome_total') }} as granted_share,
    {{ safe_share('columns.partly_granted', 'columns.outcome_total') }} as partly_granted_share,
    {{ safe_share('columns.denied', 'columns.outcome_total') }} as denied_share,
    {{ safe_share('columns.unable', 'columns.outcome_total') }} as unable_share,
    {{ safe_share('columns.not_processed', 'columns.outcome_total') }} as not_processed_share,
    {{ safe_share('columns.other_handling', 'columns.outcome_total') }} as other_handling_share,
    columns.n_inferred,
    columns.n_ambiguous,
    context.report_status,
    context.passes_identities,
    context.ingest_id
from columns
inner join context on columns.report_id = context.report_id
left join totals on columns.report_id = totals.report_id
order by columns.report_id, columns.applicant_ord
