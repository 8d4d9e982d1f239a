"""Every quality check, stated once as SQL that returns the rows breaking it.

The hard identities are not restated here: their equations come from ``ref.identity_terms``, which the
warehouse renders from ``ingestion.identities`` (the same definitions the solver uses). ``{batch}`` is
the cells of the ingest being validated (see BATCH_CELLS_QUERY); GX substitutes it, and the runner uses
the same text to store every failing row in ``dq.validation_results``.

Each query returns: report_id, table_id, row_code, col_code, lhs, rhs, message.
"""

from dataclasses import dataclass

from ingestion.identities import IDENTITIES
from ingestion.warehouse import AGENCY_YEAR_PICKS

# The cells of the ingest being validated, with their report's context. The gate runner materialises
# it once per ingest as dq.batch_cells (every check reads it several times: GX counts, GX samples, and
# the runner stores every failing row), and the GX batch asset reads that table.
BATCH_CELLS_SQL = """
select c.report_id, c.table_id, c.row_code, c.col_code, c.value, c.status, r.agency, r.year,
       r.template_t2, r.template_t3, r.prose_applications, r.prose_reviews
from raw.report_cells c
join raw.reports r on r.report_id = c.report_id
where r.ingest_id in (select ingest_id from dq.current_batch)
""".strip()

BATCH_CELLS_QUERY = "select * from dq.batch_cells"

BATCH_REPORTS_QUERY = """
select r.* from raw.reports r where r.ingest_id in (select ingest_id from dq.current_batch)
""".strip()

# how a number is shown in a message: 49, not 49.0
_NUM = "case when {v} = floor({v}) then cast(cast({v} as bigint) as varchar) else cast({v} as varchar) end"


@dataclass(frozen=True)
class Check:
    suite: str  # identities | schema | soft
    name: str  # I1..I5, X1..X3, schema.*
    severity: str  # error | warning
    description_zh: str
    description_en: str
    query: str


def identity_query(identity: str) -> str:
    """Equations of one identity (I1–I4) that the known cells already break.

    All cells known: the two sides differ. Some unknown (blank, ambiguous, not printed): every term is a
    non-negative count (I5), so an equation is still broken when one side is fully known and the known
    terms of the other side already exceed it (e.g. a leaf above its （七）总计 while another leaf is
    ambiguous). Unknown terms show as ``?`` and the partial sum as ``≥``.

    Plus the equations the parser proved unsatisfiable (issue code ``unsatisfiable:I…``): no reading of
    the printed cells satisfies them, so the table breaks the identity even where its cells stay undecided.
    """
    key_axis = "col" if identity in ("I1", "I3") else "row"
    num = f"coalesce({_NUM.format(v='s.value')}, '?')"
    return f"""
with terms as (select * from ref.identity_terms where identity = '{identity}'),
sizes as (  -- terms per side of each equation: a term with no cell at all is unknown too
    select table_id, template, eq_key, count(*) filter (where side = 'lhs') as n_lhs,
           count(*) filter (where side = 'rhs') as n_rhs
    from terms group by all
),
sides as (
    select c.report_id, c.agency, c.year, t.table_id, t.template, t.eq_key, t.side, t.term, c.value
    from {{batch}} c
    join terms t on t.table_id = c.table_id and t.row_code = c.row_code and t.col_code = c.col_code
        and (t.template = coalesce(c.template_t3, '2021') or t.template = 'any')
),
equations as (
    select s.report_id, any_value(s.agency) as agency, any_value(s.year) as year, s.table_id, s.template,
           s.eq_key, any_value(z.n_rhs) as n_rhs,
           any_value(z.n_lhs) - count(s.value) filter (where s.side = 'lhs') as lhs_unknown,
           any_value(z.n_rhs) - count(s.value) filter (where s.side = 'rhs') as rhs_unknown,
           sum(s.value) filter (where s.side = 'lhs') as lhs,
           sum(s.value) filter (where s.side = 'rhs') as rhs
    from sides s
    join sizes z on z.table_id = s.table_id and z.template = s.template and z.eq_key = s.eq_key
    group by s.report_id, s.table_id, s.template, s.eq_key
),
broken as (
    select * from equations e
    where (e.lhs_unknown = 0 and e.rhs_unknown = 0 and e.lhs <> e.rhs)
       or (e.lhs_unknown = 0 and e.rhs_unknown > 0 and coalesce(e.rhs, 0) > e.lhs)
       or (e.rhs_unknown = 0 and e.lhs_unknown > 0 and coalesce(e.lhs, 0) > e.rhs)
),
-- the printed arithmetic, written out only for the equations that break (a few among millions);
-- a term without a value (blank, ambiguous, not printed) shows as ?
written as (
    select b.report_id, b.table_id, b.eq_key,
           string_agg({num}, ' + ' order by t.term) filter (where t.side = 'lhs') as lhs_terms,
           string_agg({num}, ' + ' order by t.term) filter (where t.side = 'rhs') as rhs_terms
    from broken b
    join terms t on t.table_id = b.table_id and t.template = b.template and t.eq_key = b.eq_key
    left join {{batch}} s on s.report_id = b.report_id and s.table_id = t.table_id and s.row_code = t.row_code
        and s.col_code = t.col_code
    group by b.report_id, b.table_id, b.eq_key
)
select e.report_id, e.table_id,
       {"null" if key_axis == "col" else "e.eq_key"} as row_code,
       {"e.eq_key" if key_axis == "col" else "null"} as col_code,
       e.lhs, e.rhs,
       coalesce(e.agency, '?') || ' ' || coalesce(cast(e.year as varchar), '?') || ' · {identity} · '
           || coalesce(k.label_zh, e.eq_key) || ': ' || w.lhs_terms || ' ≠ ' || w.rhs_terms
           || case when e.rhs_unknown > 0 then ' ≥ ' || ({_NUM.format(v="coalesce(e.rhs, 0)")})
                   when e.n_rhs > 2 then ' = ' || ({_NUM.format(v="e.rhs")}) else '' end as message
from broken e
join written w on w.report_id = e.report_id and w.table_id = e.table_id and w.eq_key = e.eq_key
left join ref.codes k on k.table_id = e.table_id and k.axis = '{key_axis}' and k.code = e.eq_key
union all
-- the parser proved that no reading of the printed cells satisfies the equation (digits run together
-- that no cut makes add up, a lost cell that no placement fits, a fill another equation refutes):
-- the table breaks the identity as printed although some of its cells stay undecided
select i.report_id, i.table_id, i.row_code, i.col_code, null::double as lhs, null::double as rhs,
       coalesce(r.agency, '?') || ' ' || coalesce(cast(r.year as varchar), '?') || ' · {identity} · '
           || coalesce(k.label_zh, i.row_code, i.col_code, i.table_id)
           || ': 无论怎样读取印出的单元格都不成立 / no reading of the printed cells satisfies it' as message
from raw.parse_issues i
join raw.reports r on r.report_id = i.report_id
join (select distinct report_id from {{batch}}) batch_reports on batch_reports.report_id = i.report_id
left join ref.codes k on k.table_id = i.table_id and k.axis = '{key_axis}'
    and k.code = {"i.col_code" if key_axis == "col" else "i.row_code"}
where i.code like 'unsatisfiable:%' and '+' || split_part(i.code, ':', 2) || '+' like '%+{identity}+%'
  -- an equation the known cells already break is shown above, with its arithmetic
  and not exists (select 1 from broken b where b.report_id = i.report_id and b.table_id = i.table_id
                  and b.eq_key = {"i.col_code" if key_axis == "col" else "i.row_code"})
"""


I5_QUERY = f"""
select report_id, table_id, row_code, col_code, value as lhs, 0.0 as rhs,
       coalesce(agency, '?') || ' ' || coalesce(cast(year as varchar), '?') || ' · I5 · ' || table_id || ' '
           || row_code || ' × ' || col_code || ' = ' || ({_NUM.format(v="value")})
           || case when value < 0 then ' < 0' else ' is not an integer' end as message
from {{batch}}
where value is not null and (
    (table_id in ('t3', 't4') and (value < 0 or value <> floor(value)))
    or (table_id = 't2' and col_code <> 'items_change' and value < 0))
"""

# the batch's few hundred distinct code triples are looked up, not each of its cells (27 M at 150k)
UNKNOWN_CODES_QUERY = """
with triples as (select distinct table_id, row_code, col_code from {batch}),
unknown as (
    select t.* from triples t
    left join ref.codes r on r.table_id = t.table_id and r.axis = 'row' and r.code = t.row_code
    left join ref.codes c on c.table_id = t.table_id and c.axis = 'col' and c.code = t.col_code
    where r.code is null or c.code is null
)
select b.report_id, b.table_id, b.row_code, b.col_code, null::double as lhs, null::double as rhs,
       'code outside the spec: ' || coalesce(b.table_id, '?') || ' ' || coalesce(b.row_code, '?') || ' × '
           || coalesce(b.col_code, '?') as message
from {batch} b
join unknown u on b.table_id is not distinct from u.table_id and b.row_code is not distinct from u.row_code
    and b.col_code is not distinct from u.col_code
"""

# one value per report × table × row × col. GX's compound-unique map metric cost a join back over every
# cell (8 s at 50k reports); a hash aggregate on the four strings, 10 s at 150k. Grouping their 64-bit
# hash finds the candidates in 1.5 s; the exact key is then grouped for those rows only, so a hash
# collision of two distinct cells is not reported as a repeat.
UNIQUE_CELL_QUERY = """
with repeated as (  -- a 64-bit hash of the key first: grouping one integer is ~7x cheaper than four strings
    select hash(report_id, table_id, row_code, col_code) as k from {batch} group by k having count(*) > 1
)
select report_id, table_id, row_code, col_code, count(*)::double as lhs, 1.0 as rhs,
       'cell given ' || count(*) || ' values: ' || table_id || ' ' || row_code || ' × ' || col_code as message
from {batch}
where hash(report_id, table_id, row_code, col_code) in (select k from repeated)
group by report_id, table_id, row_code, col_code
having count(*) > 1
"""


WRONG_TEMPLATE_QUERY = """
select b.report_id, b.table_id, b.row_code, b.col_code, null::double as lhs, null::double as rhs,
       '表三 row ' || b.row_code || ' does not exist in the ' || b.template_t3 || ' template' as message
from {batch} b
join ref.codes r on r.table_id = 't3' and r.axis = 'row' and r.code = b.row_code
where b.table_id = 't3' and r.template is not null and r.template <> b.template_t3
"""

# X1/X2 compare a batch report with the same agency's neighbouring year anywhere in the warehouse:
# one report per agency × year (the fullest reading), then (later, earlier) pairs around each batch report.
_PICKS = f"""
picks as ({AGENCY_YEAR_PICKS})"""

_PAIRS = """pairs as (
    select b.report_id as batch_report, b.agency,
           case when o.year > b.year then o.report_id else b.report_id end as later_id,
           case when o.year < b.year then o.report_id else b.report_id end as earlier_id,
           greatest(o.year, b.year) as later_year, o.report_id as other_id
    from batch b
    join picks p on p.report_id = b.report_id
    join picks o on o.agency = b.agency and abs(o.year - b.year) = 1
)"""

X1_QUERY = f"""
with batch as (select distinct report_id, agency, year from {{batch}}),
{_PICKS},
{_PAIRS}
select p.batch_report as report_id, 't3' as table_id, 'carried_over' as row_code, co.col_code,
       co.value as lhs, cf.value as rhs,
       p.agency || ' ' || p.later_year || ' · X1 · ' || co.col_code || ': 上年结转 ' || cast(co.value as bigint)
           || ' ≠ ' || (p.later_year - 1) || '年结转下年度 ' || cast(cf.value as bigint) as message
from pairs p
join raw.report_cells co on co.report_id = p.later_id and co.table_id = 't3' and co.row_code = 'carried_over'
join raw.report_cells cf on cf.report_id = p.earlier_id and cf.table_id = 't3' and cf.row_code = 'carried_forward'
    and cf.col_code = co.col_code
where co.value is not null and cf.value is not null and co.value <> cf.value
"""

# Each pair's two reports are joined to their 表二 values by report_id alone and the pair's figures
# gathered by one grouping: a join of the two sides on the item let DuckDB's planner pair every report's
# item with every other's first (2 billion rows, 20 s at 50k reports, once the codes became ENUMs).
X2_QUERY = f"""
with batch as (select distinct report_id, agency, year from {{batch}} where template_t2 = '2021'),
{_PICKS},
{_PAIRS},
t2v as (
    select report_id, row_code::varchar as item,
           max(value) filter (where col_code = 'in_force') as in_force,
           max(value) filter (where col_code = 'issued') as issued,
           max(value) filter (where col_code = 'repealed') as repealed
    from raw.report_cells
    where table_id = 't2' and row_code in ('rules', 'normative_documents')
      and report_id in (select later_id from pairs union select earlier_id from pairs)
    group by all
),
sides as (
    select p.batch_report, p.agency, p.later_year, p.later_id, p.later_id as side_id, p.other_id from pairs p
    union all
    select p.batch_report, p.agency, p.later_year, p.later_id, p.earlier_id, p.other_id from pairs p
),
vals as (
    select s.batch_report, s.agency, s.later_year, s.later_id, v.item,
           max(v.in_force) filter (where v.report_id = s.later_id) as in_force,
           max(v.in_force) filter (where v.report_id <> s.later_id) as prev_in_force,
           max(v.issued) filter (where v.report_id = s.later_id) as issued,
           max(v.repealed) filter (where v.report_id = s.later_id) as repealed
    from sides s
    join raw.reports ro on ro.report_id = s.other_id and ro.template_t2 = '2021'
    join t2v v on v.report_id = s.side_id
    group by all
)
select batch_report as report_id, 't2' as table_id, item as row_code, 'in_force' as col_code,
       in_force as lhs, prev_in_force + issued - repealed as rhs,
       agency || ' ' || later_year || ' · X2 · ' || item || ': 现行有效 ' || cast(in_force as bigint) || ' ≠ '
           || cast(prev_in_force as bigint) || ' + ' || cast(issued as bigint) || ' − ' || cast(repealed as bigint)
           as message
from vals
where in_force is not null and prev_in_force is not null and issued is not null and repealed is not null
  and in_force <> prev_in_force + issued - repealed
"""

X3_QUERY = """
with reports as (
    select report_id, any_value(agency) as agency, any_value(year) as year,
           any_value(prose_applications) as prose_applications, any_value(prose_reviews) as prose_reviews,
           max(value) filter (where table_id = 't3' and row_code = 'new_received' and col_code = 'total') as new_received,
           max(value) filter (where table_id = 't3' and row_code = 'carried_over' and col_code = 'total') as carried_over,
           max(value) filter (where table_id = 't4' and row_code = 'administrative_review' and col_code = 'total')
               as reviews
    from {batch} group by report_id
)
select report_id, 't3' as table_id, 'new_received' as row_code, 'total' as col_code,
       prose_applications as lhs, new_received as rhs,
       coalesce(agency, '?') || ' ' || coalesce(cast(year as varchar), '?') || ' · X3 · 正文共收到申请 '
           || prose_applications || ' 件 ≠ 表三本年新收 ' || cast(new_received as bigint) as message
from reports
where prose_applications is not null and new_received is not null
  and prose_applications not in (new_received, new_received + coalesce(carried_over, 0))
union all
select report_id, 't4', 'administrative_review', 'total', prose_reviews, reviews,
       coalesce(agency, '?') || ' ' || coalesce(cast(year as varchar), '?') || ' · X3 · 正文行政复议 '
           || prose_reviews || ' 件 ≠ 表四 ' || cast(reviews as bigint)
from reports
where prose_reviews is not null and reviews is not null and prose_reviews <> reviews
"""

# Rows the parser could not read at all (issue code unreadable_row): digits run together that no cut
# makes add up, more numbers than cells, blanks between numbers. A row of digits run together that no
# cut fits means a printed break or a blank cell that vanished from the run — the bytes cannot say
# which, so this is a warning, not an identity failure.
UNREADABLE_QUERY = """
select i.report_id, i.table_id, i.row_code, null::varchar as col_code, null::double as lhs, null::double as rhs,
       coalesce(r.agency, '?') || ' ' || coalesce(cast(r.year as varchar), '?') || ' · ' || i.table_id
           || coalesce(' ' || i.row_code, '') || ' · ' || i.message as message
from raw.parse_issues i
join raw.reports r on r.report_id = i.report_id
join (select distinct report_id from {batch}) b on b.report_id = i.report_id  -- a row it cannot read is ambiguous
where i.code = 'unreadable_row'
"""


def _identity(i: str, query: str) -> Check:
    ident = IDENTITIES[i]
    return Check("identities", i, "error", ident.statement_zh, ident.statement_en, query)


CHECKS: tuple[Check, ...] = (
    *(_identity(i, identity_query(i)) for i in ("I1", "I2", "I3", "I4")),
    _identity("I5", I5_QUERY),
    Check("schema", "schema.codes", "error", "行、列代码均属规范代码表", "every row and column code is a spec code",
          UNKNOWN_CODES_QUERY),
    Check("schema", "schema.unique_cell", "error", "每份报告每个单元格只有一个值",
          "one value per report × table × row × col", UNIQUE_CELL_QUERY),
    Check("schema", "schema.template_rows", "error", "表三的行与其模板（2019/2021）一致",
          "表三 rows exist in the report's template", WRONG_TEMPLATE_QUERY),
    Check("soft", "X1", "warning", "本年上年结转 = 上一年结转下年度继续办理（同一机关，每一列）",
          "carried_over(y) = carried_forward(y-1) for the same agency, per column", X1_QUERY),
    Check("soft", "X2", "warning", "2021表二：现行有效(y) = 现行有效(y-1) + 本年制发(y) − 本年废止(y)",
          "2021 表二: in_force(y) = in_force(y-1) + issued(y) - repealed(y)", X2_QUERY),
    Check("soft", "X3", "warning", "正文所述数字与表格一致（收到申请件数、行政复议件数）",
          "figures stated in the prose agree with the tables (applications received, reviews)", X3_QUERY),
    Check("soft", "unreadable_rows", "warning", "表格每一行都能读出（数字粘连时存在符合恒等式的拆分）",
          "every table row can be read (digits run together split so that the identities hold)", UNREADABLE_QUERY),
)
SUITES = ("identities", "schema", "soft")
