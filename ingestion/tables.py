"""Find 表二, 表三 and 表四 in the token stream and turn their printed rows into solver slots."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from .codes import (
    T2_ITEM_PATTERNS,
    T2_MEASURE_PATTERNS,
    T2_MEASURES_BY_TEMPLATE,
    T2_SIGNED_MEASURES,
    T3_COLS,
    T3_ROW_INDEX,
    T3_ROWS,
    T4_ROWS,
    t3_rows_for,
)
from .identities import Cell, Equation, equations, row_cells, row_local, table_cells
from .memo import remember
from .solve import (
    CellResult,
    Reading,
    Slot,
    Solved,
    Value,
    build_readings,
    eq_positions,
    parse_number,
    solve,
)
from .tokens import BLANK, LABEL, NUMBER, Token


@dataclass(slots=True)
class Group:
    labels: list[Token]
    values: list[Token] = field(default_factory=list)
    first: int = 0  # index of the first label in the token stream

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(self, labels: list[Token], values: list[Token] | None = None, first: int = 0) -> None:
        self.labels = labels
        self.values = values if values is not None else []
        self.first = first

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.labels)


@dataclass(slots=True)
class TableResult:
    table: str
    template: str | None
    solved: Solved | None
    label_of: dict[str, Token] = field(default_factory=dict)  # row → its printed label token
    units: dict[Cell, str] = field(default_factory=dict)  # 表二 amount cells → unit
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (severity, row, message)
    runtogether: bool = False
    end: int = 0
    # A table read without the solver, because nothing was left to decide: 表三 or 表四 printed whole
    # (every cell one whole number, every identity holding as printed), or 表二 with one number or
    # blank per measure (it has no identities to choose by). Its cells, values (None: blank) and
    # tokens, in emit order; ``solved`` stays None until asked for (:func:`solved_of`). A Slot, a
    # Reading and a CellResult per cell, a dict of them and the solver's passes cost a fifth of a
    # plainly printed report's instructions.
    printed: tuple[list[Cell], list[Value], list[Token]] | None = None


def solved_of(tr: TableResult) -> Solved:
    """The table's solution; for a table read as printed, built from its cells (what ``solve`` gives
    for it: every cell printed or blank, no note, nothing broken)."""
    if tr.solved is None:
        assert tr.printed is not None
        cells, values, toks = tr.printed
        tr.solved = Solved(
            {
                c: CellResult(v, "printed" if v is not None else "blank", t, None)
                for c, v, t in zip(cells, values, toks, strict=True)
            },
            [],
            True,
        )
    return tr.solved


@cache
def _printed_checks(table: str, template: str) -> tuple[tuple[tuple[int, ...], tuple[int, ...]], ...]:
    """The identities of a table over its cells by position in the template's order; those naming a
    cell outside the table are left out (the solver cannot evaluate them either)."""
    cells = table_cells(table, template)
    n, eqs_at = eq_positions(tuple(equations(table, template)), (tuple(cells),))
    assert n == len(cells)
    return tuple((lhs, rhs) for _, lhs, rhs in eqs_at if n not in lhs and n not in rhs)


def _printed_whole(
    rows: dict[str, Group], template: str
) -> tuple[list[Cell], list[Value], list[Token]] | None:
    """表三's values and tokens when every row printed exactly one whole number per column (as
    build_readings' common case reads them) and every identity holds; None otherwise."""
    n = len(T3_COLS)
    toks: list[Token] = []
    for code in t3_rows_for(template):
        g = rows.get(code)
        if g is None:
            return None
        nums = [t for t in g.values if t.kind == NUMBER]
        if len(nums) != n:
            return None
        toks += nums
    return _whole(toks, "t3", template)


def _whole(
    toks: list[Token], table: str, template: str
) -> tuple[list[Cell], list[Value], list[Token]] | None:
    """(cells, values, toks) when every token is a whole number and every identity of the table
    holds over them, in the template's cell order; None otherwise."""
    values: list[int] = []
    for t in toks:
        v = parse_number(t.text, True)
        if not isinstance(v, int):
            return None
        values.append(v)
    for lhs, rhs in _printed_checks(table, template):
        ls = 0
        for i in lhs:
            ls += values[i]
        rs = 0
        for i in rhs:
            rs += values[i]
        if ls != rs:
            return None
    as_values: list[Value] = list(values)  # the shape every printed table has (表二's may hold None)
    return table_cells(table, template), as_values, toks


def groups_from(tokens: list[Token], start: int, stop: int) -> list[Group]:
    out: list[Group] = []
    for i in range(start, min(stop, len(tokens))):
        t = tokens[i]
        if t.kind == LABEL:
            if out and not out[-1].values:
                out[-1].labels.append(t)
            else:
                out.append(Group([t], [], i))
        elif out:
            out[-1].values.append(t)
    return out


def _runtogether(groups: list[Group]) -> bool:
    rows = [g for g in groups if any(v.kind == NUMBER for v in g.values)]
    glued = sum(1 for g in rows if any(v.kind == NUMBER and v.glued for v in g.values))
    return glued >= max(2, len(rows) * 3 // 10)


def _spacers(groups: list[Group], ncols: int) -> tuple[int, int]:
    """Blank cells that full rows print before their first and after their last number: layout
    spacers (a label column two cells wide, a trailing separator), not values."""
    lead = trail = -1
    for g in groups:
        vals = g.values
        first = last = -1
        count = 0
        for i, v in enumerate(vals):
            if v.kind == NUMBER:
                count += 1
                if first < 0:
                    first = i
                last = i
        if count != ncols:
            continue
        t = len(vals) - 1 - last
        lead = first if lead < 0 else min(lead, first)
        trail = t if trail < 0 else min(trail, t)
    return (max(lead, 0), max(trail, 0))


@cache
def _row_local(template: str) -> dict[str, list[Equation]]:
    return row_local(equations("t3", template))


_T3_STOP: Final = re.compile(r"行政复议|行政诉讼|存在的主要问题|^五、")
_FIRST_LEAF: Final = T3_ROW_INDEX["granted"]
_LAST_ROW: Final = T3_ROW_INDEX["carried_forward"]


# memo of _t3_row_match, one dict per current row (index current + 1): a str key with its hash
# cached, where lru_cache built and hashed an argument tuple per call
_T3_MATCHES: Final[list[dict[str, int]]] = [{} for _ in range(len(T3_ROWS) + 1)]


def _t3_row_match(text: str, current: int) -> int:
    """Index of the 表三 row a label names, after row ``current`` (the last pattern that matches
    wins); -1 if none; -2 if the label ends the table (a heading after it). Memoised: the same
    labels recur in every report."""
    memo = _T3_MATCHES[current + 1]
    hit = memo.get(text)
    return hit if hit is not None else remember(memo, text, _t3_row_match_of(text, current), 8192)


def _t3_row_match_of(text: str, current: int) -> int:
    if current >= 0 and _T3_STOP.search(text) and "本年" not in text:
        return -2
    match = -1
    for k in range(current + 1, len(T3_ROWS)):
        rd = T3_ROWS[k]
        if rd.code == "outcome_total" and current < _FIRST_LEAF:
            continue
        if rd.pattern.search(text):
            match = k
    return match


def find_t3(tokens: list[Token]) -> int | None:
    for i, t in enumerate(tokens):
        if t.kind == LABEL and "本年新收" in t.text:
            return i
    return None


def parse_t3(tokens: list[Token], start: int, year: int | None, whole: bool = True) -> TableResult:
    """表三 from the token stream. ``whole``: a table printed whole skips the solver (TableResult.printed);
    False always solves (the tests compare the two)."""
    groups: list[Group] = []
    current = -1
    rows: dict[str, Group] = {}
    stop = len(tokens)
    unmatched: list[Group] = []
    for g in groups_from(tokens, start, len(tokens)):
        if current >= _LAST_ROW:
            stop = g.first
            break
        text = g.text
        match = _t3_row_match(text, current)
        if match == -2:
            stop = g.first
            break
        if match < 0:
            if any(v.kind == NUMBER for v in g.values):
                unmatched.append(g)
            continue
        current = match
        code = T3_ROWS[match].code
        rows[code] = g
        groups.append(g)
    template = (
        "2021"
        if any(c in rows for c in ("other.no_correction", "other.unpaid_fee", "other.other"))
        else ("2019" if "other" in rows else ("2021" if (year or 0) >= 2021 else "2019"))
    )
    res = TableResult("t3", template, None, end=stop)
    res.runtogether = _runtogether(groups)
    printed = _printed_whole(rows, template) if whole and not res.runtogether else None
    if printed is not None:
        res.printed = printed
        for code in t3_rows_for(template):
            res.label_of[code] = rows[code].labels[-1]
        _note_unmatched(res, unmatched)
        return res
    lead, trail = (0, 0) if res.runtogether else _spacers(groups, len(T3_COLS))
    eqs = equations("t3", template)
    local = _row_local(template)
    slots: list[Slot] = []
    for code in t3_rows_for(template):
        cells = row_cells(code, T3_COLS)
        found_group = rows.get(code)
        if found_group is None:
            slots.append(
                Slot(code, cells, [], [Reading([None] * 7, ["missing"] * 7, [None] * 7, [None] * 7)])
            )
            res.notes.append(("error", code, f"row {T3_ROWS[T3_ROW_INDEX[code]].label} not found in 表三"))
            continue
        res.label_of[code] = found_group.labels[-1]
        slot = Slot(code, cells, found_group.values)
        build_readings(slot, True, res.runtogether, False, local.get(code, []), lead, trail)
        slots.append(slot)
    _note_unmatched(res, unmatched)
    res.solved = solve(slots, eqs, integer=True)
    return res


def _note_unmatched(res: TableResult, unmatched: list[Group]) -> None:
    for g in unmatched:
        res.notes.append(
            (
                "warning",
                "",
                f"line {g.labels[0].line}: values after unrecognised label {g.text[:30]!r} ignored",
            )
        )


_T4_HEADER: Final = re.compile(
    r"^(?:四、)?(?:政府信息公开)?(?:行政复议|行政法复议|行政诉讼|结果维持|结果纠正|其他结果|尚未审结|总计|未经复议直接起诉|复议后起诉|"
    r"驳回申请|驳回起诉|驳回|结果|维持|纠正|其他|尚未|审结|、|情况|[()]|\s)+$"
)


_T4_HEADER_SEEN: Final[dict[str, bool]] = {}


def _t4_header(text: str) -> bool:
    """Whether a label is 表四 header text (memoised: the same header words recur in every report)."""
    hit = _T4_HEADER_SEEN.get(text)
    return (
        hit if hit is not None else remember(_T4_HEADER_SEEN, text, _T4_HEADER.match(text) is not None, 8192)
    )


def find_t4(tokens: list[Token], after: int) -> int | None:
    for i in range(after, len(tokens)):
        t = tokens[i]
        if (
            t.kind == LABEL
            and ("复议" in t.text)
            and ("结果" in t.text or "行政诉讼" in t.text or len(t.text) <= 24)
        ):
            # a heading in prose is long and has no table header words nearby
            window = "".join(x.text for x in tokens[i : i + 60] if x.kind == LABEL)[:200]
            if "维持" in window or "纠正" in window or "审结" in window:
                return i
    return None


def parse_t4(tokens: list[Token], start: int, whole: bool = True) -> TableResult:
    """表四 from the token stream; ``whole`` as for :func:`parse_t3`."""
    values: list[Token] = []
    label_tok = tokens[start]
    end = len(tokens)
    seen_header = False
    for i in range(start, len(tokens)):
        t = tokens[i]
        if t.kind == LABEL:
            if _t4_header(t.text) or ("复议" in t.text and not seen_header and len(t.text) < 40):
                if values and seen_header and "行政复议" in t.text:
                    end = i
                    break
                if all(v.kind == BLANK for v in values):
                    values = []  # padding cells of the header rows
                seen_header = (
                    seen_header
                    or "维持" in t.text
                    or "纠正" in t.text
                    or "审结" in t.text
                    or "总计" in t.text
                )
                continue
            if values or seen_header:
                end = i
                break
            continue
        if seen_header:
            values.append(t)
    res = TableResult("t4", None, None, end=end)
    res.label_of = {p: label_tok for p in T4_ROWS}
    cells = table_cells("t4")
    nums = [v for v in values if v.kind == NUMBER]
    res.runtogether = any(v.glued for v in nums) and len(nums) < len(cells)
    if whole and not res.runtogether and len(nums) == len(cells):
        res.printed = _whole(nums, "t4", "2021")
        if res.printed is not None:
            return res
    eqs = equations("t4")
    slot = Slot("t4", cells, values)
    build_readings(slot, True, res.runtogether, False, eqs)
    res.solved = solve([slot], eqs, integer=True)
    return res


def find_t2(tokens: list[Token], stop: int) -> int | None:
    for i in range(stop):
        t = tokens[i]
        if t.kind == LABEL and "第二十条" in t.text:
            return i
    return None


_MEASURES_SEEN: Final[dict[str, tuple[str, ...]]] = {}
_ITEMS_SEEN: Final[dict[str, str | None]] = {}


def _measures(text: str) -> tuple[str, ...]:
    """The 表二 measures a header names, in print order (memoised: headers recur across reports)."""
    hit = _MEASURES_SEEN.get(text)
    return hit if hit is not None else remember(_MEASURES_SEEN, text, _measures_of(text), 8192)


def _measures_of(text: str) -> tuple[str, ...]:
    found: list[tuple[int, str]] = []
    for code, pat in T2_MEASURE_PATTERNS:
        m = pat.search(text)
        if m and code not in {c for _, c in found}:
            found.append((m.start(), code))
    return tuple(c for _, c in sorted(found))


def _item(text: str) -> str | None:
    """The 表二 item a label names (memoised)."""
    if text in _ITEMS_SEEN:  # None (no item) is a memoised answer too
        return _ITEMS_SEEN[text]
    return remember(_ITEMS_SEEN, text, _item_of(text), 8192)


def _item_of(text: str) -> str | None:
    for code, pat in T2_ITEM_PATTERNS:
        if pat.search(text):
            return code
    return None


def parse_t2(tokens: list[Token], start: int, stop: int, year: int | None, whole: bool = True) -> TableResult:
    """表二 from the token stream; ``whole`` as for :func:`parse_t3` (TableResult.printed)."""
    groups = groups_from(tokens, start, stop)
    header: list[str] = []
    header_has_wan = False
    items: list[tuple[str, list[str] | None, Group, bool]] = []
    seen_measures: set[str] = set()
    for g in groups:
        text = g.text
        item = _item(text)
        ms = _measures(text)
        if ms and (item is None or len(ms) >= 1 and "信息内容" in text):
            header = list(ms)
            header_has_wan = "万元" in text
            seen_measures.update(ms)
            if item is None:
                continue
        if "第二十条" in text and item is None:
            header = []
            continue
        if item is not None:
            items.append((item, list(header) if header else None, g, header_has_wan))
    if seen_measures & {"issued", "repealed", "in_force"}:
        template = "2021"
    elif seen_measures & {
        "newly_made",
        "newly_published",
        "total_published",
        "items_prev_year",
        "items_change",
        "projects",
    }:
        template = "2019"
    else:
        template = "2021" if (year or 0) >= 2021 else "2019"
    defaults = T2_MEASURES_BY_TEMPLATE[template]
    res = TableResult("t2", template, None, end=stop)
    res.runtogether = _runtogether([g for _, _, g, _ in items])
    kept: list[tuple[str, list[Cell], list[Token]]] = []  # (item, its cells, its printed tokens)
    # as printed, while every item prints one number or blank per measure (build_readings' common case)
    flat = whole and not res.runtogether
    t2_cells: list[Cell] = []
    t2_values: list[Value] = []
    t2_toks: list[Token] = []
    seen_items: set[str] = set()
    for item, header_ms, g, wan in items:
        if item in seen_items:
            res.notes.append(
                ("warning", item, f"line {g.labels[0].line}: 表二 item {item} printed twice; first kept")
            )
            continue
        seen_items.add(item)
        measures = header_ms if header_ms else list(defaults.get(item, ()))
        if not measures:
            res.notes.append(("warning", item, f"line {g.labels[0].line}: no measure header for {item}"))
            continue
        res.label_of[item] = g.labels[-1]
        cells: list[Cell] = [(item, m) for m in measures]
        kept.append((item, cells, g.values))
        if flat:
            nums = [t for t in g.values if t.kind == NUMBER]
            if len(nums) == len(cells):
                t2_cells += cells
                t2_toks += nums
                for t in nums:
                    t2_values.append(parse_number(t.text, False))
            else:
                flat = False
        for m in measures:
            if m == "amount_10k_yuan":
                res.units[(item, m)] = (
                    "万元" if (wan or (template == "2021" and item == "administrative_fees")) else "unknown"
                )
    if flat and len(set(t2_cells)) == len(t2_cells):  # a measure printed twice: the solver keeps one
        res.printed = (t2_cells, t2_values, t2_toks)
        return res
    slots: list[Slot] = []
    for item, cells, values in kept:
        slot = Slot(item, cells, values)
        build_readings(slot, False, res.runtogether, any(m in T2_SIGNED_MEASURES for _, m in cells), [])
        slots.append(slot)
    res.solved = solve(slots, [], integer=False)
    return res
