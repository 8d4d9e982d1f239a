"""`xxgk bench --n N`: every stage of an ingest on N generated reports, timed; a table and JSON.

The stages are the library calls the Dagster assets make; Dagster's own per-run overhead (~10 s:
imports, event log, three dbt invocations) is not part of these figures.
"""

import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _rss_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return round(own), round(kids)


def scratch_workdir(work: Path) -> None:
    """Point archive, warehouse and reports at ``work`` (this process and its children) and empty them;
    a corpus kept there stays."""
    import shutil

    for var, sub in (("XXGK_ARCHIVE", "archive"), ("XXGK_WAREHOUSE", "warehouse.duckdb"), ("XXGK_REPORTS", "reports")):
        os.environ[var] = str(work / sub)
        p = work / sub
        shutil.rmtree(p) if p.is_dir() else p.unlink(missing_ok=True)


def bench(n: int, seed: int = 7, workers: int = 0, workdir: Path | None = None) -> dict[str, Any]:
    from orchestration.env import DBT_PROJECT_DIR, OFFLINE_ENV, dbt_manifest

    work = (workdir or Path("bench") / f"work-{n}").resolve()
    corpus = work / "corpus"
    scratch_workdir(work)
    from ingestion.cli import interpreter
    from ingestion.generate import ensure_corpus
    from ingestion.pipeline import new_ingest_id, parse_pending, register
    from ingestion.settings import Settings
    from ingestion.warehouse import connect

    secs = ensure_corpus(corpus, n, seed)
    if secs is not None:
        print(f"generated {n} reports in {secs:.1f}s → {corpus}", flush=True)
    st = Settings.from_env()
    ingest_id = new_ingest_id()
    rows: list[tuple[str, float]] = []
    rss: dict[str, tuple[float, float]] = {}  # stage → peak RSS (main, children) once it finished
    con = connect(st.warehouse)
    t = time.perf_counter()
    register(con, [str(corpus)], st, ingest_id)
    rows.append(("archive + registry", time.perf_counter() - t))
    rss[rows[-1][0]] = _rss_mb()
    _, timings = parse_pending(con, ingest_id, workers or None)
    rows.append((f"parse ({workers or os.cpu_count()} workers)", timings["parse_s"]))
    rss[rows[-1][0]] = _rss_mb()
    rows.append(("load raw.* (DuckDB, Arrow)", timings["load_s"]))
    rss[rows[-1][0]] = rss[rows[-2][0]] = _rss_mb()  # parse and load overlap: one figure for both
    rows.append(("X2 across years (raw.*)", timings["resolve_s"]))
    rss[rows[-1][0]] = rss[rows[-2][0]]
    con.close()
    from expectations.gates import run_gates

    t = time.perf_counter()
    gates = run_gates(ingest_id, st)
    rows.append(("quality gates (GX + dq.*)", time.perf_counter() - t))
    rss[rows[-1][0]] = _rss_mb()
    dbt_manifest()
    t = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("dbt")), "build", "--quiet", "--profiles-dir",
                    str(DBT_PROJECT_DIR)], cwd=DBT_PROJECT_DIR, check=True, env={**os.environ, **OFFLINE_ENV})
    rows.append(("dbt build (models + tests)", time.perf_counter() - t))
    rss[rows[-1][0]] = _rss_mb()
    from expectations.report import build_report

    t = time.perf_counter()
    build_report(ingest_id, st)
    rows.append(("report (HTML)", time.perf_counter() - t))
    rss[rows[-1][0]] = _rss_mb()
    total = sum(s for _, s in rows)
    own, kids = _rss_mb()
    import duckdb

    with duckdb.connect(str(st.warehouse), read_only=True) as c:
        cells = c.execute("select count(*) from raw.report_cells").fetchone()[0]  # type: ignore[index]
        x2 = x2_against_truth(c)
    print(f"\n{'stage':32} {'seconds':>9} {'reports/s':>10} {'peak RSS MB (main/child)':>26}")
    for name, secs in rows:
        own_mb, kid_mb = rss[name]
        print(f"{name:32} {secs:9.2f} {n / secs if secs else 0:10.0f} {own_mb:>17.0f} / {kid_mb:.0f}")
    print(f"{'total':32} {total:9.2f} {n / total:10.0f}")
    print(f"peak RSS: main process {own} MB, largest child {kids} MB · cells {cells} · "
          f"gates: {sum(c.unexpected for c in gates.checks)} failing rows · warehouse "
          f"{st.warehouse.stat().st_size / 1e6:.0f} MB")
    print(f"X2 across years: {x2['decided']} cells decided, {x2['equal_to_truth']} equal to the generator's truth; "
          f"{x2['left_ambiguous']} cells of those rows left ambiguous")
    return {"n": n, "stages": {k: round(v, 3) for k, v in rows}, "peak_rss_after_stage_mb": rss, "total_s": round(total, 2),
            "reports_per_s": round(n / total, 1), "peak_rss_main_mb": own, "peak_rss_child_mb": kids,
            "cells": cells, "x2": x2, "cpu_count": os.cpu_count(), "python": interpreter()}


def x2_against_truth(con: Any) -> dict[str, int]:
    """The 表二 cells X2 decided across years, each compared with the ground truth the generator wrote
    beside its report, and the cells of those rows (2021 template) left ambiguous."""
    import json

    decided = con.execute(
        "select r.source, c.row_code::varchar, c.col_code::varchar, c.value from raw.report_cells c "
        "join raw.reports r using (report_id) where c.rule = 'X2'").fetchall()
    equal = 0
    truths: dict[str, Any] = {}
    for source, row, col, value in decided:
        path = Path(source).with_suffix(".truth.json")
        if source not in truths:
            truths[source] = json.loads(path.read_text("utf-8")) if path.exists() else None
        truth = truths[source]
        equal += truth is not None and truth["t2"].get(row, {}).get(col) == value
    left = con.execute(
        "select count(*) from raw.report_cells c join raw.reports r using (report_id) where c.status = 'ambiguous' "
        "and c.table_id = 't2' and c.row_code in ('rules', 'normative_documents') and r.template_t2 = '2021'"
    ).fetchone()[0]
    return {"decided": len(decided), "equal_to_truth": int(equal), "left_ambiguous": int(left)}
