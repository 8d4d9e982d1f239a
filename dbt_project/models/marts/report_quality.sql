{{ config(materialized='incremental', unique_key='report_id', incremental_strategy='delete+insert',
          on_schema_change='append_new_columns', pre_hook="{{ delete_changed_reports() }}",
          post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- One row per report: what the parser read, what the gates found, where the raw file is.
{% set changed = changed_reports('report_id') %}  {#- one lookup, three filters #}
with reports as (
    select * from {{ ref('stg_xxgk__reports') }}
    where {{ changed }}
),

outcomes as (
    select * from {{ ref('int_reports__identity_outcomes') }}
),

issues as (
    select
        report_id,
        count(*) filter (where severity = 'error') as n_parse_errors,
        count(*) filter (where severity = 'warning') as n_parse_warnings,
        string_agg(distinct issue_code, ',' order by issue_code) as issue_codes
    from {{ ref('stg_xxgk__parse_issues') }}
    where {{ changed }}
    group by report_id
),

sources as (
    select report_id, count(*) as n_source_paths
    from {{ ref('stg_xxgk__report_sources') }}
    where {{ changed }}
    group by report_id
)

select
    reports.report_id,
    reports.agency,
    reports.report_year,
    reports.report_status,
    reports.format,
    reports.template_t2,
    reports.template_t3,
    reports.template_t2 is distinct from reports.template_t3
        and reports.template_t2 is not null and reports.template_t3 is not null as is_hybrid_template,
    reports.n_cells,
    reports.n_printed,
    reports.n_blank,
    reports.n_inferred,
    reports.n_ambiguous,
    reports.n_issues,
    coalesce(issues.n_parse_errors, 0) as n_parse_errors,
    coalesce(issues.n_parse_warnings, 0) as n_parse_warnings,
    issues.issue_codes,
    outcomes.validated,
    outcomes.passes_identities,
    outcomes.failed_identities,
    outcomes.i1_violations,
    outcomes.i2_violations,
    outcomes.i3_violations,
    outcomes.i4_violations,
    outcomes.i5_violations,
    outcomes.schema_violations,
    outcomes.x1_warnings,
    outcomes.x2_warnings,
    outcomes.x3_warnings,
    outcomes.unreadable_rows,
    reports.report_status = 'ok' and outcomes.passes_identities is true as is_certified,
    coalesce(sources.n_source_paths, 0) as n_source_paths,
    reports.source_path,
    reports.archived_path,
    reports.parser_version,
    reports.ingest_id,
    reports.loaded_at
from reports
left join outcomes on reports.report_id = outcomes.report_id
left join issues on reports.report_id = issues.report_id
left join sources on reports.report_id = sources.report_id
