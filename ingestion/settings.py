"""The one place that decides paths; each overridable by an environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _path(var: str, default: str) -> Path:
    return Path(os.environ.get(var, str(ROOT / default))).resolve()


@dataclass(frozen=True)
class Settings:
    landing: Path
    archive: Path
    warehouse: Path
    reports: Path
    dagster_home: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            landing=_path("XXGK_LANDING", "data/landing"),
            archive=_path("XXGK_ARCHIVE", "data/archive"),
            warehouse=_path("XXGK_WAREHOUSE", "data/warehouse.duckdb"),
            reports=_path("XXGK_REPORTS", "data/reports"),
            dagster_home=_path("DAGSTER_HOME", "data/dagster_home"),
        )
