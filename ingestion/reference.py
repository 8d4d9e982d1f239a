"""Reference tables rendered from the contract (``codes``, ``identities``) for the warehouse.

The marts join codes to Chinese labels and outcome groups, and the quality gates evaluate identities,
from these frames, so SQL never restates a code list or an equation by hand.
"""

from __future__ import annotations

import polars as pl

from .codes import (
    T2_ITEMS,
    T2_MEASURES,
    T2_MEASURES_BY_TEMPLATE,
    T3_COL_LABELS,
    T3_COLS,
    T3_OUTCOME_GROUPS,
    T3_ROWS,
    T4_COL_LABELS,
    T4_COLS,
    T4_ROW_LABELS,
    T4_ROWS,
    TEMPLATES,
)
from .identities import equations

CODES_SCHEMA = {
    "table_id": pl.String,
    "axis": pl.String,
    "code": pl.String,
    "label_zh": pl.String,
    "group_code": pl.String,
    "group_label_zh": pl.String,
    "template": pl.String,
    "is_leaf": pl.Boolean,
    "ord": pl.Int32,
}


def codes_frame() -> pl.DataFrame:
    """Every row and column code of 表二/三/四 with its Chinese label (template null = both templates)."""
    rows: list[tuple[object, ...]] = []
    for i, r in enumerate(T3_ROWS):
        rows.append(
            (
                "t3",
                "row",
                r.code,
                r.label,
                r.group,
                T3_OUTCOME_GROUPS.get(r.group or ""),
                r.template,
                r.leaf,
                i,
            )
        )
    for i, c in enumerate(T3_COLS):
        rows.append(("t3", "col", c, T3_COL_LABELS[c], None, None, None, False, i))
    for i, p in enumerate(T4_ROWS):
        rows.append(
            (
                "t4",
                "row",
                p,
                T4_ROW_LABELS[p],
                "review" if p == "administrative_review" else "litigation",
                "行政复议" if p == "administrative_review" else "行政诉讼",
                None,
                False,
                i,
            )
        )
    for i, c in enumerate(T4_COLS):
        rows.append(("t4", "col", c, T4_COL_LABELS[c], None, None, None, False, i))
    for i, (item, label) in enumerate(T2_ITEMS.items()):
        tmpl = [t for t in TEMPLATES if item in T2_MEASURES_BY_TEMPLATE[t]]
        rows.append(("t2", "row", item, label, None, None, tmpl[0] if len(tmpl) == 1 else None, False, i))
    for i, (m, label) in enumerate(T2_MEASURES.items()):
        rows.append(("t2", "col", m, label, None, None, None, False, i))
    return pl.DataFrame(rows, schema=CODES_SCHEMA, orient="row")


def t2_layout_frame() -> pl.DataFrame:
    """Which 表二 measures each item has in each template (template-aware active disclosure)."""
    rows = [(t, item, m) for t in TEMPLATES for item, ms in T2_MEASURES_BY_TEMPLATE[t].items() for m in ms]
    return pl.DataFrame(
        rows, schema={"template": pl.String, "item": pl.String, "measure": pl.String}, orient="row"
    )


def identity_terms_frame() -> pl.DataFrame:
    """One row per term of every equation of I1–I4: ``sum(lhs terms) = sum(rhs terms)`` per report.

    ``template`` is ``any`` for 表四, whose identity does not depend on the template.
    """
    rows: list[tuple[object, ...]] = []
    for table in ("t3", "t4"):
        for tmpl in TEMPLATES if table == "t3" else ("any",):
            for e in equations(table, "2021" if tmpl == "any" else tmpl):
                for side, cells in (("lhs", e.lhs), ("rhs", e.rhs)):
                    rows.extend(
                        (e.identity, table, tmpl, e.key, side, k, r, c) for k, (r, c) in enumerate(cells)
                    )
    return pl.DataFrame(
        rows,
        schema={
            "identity": pl.String,
            "table_id": pl.String,
            "template": pl.String,
            "eq_key": pl.String,
            "side": pl.String,
            "term": pl.Int32,
            "row_code": pl.String,
            "col_code": pl.String,
        },
        orient="row",
    )
