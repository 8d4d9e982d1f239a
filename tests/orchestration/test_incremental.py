"""The per-report marts are incremental: after a second ingest they hold exactly what a full rebuild gives.
So does the 表三 pivot they share (int_t3__applicant_columns), and the marts rebuilt from it on every ingest."""

from __future__ import annotations

import json
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
# (schema, table): the per-report marts, the incremental 表三 pivot, and the cross-report marts read from it
COMPARED = [("marts", t) for t in INCREMENTAL] + [
    ("staging", "int_t3__applicant_columns"), ("marts", "carry_over_continuity"), ("marts", "region_rollup")]
DBT_PROJECT = Path(__file__).resolve().parents[2] / "dbt_project"


# a row no report gives, in a group no generated report falls in: it survives a build that recomputes only
# the new reports' groups, and a full build removes it
SENTINELS = {
    "carry_over_continuity": "insert into marts.carry_over_continuity (agency, report_year, applicant_type, report_id) "
                             "values ('哨兵单位', 1900, 'total', 'sentinel')",
    "region_rollup": "insert into marts.region_rollup (province, report_year, parent_agency, parent_report_id, "
                     "n_children) values ('哨兵省', 1900, '哨兵单位', 'sentinel', 1)",
}


def _plant_sentinels(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        for sql in SENTINELS.values():
            con.execute(sql)


def _sentinels_left(warehouse: Path) -> dict[str, int]:
    """How many sentinel rows each mart still holds; then they are removed."""
    where = {"carry_over_continuity": "report_id = 'sentinel'", "region_rollup": "parent_report_id = 'sentinel'"}
    with duckdb.connect(str(warehouse)) as con:
        left = {t: con.execute(f"select count(*) from marts.{t} where {w}").fetchone()[0]  # type: ignore[index]
                for t, w in where.items()}
        for t, w in where.items():
            con.execute(f"delete from marts.{t} where {w}")
    return left


def _rows(warehouse: Path) -> dict[str, set[tuple[object, ...]]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {t: set(con.execute(f"select * from marts.{t}").fetchall()) for t in SENTINELS}


def _assert_equal_to_a_full_rebuild(tmp_path: Path, compared: list[tuple[str, str]]) -> None:
    """A full `dbt build` of a copy of the warehouse gives exactly the rows the ingests' builds left. The
    rebuild runs dbt's unit tests too (an ingest's build leaves them out): all must run and pass."""
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    shutil.copy(tmp_path / "w.duckdb", rebuilt / "w.duckdb")  # same file name: views name their catalog
    env = {**os.environ, "XXGK_WAREHOUSE": str(rebuilt / "w.duckdb"), "DO_NOT_TRACK": "1"}
    dbt = Path(sys.executable).with_name("dbt")
    target = tmp_path / "dbt-target"
    proc = subprocess.run([str(dbt), "build", "--full-refresh", "--select", "int_t3__applicant_columns", "marts", "--quiet",
                           "--target-path", str(target)],
                          cwd=DBT_PROJECT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-2000:]
    results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
    unit = {r["unique_id"].split(".")[2]: r["status"] for r in results if r["unique_id"].startswith("unit_test.")}
    assert unit == {m: "pass" for m in ("applications_by_applicant_type", "refusal_reasons", "review_litigation",
                                        "carry_over_continuity", "region_rollup")}, unit
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    con.execute(f"attach '{rebuilt / 'w.duckdb'}' as full_build (read_only)")
    for schema, table in compared:
        cols = ", ".join(c for (c,) in con.execute(
            "select column_name from information_schema.columns where table_catalog = 'w' and table_schema = ? "
            "and table_name = ? and column_name <> 'loaded_at' order by ordinal_position", [schema, table]).fetchall())
        assert cols, (schema, table)
        n = con.execute(f"select count(*) from {schema}.{table}").fetchone()[0]  # type: ignore[index]
        extra = con.execute(f"select count(*) from (select {cols} from {schema}.{table} except all "
                            f"select {cols} from full_build.{schema}.{table})").fetchone()[0]  # type: ignore[index]
        missing = con.execute(f"select count(*) from (select {cols} from full_build.{schema}.{table} except all "
                              f"select {cols} from {schema}.{table})").fetchone()[0]  # type: ignore[index]
        assert n > 0 and extra == 0 and missing == 0, (table, n, extra, missing)
    con.close()


@pytest.mark.slow
def test_incremental_marts_equal_a_full_rebuild(pipeline_home: Path) -> None:
    """Three ingests: most of a corpus; a few new reports and a known one at a new path; the rest, all new.
    The per-report marts replace the reports each ingest touched. The cross-report marts are rebuilt in full
    when a known report comes again (it may be a new reading of it), and otherwise recompute only the new
    reports' agencies (carry_over_continuity) and provinces and years (region_rollup). After the last
    ingest every mart equals a full rebuild; the corpus's agencies report runs of consecutive years and share
    counties, so the last ingest adds pairs and children to groups the first began."""
    tmp_path = pipeline_home
    from orchestration.run import run_pipeline

    corpus = tmp_path / "corpus"
    generate(corpus, 60, seed=11, defect_share=0.1)
    reports = sorted(p for p in corpus.iterdir() if not p.name.endswith(".json") and not p.name.startswith("."))
    batches = [tmp_path / "first", tmp_path / "second", tmp_path / "third"]
    for b in batches:
        b.mkdir()
    for i, p in enumerate(reports):  # every third report comes later: an agency's years span the ingests
        shutil.copy(p, batches[0 if i % 3 != 2 else (1 if i < 12 else 2)] / p.name)
    shutil.copy(reports[0], batches[1] / ("again-" + reports[0].name))  # a known report at a new path
    warehouse = tmp_path / "w.duckdb"

    assert run_pipeline([str(batches[0])], workers=1, threshold=1.0)[0]
    _plant_sentinels(warehouse)
    assert run_pipeline([str(batches[1])], workers=1, threshold=1.0)[0]
    assert _sentinels_left(warehouse) == {"carry_over_continuity": 0, "region_rollup": 0}  # rebuilt in full

    before = _rows(warehouse)
    _plant_sentinels(warehouse)
    ok3, ingest3, _ = run_pipeline([str(batches[2])], workers=1, threshold=1.0)
    assert ok3
    assert _sentinels_left(warehouse) == {"carry_over_continuity": 1, "region_rollup": 1}  # only new groups
    # X2 across years revised earlier reports' 表二 cells with the new years: the report counts them
    con = duckdb.connect(str(warehouse), read_only=True)
    x2, revised = con.execute(
        "select count(*) filter (where c.rule = 'X2'), count(distinct c.report_id) filter "
        "(where r.x2_revised_in = r.ingest_id) from raw.report_cells c join raw.reports r using (report_id) "
        "where r.ingest_id = ?", [ingest3]).fetchone()
    con.close()
    assert x2 > 0 and revised > 0
    page = (tmp_path / "reports" / ingest3 / "index.html").read_text(encoding="utf-8")
    assert f"跨年判定 X2 across years<b>{x2}</b>cells · {revised} earlier reports revised" in page
    after = _rows(warehouse)
    for t in SENTINELS:  # the last ingest added or changed rows of groups the first began
        assert before[t] and after[t] - before[t], (t, len(before[t]), len(after[t]))

    _assert_equal_to_a_full_rebuild(tmp_path, COMPARED)
    # the report found again at a new path counts both paths
    con = duckdb.connect(str(warehouse), read_only=True)
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
