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


def test_schema_codes_flags_every_cell_of_a_code_its_table_does_not_have(tmp_path: Path) -> None:
    """A code of the contract in the wrong table (表四's proceeding as a 表三 row) is flagged on each of its
    cells, with the triple in the message; cells whose codes belong to their table are not."""
    con = connect(tmp_path / "w.duckdb")
    write_reference(con)
    con.execute("create or replace table dq.current_batch as select 'x'::varchar as ingest_id")
    con.execute(f"create or replace table dq.batch_cells as {BATCH_CELLS_SQL} limit 0")
    rows = [("r1", "t3", "granted", "total"), ("r1", "t3", "administrative_review", "total"),
            ("r2", "t3", "administrative_review", "total"), ("r2", "t4", "administrative_review", "total"),
            ("r2", "t2", "rules", "upheld")]
    con.executemany("insert into dq.batch_cells (report_id, table_id, row_code, col_code) values (?, ?, ?, ?)", rows)
    check = next(c for c in CHECKS if c.name == "schema.codes")
    found = sorted(con.execute(check.query.replace("{batch}", f"({BATCH_CELLS_QUERY})")).fetchall())
    assert [r[:4] for r in found] == [("r1", "t3", "administrative_review", "total"),
                                      ("r2", "t2", "rules", "upheld"), ("r2", "t3", "administrative_review", "total")]
    assert found[1][6] == "code outside the spec: t2 rules × upheld"


def test_cross_year_checks_flag_a_broken_chain_and_only_that(tmp_path: Path) -> None:
    """X1 (carry-over) and X2 (in force) between an agency's consecutive reports: each flags the one
    figure that does not continue the year before, with both years' figures in its message; the chain
    that holds, and another agency's report, are left alone."""
    con = connect(tmp_path / "w.duckdb")
    write_reference(con)
    reports = [("a21", "甲县人民政府", 2021, "old"), ("a22", "甲县人民政府", 2022, "new"), ("b22", "乙县人民政府", 2022, "new")]
    con.executemany("insert into raw.reports by name select ? as report_id, ? as agency, ? as year, "
                    "'2021' as template_t2, '2021' as template_t3, 'ok' as status, 0 as n_ambiguous, "
                    "? as ingest_id", reports)
    cells = [
        # 表二 normative_documents: 40 in force, then 40 + 3 − 2 = 41, printed 45 (X2); rules hold: 2 + 1 − 0 = 3
        ("a21", "t2", "normative_documents", "issued", 5), ("a21", "t2", "normative_documents", "repealed", 1),
        ("a21", "t2", "normative_documents", "in_force", 40), ("a22", "t2", "normative_documents", "issued", 3),
        ("a22", "t2", "normative_documents", "repealed", 2), ("a22", "t2", "normative_documents", "in_force", 45),
        ("a21", "t2", "rules", "issued", 2), ("a21", "t2", "rules", "repealed", 0), ("a21", "t2", "rules", "in_force", 2),
        ("a22", "t2", "rules", "issued", 1), ("a22", "t2", "rules", "repealed", 0), ("a22", "t2", "rules", "in_force", 3),
        # 表三: 4 carried forward out of 2021, 3 carried over into 2022 (X1, total); natural persons agree
        ("a21", "t3", "carried_forward", "total", 4), ("a22", "t3", "carried_over", "total", 3),
        ("a21", "t3", "carried_forward", "natural_person", 3), ("a22", "t3", "carried_over", "natural_person", 3),
        ("b22", "t3", "carried_over", "total", 9), ("b22", "t2", "normative_documents", "in_force", 7),
    ]
    con.executemany("insert into raw.report_cells (report_id, table_id, row_code, col_code, value, status) "
                    "values (?, ?, ?, ?, ?, 'printed')", cells)
    con.execute("create or replace table dq.current_batch as select 'new'::varchar as ingest_id")
    con.execute(f"create or replace table dq.batch_cells as {BATCH_CELLS_SQL}")
    found = {}
    for name in ("X1", "X2"):
        check = next(c for c in CHECKS if c.name == name)
        found[name] = con.execute(check.query.replace("{batch}", f"({BATCH_CELLS_QUERY})")).fetchall()
    assert [r[:6] for r in found["X1"]] == [("a22", "t3", "carried_over", "total", 3.0, 4.0)]
    assert found["X1"][0][6] == "甲县人民政府 2022 · X1 · total: 上年结转 3 ≠ 2021年结转下年度 4"
    assert [r[:6] for r in found["X2"]] == [("a22", "t2", "normative_documents", "in_force", 45.0, 41.0)]
    assert found["X2"][0][6] == "甲县人民政府 2022 · X2 · normative_documents: 现行有效 45 ≠ 40 + 3 − 2"
