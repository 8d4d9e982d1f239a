{{ config(materialized='incremental', incremental_strategy='append',
          pre_hook="{{ delete_new_report_scope('province_year') }}", post_hook="{{ record_seen_ingests() }}") }}
-- depends_on: {{ ref('stg_xxgk__reports') }}, {{ ref('stg_xxgk__report_sources') }}
-- X4 (soft): a region's own report against the sum of its children's reports, the same year.
-- A county (or city, province) government's report either covers the whole region — then its 表三
-- new applications are at least the sum of its departments' and townships' — or only the government
-- itself (本级), which is common. So this is evidence for a reader, never an error.
with agencies as (
    select * from {{ ref('stg_xxgk__agencies') }}
),

picks as (
    select * from {{ ref('int_reports__agency_year') }}
),

totals as (
    select report_id, new_received from {{ ref('int_t3__applicant_columns') }}
    where applicant_type = 'total'
),

read as (
    select picks.agency, picks.report_year, picks.report_id, totals.new_received,
           agencies.unit_kind, agencies.admin_level, agencies.province, agencies.city, agencies.county
    from picks
    inner join agencies on picks.agency = agencies.agency
    left join totals on picks.report_id = totals.report_id
    -- incremental by province and year: a region's parent and children share both (new_report_scope)
    where {{ new_report_scope('province_year') }}
),

parents as (
    -- the government of a county, city or province: its region is the place the gazetteer found
    select * from read
    where unit_kind = 'government' and (
        (admin_level = 'county' and county is not null)
        or (admin_level = 'prefecture' and city is not null)
        or (admin_level = 'provincial' and province is not null))
),

children as (
    select parents.report_id as parent_report_id, read.agency, read.new_received
    from parents
    inner join read
        on read.report_year = parents.report_year
        and read.agency <> parents.agency
        and read.province = parents.province
        and (parents.admin_level = 'provincial' or read.city = parents.city)
        and (parents.admin_level <> 'county' or read.county = parents.county)
        and not (read.unit_kind = 'government' and read.admin_level = parents.admin_level)
)

select
    parents.province,
    parents.city,
    parents.county,
    parents.admin_level,
    parents.report_year,
    parents.agency as parent_agency,
    parents.report_id as parent_report_id,
    parents.new_received as parent_new_received,
    count(children.agency) as n_children,
    count(children.new_received) as n_children_read,
    sum(children.new_received) as children_new_received,
    case
        when parents.new_received is null or count(children.new_received) < count(children.agency) then null
        else parents.new_received >= coalesce(sum(children.new_received), 0)
    end as covers_children
from parents
inner join children on children.parent_report_id = parents.report_id
group by parents.province, parents.city, parents.county, parents.admin_level, parents.report_year, parents.agency,
         parents.report_id, parents.new_received
