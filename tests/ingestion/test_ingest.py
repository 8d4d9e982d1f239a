from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from ingestion.generate import generate
from ingestion.pipeline import ingest


def test_ingest_archives_loads_and_is_idempotent(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    landing = tmp_path / "landing"
    generate(landing, 12, seed=5)
    for t in landing.glob("*.truth.json"):
        t.unlink()
    (landing / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    shutil.copy(next(landing.glob("*.txt")), landing / "copy-of-first.txt")  # same bytes, second path
    monkeypatch.setenv("XXGK_ARCHIVE", str(tmp_path / "archive"))
    monkeypatch.setenv("XXGK_WAREHOUSE", str(tmp_path / "w.duckdb"))
    first = ingest([str(landing)], workers=1)
    assert first.files == 14 and first.parsed == 13  # the copy is one report_id
    assert first.by_status.get("failed") == 1  # the broken PDF is kept, with its reason
    archived = list((tmp_path / "archive").rglob("*.*"))
    assert len(archived) == 13
    second = ingest([str(landing)], workers=1)
    assert second.parsed == 0 and second.new_sources == 0
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    counts = [con.execute(f"select count(*) from raw.{t}").fetchone()[0]
              for t in ("reports", "report_cells", "parse_issues", "report_sources")]
    assert counts[0] == 13 and counts[3] == 14
    msg = con.execute("select message from raw.parse_issues i join raw.reports r using (report_id) "
                      "where r.status = 'failed'").fetchone()[0]
    assert "broken.pdf" in msg and "PDF" in msg
