"""Every check query runs the way GX runs it: wrapped as a derived table (a trailing ``--`` comment, for
one, would swallow the closing parenthesis and GX would report the check as failing to run)."""

from __future__ import annotations

from pathlib import Path

from expectations.checks import BATCH_CELLS_QUERY, BATCH_CELLS_SQL, CHECKS
from ingestion.warehouse import connect, write_reference


def test_every_check_query_runs_wrapped_as_gx_wraps_it(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    write_reference(con)
    con.execute("create or replace table dq.current_batch as select 'x'::varchar as ingest_id")
    con.execute(f"create or replace table dq.batch_cells as {BATCH_CELLS_SQL}")
    for c in CHECKS:
        sql = c.query.replace("{batch}", f"({BATCH_CELLS_QUERY})")
        n = con.execute(f"SELECT COUNT(*) as unexpected_row_count FROM ({sql}) AS substituted_batch_subquery").fetchone()
        assert n == (0,), c.name


def test_unique_cell_reports_a_repeated_cell_and_only_that(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    con.execute("create or replace table dq.current_batch as select 'x'::varchar as ingest_id")
    con.execute(f"create or replace table dq.batch_cells as {BATCH_CELLS_SQL} limit 0")
    rows = [("r1", "t3", "granted", "total", 1.0), ("r1", "t3", "granted", "total", 2.0),  # repeated
            ("r1", "t3", "granted", "other_org", 1.0), ("r2", "t3", "granted", "total", 1.0)]
    con.executemany("insert into dq.batch_cells (report_id, table_id, row_code, col_code, value) values (?, ?, ?, ?, ?)",
                    rows)
    check = next(c for c in CHECKS if c.name == "schema.unique_cell")
    found = con.execute(check.query.replace("{batch}", f"({BATCH_CELLS_QUERY})")).fetchall()
    assert [(r[0], r[1], r[2], r[3], r[4]) for r in found] == [("r1", "t3", "granted", "total", 2.0)]
