"""A private xxgk + Dagster instance under tmp_path for the tests that run the whole job."""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.env import DAGSTER_YAML


@pytest.fixture
def pipeline_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """tmp_path, with archive, warehouse (w.duckdb), reports, landing and DAGSTER_HOME inside it."""
    for var, sub in (("XXGK_ARCHIVE", "archive"), ("XXGK_WAREHOUSE", "w.duckdb"), ("XXGK_REPORTS", "reports"),
                     ("XXGK_LANDING", "landing"), ("DAGSTER_HOME", "dagster")):
        monkeypatch.setenv(var, str(tmp_path / sub))
    (tmp_path / "dagster").mkdir()
    # the instance's settings as prepare() writes them: telemetry off (DAGSTER_DISABLE_TELEMETRY only
    # stops the upload; Dagster still logs its events under DAGSTER_HOME without this)
    (tmp_path / "dagster" / "dagster.yaml").write_text(DAGSTER_YAML, encoding="utf-8")
    return tmp_path
