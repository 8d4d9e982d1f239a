from __future__ import annotations

import json
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion.cli import main

BIN = Path(sys.executable).parent / "xxgk"


def test_parse_json_lines(tmp_path: Path, capsys: object) -> None:
    main(["generate", "--n", "3", "--out", str(tmp_path), "--defects", "0"])
    capsys.readouterr()  # type: ignore[attr-defined]
    rc = main(["parse", str(tmp_path), "--format", "json"])
    out = capsys.readouterr().out.strip().splitlines()  # type: ignore[attr-defined]
    assert rc == 0 and len(out) == 3
    obj = json.loads(out[0])
    assert set(obj) >= {"source", "report_id", "agency", "year", "templates", "status", "cells", "issues"}
    assert set(obj["templates"]) == {"t2", "t3"}
    assert set(obj["cells"][0]) >= {"table", "row", "col", "value", "text", "status", "line"}


def test_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF-1.4 nothing")
    assert main(["parse", str(bad)]) == 1
    assert main(["parse"]) == 2
    assert main(["nonsense"]) == 2


def test_parse_path_imports_no_orchestration_stack(tmp_path: Path) -> None:
    f = tmp_path / "r.txt"
    f.write_text("青山县2021年政府信息公开工作年度报告", encoding="utf-8")
    code = (f"import sys; from ingestion.cli import main; main(['parse', {str(f)!r}]);"
            "bad=[m for m in ('dagster','dbt','great_expectations') if m in sys.modules]; sys.exit(len(bad))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True).returncode == 0


def test_console_script_installed() -> None:
    assert BIN.exists()


def test_ensure_corpus_never_deletes_a_folder_it_did_not_write(tmp_path: Path) -> None:
    from ingestion.generate import ensure_corpus

    mine = tmp_path / "reports"
    mine.mkdir()
    (mine / "real.txt").write_text("某县2023年政府信息公开工作年度报告", encoding="utf-8")
    with pytest.raises(FileExistsError):
        ensure_corpus(mine, 3, 1)
    assert (mine / "real.txt").exists()
    gen = tmp_path / "gen"
    assert ensure_corpus(gen, 3, 1) is not None and ensure_corpus(gen, 3, 1) is None  # second call: kept
    assert ensure_corpus(gen, 4, 1) is not None  # its own corpus, other size: replaced
    assert len([p for p in gen.iterdir() if p.name.endswith(".truth.json")]) == 4


def test_generate_replaces_its_own_corpus_and_refuses_a_foreign_folder(tmp_path: Path) -> None:
    from ingestion.cli import main

    gen = tmp_path / "gen"
    assert main(["generate", "--n", "6", "--out", str(gen), "--seed", "2"]) == 0
    assert main(["generate", "--n", "2", "--out", str(gen), "--seed", "3"]) == 0
    # no report of the first corpus stays beside the second
    assert len([p for p in gen.iterdir() if not p.name.startswith(".")]) == 4
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "real.txt").write_text("x", encoding="utf-8")
    assert main(["generate", "--n", "2", "--out", str(mine)]) == 2
    assert [p.name for p in mine.iterdir()] == ["real.txt"]


def test_bench_parse_reports_the_median_of_its_passes_and_their_range(tmp_path: Path, capsys: object) -> None:
    corpus, out = tmp_path / "corpus", tmp_path / "parse.json"
    main(["generate", "--n", "4", "--out", str(corpus), "--defects", "0"])
    rc = main(["bench-parse", "--corpus", str(corpus), "--workers", "1", "--repeat", "3", "--json", str(out)])
    r = json.loads(out.read_text(encoding="utf-8"))
    assert rc == 0 and r["n"] == 4 and r["passes"] == 3 and r["cells"] > 0
    # the interpreter is part of the figure: its version, its executable and how libpython is linked
    assert r["python"].startswith(f"CPython {platform.python_version()} (") and "libpython" in r["python"]
    for key in ("parse_reports_per_s_per_core", "parse_reports_per_s_per_core_after_start",
                "parse_reports_per_s_all_cores"):
        low, high = r[key + "_range"]
        assert 0 < low <= r[key] <= high
    # a pass's clock includes the worker's start-up (importing the parser, ≈0 where this test's process
    # imported it before the fork); the figure without it is never smaller
    assert 0 <= r["worker_start_s"] <= r["parse_1_core_s"]
    assert r["parse_1_core_after_start_s"] <= r["parse_1_core_s"]
    assert r["parse_reports_per_s_per_core_after_start"] >= r["parse_reports_per_s_per_core"]
    assert main(["bench-parse", "--corpus", str(corpus), "--repeat", "0", "--json", ""]) == 2
