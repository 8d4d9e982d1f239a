"""Round trip: parse generated reports and compare every cell with the generator's ground truth.

A *silent error* is a cell the parser presents as known (printed or inferred) with a value that is
not the one printed/true, or presents as blank where a number was printed. Ambiguous cells are
flagged, not silent. ``verify_dir`` returns the counts the round-trip figure is made of.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from .parse import ParseResult, parse_file


def compare(res: ParseResult, truth: dict[str, Any]) -> dict[str, Any]:
    out: Counter[str] = Counter()
    errors: list[str] = []
    cells = {(c.table, c.row, c.col): c for c in res.cells}
    blank = set(truth.get("printed", {}).get("blank", []))
    lost = set(truth.get("lost", []))
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
                        errors.append(f"{key}: null ({c.status}) but {v} was printed")
                    continue
                if abs(float(c.value) - float(v)) > 1e-6:
                    out["silent"] += 1
                    errors.append(f"{key}: {c.value} ({c.status}) != {v}")
                else:
                    out["exact"] += 1
                    if c.status == "inferred":
                        out["inferred_ok"] += 1
    return {"counts": dict(out), "errors": errors}


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
