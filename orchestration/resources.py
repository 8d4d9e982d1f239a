"""Resources: the DuckDB warehouse (for Dagster's own reads) and dbt without its network call."""

import sys
from functools import cached_property
from pathlib import Path

from dagster_dbt import DbtCliResource
from packaging import version

from .env import DBT_PROJECT_DIR


class OfflineDbtCliResource(DbtCliResource):
    """DbtCliResource that does not run `dbt --version`.

    dagster-dbt runs `dbt --version` once per process to learn the dbt version, and dbt answers that
    command by asking PyPI for the newest release: one outbound connection per run. The installed
    dbt-core package tells the same version without the network. tests/orchestration guards the
    private name this overrides.
    """

    @cached_property
    def _cli_version(self) -> version.Version:
        from dbt.version import __version__

        return version.parse(__version__)


def dbt_resource() -> OfflineDbtCliResource:
    return OfflineDbtCliResource(
        project_dir=str(DBT_PROJECT_DIR),
        profiles_dir=str(DBT_PROJECT_DIR),
        dbt_executable=str(Path(sys.executable).with_name("dbt")),
    )
