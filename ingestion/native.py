"""The parser's hot modules compiled to C with mypyc (the compiler mypy ships), when they are built.

The same typed source runs either way; compiled, a worker parses about 1.3× as many reports per
second, with output identical on every corpus file (``tests/test_native.py``). ``make install``
builds them (``xxgk native build``) and falls back to pure Python where there is no
C compiler; a wheel or a plain ``pip install`` runs pure Python.

A compiled module shadows its ``.py`` (Python loads extension modules first), so an edit to a source
would silently keep running the old code. The build therefore records a digest of the sources it
compiled, and :func:`activate` — run by ``ingestion/__init__.py`` before any of these modules is
imported — loads the compiled modules only while that digest still matches; otherwise (or with
``XXGK_PURE=1``) it loads every one of them from source and says why in :data:`STATUS`. They are
all or none: compiled modules call each other directly, not through the import system.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.util
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# the parse path (pipeline.parse_chunk → parse_bytes → …); facts, pipeline and the CLI stay Python
MODULES = ("codes", "identities", "memo", "normalise", "tokens", "read", "meta", "solve", "tables", "parse")
GROUP = "xxgk_native"  # mypyc's shared library for the group: xxgk_native__mypyc*.so beside the package
HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "_native.json"

STATUS = "pure Python (not built)"


def source_digest() -> str:
    h = hashlib.sha256()
    for m in MODULES:
        h.update(m.encode() + b"\0" + (HERE / f"{m}.py").read_bytes() + b"\0")
    return h.hexdigest()


def _built() -> list[Path]:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return [p for m in MODULES for p in HERE.glob(f"{m}.*") if p.name.endswith(suffixes)]


class _SourceFirst:
    """A meta-path finder that loads the listed modules from their ``.py``, never a compiled copy."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = {f"{__package__}.{m}": HERE / f"{m}.py" for m in names}

    def find_spec(
        self, fullname: str, path: object = None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        src = self.names.get(fullname)
        return importlib.util.spec_from_file_location(fullname, src) if src is not None else None


def _manifest() -> dict[str, str]:
    try:
        data = json.loads(MANIFEST.read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def stale() -> str | None:
    """Why the compiled modules must not run (None: built, and built from these very sources)."""
    want = _manifest()
    if not _built():
        return "the build failed here: `xxgk native build` says why" if want.get("failed") else "not built"
    return _mismatch(want)


def _mismatch(want: dict[str, str]) -> str | None:
    if want.get("digest") != source_digest():
        return "the sources changed since the build: run `xxgk native build`"
    if want.get("python") != sys.implementation.cache_tag:
        return f"built for {want.get('python')}"
    return None


def activate() -> str:
    """Decide compiled or pure before the first import of a parser module; returns the status."""
    global STATUS
    why = "XXGK_PURE is set" if os.environ.get("XXGK_PURE") and _built() else stale()
    if why is None:
        STATUS = "compiled (mypyc)"
    else:
        STATUS = f"pure Python ({why})"
        if _built():  # a stale build must not shadow the sources
            sys.meta_path.insert(0, _SourceFirst(MODULES))
    return STATUS


def build(quiet: bool = False, if_stale: bool = False) -> int:
    """Compile MODULES in place with mypyc; 0 on success. The manifest is written last, so a build
    that fails half-way leaves the package on pure Python. ``if_stale``: only when these sources
    were neither built nor tried here (``make`` runs it every time; a machine without a C compiler
    tries once per change of the sources)."""
    import subprocess
    import tempfile

    if if_stale:
        want = _manifest()
        if want and _mismatch(want) is None and (_built() or want.get("failed")):
            return 0
    MANIFEST.unlink(missing_ok=True)
    for p in _built() + list(HERE.parent.glob(f"{GROUP}__mypyc.*")):
        p.unlink()
    digest = source_digest()
    with tempfile.TemporaryDirectory() as tmp:
        script = (
            "from setuptools import setup\n"
            "from mypyc.build import mypycify\n"
            f"setup(name={GROUP!r}, packages=[], py_modules=[], ext_modules=mypycify("
            f"{[f'ingestion/{m}.py' for m in MODULES]!r}, opt_level='3', group_name={GROUP!r}, "
            f"target_dir={str(Path(tmp) / 'c')!r}))\n"
        )
        setup_py = Path(tmp) / "setup.py"
        setup_py.write_text(script)
        cmd = [
            sys.executable,
            str(setup_py),
            "build_ext",
            "--inplace",
            "--build-temp",
            tmp,
            "--build-lib",
            tmp,
            "-j",
            "2",
        ]
        proc = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True)
    if proc.returncode != 0:
        for p in _built() + list(HERE.parent.glob(f"{GROUP}__mypyc.*")):
            p.unlink()
        tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-15:])
        print(f"native build failed; the parser runs as pure Python:\n{tail}", file=sys.stderr)
        failed = {"digest": digest, "python": sys.implementation.cache_tag, "failed": tail[-500:]}
        MANIFEST.write_text(json.dumps(failed, ensure_ascii=False) + "\n")
        return 1
    if source_digest() != digest:
        print("sources changed during the build; run it again", file=sys.stderr)
        return 1
    MANIFEST.write_text(json.dumps({"digest": digest, "python": sys.implementation.cache_tag}) + "\n")
    if not quiet:
        print(f"compiled {len(MODULES)} parser modules with mypyc")
    return 0
