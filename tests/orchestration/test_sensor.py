"""The landing sensor: quiet on an empty or unchanged folder, one run per new state of it."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from orchestration.schedules import landing_sensor


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "landing"
    d.mkdir()
    monkeypatch.setenv("XXGK_LANDING", str(d))
    return d


def _tick(cursor: str | None = None) -> dg.SensorResult | dg.SkipReason:
    return landing_sensor(dg.build_sensor_context(cursor=cursor))  # type: ignore[no-any-return]


def test_empty_landing_is_skipped(landing: Path) -> None:
    out = _tick()
    assert isinstance(out, dg.SkipReason) and "empty" in (out.skip_message or "")


def test_one_run_per_state_of_the_folder(landing: Path) -> None:
    (landing / "a.txt").write_text("报告", encoding="utf-8")
    (landing / "a.truth.json").write_text("{}", encoding="utf-8")  # sidecars are not reports
    first = _tick()
    assert isinstance(first, dg.SensorResult) and len(first.run_requests or []) == 1
    req = first.run_requests[0]  # type: ignore[index]
    assert req.run_key == first.cursor and req.tags["xxgk/landing_files"] == "1"

    again = _tick(first.cursor)
    assert isinstance(again, dg.SkipReason) and "no change among 1 files" in (again.skip_message or "")

    (landing / "sub").mkdir()
    (landing / "sub" / "b.html").write_text("<html></html>", encoding="utf-8")
    grown = _tick(first.cursor)
    assert isinstance(grown, dg.SensorResult) and grown.cursor != first.cursor
    assert grown.run_requests[0].tags["xxgk/landing_files"] == "2"  # type: ignore[index]

    # a file rewritten in place (same name) is a new state too
    st = (landing / "a.txt").stat()
    os.utime(landing / "a.txt", ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    touched = _tick(grown.cursor)
    assert isinstance(touched, dg.SensorResult) and touched.cursor not in (first.cursor, grown.cursor)


@dg.op
def _boom() -> None:
    raise RuntimeError("warehouse held open")


@dg.job
def _failing() -> None:
    _boom()


def test_a_failed_run_is_retried_a_few_times_then_left(landing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import orchestration.schedules as sch

    monkeypatch.setattr(sch, "RETRY_AFTER_S", 0.0)
    (landing / "a.txt").write_text("报告", encoding="utf-8")
    with dg.DagsterInstance.ephemeral() as instance:
        def tick(cursor: str | None) -> dg.SensorResult | dg.SkipReason:
            return landing_sensor(dg.build_sensor_context(cursor=cursor, instance=instance))  # type: ignore[no-any-return]

        first = tick(None)
        assert isinstance(first, dg.SensorResult)
        digest = first.cursor
        assert isinstance(tick(digest), dg.SkipReason)  # no run yet: nothing to retry
        cursor = digest
        for k in range(1, sch.RETRIES + 1):
            _failing.execute_in_process(instance=instance, raise_on_error=False,
                                        tags={"xxgk/landing_digest": str(digest)})
            retry = tick(cursor)
            assert isinstance(retry, dg.SensorResult), k
            assert retry.run_requests[0].run_key == f"{digest}:retry{k}"  # type: ignore[index]
            cursor = retry.cursor
        _failing.execute_in_process(instance=instance, raise_on_error=False, tags={"xxgk/landing_digest": str(digest)})
        assert isinstance(tick(cursor), dg.SkipReason)  # given up after RETRIES: the next change starts over


def test_instance_runs_the_daemons_runs_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """prepare() writes the instance's settings: daemon-launched runs queue one at a time (one warehouse
    writer), read every second. An older release's telemetry-only file is upgraded; a file of the user's
    own is left alone."""
    from orchestration.env import DAGSTER_YAML, prepare

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("XXGK_WAREHOUSE", str(tmp_path / "w.duckdb"))  # prepare() sets both: restored after
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    prepare()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == DAGSTER_YAML
    with dg.DagsterInstance.get() as instance:
        coordinator = instance.run_coordinator
        assert type(coordinator).__name__ == "QueuedRunCoordinator"
        assert coordinator.dequeue_interval_seconds == 1  # type: ignore[attr-defined]
        assert coordinator.get_run_queue_config().max_concurrent_runs == 1  # type: ignore[attr-defined]
    own = "telemetry:\n  enabled: false\nrun_queue:\n  max_concurrent_runs: 4\n"
    (home / "dagster.yaml").write_text(own, encoding="utf-8")
    prepare()
    assert (home / "dagster.yaml").read_text(encoding="utf-8") == own
