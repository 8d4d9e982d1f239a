"""Run the quality gates on one ingest and store what they found in the warehouse.

1. ``dq.current_batch`` names the ingest and ``dq.batch_cells`` holds its cells (materialised once);
   the GX batch assets select only these, so each ingest validates what it loaded, not the whole
   warehouse again.
2. The GX checkpoint runs the three suites (identities, schema, soft) and updates the Data Docs.
3. Every failing row of every row-level check goes to ``dq.validation_results`` (report, check,
   row/col, both sides, message) — the same SQL text GX ran, executed here in full because GX keeps at
   most a sample of unexpected rows. The row count must equal GX's count, or the run stops. A check GX
   ran successfully with no unexpected row is not run a third time.
4. The batch verdict: share of failed or partial reports against the threshold (default 20%).
"""

import logging
import os
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from ingestion.settings import Settings
from ingestion.warehouse import MEMORY_LIMIT, open_db

from .checks import BATCH_CELLS_QUERY, BATCH_CELLS_SQL, CHECKS
from .suites import GX_SITE

DEFAULT_THRESHOLD = float(os.environ.get("XXGK_BAD_SHARE_THRESHOLD", "0.2"))


@dataclass
class CheckOutcome:
    suite: str
    check: str
    severity: str
    success: bool
    unexpected: int
    description: str


@dataclass
class BatchVerdict:
    """The batch gate of one ingest: share of failed or partial reports against the threshold."""

    by_status: dict[str, int]
    threshold: float
    worst: list[str]  # readable names of the worst reports (failed first, then most identity errors)

    @property
    def n(self) -> int:
        return sum(self.by_status.values())

    @property
    def bad(self) -> int:
        return self.by_status.get("failed", 0) + self.by_status.get("partial", 0)

    @property
    def share(self) -> float:
        return self.bad / self.n if self.n else 0.0

    @property
    def ok(self) -> bool:
        return self.share <= self.threshold


def batch_verdict(con: duckdb.DuckDBPyConnection, ingest_id: str, threshold: float = DEFAULT_THRESHOLD,
                  limit: int = 5) -> BatchVerdict:
    # the reports this ingest loaded: not those it only re-stamped because X2 decided some of their cells
    # with a new neighbour (x2_revised_in), whose reading is the earlier ingest's and was judged there
    by_status = dict(con.execute("select status, count(*) from raw.reports where ingest_id = ? "
                                 "and x2_revised_in is distinct from ingest_id group by 1", [ingest_id]).fetchall())
    worst = [row[0] for row in con.execute(
        """select coalesce(r.agency, '?') || ' ' || coalesce(cast(r.year as varchar), '?') || ' (' || r.status
                  || coalesce(', ' || string_agg(distinct v.expectation, ',') filter (where v.severity = 'error'), '')
                  || ', ' || r.source || ')'
           from raw.reports r
           left join dq.validation_results v on v.report_id = r.report_id and v.ingest_id = r.ingest_id
           where r.ingest_id = ? and r.x2_revised_in is distinct from r.ingest_id
             and (r.status in ('failed', 'partial') or v.severity = 'error')
           group by r.report_id, r.agency, r.year, r.status, r.source, r.n_ambiguous
           order by r.status = 'failed' desc, count(v.report_id) filter (where v.severity = 'error') desc,
                    r.n_ambiguous desc, r.source
           limit ?""", [ingest_id, limit]).fetchall()]
    return BatchVerdict(by_status, threshold, worst)


@dataclass
class GateOutcome:
    ingest_id: str
    n_reports: int
    verdict: BatchVerdict | None = None
    checks: list[CheckOutcome] = field(default_factory=list)
    docs: dict[str, str] = field(default_factory=dict)  # suite → that run's GX Data Docs page
    seconds: float = 0.0

    def suite_ok(self, suite: str) -> bool:
        return all(c.success for c in self.checks if c.suite == suite)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _check_name(result: Any) -> str:
    meta = result.expectation_config.meta or {}
    return str(meta.get("check") or result.expectation_config.type)


# GX's own store of validation results, and its Data Docs pages, keep the newest ingests only. Its index
# page reads every stored result (≈1 ms each), so a landing sensor ingesting file by file made every ingest
# slower than the one before. The warehouse (dq.validation_runs, dq.validation_results) and the quality
# reports keep every ingest's outcome.
GX_KEEP_INGESTS = 50


def prune_gx_results(store: Any, keep: int) -> list[str]:
    """Remove the stored GX validation results of all but the ``keep`` newest ingests (a result's run name
    is its ingest id); returns the ingest ids removed. The next Data Docs index build drops their pages."""
    by_ingest: dict[str, list[Any]] = {}
    for key in store.list_keys():
        by_ingest.setdefault(str(key.run_id.run_name), []).append(key)
    newest = sorted(by_ingest, key=lambda name: max(str(k.run_id.run_time) for k in by_ingest[name]))
    dropped = newest[:-keep] if keep > 0 else newest
    for name in dropped:
        for key in by_ingest[name]:
            store.remove_key(key)
    return dropped


# A run directory (``<root>/<suite>/<run name>/…``) left without a file is removed once nothing in it
# changed for this long: an ingest running now may have made its directory and not yet written to it.
EMPTY_RUN_DIR_AGE_S = 3600.0


def remove_empty_run_dirs(roots: list[Path], keep: set[str], min_age_s: float = EMPTY_RUN_DIR_AGE_S) -> int:
    """Remove the run directories under ``roots`` (GX's validation store, its Data Docs' validation pages)
    that hold no file, are not named in ``keep`` and have not changed for ``min_age_s``; returns how many.

    GX removes a pruned result's file but not its directories: its empty-directory walk tests
    ``not Path.iterdir()``, a generator and so never false. Every ingest left three run directories, each
    with a run-time directory inside, in both trees, for ever (1,686 empty directories on a developer's checkout)."""
    now = time.time()
    removed = 0
    for root in roots:
        if not root.is_dir():
            continue
        for suite in (d for d in root.iterdir() if d.is_dir()):
            for run in (d for d in suite.iterdir() if d.is_dir() and d.name not in keep):
                inside = list(run.rglob("*"))
                if any(not d.is_dir() for d in inside):
                    continue  # a result or a page is still there
                dirs = [run, *inside]
                if max(d.stat().st_mtime for d in dirs) > now - min_age_s:
                    continue
                for d in sorted(dirs, key=lambda d: len(d.parts), reverse=True):
                    d.rmdir()  # empty by the test above: fails rather than delete a file written since
                removed += 1
    return removed


def run_gates(ingest_id: str, settings: Settings | None = None, threshold: float = DEFAULT_THRESHOLD) -> GateOutcome:
    from great_expectations.core.run_identifier import RunIdentifier

    from .suites import CHECKPOINT, DATASOURCE, build, patch_gx_for_duckdb

    t0 = time.perf_counter()
    st = settings or Settings.from_env()
    os.environ["XXGK_WAREHOUSE"] = str(st.warehouse)  # the GX datasource reads ${XXGK_WAREHOUSE}
    os.environ.setdefault("XXGK_DUCKDB_MEMORY", MEMORY_LIMIT)  # and ${XXGK_DUCKDB_MEMORY}
    with open_db(st.warehouse) as con:
        con.execute("create or replace table dq.current_batch as select ?::varchar as ingest_id", [ingest_id])
        con.execute(f"create or replace table dq.batch_cells as {BATCH_CELLS_SQL}")
        row = con.execute("select count(*) from raw.reports where ingest_id = ?", [ingest_id]).fetchone()
    out = GateOutcome(ingest_id, int(row[0]) if row else 0)

    patch_gx_for_duckdb()
    context = build()
    checkpoint = context.checkpoints.get(CHECKPOINT)
    try:
        result = checkpoint.run(run_id=RunIdentifier(run_name=ingest_id))
    finally:
        # GX keeps a persisted DuckDB connection; release the file for dbt's process
        context.data_sources.get(DATASOURCE).get_execution_engine().close()
    try:  # this ingest's pages and the index, in one build (Data Docs are a convenience: never fail the gates)
        store = context.validation_results_store
        prune_gx_results(store, GX_KEEP_INGESTS)
        context.build_data_docs(resource_identifiers=list(result.run_results))
        remove_empty_run_dirs(
            [Path(store.store_backend.full_base_directory), GX_SITE / "validations"],
            {str(key.run_id.run_name) for key in store.list_keys()},
        )
    except Exception as exc:
        logging.getLogger(__name__).warning("GX Data Docs not built for %s: %s: %s", ingest_id, type(exc).__name__, exc)
    gx_counts: dict[str, int] = {}
    for vr_id, run_result in result.run_results.items():
        for r in run_result.results:
            name = _check_name(r)
            observed = (r.result or {}).get("observed_value")
            unexpected = int(observed) if isinstance(observed, (int, float)) else int(
                (r.result or {}).get("unexpected_count") or 0)
            gx_counts[name] = unexpected
            meta = r.expectation_config.meta or {}
            out.checks.append(CheckOutcome(run_result.suite_name, name, str(meta.get("severity", "error")),
                                           bool(r.success), unexpected, r.expectation_config.description or ""))
        try:
            urls = context.get_docs_sites_urls(resource_identifier=vr_id)
            url = next((u["site_url"] for u in urls if u.get("site_url")), None)
            if url:
                out.docs[run_result.suite_name] = url
        except Exception:  # Data Docs are a convenience; their absence must not fail the gates
            pass
    _store(st.warehouse, ingest_id, out, gx_counts)
    with duckdb.connect(str(st.warehouse), read_only=True) as con:
        out.verdict = batch_verdict(con, ingest_id, threshold)
    out.seconds = round(time.perf_counter() - t0, 2)
    return out


def _store(warehouse: Path, ingest_id: str, out: GateOutcome, gx_counts: dict[str, int]) -> None:
    batch = f"({BATCH_CELLS_QUERY})"
    with open_db(warehouse) as con:
        con.execute("begin")
        con.execute("delete from dq.validation_results where ingest_id = ?", [ingest_id])
        con.execute("delete from dq.validation_runs where ingest_id = ?", [ingest_id])
        clean = {chk.check for chk in out.checks if chk.success and chk.unexpected == 0}
        for c in CHECKS:
            if c.name in clean:  # GX ran it and it returned no row: nothing to store, no third run
                continue
            sql = c.query.replace("{batch}", batch)
            con.execute(
                f"""insert into dq.validation_results
                    select ?, report_id, ?, ?, ?, table_id, row_code, col_code, lhs, rhs, message
                    from ({sql}) as failing""", [ingest_id, c.suite, c.name, c.severity])
            stored = con.execute("select count(*) from dq.validation_results where ingest_id = ? and expectation = ?",
                                 [ingest_id, c.name]).fetchone()
            if c.name in gx_counts and stored and stored[0] != gx_counts[c.name]:
                con.execute("rollback")
                raise RuntimeError(f"{c.name}: GX counted {gx_counts[c.name]} failing rows, the warehouse query "
                                   f"{stored[0]} — the two runs of the same check disagree")
        for chk in out.checks:
            con.execute("insert into dq.validation_runs values (?, ?, ?, ?, ?, ?, ?, now())",
                        [ingest_id, chk.suite, chk.check, chk.severity, chk.success, chk.unexpected, out.n_reports])
        con.execute("commit")
