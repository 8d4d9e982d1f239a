"""dbt models as Dagster assets; sources raw.*, ref.*, dq.* join the graph through their asset keys."""

import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtCliResource, dbt_assets

from ..env import DBT_PROJECT_DIR, dbt_manifest


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
    macros/get_where_subquery.sql). dbt's unit tests are left out: they test the models' SQL on fixed
    rows, not the data, so an ingest learns nothing from them (≈1 s of each); `make test` runs them
    (tests/orchestration/test_incremental.py)."""
    invocation = dbt.cli(["build", "--exclude-resource-type", "unit_test"], context=context)
    yield from invocation.stream()
    tidy_target(Path(invocation.target_path))


KEEP_BUILDS = 3  # the newest builds' folders kept, to look at what dbt did (run_results, compiled SQL)
IN_USE_S = 600.0  # a build folder touched this recently may belong to a build still running


def _project_target() -> Path:
    """The target folder dagster-dbt seeds each build's own from (DBT_TARGET_PATH, as it reads it)."""
    target = Path(os.environ.get("DBT_TARGET_PATH", "target"))
    return target if target.is_absolute() else DBT_PROJECT_DIR / target


def tidy_target(build: Path, project_target: Path | None = None) -> None:
    """After a build in its own folder (dagster-dbt makes one per build, inside the project's target):

    - its saved parse becomes the one the next build starts from. dagster-dbt seeds each build's folder
      with ``target/partial_parse.msgpack`` and never writes it back, so a parse saved for another
      warehouse path (another profile) made every later build re-parse the whole project (2–4 s of each
      ingest). Replaced atomically.
    - older builds' folders go, but for the newest KEEP_BUILDS and any touched in the last IN_USE_S
      seconds: each holds ≈5 MB (manifest, compiled SQL), one per ingest, so a landing sensor filled the
      disk without end."""
    target = project_target or _project_target()
    saved = build / "partial_parse.msgpack"
    if saved.is_file():
        target.mkdir(parents=True, exist_ok=True)
        tmp = target / f".partial_parse.msgpack.{os.getpid()}"
        shutil.copyfile(saved, tmp)
        os.replace(tmp, target / "partial_parse.msgpack")
    prefix = build.name.split("-", 1)[0] + "-"
    builds = sorted((d for d in target.glob(prefix + "*") if d.is_dir() and d != build), key=_touched, reverse=True)
    now = time.time()
    for old in builds[KEEP_BUILDS - 1:]:
        if now - _touched(old) > IN_USE_S:
            shutil.rmtree(old, ignore_errors=True)


def _touched(build: Path) -> float:
    """When a build folder last changed: a running build adds files to it and appends to its dbt.log.
    A folder another process is removing meanwhile counts as touched now (left to that process)."""
    try:
        log = build / "dbt.log"
        return max(build.stat().st_mtime, log.stat().st_mtime if log.exists() else 0.0)
    except OSError:
        return time.time()
