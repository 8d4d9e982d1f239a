"""Quality gates: Great Expectations suites for the statutory identities, the per-ingest runner and report."""
