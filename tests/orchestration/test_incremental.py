"""The per-report marts are incremental: after a second ingest they hold exactly what a full rebuild gives.
So does the 表三 pivot they share (int_t3__applicant_columns), and the marts rebuilt from it on every ingest."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from ingestion.generate import generate

INCREMENTAL = ("applications_by_applicant_type", "refusal_reasons", "review_litigation", "active_disclosure",
               "report_quality")
# (schema, table, rows expected from 9 reports): the incremental pivot, and the cross-report marts read from it
COMPARED = [("marts", t, True) for t in INCREMENTAL] + [
    ("staging", "int_t3__applicant_columns", True), ("marts", "carry_over_continuity", False),
    ("marts", "region_rollup", False)]
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


@pytest.mark.slow
def test_incremental_marts_equal_a_full_rebuild(pipeline_home: Path) -> None:
    tmp_path = pipeline_home
    from orchestration.run import run_pipeline

    corpus = tmp_path / "corpus"
    generate(corpus, 9, seed=5, defect_share=0.3)
    reports = sorted(p for p in corpus.iterdir() if not p.name.endswith(".json") and not p.name.startswith("."))
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir(), second.mkdir()
    for p in reports[:5]:
        shutil.copy(p, first / p.name)
    for p in reports[5:]:
        shutil.copy(p, second / p.name)
    shutil.copy(reports[0], second / ("again-" + reports[0].name))  # a known report at a new path
    assert run_pipeline([str(first)], workers=1, threshold=1.0)[0]
    assert run_pipeline([str(second)], workers=1, threshold=1.0)[0]

    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    shutil.copy(tmp_path / "w.duckdb", rebuilt / "w.duckdb")  # same file name: views name their catalog
    env = {**os.environ, "XXGK_WAREHOUSE": str(rebuilt / "w.duckdb"), "DO_NOT_TRACK": "1"}
    dbt = Path(sys.executable).with_name("dbt")
    proc = subprocess.run([str(dbt), "build", "--full-refresh", "--select", "int_t3__applicant_columns", "marts", "--quiet",
                           "--target-path", str(tmp_path / "dbt-target")],
                          cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    con.execute(f"attach '{rebuilt / 'w.duckdb'}' as full_build (read_only)")
    for schema, table, has_rows in COMPARED:
        cols = ", ".join(c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_catalog = 'w' and table_schema = ? "
            "and table_name = ? and column_name <> 'loaded_at' order by ordinal_position", [schema, table]).fetchall())
        assert cols, (schema, table)
        n = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]  # type: ignore[index]
        extra = con.execute(f"select count(*) from (select {cols} from {schema}.{table} except all "
                            f"select {cols} from full_build.{schema}.{table})").fetchone()[0]  # type: ignore[index]
        missing = con.execute(f"select count(*) from (select {cols} from full_build.{schema}.{table} except all "
                              f"select {cols} from {schema}.{table})").fetchone()[0]  # type: ignore[index]
        assert (n > 0 or not has_rows) and extra == 0 and missing == 0, (table, n, extra, missing)
    # the report found again at a new path counts both paths
    assert con.execute("select max(n_source_paths) from marts.report_quality").fetchone() == (2,)


@pytest.mark.slow
def test_a_report_that_lost_a_table_on_reparse_leaves_no_rows_behind(pipeline_home: Path) -> None:
    """A new parser version re-parses a report and no longer finds its 表三: the incremental models must
    drop its old 表三 rows, not keep them because the new parse has none to replace them with."""
    from orchestration.run import run_pipeline

    corpus = pipeline_home / "corpus"
    generate(corpus, 3, seed=8, defect_share=0.0)
    assert run_pipeline([str(corpus)], workers=1, threshold=1.0)[0]
    warehouse = pipeline_home / "w.duckdb"
    con = duckdb.connect(str(warehouse))
    rid = con.execute("select min(report_id) from marts.refusal_reasons").fetchone()[0]  # type: ignore[index]
    con.execute("delete from raw.report_cells where report_id = ? and table_id = 't3'", [rid])
    con.execute("update raw.reports set ingest_id = '29991231T000000Z-reparse', status = 'partial' "
                "where report_id = ?", [rid])
    con.close()
    env = {**os.environ, "XXGK_WAREHOUSE": str(warehouse), "DO_NOT_TRACK": "1"}
    proc = subprocess.run([str(Path(sys.executable).with_name("dbt")), "run", "--quiet",
                           "--target-path", str(pipeline_home / "dbt-target")],
                          cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    con = duckdb.connect(str(warehouse), read_only=True)
    for table in ("staging.int_t3__applicant_columns", "marts.applications_by_applicant_type",
                  "marts.refusal_reasons"):
        assert con.execute(f"select count(*) from {table} where report_id = ?", [rid]).fetchone() == (0,), table
    assert con.execute("select report_status from marts.report_quality where report_id = ?",
                       [rid]).fetchall() == [("partial",)]
    others = con.execute("select count(distinct report_id) from marts.refusal_reasons").fetchone()[0]  # type: ignore[index]
    assert others == 2


@pytest.mark.slow
def test_an_ingest_of_known_reports_at_new_paths_is_taken_in_once(pipeline_home: Path) -> None:
    """An ingest that only finds known reports at new paths writes no row carrying its id: the models must
    still count it as taken in, or every later build selects those reports again (and the list grows)."""
    from orchestration.run import run_pipeline

    corpus, again = pipeline_home / "corpus", pipeline_home / "again"
    generate(corpus, 3, seed=9, defect_share=0.0)
    assert run_pipeline([str(corpus)], workers=1, threshold=1.0)[0]
    shutil.copytree(corpus, again)
    assert run_pipeline([str(again)], workers=1, threshold=1.0)[0]
    con = duckdb.connect(str(pipeline_home / "w.duckdb"), read_only=True)
    assert con.execute("select count(*) from raw.ingests").fetchone() == (2,)
    for model in [*[f"marts.{t}" for t in INCREMENTAL], "staging.int_t3__applicant_columns"]:
        left = con.execute(f"""
            with seen as (select ingest_id from dq.model_ingests where model = '{model}'
                          union select ingest_id from {model})
            select count(*) from (
                select report_id from raw.reports where ingest_id not in (select ingest_id from seen)
                union select report_id from raw.report_sources where ingest_id not in (select ingest_id from seen))
        """).fetchone()
        assert left == (0,), model
    assert con.execute("select min(n_source_paths) from marts.report_quality").fetchone() == (2,)
