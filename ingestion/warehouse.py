"""Bulk-load parsed facts into DuckDB ``raw.*`` (no row-at-a-time inserts).

Loading is idempotent: a report's rows are replaced by report_id, so the same files twice give the
same warehouse. ``raw.report_sources`` keeps every path a report_id was seen under.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from .facts import CELLS, ISSUES, REPORTS

DDL = """
create schema if not exists raw;
create table if not exists raw.reports (
  report_id varchar primary key, source varchar, format varchar, encoding varchar, agency varchar,
  year integer, template_t2 varchar, template_t3 varchar, status varchar, parser_version varchar,
  n_cells integer, n_printed integer, n_blank integer, n_inferred integer, n_ambiguous integer,
  n_issues integer, bytes bigint, archived_path varchar, loaded_at timestamp);
create table if not exists raw.report_cells (
  report_id varchar, table_id varchar, row_code varchar, col_code varchar, value double, text varchar,
  status varchar, rule varchar, unit varchar, line integer, page integer,
  primary key (report_id, table_id, row_code, col_code));
create table if not exists raw.parse_issues (
  report_id varchar, seq integer, severity varchar, code varchar, table_id varchar, row_code varchar,
  col_code varchar, line integer, message varchar, primary key (report_id, seq));
create table if not exists raw.report_sources (report_id varchar, source_path varchar, first_seen timestamp,
  primary key (report_id, source_path));
"""


def connect(path: Path) -> duckdb.DuckDBPyConnection:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    con.execute(DDL)
    return con


def known_reports(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """report_id → parser_version of what is already loaded."""
    return dict(con.execute("select report_id, parser_version from raw.reports").fetchall())


def load(con: duckdb.DuckDBPyConnection, reports: pl.DataFrame, cells: pl.DataFrame, issues: pl.DataFrame,
         archived: dict[str, str]) -> None:
    """Replace the given reports' rows in one transaction."""
    for schema, df in ((REPORTS, reports), (CELLS, cells), (ISSUES, issues)):
        schema.validate(df)
    reports = reports.with_columns(
        pl.col("report_id").replace_strict(archived, default=None).alias("archived_path"),
        pl.lit(None, dtype=pl.Datetime).alias("loaded_at"),
    )
    con.execute("begin")
    try:
        con.register("new_reports", reports)
        con.register("new_cells", cells)
        con.register("new_issues", issues)
        con.execute("delete from raw.report_cells where report_id in (select report_id from new_reports)")
        con.execute("delete from raw.parse_issues where report_id in (select report_id from new_reports)")
        con.execute("delete from raw.reports where report_id in (select report_id from new_reports)")
        con.execute("insert into raw.reports select * exclude (loaded_at), now() from new_reports")
        con.execute("insert into raw.report_cells select * from new_cells")
        con.execute("insert into raw.parse_issues select * from new_issues")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        for name in ("new_reports", "new_cells", "new_issues"):
            con.unregister(name)


def record_sources(con: duckdb.DuckDBPyConnection, pairs: list[tuple[str, str]]) -> None:
    if pairs:
        df = pl.DataFrame(pairs, schema={"report_id": pl.String, "source_path": pl.String}, orient="row")
        con.register("new_sources", df)
        con.execute("insert or ignore into raw.report_sources select report_id, source_path, now() from new_sources")
        con.unregister("new_sources")
