from __future__ import annotations

from great_expectations.execution_engine import sqlalchemy_execution_engine as engine

from expectations.suites import patch_gx_for_duckdb


def test_gx_private_persisted_dialects_still_exist_and_patch_applies() -> None:
    # GX reads query results after a rollback that discards DuckDB's pending result; we keep DuckDB
    # connections persisted through this private tuple. If GX renames or reshapes it, fail loudly here.
    assert isinstance(engine._PERSISTED_CONNECTION_DIALECTS, tuple)
    assert all(hasattr(d, "value") for d in engine._PERSISTED_CONNECTION_DIALECTS)
    patch_gx_for_duckdb()
    assert "duckdb" in engine._PERSISTED_CONNECTION_DIALECTS
    assert engine._dialect_requires_persisted_connection(connection_string="duckdb:////tmp/w.duckdb")
    patch_gx_for_duckdb()  # idempotent
    assert sum(1 for d in engine._PERSISTED_CONNECTION_DIALECTS if d == "duckdb") == 1
