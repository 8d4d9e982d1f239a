"""Bulk-load parsed facts into DuckDB ``raw.*`` (no row-at-a-time inserts).

Loading is idempotent: a report's rows are replaced by report_id, so the same files twice give the
same warehouse. ``raw.report_sources`` keeps every path a report_id was seen under.

The fact tables carry no primary-key index: at national scale (tens of millions of cells) an ART
index costs gigabytes of memory and most of the load time. Their keys hold by construction — each
batch is checked for duplicate keys before loading (``facts.Schema.validate``) and a report's old
rows are deleted in the same transaction — and are tested again by the schema gate
(``schema.unique_cell``) and dbt.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from .facts import CELLS, ISSUES, READINGS, REPORTS

if TYPE_CHECKING:
    from .resolve import Option


def _enum(values: tuple[str, ...]) -> str:
    return "enum(" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


# The cell table's code columns are ENUMs of the contract's lists (facts.CELLS.domains): a one-byte code
# per row instead of a string. At 150k reports the load inserts 27 M cells ≈35% faster and the gates copy
# them ≈60% faster (bench figures in docs/scaling.md). The dbt staging view casts them back to VARCHAR,
# so the marts do not depend on the lists.
_CELL_TYPES = {col: _enum(values) for col, values in CELLS.domains.items()}

DDL = """
create schema if not exists raw;
create table if not exists raw.reports (
  report_id varchar primary key, source varchar, format varchar, encoding varchar, agency varchar,
  year integer, template_t2 varchar, template_t3 varchar, status varchar, parser_version varchar,
  n_cells integer, n_printed integer, n_blank integer, n_inferred integer, n_ambiguous integer,
  n_issues integer, bytes bigint, prose_applications bigint, prose_reviews bigint, archived_path varchar, ingest_id varchar, loaded_at timestamp,
  x2_revised_in varchar);
create table if not exists raw.report_cells (
  report_id varchar, table_id {table_id}, row_code {row_code}, col_code {col_code}, value double,
  text varchar, status {status}, rule varchar, unit varchar, line integer, page integer);
create table if not exists raw.parse_issues (
  report_id varchar, seq integer, severity varchar, code varchar, table_id varchar, row_code varchar,
  col_code varchar, line integer, message varchar);
create table if not exists raw.row_readings (
  report_id varchar, table_id varchar, row_code varchar, reading integer, col_code varchar, value double);
create table if not exists raw.report_sources (report_id varchar, source_path varchar, archived_path varchar,
  first_seen timestamp, ingest_id varchar, primary key (report_id, source_path));
create table if not exists raw.ingests (ingest_id varchar primary key, started_at timestamp, finished_at timestamp,
  paths varchar, n_files integer, n_new_sources integer, n_parsed integer, parser_version varchar);
create table if not exists raw.agencies (agency varchar primary key, province varchar, city varchar,
  county varchar, township varchar, adcode varchar, admin_level varchar, unit_kind varchar);
create schema if not exists ref;
create schema if not exists dq;
create table if not exists dq.model_ingests (model varchar, ingest_id varchar, primary key (model, ingest_id));
create table if not exists dq.validation_runs (
  ingest_id varchar, suite varchar, expectation varchar, severity varchar, success boolean,
  n_unexpected integer, n_reports integer, validated_at timestamp, primary key (ingest_id, expectation));
create table if not exists dq.validation_results (
  ingest_id varchar, report_id varchar, suite varchar, expectation varchar, severity varchar, table_id varchar,
  row_code varchar, col_code varchar, lhs double, rhs double, message varchar);
""".format(**_CELL_TYPES)


MEMORY_LIMIT = os.environ.get("XXGK_DUCKDB_MEMORY", "1GB")


def open_db(path: Path) -> duckdb.DuckDBPyConnection:
    """A read-write connection with DuckDB's buffer pool capped (XXGK_DUCKDB_MEMORY, default 1GB): it
    spills rather than holding the whole warehouse in memory at national scale. GX and dbt get the same
    cap through their own configuration (expectations/suites.py, dbt_project/profiles.yml).

    DuckDB lets no other process open a file while one writes it, nor write it while another has it
    open: when another process holds the warehouse (an analyst's session), wait for it up to
    XXGK_LOCK_WAIT seconds (default 30), then fail saying who holds it."""
    import time

    deadline = time.monotonic() + float(os.environ.get("XXGK_LOCK_WAIT", "30"))
    while True:
        try:
            con = duckdb.connect(str(path))
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() >= deadline:
                m = re.search(r"Conflicting lock is held in (.+?\(PID \d+\))", str(exc))
                held = m.group(1) if m else "unknown process"
                raise WarehouseLocked(
                    f"{path} is held open by another process ({held}): close that connection and run again"
                ) from exc
            time.sleep(0.5)
    con.execute(f"set memory_limit = '{MEMORY_LIMIT}'")
    return con


class WarehouseLocked(RuntimeError):
    """Another process holds the warehouse file open."""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    """:func:`open_db`, with the DDL applied and an older warehouse migrated."""
    path.parent.mkdir(parents=True, exist_ok=True)
    con = open_db(path)
    con.execute(DDL)
    migrate(con)
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Bring a warehouse made by an older release to this DDL; returns what it changed.

    Columns it lacks are added (rows already loaded keep nulls there, and their parser version makes the
    next ingest re-parse them). A code column still VARCHAR, or an ENUM of an older code list, becomes
    this release's ENUM, once; should a stored value be outside the list, the column stays as it is
    (loads are then slower, never wrong) and the returned note says so."""
    want = duckdb.connect(":memory:")
    want.execute(DDL)
    query = (
        "select table_schema, table_name, column_name, data_type from information_schema.columns "
        "where table_schema in ('raw', 'dq') order by table_schema, table_name, ordinal_position"
    )
    have = {(r[0], r[1], r[2]): r[3] for r in con.execute(query).fetchall()}
    changed = []
    for schema, table, column, dtype in want.execute(query).fetchall():
        name = f"{schema}.{table}.{column}"
        if (schema, table, column) not in have:
            con.execute(f'alter table {schema}.{table} add column "{column}" {dtype}')
            changed.append(name)
        elif dtype.startswith("ENUM(") and have[(schema, table, column)] != dtype:
            try:
                con.execute(f'alter table {schema}.{table} alter column "{column}" type {dtype}')
                changed.append(f"{name} → {dtype[:40]}…")
            except duckdb.ConversionException as exc:
                changed.append(f"{name} kept as {have[(schema, table, column)][:40]}: {exc}")
    want.close()
    return changed


def upsert_agencies(con: duckdb.DuckDBPyConnection, df: pl.DataFrame) -> None:
    if df.height:
        con.register("new_agencies", df)
        con.execute("insert or replace into raw.agencies by name select * from new_agencies")
        con.unregister("new_agencies")


def load(
    con: duckdb.DuckDBPyConnection,
    reports: pl.DataFrame,
    cells: pl.DataFrame,
    issues: pl.DataFrame,
    archived: dict[str, str],
    ingest_id: str | None = None,
    readings: pl.DataFrame | None = None,
) -> None:
    """Replace the given reports' rows in one transaction."""
    if readings is None:
        readings = READINGS.empty()
    for schema, df in ((REPORTS, reports), (CELLS, cells), (ISSUES, issues), (READINGS, readings)):
        schema.validate(df)
    reports = reports.with_columns(
        pl.col("report_id").replace_strict(archived, default=None).alias("archived_path"),
        pl.lit(ingest_id, dtype=pl.String).alias("ingest_id"),
        pl.lit(None, dtype=pl.Datetime).alias("loaded_at"),
    )
    con.execute("begin")
    try:
        # as Arrow tables: DuckDB scans Arrow's strings about twice as fast as Polars' string views
        con.register("new_reports", reports.to_arrow())
        con.register("new_cells", cells.to_arrow())
        con.register("new_issues", issues.to_arrow())
        con.register("new_readings", readings.to_arrow())
        again = con.execute(
            "select count(*) from raw.reports where report_id in (select report_id from new_reports)"
        ).fetchone()
        if again and again[0]:  # re-parsed reports (a new parser version): replace their rows
            con.execute("delete from raw.report_cells where report_id in (select report_id from new_reports)")
            con.execute("delete from raw.parse_issues where report_id in (select report_id from new_reports)")
            con.execute("delete from raw.row_readings where report_id in (select report_id from new_reports)")
            con.execute("delete from raw.reports where report_id in (select report_id from new_reports)")
        # by name: a warehouse migrated from an older release has its added columns at the end
        con.execute(
            "insert into raw.reports by name select * exclude (loaded_at), now() as loaded_at from new_reports"
        )
        con.execute("insert into raw.report_cells by name select * from new_cells")
        con.execute("insert into raw.parse_issues by name select * from new_issues")
        if readings.height:
            con.execute("insert into raw.row_readings by name select * from new_readings")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in ("new_reports", "new_cells", "new_issues", "new_readings"):
            con.unregister(name)


def record_sources(
    con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str, str]], ingest_id: str | None = None
) -> int:
    """Register (report_id, source path, archived path) triples; returns how many were new."""
    if not rows:
        return 0
    df = pl.DataFrame(
        rows,
        schema={"report_id": pl.String, "source_path": pl.String, "archived_path": pl.String},
        orient="row",
    ).unique(["report_id", "source_path"])
    before = _count(con, "raw.report_sources")
    con.register("new_sources", df)
    con.execute(
        "insert or ignore into raw.report_sources by name select report_id, source_path, archived_path, "
        "now() as first_seen, ?::varchar as ingest_id from new_sources",
        [ingest_id],
    )
    # rows registered by an older release may lack the archived path: heal them from this run
    con.execute(
        "update raw.report_sources s set archived_path = n.archived_path from new_sources n "
        "where s.report_id = n.report_id and s.source_path = n.source_path and s.archived_path is null"
    )
    con.unregister("new_sources")
    return _count(con, "raw.report_sources") - before


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    row = con.execute(f"select count(*) from {table}").fetchone()
    return int(row[0]) if row else 0


def pending(con: duckdb.DuckDBPyConnection, parser_version: str) -> list[tuple[str, str, str]]:
    """(report_id, archived path, first source path) of every archived report not loaded at this parser version.

    Driven by the registry, not by the files of this run: a run that crashed half-way is finished by the next.
    """
    return [
        tuple(r)
        for r in con.execute(
            """select s.report_id, any_value(s.archived_path), min(s.source_path)
           from raw.report_sources s left join raw.reports r using (report_id)
           where r.report_id is null or r.parser_version <> ?
           group by s.report_id order by s.report_id""",
            [parser_version],
        ).fetchall()
    ]


def write_reference(con: duckdb.DuckDBPyConnection) -> None:
    """ref.codes and ref.identity_terms, rendered from ingestion.codes / ingestion.identities (the contract)."""
    from .reference import codes_frame, identity_terms_frame, t2_layout_frame

    for name, df in (
        ("codes", codes_frame()),
        ("identity_terms", identity_terms_frame()),
        ("t2_layout", t2_layout_frame()),
    ):
        con.register("new_ref", df)
        # the identity terms are joined with every cell of a batch by their codes: typed as the cells'
        # ENUMs, so the join compares one-byte codes instead of casting 27 M codes to strings
        # (the identity checks at 150k: I1–I4 1.5× faster)
        typed = ", ".join(f"{c}::{t} as {c}" for c, t in _CELL_TYPES.items() if c in df.columns)
        cast = f" replace ({typed})" if name == "identity_terms" else ""
        con.execute(f"create or replace table ref.{name} as select *{cast} from new_ref")
        con.unregister("new_ref")


# One report per agency × statistics year, the fullest reading (a crawl often holds a report twice, e.g.
# HTML and PDF): ok before partial, fewer ambiguous cells, then the smallest report_id. The X1/X2 checks
# (expectations/checks.py) and X2 across years pick by this query; dbt's int_reports__agency_year by the
# same rule in its own terms.
AGENCY_YEAR_PICKS = """select report_id, agency, year from raw.reports
    where agency is not null and year is not null and status in ('ok', 'partial')
    qualify row_number() over (partition by agency, year order by status = 'ok' desc, n_ambiguous, report_id) = 1"""


def resolve_across_years(con: duckdb.DuckDBPyConnection, ingest_id: str | None) -> dict[str, int]:
    """X2 across an agency's consecutive reports: the ambiguous 表二 cells it decides become ``inferred``
    (rule ``X2``); see :mod:`ingestion.resolve`. Run after each load, over the agencies of the reports
    this ingest loaded (a new year can decide its neighbours' cells, a re-parsed one undo them).

    A report whose cells change is re-stamped with this ingest (``ingest_id``, ``loaded_at``), as a
    re-parsed one is, so the gates and the per-report marts take it in again (``x2_revised_in`` says the
    stamp came from here, not from a new reading of its file); its counts, its status
    (``partial`` only for ambiguous cells becomes ``ok``) and its issues follow its cells. Its readings
    stay in ``raw.row_readings``: every run decides afresh from them. Returns counts of what changed."""
    from .parse import fmt_number
    from .resolve import X2_COLS, X2_ITEMS, X2_TEMPLATE, X2Row, resolve_x2

    items = ", ".join(f"'{i}'" for i in X2_ITEMS)
    cols = ", ".join(f"'{c}'" for c in X2_COLS)
    # the agencies of this ingest that have a 表二 row to decide (or decided before: it may be undone)
    con.execute(
        f"""create or replace temp table x2_picks as
        with agencies as (
            select distinct r.agency from raw.reports r
            where r.ingest_id is not distinct from ? and r.agency is not null
              and r.agency in (select r2.agency from raw.row_readings x join raw.reports r2 using (report_id)
                               where x.table_id = 't2' and x.row_code in ({items}))
        )
        select p.report_id, p.agency, p.year from ({AGENCY_YEAR_PICKS}) p join raw.reports r using (report_id)
        where p.agency in (select agency from agencies) and r.template_t2 = '{X2_TEMPLATE}'""",
        [ingest_id],
    )
    picks = {rid: (agency, year) for rid, agency, year in con.execute("select * from x2_picks").fetchall()}
    cells: dict[tuple[str, str], dict[str, tuple[float | None, str, str | None]]] = {}
    for rid, row, col, value, status, rule in con.execute(
        f"""select c.report_id, c.row_code::varchar, c.col_code::varchar, c.value, c.status::varchar, c.rule
        from raw.report_cells c join x2_picks p using (report_id)
        where c.table_id = 't2' and c.row_code in ({items}) and c.col_code in ({cols})"""
    ).fetchall():
        cells.setdefault((rid, row), {})[col] = (value, status, rule)
    readings: dict[tuple[str, str], dict[int, dict[str, float | None]]] = {}
    for rid, row, k, col, value in con.execute(
        f"""select x.report_id, x.row_code, x.reading, x.col_code, x.value
        from raw.row_readings x join x2_picks p using (report_id)
        where x.table_id = 't2' and x.row_code in ({items})"""
    ).fetchall():
        readings.setdefault((rid, row), {}).setdefault(k, {})[col] = value
    con.execute("drop table x2_picks")
    rows: list[X2Row] = []
    for (rid, item), by_col in cells.items():
        agency, year = picks[rid]
        if (rid, item) in readings:
            opts = readings[(rid, item)]
            if all(set(o) == set(X2_COLS) for o in opts.values()):
                options = tuple(_option(opts[k]) for k in sorted(opts))
                rows.append(X2Row(rid, agency, year, item, options, True))
                continue
        decided = {c: v[0] for c, v in by_col.items() if v[1] != "ambiguous"}
        rows.append(X2Row(rid, agency, year, item, (_option(decided),), False))
    years = {rid: year for rid, (_, year) in picks.items()}
    want = {(r.report_id, r.item, r.col): r for r in resolve_x2(rows)}
    have = {
        (rid, item, col): v[0]
        for (rid, item), by_col in cells.items()
        for col, v in by_col.items()
        if v[2] == "X2"
    }
    decide = [r for key, r in want.items() if key not in have or have[key] != r.value]
    undo = [key for key in have if key not in want]
    changed = sorted({r.report_id for r in decide} | {rid for rid, _, _ in undo})
    if not changed:
        return {"resolved": 0, "undone": 0, "reports": 0}
    new_issues = [
        (
            r.report_id,
            "info",
            "inferred_cell",
            "t2",
            r.item,
            r.col,
            f"t2 {r.item}/{r.col} = {fmt_number(r.value)}: its digits run together split {r.readings} ways; "
            + "X2 (in force = last year's + issued − repealed) with the "
            + " and ".join(f"{years[n]} report {n[:12]}" for n in r.neighbours)
            + " leaves one value",
        )
        for r in decide
    ]
    undo_issues = [
        (
            rid,
            "warning",
            "ambiguous_cell",
            "t2",
            item,
            col,
            f"t2 {item}/{col}: several readings fit ({_candidates(readings.get((rid, item), {}), col)}"
            + "); X2 no longer decides it (a neighbouring report changed)",
        )
        for rid, item, col in undo
    ]
    con.execute("begin")
    try:
        # one update joined to the changes (a statement per cell would scan the cell table each time)
        changes = pl.DataFrame(
            [(r.report_id, r.item, r.col, r.value, "inferred", "X2") for r in decide]
            + [(rid, item, col, None, "ambiguous", None) for rid, item, col in undo],
            schema={
                "report_id": pl.String,
                "row_code": pl.String,
                "col_code": pl.String,
                "value": pl.Float64,
                "status": pl.String,
                "rule": pl.String,
            },
            orient="row",
        )
        con.register("x2_changes", changes.to_arrow())  # as Arrow, like load()'s frames
        con.execute(
            "update raw.report_cells c set value = x.value, status = x.status, rule = x.rule "
            "from x2_changes x where c.report_id = x.report_id and c.table_id = 't2' "
            "and c.row_code = x.row_code and c.col_code = x.col_code"
        )
        # the cells' issues: what was said of each changed cell goes, what is true now is said
        con.execute(
            "delete from raw.parse_issues i using x2_changes x where i.report_id = x.report_id "
            "and i.table_id = 't2' and i.row_code = x.row_code and i.col_code = x.col_code "
            "and i.code in ('ambiguous_cell', 'inferred_cell')"
        )
        said = pl.DataFrame(
            new_issues + undo_issues,
            schema={
                "report_id": pl.String,
                "severity": pl.String,
                "code": pl.String,
                "table_id": pl.String,
                "row_code": pl.String,
                "col_code": pl.String,
                "message": pl.String,
            },
            orient="row",
        )
        con.register("x2_said", said.to_arrow())
        con.execute(
            """insert into raw.parse_issues by name
            select s.report_id, s.severity, s.code, s.table_id, s.row_code, s.col_code, s.message,
                   (coalesce((select max(seq) from raw.parse_issues i where i.report_id = s.report_id), -1)
                    + row_number() over (partition by s.report_id order by s.row_code, s.col_code))::integer as seq,
                   null::integer as line
            from x2_said s"""
        )
        ids = "select report_id from x2_changes"
        con.execute(
            f"""update raw.reports r set
                n_inferred = c.n_inferred, n_ambiguous = c.n_ambiguous, n_issues = i.n_issues,
                status = case when r.status in ('ok', 'partial')
                              then case when c.n_ambiguous = 0 and c.n_tables = 3 then 'ok' else 'partial' end
                              else r.status end,
                -- re-stamped without being re-read: its agency and year are as they were (dbt's
                -- new_report_scope tells it from a re-parsed report by this)
                x2_revised_in = case when r.ingest_id is distinct from $1 then $1 else r.x2_revised_in end,
                ingest_id = $1, loaded_at = now()
            from (select report_id, count(*) filter (where status = 'inferred') as n_inferred,
                         count(*) filter (where status = 'ambiguous') as n_ambiguous,
                         count(distinct table_id) as n_tables
                  from raw.report_cells where report_id in ({ids}) group by report_id) c,
                 (select report_id, count(*) as n_issues from raw.parse_issues
                  where report_id in ({ids}) group by report_id) i
            where r.report_id = c.report_id and r.report_id = i.report_id""",
            [ingest_id],
        )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in ("x2_changes", "x2_said"):  # a name never registered is let go quietly
            con.unregister(name)
    return {"resolved": len(decide), "undone": len(undo), "reports": len(changed)}


def _option(values: dict[str, float | None]) -> Option:
    """(issued, repealed, in_force) from a cell → value map; a cell it lacks is unknown."""
    return values.get("issued"), values.get("repealed"), values.get("in_force")


def _candidates(readings: dict[int, dict[str, float | None]], col: str) -> str:
    """The values a cell takes over a row's readings, as the parser lists them."""
    values: set[float] = set()
    for reading in readings.values():
        v = reading.get(col)
        if v is not None:
            values.add(v)
    from .parse import fmt_number

    return ", ".join(fmt_number(v) for v in sorted(values))
