"""One report: raw bytes → metadata, long-form cells with provenance, issues."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from pathlib import Path
from typing import Any, Final, NamedTuple

from . import PARSER_VERSION
from .codes import T2_DECIMAL_MEASURES
from .identities import Cell, equations, table_cells
from .meta import find_agency, find_prose_figures, find_year, looks_like_report
from .normalise import compact, normalise, scan_head
from .read import Document, ReadError, read_bytes
from .solve import Value
from .tables import TableResult, find_t2, find_t3, find_t4, parse_t2, parse_t3, parse_t4, solved_of
from .tokens import tokenize


@dataclass(slots=True)
class Issue:
    severity: str
    code: str
    message: str
    table: str | None = None
    row: str | None = None
    col: str | None = None
    line: int | None = None

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(
        self,
        severity: str,
        code: str,
        message: str,
        table: str | None = None,
        row: str | None = None,
        col: str | None = None,
        line: int | None = None,
    ) -> None:
        self.severity = severity
        self.code = code
        self.message = message
        self.table = table
        self.row = row
        self.col = col
        self.line = line

    def as_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "line": self.line,
            "message": self.message,
        }


def extend_issue_columns(issues: list[Issue], cols: list[list[Any]]) -> None:
    """Append issues to the issue table's columns (severity, code, table, row, col, line, message):
    compiled attribute reads, where a worker's generic getter cost more than a report's cells."""
    severity, code, table, row, col, line, message = cols
    for i in issues:
        severity.append(i.severity)
        code.append(i.code)
        table.append(i.table)
        row.append(i.row)
        col.append(i.col)
        line.append(i.line)
        message.append(i.message)


class CellOut(NamedTuple):
    """One cell as emitted (a tuple: ~180 per report are built, each in C; nothing changes them)."""

    table: str
    row: str
    col: str
    value: float | int | None
    text: str | None
    status: str
    rule: str | None
    unit: str | None
    line: int | None
    page: int | None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "table": self.table,
            "row": self.row,
            "col": self.col,
            "value": self.value,
            "text": self.text,
            "status": self.status,
            "line": self.line,
        }
        if self.page is not None:
            d["page"] = self.page
        if self.rule:
            d["rule"] = self.rule
        if self.unit:
            d["unit"] = self.unit
        return d


_STATUS_COLUMN: Final = CellOut._fields.index("status")


class RowReadings(NamedTuple):
    """The readings left of a 表二 row whose digits split several ways (its cells ``ambiguous``): each
    reading gives the row's cells together, in ``cols`` order. Kept whole, not as each cell's candidates
    apart, so that an identity across reports (X2: in force = last year's + issued − repealed) can pick
    one reading in the warehouse (ingestion/resolve.py). Rows of counts only: an amount's reading would
    need its unit."""

    table: str
    row: str
    cols: tuple[str, ...]
    values: list[list[Value]]

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "cols": list(self.cols), "values": self.values}


def _no_cells() -> list[list[Any]]:
    return [[] for _ in CellOut._fields]


@dataclass(slots=True)
class ParseResult:
    source: str
    report_id: str
    size: int
    format: str = "unknown"
    encoding: str | None = None
    agency: str | None = None
    year: int | None = None
    templates: dict[str, str | None] = field(default_factory=lambda: {"t2": None, "t3": None})
    status: str = "failed"
    # the cells as columns, one list per field of CellOut: what a worker ships and the warehouse loads,
    # built without a tuple per cell (``cells`` gives them as CellOut tuples)
    columns: list[list[Any]] = field(default_factory=_no_cells)
    issues: list[Issue] = field(default_factory=list)
    prose: dict[str, int] = field(default_factory=dict)  # X3: figures stated in the prose
    readings: list[RowReadings] = field(default_factory=list)  # ambiguous 表二 rows, every reading whole

    @property
    def cells(self) -> list[CellOut]:
        return [CellOut._make(row) for row in zip(*self.columns)] if self.columns[0] else []

    @property
    def n_cells(self) -> int:
        return len(self.columns[0])

    def clear_cells(self) -> None:
        self.columns = _no_cells()

    def counts(self) -> dict[str, int]:
        # one compiled pass over str-typed statuses (three list.count calls compared each status
        # three times through the generic comparison: 47 K instructions a report, 1.5% of a parse)
        statuses: list[str] = self.columns[_STATUS_COLUMN]
        printed = blank = inferred = 0
        for s in statuses:
            if s == "printed":
                printed += 1
            elif s == "blank":
                blank += 1
            elif s == "inferred":
                inferred += 1
        # every cell has one of the four statuses: the last count is what is left
        return {
            "printed": printed,
            "blank": blank,
            "inferred": inferred,
            "ambiguous": len(statuses) - printed - blank - inferred,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "report_id": self.report_id,
            "agency": self.agency,
            "year": self.year,
            "templates": dict(self.templates),
            "status": self.status,
            "format": self.format,
            "parser_version": PARSER_VERSION,
            "prose": dict(self.prose),
            "cells": [c.as_dict() for c in self.cells],
            "issues": [i.as_dict() for i in self.issues],
            "readings": [r.as_dict() for r in self.readings],
        }


def report_id(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_file(path: str | Path) -> ParseResult:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        r = ParseResult(str(path), "", 0)
        r.issues.append(Issue("error", "unreadable", f"{path}: {exc.strerror or exc}"))
        return r
    return parse_bytes(data, str(path))


def parse_bytes(data: bytes, source: str = "") -> ParseResult:
    res = ParseResult(source, report_id(data), len(data))
    try:
        doc = read_bytes(data, source)
    except ReadError as exc:
        res.issues.append(Issue("error", "unreadable", f"{Path(source).name or 'input'}: {exc}"))
        return res
    except Exception as exc:  # a reader library failing on hostile input must not stop the batch
        res.issues.append(
            Issue("error", "reader_crash", f"{Path(source).name or 'input'}: {type(exc).__name__}: {exc}")
        )
        return res
    res.format, res.encoding = doc.format, doc.encoding
    # A text file that stops without a final newline may have been cut inside a number.
    cut = doc.format == "txt" and not data.endswith((b"\n", b"\r"))
    try:
        _parse_document(doc, res, cut)
    except Exception as exc:
        res.status = "failed"
        res.clear_cells()
        res.issues.append(Issue("error", "parser_crash", f"{type(exc).__name__}: {exc}"))
    return res


_TRADITIONAL_ONLY: Final = "們與報開關發這為數實處問時書條項辦務機"


def _parse_document(doc: Document, res: ParseResult, cut: bool = False) -> None:
    head_lines = [" ".join(line.cells) for line in doc.lines[:400]]
    sample = "\n".join(head_lines)
    folds, hinted = scan_head(sample, 20000)
    # three distinct hint characters present: a substring test each, not a set of the whole sample
    traditional = hinted and sum(1 for ch in _TRADITIONAL_ONLY if ch in sample) >= 3
    head_text = normalise(sample[:20000], traditional, folds)
    if "\ufffd" in sample:
        res.issues.append(
            Issue("warning", "encoding", "undecodable bytes replaced (truncated or mixed encoding)")
        )
    res.year = find_year(head_text)
    res.agency = find_agency(head_text)
    res.prose = find_prose_figures(head_text)

    # tokenise from the first table anchor on; prose before it is only read for metadata
    first = None
    for i, line in enumerate(doc.lines):
        joined = head_lines[i] if i < len(head_lines) else " ".join(line.cells)
        if "第" not in joined and "本" not in joined:  # neither anchor can be on this line
            continue
        joined = compact(normalise(joined, traditional))
        if "第二十条" in joined or "本年新收" in joined:
            first = i
            break
    tokens = tokenize(doc, traditional, first) if first is not None else []
    t3_start = find_t3(tokens)

    if not looks_like_report(head_text) and t3_start is None:
        res.status = "not_a_report"
        res.issues.append(Issue("error", "not_a_report", "no 政府信息公开 report markers and no 表三 found"))
        return
    if res.year is not None and res.year < 2019:
        res.status = "pre_2019"
        res.issues.append(
            Issue(
                "info",
                "pre_2019",
                f"{res.year} report: free format before the 2019 template; no facts emitted",
            )
        )
        return
    if res.year is None:
        res.issues.append(Issue("warning", "year_unknown", "statistics year not found in the text"))
    if res.agency is None:
        res.issues.append(Issue("warning", "agency_unknown", "issuing agency not found in the text"))

    found: dict[str, TableResult] = {}
    if t3_start is not None:
        found["t3"] = parse_t3(tokens, t3_start, res.year)
    t2_start = find_t2(tokens, t3_start if t3_start is not None else len(tokens))
    if t2_start is not None:
        found["t2"] = parse_t2(tokens, t2_start, t3_start if t3_start is not None else len(tokens), res.year)
    t4_start = find_t4(tokens, found["t3"].end if "t3" in found else 0)
    if t4_start is not None:
        found["t4"] = parse_t4(tokens, t4_start)

    for table in ("t2", "t3", "t4"):
        if table not in found:
            res.issues.append(
                Issue("error", "table_missing", f"{table} ({_TABLE_ZH[table]}) not found", table)
            )
    if not found:
        # No standard tables at all: an old free-format report whose year we could not read,
        # or a report that lost its tables in scraping.
        res.status = "partial"
        return
    res.templates = {
        "t2": found["t2"].template if "t2" in found else None,
        "t3": found["t3"].template if "t3" in found else None,
    }
    last = tokens[-1] if (cut and tokens) else None
    for tr in found.values():
        _emit(res, tr, last)
    _check_identities(res, found)
    ambiguous = "ambiguous" in res.columns[_STATUS_COLUMN]
    res.status = "ok" if (len(found) == 3 and not ambiguous) else "partial"


@cache
def _order_columns(table: str, template: str) -> tuple[list[str], list[str]]:
    """The row and column codes of the template's cell order (the order cells are emitted in)."""
    order = table_cells(table, template)
    return [r for r, _ in order], [c for _, c in order]


_TABLE_ZH: Final = {"t2": "表二 主动公开", "t3": "表三 依申请", "t4": "表四 复议诉讼"}


def _emit_notes(res: ParseResult, tr: TableResult) -> None:
    """The table reader's notes (a row not found, a layout warning) as issues."""
    for sev, row, msg in tr.notes:
        res.issues.append(
            Issue(sev, "row_missing" if "not found" in msg else "layout", msg, tr.table, row or None)
        )


def _emit_printed(res: ParseResult, tr: TableResult) -> None:
    """:func:`_emit` for a table read as printed (TableResult.printed): 表三/表四 whole, in the
    template's order, in bulk; 表二 a cell at a time, amounts printed in 元 turned into 万元 as there."""
    assert tr.printed is not None
    table = tr.table
    _emit_notes(res, tr)
    cells, values, toks = tr.printed
    (c_table, c_row, c_col, c_value, c_text, c_status, c_rule, c_unit, c_line, c_page) = res.columns
    if table != "t2":  # no blank, no unit
        n = len(values)
        rows, cols = _order_columns(table, tr.template or "2021")
        c_table.extend(repeat(table, n))
        c_row.extend(rows)
        c_col.extend(cols)
        c_unit.extend(repeat(None, n))
        c_value.extend(values)
        c_status.extend(repeat("printed", n))
        c_rule.extend(repeat(None, n))
        for t in toks:
            c_text.append(t.raw)
            c_line.append(t.line)
            c_page.append(t.page)
        return
    units = tr.units
    for cell_key, value, tok in zip(cells, values, toks, strict=True):
        row, col = cell_key
        value, unit = _t2_amount(col, value, tok.unit, units.get(cell_key) if units else None)
        c_table.append(table)
        c_row.append(row)
        c_col.append(col)
        c_unit.append(unit)
        c_value.append(value)
        c_text.append(tok.raw)
        c_status.append("printed" if value is not None else "blank")
        c_rule.append(None)
        c_line.append(tok.line)
        c_page.append(tok.page)


def _t2_amount(
    col: str, value: Value, printed_unit: str | None, unit: str | None
) -> tuple[Value, str | None]:
    """A 表二 value and its unit: an amount printed in 元 is stored in 万元; one printed with 万元 says so."""
    if col in T2_DECIMAL_MEASURES and value is not None:
        if printed_unit == "元":
            return value / 10000, "万元"
        if printed_unit == "万元":
            return value, "万元"
    return value, unit


def _emit(res: ParseResult, tr: TableResult, cut_token: object = None) -> None:
    if tr.printed is not None and cut_token is None:
        _emit_printed(res, tr)
        return
    table = tr.table
    solved_cells = solved_of(tr).cells
    items = list(solved_cells.items())
    if table != "t2":  # the template's order, which the solver's is unless a row went missing
        order = table_cells(table, tr.template or "2021")
        if [k for k, _ in items] != order:
            items = [(k, solved_cells[k]) for k in order]
    _emit_notes(res, tr)
    assert tr.solved is not None
    if tr.solved.joint:
        _emit_readings(res, tr)
    for key, msg in tr.solved.notes:
        res.issues.append(
            Issue("info" if "ambiguous" not in msg else "warning", "solver", msg, table, key or None)
        )
    for key, msg in tr.solved.unreadable:
        res.issues.append(
            Issue(
                "warning",
                "unreadable_row",
                f"{msg}; its cells are left ambiguous",
                table,
                None if key == "t4" else key,
            )
        )
    for ident, key in tr.solved.unsatisfiable:
        # I1/I3 are about a column, I2/I4 about a row (the 表四 slot is the whole table)
        by_col = ident in ("I1", "I3")
        res.issues.append(
            Issue(
                "warning",
                f"unsatisfiable:{ident}",
                f"{ident} {key}: no reading of the printed cells satisfies it; "
                "the table breaks the identity as printed, whichever way its cells are read",
                table,
                None if by_col or key in ("", "t4") else key,
                key if by_col and key else None,
            )
        )
    if tr.runtogether:
        res.issues.append(
            Issue(
                "info",
                "digits_run_together",
                "cells printed without separators; split by the identities",
                table,
            )
        )
    tainted: set[Cell] = set()
    if cut_token is not None and table in ("t3", "t4"):
        # the last number may be cut short; a value an identity derived with it is as unsure
        cut_cells = {k for k, cr in tr.solved.cells.items() if cr.token is cut_token and cr.value is not None}
        for e in equations(table, tr.template or "2021") if cut_cells else ():
            if cut_cells & set(e.cells):
                tainted.update(
                    c
                    for c in e.cells
                    if tr.solved.cells[c].status == "inferred" and tr.solved.cells[c].token is None
                )
    (c_table, c_row, c_col, c_value, c_text, c_status, c_rule, c_unit, c_line, c_page) = res.columns
    units = tr.units
    is_t2 = table == "t2"
    if not is_t2:  # 表三/表四: table, row and column follow the template's order; no unit
        rows, cols = _order_columns(table, tr.template or "2021")
        c_table.extend(repeat(table, len(rows)))
        c_row.extend(rows)
        c_col.extend(cols)
        c_unit.extend(repeat(None, len(rows)))
    label_of = tr.label_of
    for cell_key, cr in items:
        row, col = cell_key
        if tainted and cell_key in tainted:
            res.issues.append(
                Issue(
                    "warning",
                    "truncated",
                    f"{table} {row}/{col}: {cr.rule} derived {cr.value} "
                    "from a number the file's end may have cut short",
                    table,
                    row,
                    col,
                )
            )
            cr = type(cr)(None, "ambiguous", cr.token, None, (cr.value,) if cr.value is not None else ())
        tok = cr.token
        value = cr.value
        unit = units.get(cell_key) if units else None
        text: str | None
        line: int | None
        page: int | None
        if tok is not None:
            text, line, page = tok.raw, tok.line, tok.page
            if is_t2:
                value, unit = _t2_amount(col, value, tok.unit, unit)
        else:
            text = None
            label = label_of.get(row)
            line, page = (label.line, label.page) if label is not None else (None, None)
        if cut_token is not None and tok is cut_token and value is not None:
            res.issues.append(
                Issue(
                    "warning",
                    "truncated",
                    f"file ends inside {table} at {row}/{col}: the last number {text} may be cut short",
                    table,
                    row,
                    col,
                    line,
                )
            )
            cr = type(cr)(None, "ambiguous", tok, None, (value,))
            value = None
        if is_t2:
            c_table.append(table)
            c_row.append(row)
            c_col.append(col)
            c_unit.append(unit)
        c_value.append(value)
        c_text.append(text)
        c_status.append(cr.status)
        c_rule.append(cr.rule)
        c_line.append(line)
        c_page.append(page)
        if cr.status == "ambiguous":
            cands = ", ".join(str(v) for v in cr.candidates[:8]) or "none fit"
            stated = res.prose.get(f"{row}.{col}") if is_t2 else None
            if stated is not None:  # for the reader to weigh: the prose may count something else
                cands += f"; the prose states {stated}" + (
                    "" if stated in cr.candidates else ", which no reading gives"
                )
            res.issues.append(
                Issue(
                    "warning",
                    "ambiguous_cell",
                    f"{table} {row}/{col}: several readings fit ({cands})",
                    table,
                    row,
                    col,
                    line,
                )
            )
        elif cr.status == "inferred":
            res.issues.append(
                Issue(
                    "info",
                    "inferred_cell",
                    f"{table} {row}/{col} = {value} not printed; determined by {cr.rule}",
                    table,
                    row,
                    col,
                    line,
                )
            )


def _emit_readings(res: ParseResult, tr: TableResult) -> None:
    """The joint readings of the table's ambiguous rows of counts (see :class:`RowReadings`)."""
    assert tr.solved is not None
    for key, (cells, values) in tr.solved.joint.items():
        cols = tuple(c[1] for c in cells)
        if not any(c in T2_DECIMAL_MEASURES for c in cols):
            res.readings.append(RowReadings(tr.table, key, cols, values))


def _check_identities(res: ParseResult, found: dict[str, TableResult]) -> None:
    for table in ("t3", "t4"):
        if table not in found:
            continue
        tr = found[table]
        if tr.solved is not None:  # a table read as printed holds every identity
            for e, lhs, rhs in tr.solved.broken:
                res.issues.append(
                    Issue(
                        "warning",
                        e.identity,
                        f"{e.identity} broken as printed for {e.key}: {fmt_number(lhs)} ≠ {fmt_number(rhs)}",
                        table,
                        e.key,
                    )
                )
        keys, values = _values(tr)
        for i, v in enumerate(values):
            # an int is whole; a float is checked with is_integer (int(v) was a generic call per cell)
            if v is not None and (v < 0 or (isinstance(v, float) and not v.is_integer())):
                k = keys[i]
                res.issues.append(
                    Issue(
                        "warning",
                        "I5",
                        f"{table} {k[0]}/{k[1]} = {v} is not a non-negative integer",
                        table,
                        k[0],
                        k[1],
                    )
                )
    if "t2" in found:
        keys, values = _values(found["t2"])
        for i, v in enumerate(values):
            if v is not None and v < 0 and keys[i][1] != "items_change":
                row, col = keys[i]
                res.issues.append(Issue("warning", "I5", f"t2 {row}/{col} = {v} is negative", "t2", row, col))


def _values(tr: TableResult) -> tuple[list[Cell], list[Value]]:
    """A table's cells and their values: as printed where it was read so, else as solved."""
    if tr.solved is None and tr.printed is not None:
        return tr.printed[0], tr.printed[1]
    cells = solved_of(tr).cells
    return list(cells), [cr.value for cr in cells.values()]


def fmt_number(v: float) -> str:
    """A figure as a message prints it: 3, not 3.0; 2.52 as it is."""
    return str(int(v)) if float(v).is_integer() else str(v)
