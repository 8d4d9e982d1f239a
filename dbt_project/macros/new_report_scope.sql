{% macro new_report_scope(by) -%}
{#- For the models that compare reports with each other (carry_over_continuity: an agency's consecutive
    years; region_rollup: a region's reports of one year): a condition selecting the groups an incremental
    build must recompute, so one new report costs its own agency or province-year, not the national table.

    by = 'agency': `agency in (…)`, the agencies of the new reports.
    by = 'province_year': `(province = … and report_year = …) or …`, their agencies' provinces and years.

    The groups are exact only when every report the build has not seen is new to the warehouse: a new
    report can change the pairs and sums of its own agency, province and year, and no others. A report
    re-parsed (a new parser version) or found again at a new path may have changed its agency or year, and
    then the groups of its old reading are unknown here: the build is full (`true`). A known report whose
    only news is cells that X2 decided across its agency's years (re-stamped, `x2_revised_in` = its
    ingest_id) kept its agency and year: its groups are its own, as a new report's are. So is the first build
    of a release that kept no record of the ingests taken in, a build past var('max_literal_reports') new
    reports, `--full-refresh`, and every non-incremental build (unit tests). The pre-hook
    delete_new_report_scope deletes the same groups first; record_seen_ingests notes the ingests after. -#}
{%- if not (execute and is_incremental()) -%}
true
{%- else -%}
    {%- set counts -%}
    with seen as (select ingest_id from dq.model_ingests where model = {{ model_key() }}),
    unseen as ({{ unseen_reports('select ingest_id from seen') }})
    select
        (select count(*) from seen) as n_seen,
        (select count(*) from unseen) as n_unseen,
        (select count(*) from unseen where report_id in (
            select report_id from {{ ref('stg_xxgk__report_sources') }}
            where ingest_id in (select ingest_id from seen))
          and report_id not in (
            select report_id from {{ ref('stg_xxgk__reports') }} where x2_revised_in = ingest_id)) as n_known
    {%- endset -%}
    {%- set row = run_query(counts).rows[0] -%}
    {%- if row[0] == 0 or row[2] > 0 or row[1] > var('max_literal_reports') -%}
true
    {%- elif row[1] == 0 -%}
false
    {%- else -%}
        {%- set groups -%}
        with seen as (select ingest_id from dq.model_ingests where model = {{ model_key() }})
        select distinct
            {%- if by == 'agency' %} reports.agency
            {%- else %} agencies.province, reports.report_year
            {%- endif %}
        from {{ ref('stg_xxgk__reports') }} as reports
        {%- if by != 'agency' %}
        inner join {{ ref('stg_xxgk__agencies') }} as agencies
            on agencies.agency = reports.agency and agencies.province is not null
        {%- endif %}
        where reports.ingest_id not in (select ingest_id from seen)
          and reports.agency is not null and reports.report_year is not null
        {%- endset -%}
        {%- set found = run_query(groups).rows -%}
        {%- if found | length == 0 -%}
false
        {%- elif by == 'agency' -%}
agency in ({% for r in found %}{{ sql_literal(r[0]) }}{{ ", " if not loop.last }}{% endfor %})
        {%- else -%}
({% for r in found %}(province = {{ sql_literal(r[0]) }} and report_year = {{ r[1] | int }}){{ " or " if not loop.last }}{% endfor %})
        {%- endif -%}
    {%- endif -%}
{%- endif -%}
{%- endmacro %}


{% macro delete_new_report_scope(by) -%}
{#- pre_hook of carry_over_continuity and region_rollup: the groups this build recomputes go first (a new
    report can also remove a pair or a sum: it may become its agency-year's pick and have no 表三). -#}
{%- if is_incremental() -%}
delete from {{ this }} where {{ new_report_scope(by) }}
{%- endif -%}
{%- endmacro %}


{% macro sql_literal(value) -%}
'{{ value | replace("'", "''") }}'
{%- endmacro %}
