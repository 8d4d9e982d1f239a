"""Landing folder → archive + registry → parsed facts in raw.* (calls ingestion, nothing else)."""

import dagster as dg

from ingestion import PARSER_VERSION
from ingestion.pipeline import parse_pending, register
from ingestion.settings import Settings
from ingestion.warehouse import connect

from .common import ingest_id_for


class LandingConfig(dg.Config):
    paths: list[str] = []  # files or folders to ingest instead of the landing folder (`xxgk ingest PATH`)


class ParseConfig(dg.Config):
    workers: int = 0  # parse processes; 0 = one per core


def _progress(context: dg.OpExecutionContext):  # noqa: ANN202
    """Log progress; on a terminal (`xxgk ingest`, XXGK_PROGRESS=1) also draw a progress bar."""
    import os

    bar = None
    if os.environ.get("XXGK_PROGRESS") == "1":
        from rich.progress import Progress

        bar = Progress(transient=True)
    tasks: dict[str, object] = {}

    def report(stage: str, done: int, total: int) -> None:
        context.log.info(f"{stage}: {done}/{total}")
        if bar is None:
            return
        if stage not in tasks:
            bar.start()
            tasks[stage] = bar.add_task(stage, total=total)
        bar.update(tasks[stage], completed=done)  # type: ignore[arg-type]
        if done >= total:
            bar.stop()

    return report


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "report_sources"], description="Every file of the landing folder, archived under "
                     "its sha256 (data/archive, read-only, never deleted), with every path it was seen under."),
        dg.AssetSpec(["raw", "ingests"], description="One row per ingest: when, which paths, how many files."),
    ],
    group_name="ingest",
)
def landing_scan(context: dg.AssetExecutionContext, config: LandingConfig):  # noqa: ANN201
    st = Settings.from_env()
    paths = config.paths or [str(st.landing)]
    con = connect(st.warehouse)
    try:
        stats = register(con, paths, st, ingest_id_for(context), _progress(context))
    finally:
        con.close()
    meta = {"ingest_id": stats.ingest_id, "files": stats.files, "new_paths": stats.new_sources,
            "paths": dg.MetadataValue.text("\n".join(paths)), "archive_s": stats.timings["archive_s"]}
    yield dg.MaterializeResult(asset_key=["raw", "report_sources"], metadata=meta)
    yield dg.MaterializeResult(asset_key=["raw", "ingests"], metadata={"ingest_id": stats.ingest_id})


@dg.multi_asset(
    specs=[
        dg.AssetSpec(["raw", "reports"], deps=[["raw", "report_sources"]],
                     description="One row per report_id: agency, year, templates, status, cell counts."),
        dg.AssetSpec(["raw", "report_cells"], deps=[["raw", "report_sources"]],
                     description="表二/三/四 in long form with status (printed/blank/inferred/ambiguous) "
                     "and provenance (line, page); 表二 cells X2 decides across an agency's years included."),
        dg.AssetSpec(["raw", "parse_issues"], deps=[["raw", "report_sources"]],
                     description="What the parser could not read, per report: severity, code, table, row, why."),
        dg.AssetSpec(["raw", "row_readings"], deps=[["raw", "report_sources"]],
                     description="Every reading of a 表二 row whose digits ran together and split several "
                     "ways, whole: what X2 across an agency's years chooses from."),
        dg.AssetSpec(["raw", "agencies"], deps=[["raw", "report_sources"]],
                     description="Agency names located in the cpca gazetteer."),
        dg.AssetSpec(["ref", "codes"], description="Canonical codes and labels (ingestion/codes.py)."),
        dg.AssetSpec(["ref", "identity_terms"], description="Identities I1–I4 as equation terms (ingestion/identities.py)."),
        dg.AssetSpec(["ref", "t2_layout"], description="表二 measures per item and template."),
    ],
    group_name="ingest",
)
def parsed_facts(context: dg.AssetExecutionContext, config: ParseConfig):  # noqa: ANN201
    """Parse, from the archive, every registered report not yet loaded at this parser version."""
    st = Settings.from_env()
    ingest_id = ingest_id_for(context)
    con = connect(st.warehouse)
    try:
        n, timings = parse_pending(con, ingest_id, config.workers or None, progress=_progress(context))
        by_status = dict(con.execute("select status, count(*) from raw.reports where ingest_id = ? group by 1",
                                     [ingest_id]).fetchall())
        totals = dict(con.execute(
            "select 'reports', count(*) from raw.reports union all select 'cells', count(*) from raw.report_cells "
            "union all select 'issues', count(*) from raw.parse_issues union all "
            "select 'readings', count(*) from raw.row_readings union all "
            "select 'agencies', count(*) from raw.agencies").fetchall())
    finally:
        con.close()
    context.log.info(f"parsed {n} reports (parser {PARSER_VERSION}): {by_status}")
    batch = {"parsed_this_ingest": n, "parser_version": PARSER_VERSION, **timings}
    yield dg.MaterializeResult(asset_key=["raw", "reports"], metadata={
        **batch, "rows": totals["reports"], "by_status": dg.MetadataValue.json(by_status)})
    yield dg.MaterializeResult(asset_key=["raw", "report_cells"], metadata={"rows": totals["cells"]})
    yield dg.MaterializeResult(asset_key=["raw", "parse_issues"], metadata={"rows": totals["issues"]})
    yield dg.MaterializeResult(asset_key=["raw", "row_readings"], metadata={"rows": totals["readings"]})
    yield dg.MaterializeResult(asset_key=["raw", "agencies"], metadata={"rows": totals["agencies"]})
    for k in ("codes", "identity_terms", "t2_layout"):
        yield dg.MaterializeResult(asset_key=["ref", k])
