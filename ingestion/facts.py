"""Declared schemas of the fact tables and their Polars frames.

The dbt sources (dbt_project/models/sources.yml) mirror these; ``validate`` checks a frame at
the boundary (names, dtypes, nullability, primary key) before it is loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import TYPE_CHECKING, Any

import polars as pl

from .codes import CELL_STATUSES, TABLES, all_codes

if TYPE_CHECKING:
    from .parse import ParseResult


@dataclass(frozen=True)
class Schema:
    name: str
    columns: dict[str, pl.DataType | type[pl.DataType]]
    not_null: tuple[str, ...]
    key: tuple[str, ...]
    # columns whose values come from a closed list of the contract (ingestion/codes.py): the warehouse
    # stores them as DuckDB ENUMs, and a value outside the list is refused here with its report named
    domains: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def from_columns(self, cols: Sequence[Sequence[object]]) -> pl.DataFrame:
        """A frame from one list per column, in schema order (no lists: no rows)."""
        if not cols:
            return self.empty()
        return pl.DataFrame(dict(zip(self.columns, cols, strict=True)), schema=self.columns)

    def empty(self) -> pl.DataFrame:
        return pl.DataFrame(schema=self.columns)

    def validate(self, df: pl.DataFrame) -> None:
        if list(df.columns) != list(self.columns):
            raise ValueError(f"{self.name}: columns {df.columns} != {list(self.columns)}")
        for col, dtype in self.columns.items():
            if df.schema[col] != dtype:
                raise ValueError(f"{self.name}.{col}: dtype {df.schema[col]} != {dtype}")
        for col in self.not_null:
            n = df.get_column(col).null_count()
            if n:
                raise ValueError(f"{self.name}.{col}: {n} nulls in a not-null column")
        # n_unique, not is_duplicated: one hash pass without the per-row mask (0.08 s against 0.2 s per
        # 900k cells)
        if self.key and df.height and df.select(self.key).n_unique() != df.height:
            raise ValueError(f"{self.name}: duplicate key {self.key}")
        for col, allowed in self.domains.items():
            bad = df.filter(pl.col(col).is_not_null() & ~pl.col(col).is_in(allowed))
            if bad.height:
                values = sorted(set(bad.get_column(col).to_list()))
                reports = bad.get_column("report_id").unique(maintain_order=True).head(3).to_list()
                raise ValueError(
                    f"{self.name}.{col}: {bad.height} value(s) outside the spec's codes {values[:5]} "
                    f"(report {', '.join(reports)}): a parser defect, nothing of this batch was loaded"
                )


REPORTS = Schema(
    "reports",
    {
        "report_id": pl.String,  # sha256 of the raw bytes
        "source": pl.String,  # the path it was read from
        "format": pl.String,  # txt | html | pdf | docx | unknown
        "encoding": pl.String,
        "agency": pl.String,
        "year": pl.Int32,  # statistics year
        "template_t2": pl.String,
        "template_t3": pl.String,
        "status": pl.String,  # ok | partial | pre_2019 | not_a_report | failed
        "parser_version": pl.String,
        "n_cells": pl.Int32,
        "n_printed": pl.Int32,
        "n_blank": pl.Int32,
        "n_inferred": pl.Int32,
        "n_ambiguous": pl.Int32,
        "n_issues": pl.Int32,
        "bytes": pl.Int64,
        "prose_applications": pl.Int64,  # X3: 共收到申请N件 as the prose states it
        "prose_reviews": pl.Int64,  # X3: 行政复议N件
    },
    ("report_id", "source", "status", "parser_version"),
    ("report_id",),
)

CELLS = Schema(
    "report_cells",
    {
        "report_id": pl.String,
        "table_id": pl.String,  # t2 | t3 | t4
        "row_code": pl.String,
        "col_code": pl.String,
        "value": pl.Float64,  # counts are exact integers; amounts in 万元
        "text": pl.String,  # as printed (null when nothing was printed)
        "status": pl.String,  # printed | blank | inferred | ambiguous
        "rule": pl.String,  # identity that inferred the value (I1..I4)
        "unit": pl.String,  # 表二 amounts: 万元 | unknown
        "line": pl.Int32,  # provenance: line of the source (table row for PDF)
        "page": pl.Int32,  # PDF page
    },
    ("report_id", "table_id", "row_code", "col_code", "status"),
    ("report_id", "table_id", "row_code", "col_code"),
    {
        "table_id": TABLES,
        "row_code": tuple(dict.fromkeys(c for t in TABLES for c in all_codes()[t]["rows"])),
        "col_code": tuple(dict.fromkeys(c for t in TABLES for c in all_codes()[t]["cols"])),
        "status": CELL_STATUSES,
    },
)

ISSUES = Schema(
    "parse_issues",
    {
        "report_id": pl.String,
        "seq": pl.Int32,
        "severity": pl.String,  # error | warning | info
        "code": pl.String,
        "table_id": pl.String,
        "row_code": pl.String,
        "col_code": pl.String,
        "line": pl.Int32,
        "message": pl.String,
    },
    ("report_id", "seq", "severity", "code", "message"),
    ("report_id", "seq"),
)

READINGS = Schema(
    "row_readings",
    {
        "report_id": pl.String,
        "table_id": pl.String,  # t2
        "row_code": pl.String,
        "reading": pl.Int32,  # 0, 1, …: one way to split the row's digits
        "col_code": pl.String,
        "value": pl.Float64,  # null: that reading leaves the cell unknown
    },
    ("report_id", "table_id", "row_code", "reading", "col_code"),
    ("report_id", "table_id", "row_code", "reading", "col_code"),
)


def _report_row(res: ParseResult) -> tuple[Any, ...]:
    """The ``reports`` row of one parse result."""
    from . import PARSER_VERSION

    c = res.counts()
    return (
        res.report_id,
        res.source,
        res.format,
        res.encoding,
        res.agency,
        res.year,
        res.templates.get("t2"),
        res.templates.get("t3"),
        res.status,
        PARSER_VERSION,
        res.n_cells,
        c["printed"],
        c["blank"],
        c["inferred"],
        c["ambiguous"],
        len(res.issues),
        res.size,
        res.prose.get("applications"),
        res.prose.get("reviews"),
    )


Columns = tuple[list[list[Any]], list[list[Any]], list[list[Any]], list[list[Any]]]
Frames = tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]


def columns_of(results: Sequence[ParseResult]) -> Columns:
    """Many parse results as the four tables' columns (one list per column, schema order): what a
    worker sends back. A result already holds its cells as columns (``ParseResult.columns``, in the
    schema's order after report_id): they are only concatenated here."""
    from .parse import extend_issue_columns

    reports = [_report_row(r) for r in results]
    report_cols = [list(col) for col in zip(*reports, strict=True)] if reports else []
    # the cell columns sized once and filled by slice (a chunk's columns grown by extend were
    # reallocated and copied as they grew: 22 against 17 µs a report)
    total = sum(len(r.columns[0]) for r in results)
    cell_cols: list[list[Any]] = [[None] * total for _ in CELLS.columns]
    issue_cols: list[list[Any]] = [[] for _ in ISSUES.columns]
    reading_cols: list[list[Any]] = [[] for _ in READINGS.columns]
    at = 0
    for r in results:
        n = len(r.columns[0])
        # filled by slice, a column of another length would move every cell after it
        if any(len(col) != n for col in r.columns):
            raise ValueError(f"{r.source}: its cell columns differ in length (a parser defect)")
        if n:
            cell_cols[0][at : at + n] = repeat(r.report_id, n)
            for col, cvals in zip(cell_cols[1:], r.columns, strict=True):
                col[at : at + n] = cvals  # value: ints and floats; the Float64 column converts them
            at += n
        if r.issues:
            issue_cols[0].extend(repeat(r.report_id, len(r.issues)))
            issue_cols[1].extend(range(len(r.issues)))
            extend_issue_columns(r.issues, issue_cols[2:])
        for rr in r.readings:  # rare: a 表二 row of counts whose digits split several ways
            for k, values in enumerate(rr.values):
                for code, v in zip(rr.cols, values, strict=True):
                    for out, x in zip(reading_cols, (r.report_id, rr.table, rr.row, k, code, v), strict=True):
                        out.append(x)
    return (
        report_cols,
        (cell_cols if cell_cols[0] else []),
        (issue_cols if issue_cols[0] else []),
        (reading_cols if reading_cols[0] else []),
    )


SCHEMAS = (REPORTS, CELLS, ISSUES, READINGS)


def frames_of(cols: Columns) -> Frames:
    """The tables' columns (from :func:`columns_of`) → (reports, cells, issues, readings) frames."""
    reports, cells, issues, readings = (s.from_columns(c) for s, c in zip(SCHEMAS, cols, strict=True))
    return reports, cells, issues, readings


def frames(results: Sequence[ParseResult]) -> Frames:
    """Parse results → (reports, cells, issues, readings), validated against the declared schemas."""
    out = frames_of(columns_of(results))
    for schema, df in zip(SCHEMAS, out, strict=True):
        schema.validate(df)
    return out
