"""``xxgk`` command line. The parse path imports only the parser (no dagster, dbt or GX)."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any


def _files(paths: Iterable[str]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if f.is_file() and not f.name.endswith(".truth.json") and not f.name.startswith("."):
                    yield f
        else:
            yield path


def cmd_parse(args: argparse.Namespace) -> int:
    from .parse import parse_file

    any_failed = False
    out = sys.stdout
    for f in _files(args.files):
        res = parse_file(f)
        any_failed |= res.status == "failed"
        if args.format == "json":
            out.write(json.dumps(res.as_json(), ensure_ascii=False) + "\n")
        else:
            _print_table(res)
    return 1 if any_failed else 0


def _print_table(res: Any) -> None:
    c = res.counts()
    print(
        f"{res.source}\n  status {res.status} · agency {res.agency} · year {res.year} · templates "
        f"t2={res.templates.get('t2')} t3={res.templates.get('t3')} · report_id {res.report_id[:12]}"
    )
    print(
        f"  cells: {res.n_cells} (printed {c['printed']}, blank {c['blank']}, inferred {c['inferred']}, "
        f"ambiguous {c['ambiguous']})"
    )
    from .codes import T3_COLS

    t3 = {(x.row, x.col): x for x in res.cells if x.table == "t3"}
    if t3:
        rows = list(dict.fromkeys(r for r, _ in t3))
        print("  表三 " + " ".join(f"{c[:8]:>9}" for c in T3_COLS))
        for r in rows:
            vals = []
            for col in T3_COLS:
                x = t3[(r, col)]
                mark = {"printed": "", "blank": "·", "inferred": "*", "ambiguous": "?"}[x.status]
                vals.append(f"{('' if x.value is None else int(x.value))}{mark:>1}".rjust(9))
            print(f"  {r[:40]:<40}" + " ".join(vals))
        print("  (* inferred by an identity, · printed blank, ? ambiguous)")
    for i in res.issues:
        if i.severity != "info":
            print(f"  {i.severity:7} {i.code:16} {i.message}")


def cmd_generate(args: argparse.Namespace) -> int:
    from .generate import generate

    t = time.perf_counter()
    try:
        truths = generate(Path(args.out), args.n, args.seed, args.defects)
    except FileExistsError as exc:
        print(f"xxgk generate: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {len(truths)} reports (+ .truth.json) to {args.out} in {time.perf_counter() - t:.1f}s")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    from .verify import verify_dir

    r = verify_dir(Path(args.dir), args.limit)
    tot = r["totals"]
    judged = tot.get("exact", 0) + tot.get("ambiguous", 0) + tot.get("silent", 0) + tot.get("blank_ok", 0)
    print(
        f"reports {tot.get('reports', 0)} · cells {tot.get('cells', 0)} · exact {tot.get('exact', 0)} "
        f"(of which inferred {tot.get('inferred_ok', 0)}) · ambiguous {tot.get('ambiguous', 0)} · "
        f"blank as printed {tot.get('blank_ok', 0)} · not emitted {tot.get('not_emitted', 0)} · "
        f"SILENT ERRORS {tot.get('silent', 0)} · indistinguishable {tot.get('indistinguishable', 0)} · wrong status {tot.get('status_wrong', 0)} · "
        f"wrong year {tot.get('year_wrong', 0)} · wrong agency {tot.get('agency_wrong', 0)}"
    )
    if judged:
        print(f"silent error rate {tot.get('silent', 0) / judged:.2e}")
    for layout, c in r["by_layout"].items():
        print(f"  {layout:38} " + " ".join(f"{k}={v}" for k, v in c.items()))
    for f in r["failures"][: args.show]:
        print(f"  ! {f['file']}: {'; '.join(f['errors'])}")
    if args.json:
        Path(args.json).write_text(json.dumps(r, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if tot.get("silent", 0) == 0 and not tot.get("status_wrong") else 1


def _peak_rss_mb() -> float:
    import resource

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def interpreter() -> str:
    """The running interpreter as a benchmark must name it: version, executable and how libpython is
    linked. A libpython shared library (``--enable-shared``, e.g. pyenv's default build) routes every
    call inside the interpreter through the PLT; Debian's python3.11, built with PGO and LTO and linked
    statically, parses ≈12% faster on the same machine (docs/scaling.md), so a figure means little
    without it."""
    import platform
    import sysconfig

    shared = False
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            shared = any("libpython" in line for line in maps)
    except OSError:  # not Linux: what the build says it produced
        shared = bool(sysconfig.get_config_var("Py_ENABLE_SHARED"))
    linked = "shared libpython" if shared else "libpython linked in"
    return f"{platform.python_implementation()} {platform.python_version()} ({os.path.realpath(sys.executable)}, {linked})"


def _in_fresh_process(fn: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """``fn()`` in a forked child (this process has parsed nothing, so the child's caches are empty)."""
    import multiprocessing as mp

    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def run() -> None:
        try:
            send.send(("ok", fn()))
        except BaseException as exc:  # the parent reports it; a child's traceback alone is easy to miss
            send.send(("error", f"{type(exc).__name__}: {exc}"))

    child = ctx.Process(target=run)
    child.start()
    send.close()  # the child's end only: a child that dies unannounced then reads as end of file
    try:
        kind, value = receive.recv()
    except EOFError:
        kind, value = "error", f"the benchmark process died (exit code {child.exitcode})"
    child.join()
    if kind != "ok":
        raise RuntimeError(f"bench-parse pass failed: {value}")
    return value  # type: ignore[no-any-return]


def cmd_bench(args: argparse.Namespace) -> int:
    from .generate import ensure_corpus

    if args.repeat < 1:
        print("xxgk bench-parse: --repeat must be at least 1", file=sys.stderr)
        return 2
    corpus = Path(args.corpus or f"bench/corpus-{args.n}-{args.seed}")
    if not args.corpus:  # a folder the user names is parsed as it is, never regenerated
        secs = ensure_corpus(corpus, args.n, args.seed)
        if secs is not None:
            print(f"generated {args.n} reports in {secs:.1f}s → {corpus}")
    files = sorted(
        str(p) for p in corpus.glob("*") if not p.name.endswith(".truth.json") and not p.name.startswith(".")
    )
    total_bytes = sum(os.path.getsize(f) for f in files)
    from . import native

    results: dict[str, Any] = {
        "n": len(files),
        "mb": round(total_bytes / 1e6, 1),
        "parser": native.STATUS,
        "python": interpreter(),
    }
    # what a pipeline worker does: chunks of reports parsed into the fact tables' columns
    from .pipeline import CHUNK, frames_stream, parse_chunk

    jobs = [(f, f) for f in files]

    def one_core() -> tuple[float, float]:
        # (the pass, of which the worker's start-up): the first chunk imports the parser and Polars,
        # once per process (≈0.15 s, 3–4% of a 10k pass, most of a pass over a few dozen reports)
        t = time.perf_counter()
        from . import facts, parse  # noqa: F401

        started = time.perf_counter() - t
        for i in range(0, len(jobs), CHUNK):
            parse_chunk(jobs[i : i + CHUNK])
        return time.perf_counter() - t, started

    workers = args.workers or os.cpu_count() or 1

    def all_cores() -> tuple[float, float]:
        # what the ingest does: a fork pool of workers, this process building Polars frames
        t = time.perf_counter()
        cells = sum(frames[1].height for _, frames in frames_stream(jobs, workers))
        return time.perf_counter() - t, cells

    # Each pass in a fresh process, its parse caches empty as a new worker's are: a second pass in the
    # same process finds every cell of the corpus memoised and runs ≈10% faster than any real ingest.
    # The machine's speed drifts by a third within minutes, so the median of several passes is the
    # figure and their range says how much to trust it.
    one_runs = [_in_fresh_process(one_core) for _ in range(args.repeat)]
    par_runs = [_in_fresh_process(all_cores) for _ in range(args.repeat)]
    cells = int(par_runs[-1][1])
    for times, key, per_s in (
        ([s for s, _ in one_runs], "parse_1_core_s", "parse_reports_per_s_per_core"),
        (
            [s - started for s, started in one_runs],
            "parse_1_core_after_start_s",
            "parse_reports_per_s_per_core_after_start",
        ),
        ([s for s, _ in par_runs], f"parse_{workers}_workers_s", "parse_reports_per_s_all_cores"),
    ):
        rates = sorted(round(len(files) / s) for s in times)
        results[key] = round(statistics.median(times), 2)
        results[per_s] = round(statistics.median(rates))
        results[per_s + "_range"] = [rates[0], rates[-1]]
    results["worker_start_s"] = round(statistics.median(started for _, started in one_runs), 3)
    results["passes"] = args.repeat
    results["cells"] = cells
    results["peak_rss_mb"] = round(_peak_rss_mb())
    for k, v in results.items():
        print(f"{k:34} {v}")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


def cmd_native(args: argparse.Namespace) -> int:
    from . import native

    if args.action == "build":
        return native.build(if_stale=args.if_stale)
    print(native.STATUS)
    return 0


def build_parser() -> tuple[argparse.ArgumentParser, Any]:
    """The parser-only commands (parse, generate, verify, bench); orchestration.cli adds the pipeline ones."""
    ap = argparse.ArgumentParser(prog="xxgk", description="政府信息公开工作年度报告 → DuckDB warehouse")
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser(
        "parse", help="parse report files; JSON Lines (one object per file) or a readable table"
    )
    p.add_argument("files", nargs="+")
    p.add_argument("--format", choices=("json", "table"), default="json")
    p.set_defaults(func=cmd_parse)
    g = sub.add_parser("generate", help="write a generated example corpus with ground truth")
    g.add_argument("--n", type=int, default=200)
    g.add_argument("--out", required=True)
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--defects", type=float, default=0.15, help="share of reports with an injected defect")
    g.set_defaults(func=cmd_generate)
    v = sub.add_parser("verify", help="parse a generated corpus and compare every cell with its ground truth")
    v.add_argument("dir")
    v.add_argument("--limit", type=int)
    v.add_argument("--show", type=int, default=20)
    v.add_argument("--json")
    v.set_defaults(func=cmd_verify)
    b = sub.add_parser(
        "bench-parse", help="parse throughput (reports/s per core) and peak RSS on a generated corpus"
    )
    b.add_argument("--n", type=int, default=10_000)
    b.add_argument("--seed", type=int, default=1)
    b.add_argument("--workers", type=int)
    b.add_argument("--corpus")
    b.add_argument("--repeat", type=int, default=3, help="timed passes; the median is reported (default 3)")
    b.add_argument("--json", default="bench/results/parse.json")
    b.set_defaults(func=cmd_bench)
    n = sub.add_parser(
        "native", help="compile the parser with mypyc (build), or say whether it runs compiled"
    )
    n.add_argument("action", choices=("build", "status"))
    n.add_argument(
        "--if-stale", action="store_true", help="build only if these sources were not built or tried"
    )
    n.set_defaults(func=cmd_native)
    return ap, sub


def run_cli(ap: argparse.ArgumentParser, argv: list[str] | None) -> int:
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0) if exc.code in (0, None) else 2
    rc: int = args.func(args)
    return rc


def main(argv: list[str] | None = None) -> int:
    ap, _ = build_parser()
    return run_cli(ap, argv)


if __name__ == "__main__":
    sys.exit(main())
