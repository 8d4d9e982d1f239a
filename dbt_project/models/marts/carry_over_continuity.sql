{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_new_report_scope('agency') }}", post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- X1: 上年结转 of year y equals 结转下年度继续办理 of year y-1, for the same agency and applicant type.
-- Soft: agencies restate figures and rename, so a mismatch is a warning for a reader, not an error.
-- Incremental by agency: an ingest of new reports recomputes their agencies' pairs only (new_report_scope).
with picks as (
    select * from {{ ref('int_reports__agency_year') }}
    where {{ new_report_scope('agency') }}
),

columns as (
    select report_id, applicant_type, carried_over, carried_forward
    from {{ ref('int_t3__applicant_columns') }}
),

by_year as (
    select picks.agency, picks.report_year, columns.*
    from picks
    inner join columns on picks.report_id = columns.report_id
)

select
    this_year.agency,
    this_year.report_year,
    this_year.applicant_type,
    this_year.report_id,
    previous_year.report_id as previous_report_id,
    this_year.carried_over,
    previous_year.carried_forward as previous_carried_forward,
    this_year.carried_over - previous_year.carried_forward as difference,
    this_year.carried_over = previous_year.carried_forward as is_continuous
from by_year as this_year
inner join by_year as previous_year
    on this_year.agency = previous_year.agency
    and this_year.report_year = previous_year.report_year + 1
    and this_year.applicant_type = previous_year.applicant_type
