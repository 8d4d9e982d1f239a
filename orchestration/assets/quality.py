"""Quality gates (Great Expectations) and the per-ingest report, as assets with asset checks."""

import dagster as dg

from expectations.gates import DEFAULT_THRESHOLD, batch_verdict, run_gates
from expectations.report import build_report
from ingestion.settings import Settings

from .common import ingest_id_for

SUITE_CHECKS = {
    "identities": ("I1–I5 hard identities (GX suite `identities`)", dg.AssetCheckSeverity.ERROR),
    "schema": ("codes, keys, one value per cell (GX suite `schema`)", dg.AssetCheckSeverity.ERROR),
    "soft": ("X1–X3 soft checks (GX suite `soft`)", dg.AssetCheckSeverity.WARN),
}
VALIDATION_RESULTS = dg.AssetKey(["dq", "validation_results"])
QUALITY_REPORT = dg.AssetKey(["reports", "quality_report"])


class GateConfig(dg.Config):
    bad_share_threshold: float = DEFAULT_THRESHOLD  # share of failed+partial reports that fails the batch


@dg.multi_asset(
    specs=[
        dg.AssetSpec(VALIDATION_RESULTS, deps=[["raw", "report_cells"], ["raw", "reports"], ["ref", "identity_terms"],
                                               ["ref", "codes"]],
                     description="Every failing equation or check of the ingest's batch (report, identity, "
                     "row/col, both sides, message)."),
        dg.AssetSpec(["dq", "validation_runs"], deps=[["raw", "report_cells"]],
                     description="One row per ingest × expectation: pass/fail and counts."),
    ],
    check_specs=[dg.AssetCheckSpec(name, asset=VALIDATION_RESULTS, description=desc)
                 for name, (desc, _) in SUITE_CHECKS.items()],
    group_name="quality",
)
def quality_gates(context: dg.AssetExecutionContext, config: GateConfig):  # noqa: ANN201
    """Run the GX checkpoint on the reports this ingest loaded; store results in dq.*."""
    out = run_gates(ingest_id_for(context), Settings.from_env(), config.bad_share_threshold)
    context.log.info(f"gates on {out.n_reports} reports in {out.seconds}s")
    for suite, (_, severity) in SUITE_CHECKS.items():
        checks = [c for c in out.checks if c.suite == suite]
        failing = {c.check: c.unexpected for c in checks if not c.success}
        yield dg.AssetCheckResult(
            asset_key=VALIDATION_RESULTS, check_name=suite, passed=not failing, severity=severity,
            metadata={"expectations": len(checks), "failing": dg.MetadataValue.json(failing),
                      "reports_in_batch": out.n_reports})
    yield dg.MaterializeResult(asset_key=VALIDATION_RESULTS, metadata={
        "ingest_id": out.ingest_id, "reports": out.n_reports,
        "failing_rows": sum(c.unexpected for c in out.checks), "seconds": out.seconds})
    yield dg.MaterializeResult(asset_key=["dq", "validation_runs"], metadata={"expectations": len(out.checks)})


@dg.asset(
    key=QUALITY_REPORT,
    deps=[["marts", "report_quality"], ["marts", "applications_by_applicant_type"], VALIDATION_RESULTS],
    check_specs=[dg.AssetCheckSpec(
        "batch_threshold", asset=QUALITY_REPORT, blocking=True,
        description="The share of failed or partial reports in the ingest stays within the threshold "
                    "(XXGK_BAD_SHARE_THRESHOLD, default 20%); a failing batch fails the run.")],
    group_name="quality",
    description="data/reports/<ingest_id>/index.html: self-contained bilingual data-quality report.",
)
def quality_report(context: dg.AssetExecutionContext, config: GateConfig):  # noqa: ANN201
    import duckdb

    st = Settings.from_env()
    ingest_id = ingest_id_for(context)
    path = build_report(ingest_id, st, {"threshold": config.bad_share_threshold})
    with duckdb.connect(str(st.warehouse), read_only=True) as con:
        v = batch_verdict(con, ingest_id, config.bad_share_threshold)
    context.log.info(f"quality report: {path}")
    yield dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(path)), "ingest_id": ingest_id,
                                         "by_status": dg.MetadataValue.json(v.by_status)})
    yield dg.AssetCheckResult(
        check_name="batch_threshold", passed=v.ok, severity=dg.AssetCheckSeverity.ERROR,
        description=None if v.ok else (
            f"{v.bad} of {v.n} reports ({v.share:.1%}) failed or partial, above {v.threshold:.0%}; "
            f"worst: {'; '.join(v.worst)} — see {path}"),
        metadata={"bad_share": round(v.share, 4), "threshold": v.threshold, "reports": v.n,
                  "worst": dg.MetadataValue.json(v.worst)})
