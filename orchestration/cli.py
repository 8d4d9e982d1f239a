"""``xxgk`` — the command line. Parser commands come from ingestion.cli and import no Dagster, dbt or GX;
the pipeline commands (run, ingest, report, bench) import them lazily."""

import argparse
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from ingestion.cli import build_parser, run_cli

MARTS = ("applications_by_applicant_type", "refusal_reasons", "review_litigation", "active_disclosure",
         "report_quality", "dim_agency", "carry_over_continuity", "region_rollup")


def _summary(ok: bool, ingest_id: str, checks: dict[str, bool]) -> None:
    import duckdb

    from ingestion.settings import Settings

    st = Settings.from_env()
    with duckdb.connect(str(st.warehouse), read_only=True) as con:
        batch = con.execute("select status, count(*) from raw.reports where ingest_id = ? group by 1 order by 1",
                            [ingest_id]).fetchall()
        total = con.execute("select status, count(*) from raw.reports group by 1 order by 1").fetchall()
        marts = [(m, con.execute(f"select count(*) from marts.{m}").fetchone()[0]) for m in MARTS]  # type: ignore[index]
        ing = con.execute("select n_files, n_new_sources, n_parsed from raw.ingests where ingest_id = ?",
                          [ingest_id]).fetchone()
        cells = con.execute(
            "select c.status::varchar, count(*), count(*) filter (where c.rule = 'X2') from raw.report_cells c "
            "join raw.reports r using (report_id) where r.ingest_id = ? group by 1 order by 1", [ingest_id]).fetchall()
    print(f"ingest {ingest_id}: {ing[0] if ing else 0} files, {ing[1] if ing else 0} new paths, "
          f"{ing[2] if ing else 0} reports parsed")
    print("  this ingest by status: " + (", ".join(f"{k} {v}" for k, v in batch) or "no new reports"))
    print("  warehouse by status:   " + ", ".join(f"{k} {v}" for k, v in total))
    x2 = sum(n for _, _, n in cells)
    print("  this ingest's cells:   " + (", ".join(f"{k} {v}" for k, v, _ in cells) or "none")
          + (f"; of the inferred, {x2} by X2 across years (表二 digits run together, split as the agency's "
             "neighbouring years allow)" if x2 else ""))
    print("  marts: " + ", ".join(f"{m} {n}" for m, n in marts))
    failed = [k for k, v in checks.items() if not v]
    print(f"  asset checks: {sum(checks.values())}/{len(checks)} passed" + (f"; failing: {', '.join(failed[:8])}"
                                                                           if failed else ""))
    print(f"warehouse:      {st.warehouse}")
    print(f"quality report: {st.reports / ingest_id / 'index.html'}  (also {st.reports / 'latest'})")
    print("example query:\n  .venv/bin/python -c \"import duckdb; print(duckdb.connect('data/warehouse.duckdb', "
          "read_only=True).sql('select reason_zh, sum(count) as n from marts.certified_refusal_reasons "
          "group by 1 order by 2 desc limit 10'))\"")
    if not ok:
        print("RUN FAILED: see the failing checks above and the quality report", file=sys.stderr)


def cmd_run(args: argparse.Namespace) -> int:
    """The main job on the bundled example data: generate it into an empty landing folder, run everything."""
    from ingestion.generate import generate
    from ingestion.settings import Settings

    st = Settings.from_env()
    st.landing.mkdir(parents=True, exist_ok=True)
    if not any(st.landing.iterdir()):
        truth_dir = st.landing.parent / "examples-truth"
        generate(truth_dir, args.n, seed=args.seed)
        for f in truth_dir.iterdir():
            if not f.name.endswith(".truth.json"):
                shutil.move(str(f), st.landing / f.name)
        print(f"landing was empty: generated {args.n} example reports into {st.landing} (ground truth in {truth_dir})")
    return _pipeline(None, args)


def cmd_ingest(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"xxgk ingest: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    return _pipeline([str(Path(p).resolve()) for p in args.paths], args)


def _pipeline(paths: list[str] | None, args: argparse.Namespace) -> int:
    if sys.stderr.isatty():
        os.environ.setdefault("XXGK_PROGRESS", "1")
    t = time.perf_counter()
    import contextlib

    from ingestion.settings import Settings
    from orchestration.run import run_pipeline

    # dagster-dbt echoes every dbt event to stdout; keep it in a log beside the instance, not on the terminal
    log = Settings.from_env().dagster_home / "last_run_stdout.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
        ok, ingest_id, checks = run_pipeline(paths, workers=args.workers, threshold=args.threshold)
    _summary(ok, ingest_id, checks)
    print(f"dbt and step output: {log}")
    print(f"done in {time.perf_counter() - t:.1f}s")
    return 0 if ok else 1


def cmd_report(args: argparse.Namespace) -> int:
    from expectations.report import build_report
    from orchestration.env import prepare

    prepare()
    print(build_report(args.ingest))
    return 0


def cmd_bench(args: argparse.Namespace) -> int:
    from orchestration.bench import bench

    results: dict[str, Any] = bench(args.n, args.seed, args.workers, Path(args.workdir) if args.workdir else None)
    out = Path(args.json or f"bench/results/pipeline-{args.n}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"written {out}")
    return 0


def cmd_latency(args: argparse.Namespace) -> int:
    """One new report dropped into a warehouse that already holds others, until the marts and the quality
    report show it. ``--via ingest``: ``xxgk ingest FILE`` timed end to end in a fresh process (start-up,
    archive, parse, gates, dbt marts, report). ``--via sensor``: a Dagster daemon with the landing sensor on
    (its own instance in a temporary DAGSTER_HOME), the file copied into an empty landing folder, timed until
    marts.report_quality holds it and the report names its ingest."""
    import hashlib
    import subprocess
    import tempfile

    import duckdb

    from ingestion.generate import generate
    from ingestion.settings import Settings

    st = Settings.from_env()
    if not st.warehouse.exists():
        print(f"no warehouse at {st.warehouse}: run `make run` (or point XXGK_WAREHOUSE at one) first", file=sys.stderr)
        return 2
    with duckdb.connect(str(st.warehouse), read_only=True) as con:
        before = con.execute("select count(*) from raw.reports").fetchone()[0]  # type: ignore[index]
    tmp = Path(tempfile.mkdtemp(prefix="xxgk-latency-"))
    bin_dir = Path(sys.executable).parent
    daemon = log = None
    env = os.environ.copy()
    ok = True
    try:
        if args.via == "sensor":
            env.update(DAGSTER_HOME=str(tmp / "dagster_home"), XXGK_LANDING=str(tmp / "landing"))
            (tmp / "landing").mkdir()
            subprocess.run([sys.executable, "-c", "from orchestration.env import prepare; prepare()"], env=env, check=True)
            subprocess.run([str(bin_dir / "dagster"), "sensor", "start", "landing_sensor", "-m", "orchestration.definitions"],
                           env=env, check=True, capture_output=True)
            log = (tmp / "daemon.log").open("w")
            daemon = subprocess.Popen([str(bin_dir / "dagster-daemon"), "run", "-m", "orchestration.definitions"],
                                      env=env, stdout=log, stderr=subprocess.STDOUT)
            if not _wait(lambda: "landing folder is empty" in (tmp / "daemon.log").read_text(errors="replace"), 120):
                print(f"the daemon's sensor did not tick within 120 s; see {tmp / 'daemon.log'}", file=sys.stderr)
                return 1
        for i in range(args.repeat):
            gen = tmp / f"gen-{i}"
            generate(gen, 1, seed=time.time_ns() % 2**31, defect_share=0.0)
            new = next(f for f in gen.iterdir() if not f.name.endswith(".truth.json") and not f.name.startswith("."))
            rid = hashlib.sha256(new.read_bytes()).hexdigest()
            t = time.perf_counter()
            if args.via == "sensor":
                # the run writes the report page last; the warehouse is looked at only then: a reader polling
                # it would take DuckDB's file lock from under the run's writers
                page = st.reports / "latest" / "index.html"
                stamp = page.stat().st_mtime_ns if page.exists() else 0
                shutil.copy(new, tmp / "landing" / new.name)
                shown = (_wait(lambda page=page, stamp=stamp: page.exists() and page.stat().st_mtime_ns != stamp, 300)
                         and _wait(lambda rid=rid: _shown(st, rid), 30, every_s=0.5))
                how = "dropped into the landing folder, the sensor's run"
            else:
                proc = subprocess.run([str(bin_dir / "xxgk"), "ingest", str(new)], capture_output=True, text=True, env=env)
                shown = proc.returncode == 0 and _shown(st, rid)
                how = f"`xxgk ingest FILE` (exit {proc.returncode})"
            secs = time.perf_counter() - t
            ok = ok and shown
            run_s = f" (the run itself {_last_run_seconds(tmp / 'dagster_home'):.1f} s)" if args.via == "sensor" else ""
            print(f"one new report into a warehouse of {before + i} reports: {how} took {secs:.1f} s{run_s}; "
                  f"in marts.report_quality and {st.reports / 'latest'}: {shown}")
    finally:
        if daemon is not None:
            daemon.terminate()
            try:
                daemon.wait(30)
            except subprocess.TimeoutExpired:
                daemon.kill()
        if log is not None:
            log.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0 if ok else 1


def _last_run_seconds(home: Path) -> float:
    """Start to end of the newest run of the instance in ``home`` (the rest is the sensor's tick, the run
    queue and the run process's start-up); NaN if it has not ended within 15 s."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        def ended() -> Any:
            records = instance.get_run_records(limit=1)
            return records[0] if records and records[0].start_time and records[0].end_time else None

        _wait(ended, 15)  # the report page is written just before the run ends
        record = ended()
        return float("nan") if record is None else record.end_time - record.start_time


def _wait(done: Any, timeout_s: float, every_s: float = 0.25) -> bool:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        if done():
            return True
        time.sleep(every_s)
    return False


def _shown(st: Any, rid: str) -> bool:
    """Whether marts.report_quality holds the report and the latest quality report names its ingest (False
    while a run holds the warehouse)."""
    import duckdb

    try:
        with duckdb.connect(str(st.warehouse), read_only=True) as con:
            in_marts = con.execute("select count(*) from marts.report_quality where report_id = ?", [rid]).fetchone()
            ingest = con.execute("select ingest_id from raw.reports where report_id = ?", [rid]).fetchone()
    except duckdb.Error:
        return False
    page = st.reports / "latest" / "index.html"
    return bool(in_marts and in_marts[0] and ingest and page.exists()
                and ingest[0] in page.read_text(encoding="utf-8", errors="replace"))


def cmd_eval_defects(args: argparse.Namespace) -> int:
    """Generate N reports with injected defects, ingest them (raw layer) and run the gates; per defect
    type, what caught it: a hard gate (error), a soft gate only (warning), the parse status."""
    from collections import Counter, defaultdict

    import duckdb

    from expectations.gates import run_gates
    from ingestion.generate import generate
    from ingestion.pipeline import ingest
    from ingestion.settings import Settings
    from orchestration.bench import scratch_workdir

    work = Path(args.workdir or f"bench/defects-{args.n}-{args.seed}").resolve()
    scratch_workdir(work)
    corpus = work / "corpus"
    generate(corpus, args.n, args.seed, args.defects)  # a few seconds; replaces its own earlier corpus
    truths = {t.name[: -len(".truth.json")]: json.loads(t.read_text(encoding="utf-8"))
              for t in corpus.glob("*.truth.json")}
    st = Settings.from_env()
    stats = ingest([str(corpus)], st)
    run_gates(stats.ingest_id, st)
    err: dict[str, set[str]] = defaultdict(set)
    warn: dict[str, set[str]] = defaultdict(set)
    with duckdb.connect(str(st.warehouse), read_only=True) as con:
        for src, exp, sev in con.execute(
                "select r.source, v.expectation, v.severity from dq.validation_results v join raw.reports r "
                "using (report_id) where v.ingest_id = ?", [stats.ingest_id]).fetchall():
            (err if sev == "error" else warn)[Path(src).name.split(".")[0]].add(exp)
        status = {Path(s).name.split(".")[0]: x for s, x in con.execute("select source, status from raw.reports").fetchall()}
    table: dict[str, Counter[str]] = defaultdict(Counter)
    unseen: list[str] = []
    for name, t in sorted(truths.items()):
        c = table[t["defect"] or "none"]
        c["reports"] += 1
        c["error"] += name in err
        c["warning only"] += name not in err and name in warn
        c["not ok"] += status.get(name) != "ok"
        if t["defect"] == "identity_broken" and name not in err and name not in warn:
            # cells lost in the scrape leave a reading of the print under which every identity holds
            unseen.append(f"{name}: status {status.get(name)}, changed {', '.join(t['changed'])}, "
                          f"{len(t['lost'])} cells lost in the scrape")
    print(f"{'defect':16} {'reports':>8} {'gate error':>11} {'warning only':>13} {'status not ok':>14}")
    for d, c in sorted(table.items()):
        print(f"{d:16} {c['reports']:8} {c['error']:11} {c['warning only']:13} {c['not ok']:14}")
    for u in unseen:
        print(f"  identity break no gate saw: {u}")
    false = table["none"]["error"]
    print(f"false errors on reports without a defect: {false}")
    return 0 if false == 0 else 1


def main(argv: list[str] | None = None) -> int:
    ap, sub = build_parser()
    for name, func, text in (("run", cmd_run, "the main job on the bundled example data (generated when landing "
                                              "is empty): archive, parse, gates, dbt marts, quality report"),
                             ("ingest", cmd_ingest, "the same job on your own files or folders (no UI)")):
        p = sub.add_parser(name, help=text)
        if name == "ingest":
            p.add_argument("paths", nargs="+")
        else:
            p.add_argument("--n", type=int, default=300)
            p.add_argument("--seed", type=int, default=2026)
        p.add_argument("--workers", type=int, default=0, help="parse processes (default: one per core)")
        p.add_argument("--threshold", type=float, help="share of failed+partial reports that fails the run (0.2)")
        p.set_defaults(func=func)
    r = sub.add_parser("report", help="rebuild the data-quality report of an ingest (default: the latest)")
    r.add_argument("--ingest")
    r.set_defaults(func=cmd_report)
    b = sub.add_parser("bench", help="time every stage on N generated reports (archive, parse, load, gates, dbt, report)")
    b.add_argument("--n", type=int, default=10_000)
    b.add_argument("--seed", type=int, default=7)
    b.add_argument("--workers", type=int, default=0)
    b.add_argument("--workdir", help="where corpus and warehouse go (default bench/work-N)")
    b.add_argument("--json", default=None, help="default: bench/results/pipeline-<n>.json")
    b.set_defaults(func=cmd_bench)
    ev = sub.add_parser("eval-defects", help="inject defects into N generated reports; what the gates and the parser catch")
    ev.add_argument("--n", type=int, default=2000)
    ev.add_argument("--seed", type=int, default=11)
    ev.add_argument("--defects", type=float, default=0.3, help="share of reports with an injected defect")
    ev.add_argument("--workdir", help="default bench/defects-N-SEED")
    ev.set_defaults(func=cmd_eval_defects)
    lat = sub.add_parser("bench-latency", help="time one new report to the marts and the report, through `xxgk ingest "
                                               "FILE` or through the landing sensor")
    lat.add_argument("--via", choices=("ingest", "sensor"), default="ingest")
    lat.add_argument("--repeat", type=int, default=1, help="new reports, one after the other")
    lat.set_defaults(func=cmd_latency)
    return run_cli(ap, argv)


if __name__ == "__main__":
    sys.exit(main())
