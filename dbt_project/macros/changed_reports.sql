{% macro changed_reports(report_id_column) -%}
{#- In an incremental run of a per-report mart: true only for the reports an ingest the mart has not seen
    yet loaded, re-parsed (a re-parsed report carries its new ingest_id) or found at a new path. With
    delete+insert on report_id each such report's rows are replaced and every other report's rows stay,
    so one new report costs a lookup, not a rebuild of the national table. A full build (first run, a
    mart built before it had ingest_id, or `dbt build --full-refresh`) reads everything.
    Up to var('max_literal_reports') changed reports are written out as literals: DuckDB prunes a scan by a constant list but
    not by a subquery, which would cost a pass over every cell of the warehouse. -#}
{%- set has_ingest = namespace(value=false) -%}
{%- if is_incremental() -%}
    {%- set has_ingest.value = 'ingest_id' in (adapter.get_columns_in_relation(this) | map(attribute='name') | map('lower') | list) -%}
{%- endif -%}
{%- if has_ingest.value -%}
    {%- set changed -%}
    with seen as ({{ seen_ingests() }})
    {{ unseen_reports('select ingest_id from seen') }}
    {%- endset -%}
    {%- set ids = run_query(changed).columns[0].values() if execute else [] -%}
    {%- if not execute or ids | length > var('max_literal_reports') -%}
{{ report_id_column }} in ({{ changed }})
    {%- elif ids | length == 0 -%}
false
    {%- else -%}
{{ in_literals(report_id_column, ids) }}
    {%- endif -%}
{%- else -%}
true
{%- endif -%}
{%- endmacro %}


{% macro unseen_reports(seen) -%}
{#- The reports that an ingest not among `seen` (a query of ingest ids) loaded, re-parsed or found at a new
    path: a re-parsed report carries its new ingest_id, a new path its source row's. -#}
select report_id from {{ ref('stg_xxgk__reports') }} where ingest_id not in ({{ seen }})
union
select report_id from {{ ref('stg_xxgk__report_sources') }} where ingest_id not in ({{ seen }})
{%- endmacro %}


{% macro seen_ingests() -%}
{#- The ingests this model's builds have taken in: those record_seen_ingests noted after each build, and
    those its rows carry (a model built by a release that kept no record). Rows alone are not enough: an
    ingest that only found known reports at new paths, or only reports without rows in this model, left no
    row carrying its id, so its reports were selected again by every later build, and the next ones'
    on top, until the list outgrew the literals and every build scanned the whole warehouse. -#}
select ingest_id from dq.model_ingests where model = {{ model_key() }}
union
select distinct ingest_id from {{ this }} where ingest_id is not null
{%- endmacro %}


{% macro model_key() -%}
{#- how dq.model_ingests names this model: 'schema.name' -#}
'{{ this.schema }}.{{ this.identifier }}'
{%- endmacro %}


{% macro record_seen_ingests() -%}
{#- post_hook of the per-report incremental models: every ingest in the warehouse now has been taken in
    by this build (a full one reads everything, an incremental one every report of an unseen ingest). -#}
insert into dq.model_ingests (model, ingest_id)
select distinct {{ model_key() }}, ingest_id from (
    select ingest_id from {{ ref('stg_xxgk__reports') }}
    union
    select ingest_id from {{ ref('stg_xxgk__report_sources') }}
) as ingests
where ingest_id is not null
  and ingest_id not in (
    select ingest_id from dq.model_ingests where model = {{ model_key() }})
{%- endmacro %}


{% macro in_literals(column, values) -%}
{#- `column in ('v1', 'v2', …)`: a constant list, which DuckDB prunes a scan by (a subquery it does not). -#}
{{ column }} in ({% for v in values %}'{{ v }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}


{% macro delete_changed_reports() -%}
{#- pre_hook of the per-report incremental models: the rows of the reports this run re-selects go first.
    delete+insert alone deletes only the reports the new select returns rows for, so a report re-parsed by
    a new parser version that no longer finds a table kept its old rows for that table. -#}
{%- if is_incremental() -%}
delete from {{ this }} where {{ changed_reports('report_id') }}
{%- endif -%}
{%- endmacro %}
