"""Round trip: parse generated reports and compare every cell with the generator's ground truth.

A *silent error* is a cell the parser presents as known (printed or inferred) with a value that is
not the one printed/true, or presents as blank where a number was printed. Ambiguous cells are
flagged, not silent. ``verify_dir`` returns the counts the round-trip figure is made of.

One case is counted apart, as ``indistinguishable``: a report printed with a broken identity whose
scrape then lost a cell, where the parser's reading is complete, satisfies every identity, and differs
from the truth only in cells it marked ``inferred``. The file is then also the faithful print of that
consistent table (the lost cell took the evidence with it): no reader of the bytes can tell the two
apart, and the parser said which cells it did not read.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .identities import Cell, equations, violations
from .parse import ParseResult, parse_file


def compare(res: ParseResult, truth: dict[str, Any]) -> dict[str, Any]:
    out: Counter[str] = Counter()
    errors: list[str] = []
    cells = {(c.table, c.row, c.col): c for c in res.cells}
    blank = set(truth.get("printed", {}).get("blank", []))
    lost = set(truth.get("lost", []))
    wrong: list[tuple[str, str, str]] = []  # cells presented as known with another value
    if res.status not in truth["expected_status"]:
        out["status_wrong"] += 1
        errors.append(f"status {res.status} not in {truth['expected_status']}")
    if truth["expected_status"] != ["not_a_report"]:
        if res.year != truth["year"]:
            out["year_wrong"] += 1
            errors.append(f"year {res.year} != {truth['year']}")
        if res.agency != truth["agency"]:
            out["agency_wrong"] += 1
            errors.append(f"agency {res.agency} != {truth['agency']}")
    for table in ("t2", "t3", "t4"):
        for row, cols in truth.get(table, {}).items():
            for col, v in cols.items():
                key = f"{table}:{row}.{col}"
                out["cells"] += 1
                c = cells.get((table, row, col))
                if c is None:
                    out["not_emitted"] += 1
                    continue
                if c.status == "ambiguous":
                    out["ambiguous"] += 1
                    continue
                if c.value is None:
                    if key in blank or key in lost or truth.get("defect") == "truncated":
                        out["blank_ok"] += 1
                    else:
                        out["silent"] += 1
                        wrong.append((table, row, col))
                        errors.append(f"{key}: null ({c.status}) but {v} was printed")
                    continue
                if abs(float(c.value) - float(v)) > 1e-6:
                    out["silent"] += 1
                    wrong.append((table, row, col))
                    errors.append(f"{key}: {c.value} ({c.status}) != {v}")
                else:
                    out["exact"] += 1
                    if c.status == "inferred":
                        out["inferred_ok"] += 1
    if out["silent"] and truth.get("broken") and truth.get("lost") and _consistent_reading(res, wrong):
        out["indistinguishable"] = out.pop("silent")
        errors = [f"indistinguishable: {e}" for e in errors]
    return {"counts": dict(out), "errors": errors}


def _consistent_reading(res: ParseResult, wrong: list[tuple[str, str, str]]) -> bool:
    """The parser's 表三/表四 are complete, satisfy every identity, and every wrong cell is inferred."""
    cells = {(c.table, c.row, c.col): c for c in res.cells}
    if any(cells[k].status != "inferred" for k in wrong):
        return False
    for table in ("t3", "t4"):
        vals: dict[Cell, float | None] = {(c.row, c.col): c.value for c in res.cells if c.table == table}
        if any(v is None for v in vals.values()):
            return False
        tmpl = res.templates.get("t3") or "2021"
        if next(violations(equations(table, tmpl), vals), None) is not None:
            return False
    return True


def verify_dir(folder: Path, limit: int | None = None) -> dict[str, Any]:
    totals: Counter[str] = Counter()
    by_layout: dict[str, Counter[str]] = {}
    failures: list[dict[str, Any]] = []
    truths = sorted(folder.glob("*.truth.json"))[:limit]
    for tp in truths:
        truth = json.loads(tp.read_text(encoding="utf-8"))
        stem = tp.name[: -len(".truth.json")]
        src = next(p for p in (folder / (stem + ".txt"), folder / (stem + ".html")) if p.exists())
        res = parse_file(src)
        cmp = compare(res, truth)
        totals.update(cmp["counts"])
        totals["reports"] += 1
        lay = by_layout.setdefault(
            truth["layout"] + (f"+{truth['defect']}" if truth.get("defect") else ""), Counter()
        )
        lay.update(cmp["counts"])
        lay["reports"] += 1
        if cmp["errors"]:
            failures.append({"file": src.name, "errors": cmp["errors"][:5]})
    return {
        "totals": dict(totals),
        "by_layout": {k: dict(v) for k, v in sorted(by_layout.items())},
        "failures": failures,
    }
