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


@dbt_assets(manifest=dbt_manifest(), dagster_dbt_translator=TRANSLATOR)
def xxgk_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):  # noqa: ANN201
    """staging → intermediate → marts; dbt tests become asset checks. The tests of the fact tables and
    per-report marts read the latest ingest's reports (var test_scope, resolved when each test runs:
    macros/get_where_subquery.sql)."""
    yield from dbt.cli(["build"], context=context).stream()
