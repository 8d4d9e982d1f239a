"""The job that runs everything, its daily schedule and the landing-folder sensor."""

import hashlib
import time

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


RETRIES = 3  # re-requests of a landing state whose run failed (a warehouse held open by someone, say)
RETRY_AFTER_S = 60.0  # ... each at least this long after the failed run ended


# The daemon's sensor loop wakes every 5 s (dagster/_daemon/sensor.py, MIN_INTERVAL_LOOP_TIME) and skips a
# sensor whose last tick started less than its interval ago. At 5 s a tick that started a hair later than
# the loop skipped the next wake, so a dropped file waited up to 10 s; at 4 s the sensor ticks on every wake.
SENSOR_INTERVAL_S = 4


@dg.sensor(job=everything, minimum_interval_seconds=SENSOR_INTERVAL_S,  # a tick only stats the files
           default_status=dg.DefaultSensorStatus.STOPPED,
           description="Starts an ingest when files appear in or change under the landing folder; "
                       "retries a failed one up to 3 times, a minute apart.")
def landing_sensor(context: dg.SensorEvaluationContext) -> dg.SensorResult | dg.SkipReason:
    digest, n = landing_fingerprint()
    if n == 0:
        return dg.SkipReason("landing folder is empty")
    # cursor: the digest of the last state requested, then "|k" after k retries of it
    seen, _, tried = (context.cursor or "").partition("|")
    tags = {"xxgk/landing_files": str(n), "xxgk/landing_digest": digest}
    if digest != seen:
        return dg.SensorResult(run_requests=[dg.RunRequest(run_key=digest, tags=tags)], cursor=digest)
    k = int(tried or 0)
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:  # a context built without an instance
        instance = None
    if instance is not None and k < RETRIES:
        runs = instance.get_run_records(dg.RunsFilter(tags={"xxgk/landing_digest": digest}), limit=1)
        last = runs[0] if runs else None
        if (last is not None and last.dagster_run.status == dg.DagsterRunStatus.FAILURE
                and last.end_time is not None and time.time() - last.end_time >= RETRY_AFTER_S):
            return dg.SensorResult(
                run_requests=[dg.RunRequest(run_key=f"{digest}:retry{k + 1}", tags={**tags, "xxgk/retry": str(k + 1)})],
                cursor=f"{digest}|{k + 1}")
    return dg.SkipReason(f"no change among {n} files")
