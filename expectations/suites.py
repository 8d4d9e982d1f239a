"""The GX File Data Context under expectations/gx: datasource, batch assets, suites, checkpoint.

Built idempotently in Python (``python -m expectations.suites`` rewrites the committed files); the
runner calls :func:`build` too, so a fresh clone never depends on a stale copy. The datasource's
connection string names the warehouse through ``${XXGK_WAREHOUSE}``, substituted by GX at run time,
so the committed configuration holds no machine path.
"""

from pathlib import Path
from typing import Any

from .checks import BATCH_CELLS_QUERY, BATCH_REPORTS_QUERY, CHECKS, SUITES

PROJECT_ROOT = Path(__file__).resolve().parent  # GX writes expectations/gx/
GX_SITE = PROJECT_ROOT / "gx" / "uncommitted" / "data_docs" / "local_site"  # its Data Docs
DATASOURCE = "warehouse"
CHECKPOINT = "ingest"


def patch_gx_for_duckdb() -> None:
    """GX reads query results after rolling back the connection, which discards DuckDB's pending result.

    Keeping DuckDB connections persisted (as GX already does for sqlite and others) avoids the
    rollback. `_PERSISTED_CONNECTION_DIALECTS` is private: tests/expectations guards it.
    """
    from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

    if "duckdb" not in engine._PERSISTED_CONNECTION_DIALECTS:
        engine._PERSISTED_CONNECTION_DIALECTS = (*engine._PERSISTED_CONNECTION_DIALECTS, DuckDBDialect("duckdb"))


class DuckDBDialect(str):
    """Stands in for a GXSqlDialect member: GX compares members with the engine's dialect name (a str)
    and reads ``.value`` when matching a connection string; GX's enum has no DuckDB member."""

    @property
    def value(self) -> str:
        return str(self)


def get_context() -> Any:
    import great_expectations as gx

    return gx.get_context(mode="file", project_root_dir=str(PROJECT_ROOT))


def _expectations_for(suite: str) -> list[Any]:
    import great_expectations.expectations as gxe

    out: list[Any] = []
    for c in CHECKS:
        if c.suite == suite:
            out.append(gxe.UnexpectedRowsExpectation(
                unexpected_rows_query=c.query,
                description=f"{c.name} — {c.description_zh} / {c.description_en}",
                severity="critical" if c.severity == "error" else "warning",
                meta={"check": c.name, "severity": c.severity},
            ))
    if suite == "schema":
        out += [
            *(gxe.ExpectColumnValuesToNotBeNull(
                column=col, description=f"schema.not_null.{col} — 键不为空 / key column {col} is never null",
                meta={"check": f"schema.not_null.{col}", "severity": "error"})
              for col in ("report_id", "table_id", "row_code", "col_code", "status")),
            gxe.ExpectColumnValuesToBeInSet(
                column="status", value_set=["printed", "blank", "inferred", "ambiguous"],
                description="schema.cell_status — 单元格状态属于规定集合 / cell status within the spec's set",
                meta={"check": "schema.cell_status", "severity": "error"}),
            gxe.ExpectColumnValuesToBeInSet(
                column="table_id", value_set=["t2", "t3", "t4"],
                description="schema.table_id — 表号属于表二、表三、表四 / table within 表二/三/四",
                meta={"check": "schema.table_id", "severity": "error"}),
        ]
    return out


def _existing(store: Any, name: str) -> Any:
    try:
        return store.get(name)
    except Exception:  # GX raises store-specific "not found" errors
        return None


def _shape(expectations: list[Any]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.configuration.to_json_dict().items() if k != "id"} for e in expectations]


def build(context: Any | None = None) -> Any:
    """Create or update datasource, assets, suites, validation definitions and the checkpoint."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = context or get_context()
    if context.variables.progress_bars != ProgressBarsConfig(globally=False):
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        context.variables.save()
    # the buffer-pool cap of ingestion.warehouse, for GX's own connection too (duckdb_engine passes URL
    # parameters to DuckDB as config)
    url = "duckdb:///${XXGK_WAREHOUSE}?memory_limit=${XXGK_DUCKDB_MEMORY}"
    ds = _existing(context.data_sources, DATASOURCE)
    if ds is None or str(getattr(ds.connection_string, "template_str", ds.connection_string)) != url:
        ds = context.data_sources.add_or_update_sql(name=DATASOURCE, connection_string=url)
    # Unchanged objects are left alone: GX gives every re-added object a fresh id, which would
    # rewrite the committed files on every run.
    assets = {}
    for name, query in (("batch_cells", BATCH_CELLS_QUERY), ("batch_reports", BATCH_REPORTS_QUERY)):
        existing = {a.name: a for a in ds.assets}.get(name)
        if existing is not None and existing.query != query:
            ds.delete_asset(name)
            existing = None
        asset = existing or ds.add_query_asset(name=name, query=query)
        bds = {b.name: b for b in asset.batch_definitions}
        assets[name] = bds.get("current_ingest") or asset.add_batch_definition_whole_table("current_ingest")
    vds = []
    for suite_name in SUITES:
        wanted = _expectations_for(suite_name)
        suite = _existing(context.suites, suite_name)
        if suite is None or _shape(suite.expectations) != _shape(wanted):
            suite = context.suites.add_or_update(gx.ExpectationSuite(name=suite_name, expectations=wanted))
        vd = _existing(context.validation_definitions, suite_name)
        if vd is None or vd.suite.name != suite_name or vd.batch_definition.id != assets["batch_cells"].id \
                or vd.suite.id != suite.id:
            vd = context.validation_definitions.add_or_update(
                gx.ValidationDefinition(name=suite_name, data=assets["batch_cells"], suite=suite))
        vds.append(vd)
    existing_cp = _existing(context.checkpoints, CHECKPOINT)
    if existing_cp is not None and not existing_cp.actions and [
            v.id for v in existing_cp.validation_definitions] == [v.id for v in vds]:
        return context
    # No UpdateDataDocsAction: it rebuilt the Data Docs once per suite, each time with the index, which reads
    # every validation result ever stored (three index builds per ingest, growing with each ingest).
    # gates.run_gates builds this ingest's pages and the index once, after the run.
    context.checkpoints.add_or_update(gx.Checkpoint(
        name=CHECKPOINT, validation_definitions=vds, actions=[],
        result_format={"result_format": "SUMMARY"},
    ))
    return context


if __name__ == "__main__":
    import os

    from orchestration.env import prepare

    prepare()
    os.environ.setdefault("XXGK_WAREHOUSE", "warehouse.duckdb")
    build()
    print(f"GX project written under {PROJECT_ROOT / 'gx'}")
