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

import duckdb
import polars as pl

from .facts import CELLS, ISSUES, READINGS, REPORTS


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
  n_issues integer, bytes bigint, prose_applications bigint, prose_reviews bigint, archived_path varchar, ingest_id varchar, loaded_at timestamp);
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

