"""Helpers shared by the asset modules."""

from datetime import UTC, datetime

import dagster as dg


def ingest_id_for(context: dg.OpExecutionContext) -> str:
    """One ingest per Dagster run: its creation time (readable, sortable) plus the run id's prefix."""
    return ingest_id_of_run(context.instance, context.run_id)


def ingest_id_of_run(instance: dg.DagsterInstance, run_id: str) -> str:
    record = instance.get_run_record_by_id(run_id)
    started = record.create_timestamp if record else datetime.now(UTC)
    return started.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + run_id[:6]
