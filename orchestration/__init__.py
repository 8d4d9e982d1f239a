"""Dagster wiring only: assets call ``ingestion`` and ``expectations``; dbt builds the marts."""
