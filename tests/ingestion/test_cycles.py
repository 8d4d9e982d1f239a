"""Parsing leaves no reference cycles behind: the workers run with the cyclic collector paused
(``pipeline.gc_paused``), and whatever a parse leaves in cycles waits for a collector pass that walks
every young object. Recursive closures and exceptions kept in locals were such cycles."""

from __future__ import annotations

import gc
from pathlib import Path

from ingestion.generate import generate
from ingestion.pipeline import parse_chunk


def test_parsing_every_generated_layout_frees_everything_by_refcount(tmp_path: Path) -> None:
    generate(tmp_path, 180, seed=9)  # every layout (GBK, HTML, run-together digits …), defects
    jobs = [(str(p), str(p)) for p in sorted(tmp_path.iterdir()) if not p.name.endswith(".truth.json")]
    parse_chunk(jobs[:20])  # fill the caches first: what they keep is not garbage
    was = gc.isenabled()
    gc.disable()
    try:
        gc.collect()
        out = parse_chunk(jobs)
        assert len(out[0][0]) == len(jobs)
        del out
        assert gc.collect() == 0
    finally:
        if was:
            gc.enable()
