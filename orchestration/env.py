"""Decides the run-time environment once, before Dagster, dbt or GX are imported.

Telemetry of all three is switched off here (not only in the Makefile), so `dagster dev` or a notebook
started without make stays offline too. Paths come from ingestion.settings (one place).
"""

import os
from pathlib import Path

from ingestion.settings import ROOT, Settings

OFFLINE_ENV = {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",  # dbt anonymous usage tracking
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
}
DBT_PROJECT_DIR = ROOT / "dbt_project"


# The instance's settings, written into DAGSTER_HOME when it has none (or only the telemetry switch an
# older release wrote). Runs the daemon launches (landing sensor, schedule, UI) wait in its queue: one at
# a time, as the warehouse takes one writer (two would fail on DuckDB's lock and wait for the sensor's
# retry), and the queue is read every second instead of every 5 (a dropped file waited up to 5 s there).
DAGSTER_YAML = """telemetry:
  enabled: false
run_queue:
  max_concurrent_runs: 1
  dequeue_interval_seconds: 1
"""
_OLDER_DAGSTER_YAML = "telemetry:\n  enabled: false\n"


def prepare() -> Settings:
    """Set the offline switches, make every path absolute for the dbt subprocess, write dagster.yaml."""
    for k, v in OFFLINE_ENV.items():
        os.environ.setdefault(k, v)
    st = Settings.from_env()
    os.environ["XXGK_WAREHOUSE"] = str(st.warehouse)  # dbt's profiles.yml reads it (cwd is dbt_project/)
    os.environ["DAGSTER_HOME"] = str(st.dagster_home)
    st.dagster_home.mkdir(parents=True, exist_ok=True)
    cfg = st.dagster_home / "dagster.yaml"
    if not cfg.exists() or cfg.read_text(encoding="utf-8") == _OLDER_DAGSTER_YAML:
        cfg.write_text(DAGSTER_YAML, encoding="utf-8")
    return st


def dbt_manifest(project_dir: Path = DBT_PROJECT_DIR) -> Path:
    """target/manifest.json, regenerated with `dbt parse` when any project file is newer (offline, ~3 s)."""
    import fcntl
    import subprocess
    import sys

    manifest = project_dir / "target" / "manifest.json"
    sources = [p for d in ("models", "macros", "tests") for p in (project_dir / d).rglob("*") if p.is_file()]
    sources += [project_dir / "dbt_project.yml", project_dir / "profiles.yml"]
    newest = max(p.stat().st_mtime for p in sources)

    # under a lock, also to look: two processes starting together (the test workers, two ingests) would
    # otherwise both parse, and one could read the manifest while the other is writing it
    manifest.parent.mkdir(exist_ok=True)
    with open(manifest.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < newest:
            dbt = Path(sys.executable).with_name("dbt")
            subprocess.run([str(dbt), "parse", "--quiet", "--profiles-dir", str(project_dir)],
                           cwd=project_dir, check=True, env={**os.environ, **OFFLINE_ENV})
    return manifest
