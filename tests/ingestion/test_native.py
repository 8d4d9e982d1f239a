"""The parser compiled with mypyc (ingestion/native.py) reads every file exactly as the pure-Python
parser does, and a compiled module never runs once its source has changed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingestion import native
from ingestion.generate import generate

from ..corpus import CORPUS

ROOT = Path(__file__).resolve().parents[2]


def _built() -> None:
    why = native.stale()
    if why is not None:  # `make test` builds it first; a machine without a C compiler runs pure Python
        pytest.skip(f"no current compiled parser here ({why}): `make native`")


def _parse(files: list[str], pure: bool, cwd: Path = ROOT, pythonpath: Path | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_PURE", "PYTHONPATH")}
    if pure:
        env["XXGK_PURE"] = "1"
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    code = (
        "import sys, json\n"
        "from ingestion import native\n"
        "from ingestion.parse import parse_file\n"
        "print(native.STATUS)\n"
        "for f in sys.argv[1:]:\n"
        "    print(json.dumps(parse_file(f).as_json(), ensure_ascii=False, sort_keys=True))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *files], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return out.stdout


def test_compiled_parser_reads_every_file_as_the_pure_one(tmp_path: Path) -> None:
    _built()
    generate(tmp_path, 270, seed=5)  # every layout, both templates, injected defects
    files = sorted(str(p) for p in tmp_path.iterdir() if not p.name.endswith(".truth.json"))
    if CORPUS.is_dir():
        files += sorted(
            str(p) for p in CORPUS.glob("*/*") if p.is_file() and p.suffix in (".txt", ".html", ".pdf", ".md")
        )
    compiled, pure = _parse(files, pure=False), _parse(files, pure=True)
    c_status, *c_lines = compiled.splitlines()
    p_status, *p_lines = pure.splitlines()
    assert c_status == "compiled (mypyc)", c_status
    assert p_status == "pure Python (XXGK_PURE is set)"
    assert len(c_lines) == len(files)
    for f, a, b in zip(files, c_lines, p_lines, strict=True):
        assert a == b, f"compiled and pure parsers differ on {f}"


def test_a_changed_source_runs_as_python_not_the_stale_build(tmp_path: Path) -> None:
    _built()
    pkg = tmp_path / "ingestion"
    shutil.copytree(ROOT / "ingestion", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    for lib in ROOT.glob(f"{native.GROUP}__mypyc.*"):
        shutil.copy2(lib, tmp_path)
    status = _parse([], pure=False, cwd=tmp_path, pythonpath=tmp_path).splitlines()[0]
    assert status == "compiled (mypyc)"  # the copy, as built

    src = pkg / "solve.py"
    src.write_text(src.read_text(encoding="utf-8") + "\nEDITED = True\n", encoding="utf-8")
    code = (
        "from ingestion import native\nimport ingestion.solve as s, ingestion.parse as p\n"
        "print(native.STATUS); print(s.__file__); print(p.__file__); print(s.EDITED)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("XXGK_PURE",)} | {"PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert out[0].startswith("pure Python (the sources changed since the build")
    assert out[1] == str(pkg / "solve.py")
    assert out[2] == str(pkg / "parse.py")  # all or none: parse is not left calling the stale solve
    assert out[3] == "True"


def test_a_failed_build_is_tried_once_per_change_of_the_sources(tmp_path: Path) -> None:
    """`make` runs `xxgk native build --if-stale` every time: where the build failed (no C compiler) it
    must not be tried again until the sources change, and the status says it failed."""
    shutil.copytree(ROOT / "ingestion", tmp_path / "ingestion", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
    (tmp_path / "ingestion" / "_native.json").unlink(missing_ok=True)
    code = (
        "import json, sys\n"
        "from ingestion import native\n"
        "native.MANIFEST.write_text(json.dumps({'digest': native.source_digest(), "
        "'python': sys.implementation.cache_tag, 'failed': 'gcc: not found'}))\n"
        "print(native.build(if_stale=True)); print(native.stale())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "XXGK_PURE"} | {"PYTHONPATH": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout.splitlines()
    assert out == ["0", "the build failed here: `xxgk native build` says why"]
    assert not list((tmp_path / "ingestion").glob("*.so"))  # not built, not tried again
