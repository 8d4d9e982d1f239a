"""The job that runs everything, its daily schedule and the landing-folder sensor."""

import hashlib

import dagster as dg

from ingestion.pipeline import report_files
from ingestion.settings import Settings

everything = dg.define_asset_job("ingest_job", selection=dg.AssetSelection.all(),
                                 description="landing → archive → raw → gates → dbt marts → quality report")

daily = dg.ScheduleDefinition(name="daily_ingest", job=everything, cron_schedule="0 6 * * *",
                              execution_timezone="Asia/Shanghai", default_status=dg.DefaultScheduleStatus.STOPPED)


def landing_fingerprint() -> tuple[str, int]:
    """(digest of names, sizes and mtimes, file count) of the landing folder: cheap, no file is read."""
    st = Settings.from_env()
    h = hashlib.sha256()
    n = 0
    root = st.landing.resolve()
    for f in report_files([root]) if root.exists() else []:
        s = f.stat()
        h.update(f"{f.relative_to(root)}\0{s.st_size}\0{s.st_mtime_ns}\n".encode())
        n += 1
    return h.hexdigest(), n


@dg.sensor(job=everything, minimum_interval_seconds=5,  # a tick only stats the files
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts an ingest when files appear in or change under the landing folder.")
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    digest, n = landing_fingerprint()
    if n == 0:
        return dg.SkipReason("landing folder is empty")
    if digest == context.cursor:
        return dg.SkipReason(f"no change among {n} files")
    return dg.SensorResult(run_requests=[dg.RunRequest(run_key=digest, tags={"xxgk/landing_files": str(n)})],
                           cursor=digest)
