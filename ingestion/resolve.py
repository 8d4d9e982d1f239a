"""X2 across reports: choose the one reading of an ambiguous 表二 row that agrees with the same agency's
neighbouring years.

A 表二 row printed with its digits run together (``693665``) splits several ways, and nothing inside
the report chooses among them (表二 has no identity of its own): the parser leaves its cells
``ambiguous`` and keeps every reading whole (:class:`ingestion.parse.RowReadings`). The 2021
template's rules and normative documents continue from year to year (spec, X2):

    in_force(y) = in_force(y-1) + issued(y) - repealed(y)

so an agency's report of the year before or after, once in the warehouse, can leave a single reading.
That reading's cells become ``inferred`` with rule ``X2``; the digits are the report's, only their
split is chosen.

The choice follows from X2 alone, and only where the agency's figures give no sign of breaking it:

- an agency's years of one item form a chain; each reading is kept while some reading of each
  neighbour fits it, until nothing changes (arc consistency: a reading that fits a whole-chain solution
  is never dropped);
- an agency whose figures break X2 somewhere, for either item, however its ambiguous rows are read
  (two consecutive years that no readings of the two make agree: a clean-up, a miscount), is not
  trusted to keep it elsewhere either: nothing of it is chosen (as the parser fills no cell by the
  identities in a table shown to break one of them), and the X2 check reports the break. A clean-up
  seldom spares one item: on generated data where one agency-year in 12 re-counts both, trusting an
  agency item by item let a re-counted row's wrong split fit X2 by chance (2 cells of 14,042 at
  150,000 reports; none now);
- if the chain's readings cannot all be made to agree at once, nothing in it is chosen;
- a cell is decided only when every reading left gives it the same number.

What no rule can see: an agency whose only break of X2 is the ambiguous row itself (re-counted that very
year). A wrong split then fits X2 alone in 0.17% of the generator's rows re-counted by 1–17; the cells
carry rule ``X2``, so a study can leave them out.

Pure Python over plain tuples: the warehouse step (:func:`ingestion.warehouse.resolve_across_years`)
reads the rows and applies the result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

X2_TEMPLATE = "2021"
X2_ITEMS = ("rules", "normative_documents")
X2_COLS = ("issued", "repealed", "in_force")

Option = tuple[float | None, float | None, float | None]  # (issued, repealed, in_force)


@dataclass(frozen=True)
class X2Row:
    """One report's 2021 表二 item: its decided cells as one option, or its readings."""

    report_id: str
    agency: str
    year: int
    item: str
    options: tuple[Option, ...]
    ambiguous: bool  # options are the parser's readings (cells ambiguous), not decided values


@dataclass(frozen=True)
class Resolution:
    report_id: str
    item: str
    col: str
    value: float
    readings: int  # how many readings the row had
    neighbours: tuple[str, ...]  # the reports next to it in the chain (earlier first)


def _fits(earlier: Option, later: Option) -> bool:
    """X2 between consecutive years; a figure not known (not printed, not decided) constrains nothing."""
    prev_in_force, (issued, repealed, in_force) = earlier[2], later
    if prev_in_force is None or issued is None or repealed is None or in_force is None:
        return True
    return abs(in_force - (prev_in_force + issued - repealed)) < 1e-6


def _consistent_pair(a: Sequence[Option], b: Sequence[Option]) -> bool:
    return any(_fits(x, y) for x in a for y in b)


def resolve_x2(rows: Iterable[X2Row]) -> list[Resolution]:
    """The cells X2 decides among ``rows`` (one row per agency × year × item; the caller picks it)."""
    chains: dict[str, dict[str, dict[int, X2Row]]] = defaultdict(lambda: defaultdict(dict))
    for r in rows:
        chains[r.agency][r.item][r.year] = r
    out: list[Resolution] = []
    for by_item in chains.values():
        if not any(r.ambiguous for by_year in by_item.values() for r in by_year.values()):
            continue
        segments = [seg for by_year in by_item.values() for seg in _segments(by_year)]
        if any(not _consistent_pair(a.options, b.options) for seg in segments for a, b in zip(seg, seg[1:])):
            continue  # the agency's figures break X2 somewhere, whichever way they are read: not trusted
        for segment in segments:
            out += _resolve_segment(segment)
    return out


def _segments(by_year: dict[int, X2Row]) -> list[list[X2Row]]:
    """Runs of consecutive years (a year missing from the warehouse ends a run)."""
    years = sorted(by_year)
    segments: list[list[X2Row]] = []
    current: list[X2Row] = []
    for y in years:
        r = by_year[y]
        if current and current[-1].year == y - 1:
            current.append(r)
        else:
            if len(current) > 1:
                segments.append(current)
            current = [r]
    if len(current) > 1:
        segments.append(current)
    return segments


def _resolve_segment(seg: list[X2Row]) -> list[Resolution]:
    domains = [list(r.options) for r in seg]
    changed = True
    while changed:
        changed = False
        for i in range(len(seg)):
            keep = domains[i]
            if i > 0:
                keep = [o for o in keep if any(_fits(p, o) for p in domains[i - 1])]
            if i + 1 < len(seg):
                keep = [o for o in keep if any(_fits(o, n) for n in domains[i + 1])]
            if not keep:
                return []  # the chain cannot agree as a whole: choose nothing in it
            if len(keep) < len(domains[i]):
                domains[i] = keep
                changed = True
    out: list[Resolution] = []
    for i, r in enumerate(seg):
        if not r.ambiguous or len(domains[i]) == len(r.options):
            continue
        neighbours = tuple(seg[j].report_id for j in (i - 1, i + 1) if 0 <= j < len(seg))
        left = domains[i]
        for k, col in enumerate(X2_COLS):
            values = {o[k] for o in left}
            before = {o[k] for o in r.options}
            if len(values) == 1 and len(before) > 1:
                (v,) = values
                if v is not None:
                    out.append(Resolution(r.report_id, r.item, col, v, len(r.options), neighbours))
    return out
