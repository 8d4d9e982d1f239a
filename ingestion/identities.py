"""The statutory identities I1–I5, stated once.

The solver uses them to split run-together digits, place missing cells and fill blanks; the quality
gates render the same definitions to SQL (:func:`equations` is the single source). An identity is a
set of linear equations ``sum(lhs) == sum(rhs)`` over cells addressed as ``(row, col)`` of one table.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from .codes import T3_APPLICANT_COLS, T3_COLS, T4_COLS, T4_ROWS, t3_leaves_for, t3_rows_for

# variable length on purpose: mypyc keeps such a tuple boxed, so an interned cell stays the same object
# (a tuple[str, str] would be unboxed and rebuilt at every dict lookup)
Cell = tuple[str, ...]

# One tuple object per cell address: equations, slots and the emit order share them, so a lookup of
# one in a dict keyed by another compares by identity, not string by string.
_INTERNED: Final[dict[Cell, Cell]] = {}


def cell(row: str, col: str) -> Cell:
    key = (row, col)
    return _INTERNED.setdefault(key, key)


@cache
def row_cells(row: str, cols: tuple[str, ...]) -> list[Cell]:
    """The interned cells of one row (shared and read-only: a slot's cells)."""
    return [cell(row, c) for c in cols]


@cache
def table_cells(table: str, template: str = "2021") -> list[Cell]:
    """表三/表四's interned cells in the template's row and column order (shared and read-only)."""
    if table == "t3":
        return [c for r in t3_rows_for(template) for c in row_cells(r, T3_COLS)]
    return [c for r in T4_ROWS for c in row_cells(r, T4_COLS)]


@dataclass(frozen=True, slots=True)
class Identity:
    id: str
    table: str
    statement_zh: str
    statement_en: str


IDENTITIES: dict[str, Identity] = {
    "I1": Identity(
        "I1",
        "t3",
        "第一项加第二项之和，等于第三项加第四项之和（每一列）",
        "new_received + carried_over = outcome_total + carried_forward, for every column",
    ),
    "I2": Identity(
        "I2",
        "t3",
        "总计 = 自然人 + 五类法人或其他组织（每一行）",
        "total = natural_person + the five organisation columns, for every row",
    ),
    "I3": Identity(
        "I3",
        "t3",
        "（七）总计 = 各项办理结果之和（每一列）",
        "outcome_total = sum of the outcome leaf rows (19 or 21), for every column",
    ),
    "I4": Identity(
        "I4",
        "t4",
        "总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结（每类案件）",
        "total = upheld + corrected + other + pending, for every proceeding",
    ),
    "I5": Identity(
        "I5",
        "*",
        "表三、表四均为非负整数；表二除本年增/减外均非负",
        "every 表三/表四 value is a non-negative integer; every 表二 count but items_change is non-negative",
    ),
}


# eq=False: an equation is its own identity (equations() builds each once). The solver's caches key
# on tuples of equations; a field-by-field hash ran as Python, 40 times per table (5% of a parse)
@dataclass(frozen=True, slots=True, eq=False)
class Equation:
    identity: str
    table: str
    key: str  # the row (I2, I4) or column (I1, I3) the equation is about
    lhs: tuple[Cell, ...]
    rhs: tuple[Cell, ...]

    @property
    def cells(self) -> tuple[Cell, ...]:
        return self.lhs + self.rhs


@cache
def equations(table: str, template: str = "2021") -> tuple[Equation, ...]:
    """Every equation of the hard identities for one table of one template (built once, shared)."""
    out: list[Equation] = []
    if table == "t3":
        rows = ("new_received", "carried_over", *t3_leaves_for(template), "outcome_total", "carried_forward")
        for c in T3_COLS:
            out.append(
                Equation(
                    "I1",
                    "t3",
                    c,
                    (cell("new_received", c), cell("carried_over", c)),
                    (cell("outcome_total", c), cell("carried_forward", c)),
                )
            )
        for r in rows:
            out.append(
                Equation("I2", "t3", r, (cell(r, "total"),), tuple(cell(r, c) for c in T3_APPLICANT_COLS))
            )
        leaves = t3_leaves_for(template)
        for c in T3_COLS:
            out.append(
                Equation("I3", "t3", c, (cell("outcome_total", c),), tuple(cell(leaf, c) for leaf in leaves))
            )
    elif table == "t4":
        for p in T4_ROWS:
            out.append(Equation("I4", "t4", p, (cell(p, "total"),), tuple(cell(p, c) for c in T4_COLS[:-1])))
    return tuple(out)


def row_local(eqs: Sequence[Equation]) -> dict[str, list[Equation]]:
    """Equations whose cells all lie in one row, keyed by that row (I2, I4)."""
    out: dict[str, list[Equation]] = {}
    for e in eqs:
        rows = {r for r, _ in e.cells}
        if len(rows) == 1:
            out.setdefault(next(iter(rows)), []).append(e)
    return out


def violations(
    eqs: Sequence[Equation], values: dict[Cell, float | None]
) -> Iterator[tuple[Equation, float, float]]:
    """Equations whose cells are all known and that do not hold: (equation, lhs, rhs)."""
    for e in eqs:
        lv = [values.get(c) for c in e.lhs]
        rv = [values.get(c) for c in e.rhs]
        if any(v is None for v in lv) or any(v is None for v in rv):
            continue
        ls = sum(v for v in lv if v is not None)
        rs = sum(v for v in rv if v is not None)
        if ls != rs:
            yield e, ls, rs
