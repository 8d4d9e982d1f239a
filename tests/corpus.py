"""Access to ../shared/corpus for tests (CI has it beside the clone; the product never reads it)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"

REAL_FILES = {
    "huaian-2024": "huaian-2024.pdf",
    "hongze-2023": "hongze-2023.pdf",
    "pingtan-2019": "pingtan-2019.txt",
    "pingtan-2021": "pingtan-2021.txt",
    "pingtan-2023": "pingtan-2023.txt",
    "shanghai-office-2019": "shanghai-office-2019.html",
    "fixture-city-2025": "fixture-city-2025.html",
}


def need_corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus not present")
    return CORPUS


def expected() -> dict[str, Any]:
    return json.loads((need_corpus() / "real" / "expected.json").read_text(encoding="utf-8"))


def expected_cells(exp: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    """expected.json → {(table, row, col): value}; 表二/表四 keys are "row.col"."""
    out: dict[tuple[str, str, str], Any] = {}
    for table in ("t2", "t4"):
        for key, v in exp.get(table, {}).items():
            row, col = key.rsplit(".", 1)
            out[(table, row, col)] = v
    for row, cols in exp.get("t3", {}).items():
        for col, v in cols.items():
            out[("t3", row, col)] = v
    return out


def same(expected_value: Any, cell: dict[str, Any] | None) -> bool:
    """A cell matches when its value equals the hand-checked one; null means printed blank, which a
    cell matches when nothing was printed there (blank, or inferred from the identities)."""
    if cell is None:
        return False
    if expected_value is None:
        return cell["status"] in ("blank", "inferred") and not cell.get("text")
    if cell["value"] is None:
        return False
    return abs(float(cell["value"]) - float(expected_value)) < 1e-6
