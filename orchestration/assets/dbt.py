"""dbt models as Dagster assets; sources raw.*, ref.*, dq.* join the graph through their asset keys."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from ..env import dbt_manifest


class XxgkDbtTranslator(DagsterDbtTranslator):
    """Models keyed by schema (staging/…, marts/…) like the warehouse; sources by source name (raw/…)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        schema = dbt_resource_props.get("config", {}).get("schema") or "main"
        return dg.AssetKey([schema, dbt_resource_props["name"]])

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        return dbt_resource_props.get("config", {}).get("schema") or "dbt"


TRANSLATOR = XxgkDbtTranslator(settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


def _max_literal_reports() -> int:
    """dbt_project.yml's var max_literal_reports: the same limit as the marts' filter."""
    import yaml

    from ..env import DBT_PROJECT_DIR

    return int(yaml.safe_load((DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]["max_literal_reports"])


def test_scope_vars() -> list[str]:
    """``--vars`` naming the latest ingest's reports as literals, for the tests scoped by ``test_scope``
    (dbt_project.yml): DuckDB prunes a scan by a constant list, not by a subquery, so the tests of a small
    ingest then read its cells only. A large ingest keeps the subquery (it reads most cells anyway)."""
    import json

    from ingestion.settings import Settings
    from ingestion.warehouse import open_db

    warehouse = Settings.from_env().warehouse
    if not warehouse.exists():
        return []
    limit = _max_literal_reports()
    with open_db(warehouse) as con:
        ids = [r[0] for r in con.execute(
            "select report_id from raw.reports where ingest_id = (select max(ingest_id) from raw.reports) limit ?",
            [limit + 1]).fetchall()]
    if not ids or len(ids) > limit:
        return []
    return ["--vars", json.dumps({"test_scope": "report_id in (" + ", ".join(f"'{i}'" for i in ids) + ")"})]


@dbt_assets(manifest=dbt_manifest(), dagster_dbt_translator=TRANSLATOR)
def xxgk_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):  # noqa: ANN201
    """staging → intermediate → marts; dbt tests become asset checks."""
    yield from dbt.cli(["build", *test_scope_vars()], context=context).stream()
