"""Execute the whole job in this process (no UI): what `xxgk run` and `xxgk ingest PATH` call.

Runs go to the Dagster instance under DAGSTER_HOME, so `make dev` shows them afterwards.
"""

from typing import Any

from orchestration.definitions import defs  # first: it sets the offline switches before dagster loads


def run_pipeline(paths: list[str] | None = None, workers: int = 0, threshold: float | None = None,
                 ) -> tuple[bool, str, dict[str, Any]]:
    """(success, ingest_id, {check name: passed}) for one ingest of ``paths`` (default: the landing folder)."""
    import dagster as dg

    from expectations.gates import DEFAULT_THRESHOLD
    from orchestration.assets.common import ingest_id_of_run

    gate = {"config": {"bad_share_threshold": DEFAULT_THRESHOLD if threshold is None else threshold}}
    run_config: dict[str, Any] = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}, "ops": {
        "landing_scan": {"config": {"paths": [str(p) for p in paths or []]}},
        "parsed_facts": {"config": {"workers": workers}},
        "quality_gates": gate,
        "reports__quality_report": gate,
    }}
    job = defs.resolve_job_def("ingest_job")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(run_config=run_config, instance=instance, raise_on_error=False)
        checks = {}
        for ev in result.all_events:
            if ev.event_type_value == "ASSET_CHECK_EVALUATION":
                data = ev.event_specific_data
                checks[f"{data.asset_key.to_user_string()}:{data.check_name}"] = bool(data.passed)
        ingest_id = ingest_id_of_run(instance, result.run_id)
    return result.success, ingest_id, checks
