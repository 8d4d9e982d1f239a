"""Decide each cell's value from printed tokens, using the identities where the print is short.

A *slot* is a run of cells that one printed row fills in order: a 表三 row (7 cells), the 表四 row
(15 cells), a 表二 item (1–3 cells). For each slot we build the candidate readings the print allows:

- separated numbers, as many as cells: one reading, every cell ``printed``;
- as many tokens (numbers and blanks) as cells: one reading, blank tokens are ``blank`` cells;
- fewer numbers than cells (a colspan lost in scraping): every placement of the numbers in order,
  the missing cells unknown;
- digits run together (``640020470``): every way to cut the digit runs into as many numbers as
  cells, without leading zeros.

Row-local equations (I2, I4) fill a single unknown and drop readings that break them. Then a
backtracking search over the slots with several readings keeps the combinations that satisfy every
equation. A cell is decided when all surviving combinations agree on it; otherwise it is
``ambiguous`` (value null, candidates reported). A printed number is never changed: when no
combination satisfies the identities, the printed readings stay and the table is flagged later.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Final

from .identities import Cell, Equation
from .memo import remember
from .tokens import BLANK, NUMBER, Token

Value = float | int | None

MAX_SPLITS: Final = 20_000  # readings of one slot; beyond this the slot is ambiguous
MAX_NODES: Final = 200_000  # search nodes for one table
MAX_SOLUTIONS: Final = 256
MAX_JOINT: Final = 100  # readings of an ambiguous 表二 row kept for the warehouse (Solved.joint)
BOUNDS_FROM: Final = 20_000  # combinations of readings from which the search bounds its sums


@dataclass(slots=True)
class Reading:
    values: list[Value]
    status: list[str]  # printed | blank | missing (not printed) | inferred
    token: list[Token | None]
    rule: list[str | None]
    hint: int = 0  # higher = closer to what the layout suggests (blank tokens where cells are empty)

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(
        self,
        values: list[Value],
        status: list[str],
        token: list[Token | None],
        rule: list[str | None],
        hint: int = 0,
    ) -> None:
        self.values = values
        self.status = status
        self.token = token
        self.rule = rule
        self.hint = hint


@dataclass(slots=True)
class Slot:
    key: str
    cells: list[Cell]
    tokens: list[Token]
    readings: list[Reading] = field(default_factory=list)
    note: str | None = None  # why this slot needed the solver, for the issues
    placed: set[int] = field(default_factory=set)  # positions the print alone did not fix
    unsat: tuple[str, ...] = ()  # identities that no reading of this slot's print satisfies
    # the readings cover every table the print can stand for; not so for digits run together, where
    # a blank cell may have vanished from the run without a trace
    exhaustive: bool = True

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(
        self,
        key: str,
        cells: list[Cell],
        tokens: list[Token],
        readings: list[Reading] | None = None,
        note: str | None = None,
        placed: set[int] | None = None,
        unsat: tuple[str, ...] = (),
        exhaustive: bool = True,
    ) -> None:
        self.key = key
        self.cells = cells
        self.tokens = tokens
        self.readings = readings if readings is not None else []
        self.note = note
        self.placed = placed if placed is not None else set()
        self.unsat = unsat
        self.exhaustive = exhaustive


@dataclass(slots=True)
class CellResult:
    value: Value
    status: str  # printed | blank | inferred | ambiguous
    token: Token | None
    rule: str | None = None
    candidates: tuple[Value, ...] = ()

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(
        self,
        value: Value,
        status: str,
        token: Token | None,
        rule: str | None = None,
        candidates: tuple[Value, ...] = (),
    ) -> None:
        self.value = value
        self.status = status
        self.token = token
        self.rule = rule
        self.candidates = candidates


_NUMBERS: Final[dict[str, Value]] = {}  # integer readings of short printed numbers (most recur)
_NUMBERS_MAX: Final = 100_000


def parse_number(text: str, integer: bool) -> Value:
    if integer:
        v = _NUMBERS.get(text)
        if v is not None:
            return v
        v = _parse_number(text, True)
        return remember(_NUMBERS, text, v, _NUMBERS_MAX) if v is not None and len(text) <= 12 else v
    return _parse_number(text, False)


def _parse_number(text: str, integer: bool) -> Value:
    try:
        if integer:
            return int(text)
        v = float(text)
        return int(v) if v.is_integer() and "." not in text else v
    except ValueError:
        return None


@lru_cache(maxsize=65536)
def _cuts(digits: str, parts: int, allow_signed: bool) -> tuple[tuple[str, ...], ...]:
    """All ways to cut one digit run into ``parts`` numbers without leading zeros (memoised: the
    same suffixes recur within one row and the same runs across reports)."""
    if parts == 1:
        return ((digits,),) if _valid_piece(digits, allow_signed) else ()
    out: list[tuple[str, ...]] = []
    for i in range(1, len(digits) - parts + 2):
        head = digits[:i]
        if not _valid_piece(head, allow_signed):
            if head.startswith("0"):
                break  # longer heads keep the leading zero
            continue
        for rest in _cuts(digits[i:], parts - 1, allow_signed):
            out.append((head, *rest))
    return tuple(out)


def _valid_piece(p: str, allow_signed: bool) -> bool:
    if not p:
        return False
    body = p[1:] if (allow_signed and p.startswith("-")) else p
    if not body or body.startswith("."):
        return False
    intpart = body.split(".", 1)[0]
    if len(intpart) > 1 and intpart.startswith("0"):
        return False
    return not body.endswith(".")


def split_runs(chunks: Sequence[str], n: int, allow_signed: bool = False) -> Iterator[list[str]]:
    """Cut printed digit runs into exactly ``n`` numbers; a run boundary is always a cell boundary.

    >>> sorted(split_runs(["230", "000023"], 7))
    [['23', '0', '0', '0', '0', '0', '23']]
    """
    chunks = list(chunks)
    if not chunks:
        return
    lens = [len(c.lstrip("-").replace(".", "")) for c in chunks]
    if sum(lens) < n or len(chunks) > n:
        return

    yield from _split_from(chunks, lens, 0, n, allow_signed)


def _split_from(
    chunks: list[str], lens: list[int], k: int, left: int, allow_signed: bool
) -> Iterator[list[str]]:
    """The cuts of ``chunks[k:]`` into ``left`` numbers (a module function, not a closure: a recursive
    closure is a reference cycle that only the garbage collector frees, once per report)."""
    if k == len(chunks):
        if left == 0:
            yield []
        return
    rest_min = len(chunks) - k - 1
    rest_max = sum(lens[k + 1 :])
    for parts in range(1, min(lens[k], left - rest_min) + 1):
        if left - parts > rest_max:
            continue
        for cut in _cuts(chunks[k], parts, allow_signed):
            for tail in _split_from(chunks, lens, k + 1, left - parts, allow_signed):
                yield [*cut, *tail]


# A row-local equation on one slot's cells, by position in the slot: (lhs, rhs, identity)
LocalEq = tuple[tuple[int, ...], tuple[int, ...], str]


def _local_index(cells: list[Cell], eqs: Sequence[Equation]) -> list[LocalEq]:
    """The slot's row-local equations by cell position (their cells are all in the row)."""
    idx = {c: i for i, c in enumerate(cells)}
    return [(tuple(idx[c] for c in e.lhs), tuple(idx[c] for c in e.rhs), e.identity) for e in eqs]


def _fill_local(r: Reading, local: list[LocalEq], integer: bool) -> bool:
    """Fill unknowns of one reading from row-local equations. False if the reading is impossible
    (a filled value would be negative or fractional) or a fully known equation fails while the
    reading has cells that were not printed (placements must honour the identities)."""
    values, status = r.values, r.status
    changed = True
    while changed:
        changed = False
        for lhs, rhs, identity in local:
            u = -1
            n_unknown = 0
            for i in lhs:
                if values[i] is None:
                    n_unknown += 1
                    u = i
            for i in rhs:
                if values[i] is None:
                    n_unknown += 1
                    u = i
            if n_unknown != 1:
                continue
            if status[u] not in ("missing", "blank"):
                continue
            ls = sum(values[i] or 0 for i in lhs if i != u)
            rs = sum(values[i] or 0 for i in rhs if i != u)
            v = (rs - ls) if u in lhs else (ls - rs)
            if v < 0 or (integer and v != int(v)):
                if status[u] == "missing":
                    return False
                continue
            values[u] = int(v) if integer else v
            status[u] = "inferred"
            r.rule[u] = identity
            changed = True
    return True


def _holds(lhs: tuple[int, ...], rhs: tuple[int, ...], values: list[Value]) -> bool:
    """False only when the equation is surely broken: all known and unequal, or one side fully
    known and the other's known part already larger (values are non-negative)."""
    lk = [values[i] for i in lhs]
    rk = [values[i] for i in rhs]
    l_unknown = any(v is None for v in lk)
    r_unknown = any(v is None for v in rk)
    ls = sum(v for v in lk if v is not None)
    rs = sum(v for v in rk if v is not None)
    if not l_unknown and not r_unknown:
        return ls == rs
    if not l_unknown and rs > ls:
        return False
    return not (not r_unknown and ls > rs)


def build_readings(
    slot: Slot,
    integer: bool,
    runtogether: bool,
    allow_signed: bool,
    local_eqs: Sequence[Equation],
    lead: int = 0,
    trail: int = 0,
) -> None:
    """Candidate readings of one slot from its tokens (see the module docstring)."""
    n = len(slot.cells)
    if not runtogether:
        nums = [t for t in slot.tokens if t.kind == NUMBER]
        if len(nums) == n:  # the common case: one separated number per cell, as printed
            printed = [parse_number(t.text, integer) for t in nums]
            slot.readings = [
                Reading(
                    printed,
                    ["printed" if v is not None else "blank" for v in printed],
                    list(nums),
                    [None] * n,
                )
            ]
            return
    toks = [t for t in slot.tokens if t.kind in (NUMBER, BLANK)]
    if runtogether and any(t.kind == NUMBER for t in toks):
        slot.exhaustive = False
        nums = [t for t in toks if t.kind == NUMBER]
        digits = [len(t.text.lstrip("-").replace(".", "")) for t in nums]
        local = _local_index(slot.cells, local_eqs)
        # a run-together row prints every cell, so a local equation is a plain sum over the cut
        checks = [(lhs, rhs) for lhs, rhs, _ in local]
        readings: list[Reading] = []
        ok: list[Reading] = []
        runs = [t.text for t in nums]
        if (
            local
            and integer
            and all(r.isascii() and r.isdigit() for r in runs)
            # several runs: only fewer than cells, and few enough cuts to need no count (see _fitting_cuts)
            and (len(nums) == 1 or (len(nums) < n and math.comb(sum(digits) - 1, n - 1) <= MAX_SPLITS))
        ):
            fitting = _fitting_cuts(runs, n, local)
            if fitting is not None:
                slot.note = "digits run together"
                if isinstance(fitting, str):  # "too many"
                    slot.note = "too many ways to split the digits"
                    slot.readings = []
                elif fitting:
                    slot.readings = [
                        Reading(list(v), ["printed"] * n, _owners(v, nums, digits), [None] * n)
                        for v in fitting
                    ]
                else:
                    slot.readings = []
                    slot.note = "digits run together and no split satisfies " + "/".join(
                        sorted({e.identity for e in local_eqs})
                    )
                return
        n_cuts = 0
        for cut in split_runs([t.text for t in nums], n, allow_signed):
            n_cuts += 1
            if n_cuts > MAX_SPLITS:
                slot.note = "too many ways to split the digits"
                slot.readings = []
                return
            vals: list[Value] = [parse_number(p, integer) for p in cut]
            fits = None not in vals and all(
                sum(vals[i] for i in lhs) == sum(vals[i] for i in rhs)  # type: ignore[misc]
                for lhs, rhs in checks
            )
            if not fits and local_eqs and None not in vals:
                continue  # only kept when no cut fits, and then none is kept
            # map each piece back to the token it came from
            owner: list[Token | None] = []
            at = 0
            for t, width in zip(nums, digits, strict=True):
                used = 0
                while at < n and used < width:
                    owner.append(t)
                    used += len(cut[at].lstrip("-").replace(".", ""))
                    at += 1
            owner += [None] * (n - len(owner))
            r = Reading(vals, ["printed"] * n, owner[:n], [None] * n)
            if not local_eqs:
                readings.append(r)  # nothing to check: every cut stays, in order
            elif (
                fits
                or _fill_local(r, local, integer)
                and all(_holds(lhs, rhs, r.values) for lhs, rhs, _ in local)
            ):
                ok.append(r)
            else:
                readings.append(r)
        if n_cuts > 1 or (len(nums) < n):
            slot.note = "digits run together"
        if not local_eqs:
            slot.readings = readings
        elif ok:
            slot.readings = ok
        else:
            # no cut satisfies the row's own identity: either the print broke it or a blank cell
            # vanished from the run; the digits cannot tell which
            slot.readings = []
            slot.note = "digits run together and no split satisfies " + "/".join(
                sorted({e.identity for e in local_eqs})
            )
        return

    # separated cells: strip the spacer blanks the table's full rows show before/after numbers
    while lead and toks and toks[0].kind == BLANK:
        toks = toks[1:]
        lead -= 1
    while trail and toks and toks[-1].kind == BLANK:
        toks = toks[:-1]
        trail -= 1
    nums = [t for t in toks if t.kind == NUMBER]
    while len(toks) > n and toks and toks[-1].kind == BLANK:
        toks = toks[:-1]
    while len(toks) > n and toks and toks[0].kind == BLANK:
        toks = toks[1:]

    if len(nums) == n:
        slot.readings = [_from_positions(list(nums), "missing", integer)]
        return
    if len(toks) == n:
        r = _from_positions(list(toks), "blank", integer)
        _fill_local(r, _local_index(slot.cells, local_eqs), integer)
        slot.readings = [r]
        return
    if len(nums) > n:
        slot.note = f"{len(nums)} numbers printed for {n} cells"
        slot.readings = []
        return
    if len(toks) > n:
        slot.note = f"{len(toks)} cells printed for {n}, blanks between numbers"
        slot.readings = []
        return
    # fewer cells than the header: place the gap(s); blank tokens hint where they are
    slot.note = f"{len(toks)} of {n} cells printed"
    hint_missing = {i for i, t in enumerate(toks) if t.kind == BLANK}
    local = _local_index(slot.cells, local_eqs)
    m = len(nums)
    printed = [parse_number(t.text, integer) for t in nums]
    if m == n - 1 and None not in printed and _simple(local):  # the common short row: one cell lost
        readings = _one_gap_readings(printed, nums, local, integer, hint_missing)
    else:
        readings = _placements(printed, nums, n, local, integer, hint_missing)
    # every position can stay empty (fewer numbers than cells) and take a printed number, so the
    # print alone fixes none of them once one number is printed
    slot.placed = set(range(n)) if m else set()
    slot.readings = readings
    if not readings and local_eqs:
        # every placement of the printed numbers breaks the row's own identity
        slot.unsat = tuple(sorted({e.identity for e in local_eqs}))
        slot.note += "; no placement satisfies " + "/".join(slot.unsat)


def _placements(
    printed: list[Value],
    nums: list[Token],
    n: int,
    local: list[LocalEq],
    integer: bool,
    hint_missing: set[int],
) -> list[Reading]:
    """The readings of a row that printed fewer numbers than cells: every placement of the printed
    numbers, in order, on the row's positions that the row-local equations allow (gaps they
    determine filled), one reading per distinct set of values (the one the blank tokens hint best)."""
    m = len(printed)
    printed_status = ["printed" if v is not None else "blank" for v in printed]
    readings: list[Reading] = []
    seen: dict[tuple[Value, ...], int] = {}
    for pos in itertools.combinations(range(n), m):
        values: list[Value] = [None] * n
        status = ["missing"] * n
        tok_at: list[Token | None] = [None] * n
        for j in range(m):
            p = pos[j]
            values[p] = printed[j]
            status[p] = printed_status[j]
            tok_at[p] = nums[j]
        r = Reading(values, status, tok_at, [None] * n)
        if not _fill_local(r, local, integer):
            continue
        if not all(_holds(lhs, rhs, r.values) for lhs, rhs, _ in local):
            continue
        r.hint = sum(1 for i in range(n) if tok_at[i] is None and i in hint_missing)
        key = tuple(r.values)
        if key in seen:
            if r.hint > readings[seen[key]].hint:
                readings[seen[key]] = r
            continue
        seen[key] = len(readings)
        readings.append(r)
    return readings


def _simple(local: list[LocalEq]) -> bool:
    """Each row-local equation names each cell once (the shape :func:`_one_gap_readings` assumes)."""
    return all(len(set(lhs + rhs)) == len(lhs) + len(rhs) for lhs, rhs, _ in local)


def _one_gap_readings(
    printed: list[Value], nums: list[Token], local: list[LocalEq], integer: bool, hint_missing: set[int]
) -> list[Reading]:
    """The readings of a row that printed every number but one, all of them numbers: what
    :func:`_placements` keeps (gap positions in its order, the same fill, checks and
    de-duplication), without a Reading, a fill loop and a test of every equation per position.
    The gap at p takes its value from the first row-local equation that holds p; every equation
    must then hold as printed."""
    n = len(printed) + 1
    if integer:
        counts: list[int] = []
        for x in printed:
            if not isinstance(x, int):
                break
            counts.append(x)
        else:
            return _one_gap_counts(counts, nums, local, hint_missing)
    readings: list[Reading] = []
    seen: dict[tuple[Value, ...], int] = {}
    for p in range(n - 1, -1, -1):  # the order of combinations(range(n), n - 1)
        values: list[Value] = printed[:p] + [None] + printed[p:]
        rule: str | None = None
        possible = True
        for lhs, rhs, identity in local:
            on_left = p in lhs
            if not on_left and p not in rhs:
                continue
            ls = sum(values[i] or 0 for i in lhs if i != p)
            rs = sum(values[i] or 0 for i in rhs if i != p)
            v = (rs - ls) if on_left else (ls - rs)
            if v < 0 or (integer and v != int(v)):
                possible = False
            else:
                values[p] = int(v) if integer else v
                rule = identity
            break
        if not possible:
            continue
        if not all(
            sum(values[i] or 0 for i in lhs) == sum(values[i] or 0 for i in rhs) for lhs, rhs, _ in local
        ):
            continue
        _keep_gap_reading(readings, seen, values, nums, p, rule, 1 if p in hint_missing else 0)
    return readings


def _one_gap_counts(
    printed: list[int], nums: list[Token], local: list[LocalEq], hint_missing: set[int]
) -> list[Reading]:
    """:func:`_one_gap_readings` for a row of counts (表三, 表四): the same positions, fill, checks and
    de-duplication, in native int arithmetic over the printed numbers (the cell at position i > p
    printed ``printed[i - 1]``), where the general form sums generators over a list built per
    position. The equation that filled the gap holds by construction (it names each cell once:
    :func:`_simple`) and is not tested again; a gap no equation fills counts as 0 in the tests."""
    n = len(printed) + 1
    readings: list[Reading] = []
    seen: dict[tuple[Value, ...], int] = {}
    for p in range(n - 1, -1, -1):  # the order of combinations(range(n), n - 1)
        fill = 0
        filled = False
        rule: str | None = None
        used = -1
        possible = True
        for k, (lhs, rhs, identity) in enumerate(local):
            on_left = p in lhs
            if not on_left and p not in rhs:
                continue
            ls, rs = _gap_side(lhs, printed, p, 0), _gap_side(rhs, printed, p, 0)
            v = (rs - ls) if on_left else (ls - rs)
            if v < 0:
                possible = False
            else:
                fill, filled, rule, used = v, True, identity, k
            break
        if not possible:
            continue
        holds = True
        for k, (lhs, rhs, _) in enumerate(local):
            if k == used:
                continue
            if _gap_side(lhs, printed, p, fill) != _gap_side(rhs, printed, p, fill):
                holds = False
                break
        if not holds:
            continue
        values: list[Value] = list(printed[:p])
        values.append(fill if filled else None)
        values.extend(printed[p:])
        _keep_gap_reading(readings, seen, values, nums, p, rule, 1 if p in hint_missing else 0)
    return readings


def _gap_side(at: tuple[int, ...], printed: list[int], p: int, fill: int) -> int:
    """One side of an equation over a row of counts with a gap at ``p`` holding ``fill`` (the cell at
    position i > p printed ``printed[i - 1]``)."""
    total = 0
    for i in at:
        total += printed[i] if i < p else (printed[i - 1] if i > p else fill)
    return total


def _keep_gap_reading(
    readings: list[Reading],
    seen: dict[tuple[Value, ...], int],
    values: list[Value],
    nums: list[Token],
    p: int,
    rule: str | None,
    hint: int,
) -> None:
    """Add the reading with the gap at ``p`` unless one with the same values is kept already; of two
    such, the one the blanks hint at stays."""
    key = tuple(values)
    at = seen.get(key)
    if at is None:
        seen[key] = len(readings)
        readings.append(_gap_reading(values, nums, p, rule, hint))
    elif hint > readings[at].hint:
        readings[at] = _gap_reading(values, nums, p, rule, hint)


def _gap_reading(values: list[Value], nums: list[Token], p: int, rule: str | None, hint: int) -> Reading:
    status = ["printed"] * len(values)
    status[p] = "inferred" if rule is not None else "missing"
    rules: list[str | None] = [None] * len(values)
    rules[p] = rule
    tok_at: list[Token | None] = [*nums[:p], None, *nums[p:]]
    return Reading(values, status, tok_at, rules, hint)


def _fitting_cuts(runs: list[str], n: int, local: list[LocalEq]) -> list[list[int]] | str | None:
    """The cuts of printed digit runs into ``n`` numbers (no leading zeros, a run boundary always a
    cell boundary) under which every row-local equation holds, as values, in the order
    :func:`split_runs` yields cuts: what the general loop keeps of them, without building and
    testing every cut. "too many" when a single run has more than MAX_SPLITS cuts; None when an
    equation is not a total printed after its parts (the general loop then decides).

    Left to right, a total's digits are forced (the sum of its parts, printed), and a part stops
    growing once its equation's total could no longer fit in the digits left. A total printed last
    is cut first, each length in turn: its parts then add up to a known value."""
    total_of = [-1] * n  # cell → the equation it is the total of
    part_of = [-1] * n  # cell → the equation it is a part of
    total_at: list[int] = []
    last_part = [max(rhs) if rhs else -1 for _, rhs, _ in local]
    for k, (lhs, rhs, _) in enumerate(local):
        if len(lhs) != 1 or not rhs or lhs[0] <= max(rhs) or total_of[lhs[0]] >= 0 or part_of[lhs[0]] >= 0:
            return None
        total_of[lhs[0]] = k
        total_at.append(lhs[0])
        for i in rhs:
            if part_of[i] >= 0 or total_of[i] >= 0:
                return None
            part_of[i] = k
    run = "".join(runs)
    size = len(run)
    if len(runs) == 1 and math.comb(len(run) - 1, n - 1) > MAX_SPLITS and _count_cuts(run, n) > MAX_SPLITS:
        return "too many"
    # stop[p]: where the run holding digit p ends (a piece starting at p ends there at the latest)
    stop: list[int] = []
    for r in runs:
        stop += [len(stop) + len(r)] * len(r)
    cut = _Cutter(run, stop, n, total_of, part_of, total_at, last_part)
    k = total_of[n - 1]
    if k < 0:
        cut.fit(0, 0)
    else:
        # the last cell is a total (every 表三 row, 表四's last group): its digits end the run. For
        # each length of them, its parts must add up to that value exactly, none can exceed it, and
        # its last part is forced (far fewer cuts tried than growing every part and testing the
        # total's digits at the end)
        last_run = size - len(runs[-1])
        for start in range(size - 1, max(n - 2, last_run - 1), -1):
            if run[start] == "0" and start < size - 1:
                continue  # a leading zero
            cut.vals[n - 1] = cut.target[k] = int(run[start:])
            cut.run, cut.n = run[:start], n - 1
            cut.fit(0, 0)
    out = cut.out
    if len(out) > 1:
        # split_runs' order: run by run, fewer pieces first, then shorter pieces first
        out.sort(key=lambda vals: _split_order(vals, runs))
    return out


def _split_order(vals: list[int], runs: list[str]) -> list[tuple[int, list[int]]]:
    """Where a cut comes in split_runs' order: per run, its number of pieces and their lengths."""
    key: list[tuple[int, list[int]]] = []
    widths = [len(str(v)) for v in vals]
    at = 0
    for r in runs:
        used = 0
        pieces: list[int] = []
        while used < len(r):
            pieces.append(widths[at])
            used += widths[at]
            at += 1
        key.append((len(pieces), pieces))
    return key


def _owners(vals: list[int], nums: list[Token], digits: list[int]) -> list[Token | None]:
    """The printed run each number of a cut was read from."""
    owner: list[Token | None] = []
    k = used = 0
    for v in vals:
        if used >= digits[k]:
            k += 1
            used = 0
        owner.append(nums[k])
        used += len(str(v))
    return owner


class _Cutter:
    """The state of one :func:`_fitting_cuts` search (an object, not a recursive closure: that would be
    a reference cycle only the garbage collector frees)."""

    def __init__(
        self,
        run: str,
        stop: list[int],
        n: int,
        total_of: list[int],
        part_of: list[int],
        total_at: list[int],
        last_part: list[int],
    ) -> None:
        self.run = run  # the digits to cut (without a last total already cut off)
        self.digits = run.encode("ascii")  # the whole run's digits as bytes: an item is an int
        self.stop = stop  # where the printed run holding each digit ends
        self.n = n  # the cells to cut it into
        self.total_of = total_of  # cell -> the equation it is the total of, or -1
        self.part_of = part_of  # cell -> the equation it is a part of, or -1
        self.total_at = total_at  # equation -> its total's cell
        self.last_part = last_part  # equation -> its last part's cell
        self.vals = [0] * len(total_of)  # the cut so far
        self.sums = [0] * len(total_at)  # each equation's parts so far
        self.target = [-1] * len(total_at)  # an equation's total where its digits were cut already
        self.out: list[list[int]] = []

    def fit(self, i: int, pos: int) -> None:
        """Every cut of ``run[pos:]`` into cells ``i..n-1`` under which the equations hold."""
        run, n, sums = self.run, self.n, self.sums
        size = len(run)
        if i == n:
            if pos == size:
                self.out.append(list(self.vals))
            return
        if pos == size:
            return
        k = self.total_of[i]
        if k >= 0:  # a total: its digits are the sum of its parts
            self._forced(i, pos, sums[k], -1)
            return
        e = self.part_of[i]
        target = self.target[e] if e >= 0 else -1  # its equation's total, where already cut
        if target >= 0 and i == self.last_part[e]:  # the last part of a known total: forced
            if target >= sums[e]:
                self._forced(i, pos, target - sums[e], e)
            return
        after = n - i - 1  # cells still to come after this one, one digit at least each
        first = size if after == 0 else pos + 1  # the last cell takes every digit left
        # the piece's value grows a digit per step (the run is ASCII digits): no slice, no int()
        digits = self.digits  # run is a prefix of the run these digits spell
        v = 0
        for d in range(pos, first - 1):
            v = v * 10 + digits[d] - 48
        for end in range(first, min(size - after, self.stop[pos]) + 1):
            if end - pos > 1 and digits[pos] == 48:
                break  # a leading zero ("0"): no longer piece is a number either
            v = v * 10 + digits[end - 1] - 48
            if e >= 0:
                # a longer piece only makes it worse: past its known total, or its total
                # (len(str(sum)) digits at least, the cells around it one each) no longer fits
                if target >= 0:
                    if sums[e] + v > target:
                        break
                else:
                    t = self.total_at[e]
                    if size - end < (t - i - 1) + _ndigits(sums[e] + v) + (n - 1 - t):
                        break
                sums[e] += v
            self.vals[i] = v
            self.fit(i + 1, end)
            if e >= 0:
                sums[e] -= v

    def _forced(self, i: int, pos: int, value: int, e: int) -> None:
        """Cell ``i`` takes ``value`` if its digits are printed next, within their run, with a digit
        left for each later cell (and all digits gone at the last); a part of equation ``e`` counts."""
        run = self.run
        printed = str(value)
        end = pos + len(printed)
        after = self.n - i - 1
        if (
            end <= self.stop[pos]
            and run.startswith(printed, pos)
            and len(run) - end >= after
            and (after or end == len(run))
        ):
            self.vals[i] = value
            if e >= 0:
                self.sums[e] += value
            self.fit(i + 1, end)
            if e >= 0:
                self.sums[e] -= value


def _ndigits(x: int) -> int:
    """``len(str(x))`` for ``x >= 0``, without building the string."""
    d = 1
    while x >= 10:
        x //= 10
        d += 1
    return d


def _count_cuts(run: str, n: int) -> int:
    """How many ways to cut a digit run into ``n`` numbers without leading zeros."""
    size = len(run)
    ways = [0] * size + [1]  # ways[p]: cuts of run[p:] into the pieces counted so far
    for _ in range(n):
        nxt = [0] * (size + 1)
        for p in range(size):
            if run[p] == "0":
                nxt[p] = ways[p + 1]
            else:
                nxt[p] = sum(ways[p + 1 :])
        ways = nxt
    return ways[0]


def _from_positions(tok_at: list[Token | None], missing_status: str, integer: bool) -> Reading:
    """A reading with the given token (or none: ``missing_status``) in each cell."""
    vals: list[Value] = []
    status: list[str] = []
    for t in tok_at:
        if t is None:
            vals.append(None)
            status.append(missing_status)
        elif t.kind == BLANK:
            vals.append(None)
            status.append("blank")
        else:
            v = parse_number(t.text, integer)
            vals.append(v)
            status.append("printed" if v is not None else "blank")
    return Reading(vals, status, list(tok_at), [None] * len(tok_at))


@lru_cache(maxsize=4096)
def _eqs_by_slot(
    eqs: tuple[Equation, ...], layout: tuple[tuple[str, tuple[Cell, ...]], ...]
) -> dict[str, list[Equation]]:
    """The equations touching each slot (memoised per table layout; the result is read-only)."""
    slot_of = {c: key for key, cells in layout for c in cells}
    out: dict[str, list[Equation]] = {}
    for e in eqs:
        for k in {slot_of[c] for c in e.cells if c in slot_of}:
            out.setdefault(k, []).append(e)
    return out


@dataclass(slots=True)
class Solved:
    cells: dict[Cell, CellResult]
    notes: list[tuple[str, str]]  # (slot key or "", message)
    consistent: bool  # a reading satisfying every equation was found (or nothing needed one)
    # (identity, equation key or slot key) that no reading of the print can satisfy: proof that the
    # table as printed breaks it, even where the broken cells themselves stay undecided
    unsatisfiable: list[tuple[str, str]] = field(default_factory=list)
    # (slot key, why) for slots no reading of the print fits: their cells are all ambiguous
    unreadable: list[tuple[str, str]] = field(default_factory=list)
    # equations whose decided cells break them: (equation, lhs, rhs)
    broken: list[tuple[Equation, float, float]] = field(default_factory=list)
    # a table without identities (表二): slot key → (the slot's cells, every reading left of it, each as
    # the values of those cells in order), for a slot with ambiguous cells and up to MAX_JOINT readings.
    # The joint readings, not each cell's candidates apart: an identity across reports (X2) can then
    # choose one reading whole.
    joint: dict[str, tuple[list[Cell], list[list[Value]]]] = field(default_factory=dict)


def _search(
    multi: list[Slot], eqs: Sequence[Equation], fixed: dict[Cell, Value], bounded: bool | None = None
) -> tuple[list[dict[str, int]], int]:
    """Every combination of readings of the ``multi`` slots under which no equation is surely broken
    (up to MAX_SOLUTIONS, within MAX_NODES); returns the solutions and the nodes visited.
    ``bounded``: whether to bound the sums (see :meth:`_Search._bounds`); None: for large searches."""
    index = _index_of(tuple(tuple(s.cells) for s in multi) + tuple(tuple(e.cells) for e in eqs))
    search = _Search(
        multi,
        [tuple(index[c] for c in s.cells) for s in multi],
        [(e, tuple(index[c] for c in e.lhs), tuple(index[c] for c in e.rhs)) for e in eqs],
        [fixed.get(c) for c in index],
        bounded,
    )
    search.rec(0)
    return search.solutions, search.nodes


class _Search:
    """The state of one :func:`_search` (an object, not closures: recursive closures are reference
    cycles that only the garbage collector frees).

    Each equation keeps the difference of its known sides and counts of its unknown cells, so choosing a
    reading updates and tests only the equations that touch its slot, in O(1) each. Only equations
    with a cell in a searched slot are kept: the others never change and are never tested."""

    def __init__(
        self,
        multi: list[Slot],
        multi_at: list[tuple[int, ...]],
        eqs_at: Sequence[EqAt],
        fixed_at: list[Value],
        bounded: bool | None = None,
    ) -> None:
        """``multi_at``: each searched slot's cells by position; ``eqs_at``: the equations' cells by
        position; ``fixed_at``: the value the print fixes at each position, None where unknown (a
        position no slot holds, or one of a slot being searched)."""
        self.multi = multi
        self.solutions: list[dict[str, int]] = []
        self.nodes = 0
        self.choice = [0] * len(multi)
        searched = [False] * len(fixed_at)
        for at in multi_at:
            for p in at:
                searched[p] = True
        eq_list: list[EqAt] = []
        for eq in eqs_at:
            if any(searched[p] for p in eq[1]) or any(searched[p] for p in eq[2]):
                eq_list.append(eq)
        # per equation: (known lhs) − (known rhs), and the unknown cells of each side. The sums start
        # as int 0: the counts of 表三/表四 are ints, and int sums of them need no float object
        self.diff: list[float | int] = [0] * len(eq_list)
        self.lunk = [0] * len(eq_list)
        self.runk = [0] * len(eq_list)
        # position -> (equation, on the left side), for the searched positions
        where: list[list[tuple[int, bool]] | None] = [None] * len(fixed_at)
        for at in multi_at:
            for p in at:
                where[p] = []
        for ei, (_, lhs, rhs) in enumerate(eq_list):
            for side_left, side in ((True, lhs), (False, rhs)):
                for p in side:
                    v = fixed_at[p]
                    if v is None:  # blank, not printed, a slot without readings, or not yet chosen
                        if side_left:
                            self.lunk[ei] += 1
                        else:
                            self.runk[ei] += 1
                    elif side_left:
                        self.diff[ei] += v
                    else:
                        self.diff[ei] -= v
                    w = where[p]
                    if w is not None:
                        w.append((ei, side_left))
        self.incidence = [[where[p] or [] for p in at] for at in multi_at]
        self.touched = [sorted({ei for inc in incs for ei, _ in inc}) for incs in self.incidence]
        self.local_incidence: list[list[list[tuple[int, bool]]] | None] = [None] * len(multi)
        # each reading's effect on the equations it touches, summed once (on first visit): choosing
        # or undoing it is then one update per equation instead of one per cell and equation
        self.effects: list[list[list[tuple[int, float | int, int, int]] | None]] = [
            [None] * len(s.readings) for s in multi
        ]
        # the bounds cost about as much as a few hundred nodes: only a large search earns them back
        if bounded is None:
            bounded = math.prod(len(s.readings) for s in multi) > BOUNDS_FROM
        self.bounds = self._bounds(len(eq_list)) if bounded else [[] for _ in multi]

    def _bounds(self, n_eq: int) -> list[list[tuple[int, float | int, float | int, int]]]:
        """Per depth i, for each equation slot i touches: the least and the greatest change of its
        lhs − rhs that the slots after i can still make over their readings, and how many of its
        cells they hold. After slot i's choice, an equation whose only unknown cells are those and
        whose difference cannot return to 0 within the bounds prunes the subtree: in a table of one
        lost cell per row, a column sum is otherwise found broken only once every row of it is
        chosen. Left out (the one-sided test of non-negative values still applies) where a later
        reading leaves a cell of the equation unknown, and for sums of floats (summed in another
        order, they may differ in the last bit from the sum the search builds). The solutions stay
        the same; only subtrees without one are cut."""
        open_eq = [False] * n_eq
        lo: list[float | int] = [0] * n_eq
        hi: list[float | int] = [0] * n_eq
        rem = [0] * n_eq  # cells of the equation in the slots after i
        out: list[list[tuple[int, float | int, float | int, int]]] = [[] for _ in self.multi]
        for i in range(len(self.multi) - 1, -1, -1):
            touched = self.touched[i]
            out[i] = [(ei, lo[ei], hi[ei], rem[ei]) for ei in touched if not open_eq[ei]]
            m = len(touched)
            # per equation of touched[i] (lists indexed like it; an effect lists its equations in
            # the same order, a subset of them): the slot's cells in it, and the least and greatest
            # change over the slot's readings
            n_touch = [0] * m
            for inc in self._local_incidence(i):
                for j, _ in inc:
                    n_touch[j] += 1
            r_lo: list[float | int] = [0] * m
            r_hi: list[float | int] = [0] * m
            for k in range(len(self.multi[i].readings)):
                eff = self.effects[i][k]
                if eff is None:
                    eff = self.effect(i, k)
                x = 0  # the next entry of eff
                for j in range(m):
                    ei = touched[j]
                    dd: float | int = 0
                    if x < len(eff) and eff[x][0] == ei:
                        _, dd, dlu, dru = eff[x]
                        x += 1
                        if dlu + dru < n_touch[j] or isinstance(dd, float):
                            open_eq[ei] = True  # a cell of this reading stays unknown, or a float sum
                    else:  # every cell of the equation is None in this reading: no change, no value
                        open_eq[ei] = True
                    if k == 0 or dd < r_lo[j]:
                        r_lo[j] = dd
                    if k == 0 or dd > r_hi[j]:
                        r_hi[j] = dd
            for j, ei in enumerate(touched):
                lo[ei] += r_lo[j]
                hi[ei] += r_hi[j]
                rem[ei] += n_touch[j]
        return out

    def _local_incidence(self, i: int) -> list[list[tuple[int, bool]]]:
        """Slot ``i``'s incidence with each equation as its index in ``touched[i]`` (built once)."""
        local = self.local_incidence[i]
        if local is None:
            at = {ei: j for j, ei in enumerate(self.touched[i])}
            local = [[(at[ei], side_left) for ei, side_left in inc] for inc in self.incidence[i]]
            self.local_incidence[i] = local
        return local

    def effect(self, i: int, k: int) -> list[tuple[int, float | int, int, int]]:
        """(equation, change of lhs − rhs, lhs cells it makes known, rhs cells it makes known), for
        the equations slot ``i`` touches, in their order; summed in lists indexed like
        ``touched[i]`` (a dict of accumulators per reading cost twice as much)."""
        touched = self.touched[i]
        local = self._local_incidence(i)
        m = len(touched)
        change: list[float | int] = [0] * m
        lknown = [0] * m
        rknown = [0] * m
        for inc, v in zip(local, self.multi[i].readings[k].values):
            if v is None:
                continue
            for j, side_left in inc:
                if side_left:
                    change[j] += v
                    lknown[j] += 1
                else:
                    change[j] -= v
                    rknown[j] += 1
        eff = [(touched[j], change[j], lknown[j], rknown[j]) for j in range(m) if lknown[j] or rknown[j]]
        self.effects[i][k] = eff
        return eff

    def rec(self, i: int) -> bool:
        if len(self.solutions) >= MAX_SOLUTIONS:
            return False
        if i == len(self.multi):
            self.solutions.append({s.key: k for s, k in zip(self.multi, self.choice)})
            return True
        s = self.multi[i]
        check = self.touched[i]
        diff, lunk, runk = self.diff, self.lunk, self.runk
        effects = self.effects[i]
        bounds = self.bounds[i]
        for k in range(len(s.readings)):
            self.nodes += 1
            if self.nodes > MAX_NODES:
                return False
            eff = effects[k]
            if eff is None:
                eff = self.effect(i, k)
            for ei, dd, dlu, dru in eff:  # most changes are 0 (zero counts; a cell is on one side)
                if dd:
                    diff[ei] += dd
                if dlu:
                    lunk[ei] -= dlu
                if dru:
                    runk[ei] -= dru
            # as _holds: an equation is broken only when surely broken (values are non-negative):
            # all known and unequal, or one side known and smaller than the other's known part
            ok = True
            for ei in check:
                lu, ru = lunk[ei], runk[ei]
                if not lu:
                    if (diff[ei] != 0) if not ru else (diff[ei] < 0):
                        ok = False
                        break
                elif not ru and diff[ei] > 0:
                    ok = False
                    break
            if ok:
                for ei, lo, hi, rem in bounds:
                    if lunk[ei] + runk[ei] == rem:  # no cell left unknown but the later slots'
                        d = diff[ei]
                        if d + lo > 0 or d + hi < 0:
                            ok = False
                            break
            stop = False
            if ok:
                self.choice[i] = k
                if not self.rec(i + 1) and (self.nodes > MAX_NODES or len(self.solutions) >= MAX_SOLUTIONS):
                    stop = True
            for ei, dd, dlu, dru in eff:
                if dd:
                    diff[ei] -= dd
                if dlu:
                    lunk[ei] += dlu
                if dru:
                    runk[ei] += dru
            if stop:
                return False
        return True


def solve(slots: list[Slot], eqs: Sequence[Equation], integer: bool = True) -> Solved:
    """Choose one reading per slot so that every equation holds; see the module docstring."""
    notes: list[tuple[str, str]] = []
    multi = [s for s in slots if len(s.readings) > 1]
    # the equations touching each slot, only where a row identity placed a printed number
    eqs_by_slot = (
        _eqs_by_slot(tuple(eqs), tuple((s.key, tuple(s.cells)) for s in slots))
        if eqs and any(s.placed for s in slots)
        else {}
    )

    solutions: list[dict[str, int]] = []
    nodes = 0
    exhausted = True
    unsat: list[tuple[str, str]] = []
    unreadable: list[tuple[str, str]] = []
    # no equation to choose by (表二 has none): every combination of readings is a solution, so each
    # slot keeps all its readings; a search would only count combinations, up to MAX_SOLUTIONS
    independent = bool(multi) and not eqs
    if multi and not independent:
        # the cells by position (memoised per table layout) and the values the print fixes
        n_at, eqs_at, slot_at = _layout_of(eqs, slots)
        fixed_at: list[Value] = [None] * (n_at + 1)
        at_of: dict[str, tuple[int, ...]] = {}
        for s, at in zip(slots, slot_at):
            if len(s.readings) == 1:
                for p, v in zip(at, s.readings[0].values):
                    fixed_at[p] = v
            else:
                at_of[s.key] = at
        # summary rows first so the column equations close early, then the rest in print order
        multi.sort(
            key=lambda s: (
                len(s.readings) > 1
                and s.key not in ("new_received", "carried_over", "outcome_total", "carried_forward"),
                0,
            )
        )
        search = _Search(multi, [at_of[s.key] for s in multi], eqs_at, fixed_at)
        search.rec(0)
        solutions, nodes = search.solutions, search.nodes
        exhausted = nodes <= MAX_NODES and len(solutions) < MAX_SOLUTIONS
        if not exhausted:
            notes.append(
                ("", f"search stopped after {nodes} readings; cells with several readings left ambiguous")
            )
        elif not solutions and all(s.exhaustive for s in slots):
            fixed: dict[Cell, Value] = {}
            for s in slots:
                if len(s.readings) == 1:
                    fixed.update(zip(s.cells, s.readings[0].values))
            unsat = _unsatisfied(multi, eqs, fixed)
            notes.append(
                (
                    "",
                    "no reading of the printed cells satisfies "
                    + ", ".join(f"{i} {k}".strip() for i, k in unsat),
                )
            )

    out: dict[Cell, CellResult] = {}
    joint: dict[str, tuple[list[Cell], list[list[Value]]]] = {}
    all_rule: str | None = None  # every identity of the table, named once (where the search chose)
    for s in slots:
        if not s.readings:
            for c in s.cells:
                out[c] = CellResult(None, "ambiguous", None)
            unreadable.append((s.key, s.note or "no reading fits"))
            continue
        if len(s.readings) == 1:
            r = s.readings[0]
            slot_rule: str | None = None  # the identities touching the slot, named once per slot
            if s.placed:
                slot_rule = "+".join(sorted({e.identity for e in eqs_by_slot.get(s.key, [])})) or None
            for i, c in enumerate(s.cells):
                status, rule = r.status[i], r.rule[i]
                if status == "printed" and i in s.placed:
                    # a printed number whose column only the row identity could decide
                    status, rule = "inferred", slot_rule
                out[c] = CellResult(r.values[i], status, r.token[i], rule)
            if s.note:
                notes.append((s.key, s.note))
            continue
        picks = sorted({sol[s.key] for sol in solutions}) if (solutions and exhausted) else []
        if not picks:
            picks = list(range(len(s.readings)))  # no consistent combination: every reading stays possible
        readings = [s.readings[k] for k in picks]
        best = max(readings, key=lambda r: r.hint)
        for i, c in enumerate(s.cells):
            vals = {r.values[i] for r in readings}
            if len(vals) == 1:
                status, rule = best.status[i], best.rule[i]
                if status == "printed" and (len({r.values[i] for r in s.readings}) > 1 or i in s.placed):
                    # the print alone allowed other values here: the identities chose this one
                    if all_rule is None:
                        all_rule = "+".join(sorted({e.identity for e in eqs})) or ""
                    status, rule = "inferred", all_rule or None
                out[c] = CellResult(best.values[i], status, best.token[i], rule)
            else:
                out[c] = CellResult(
                    None, "ambiguous", None, None, tuple(sorted(v for v in vals if v is not None))
                )
        if independent and len(readings) <= MAX_JOINT and any(out[c].status == "ambiguous" for c in s.cells):
            joint[s.key] = (s.cells, [list(r.values) for r in readings])
        if s.note:
            n_amb = sum(1 for c in s.cells if out[c].status == "ambiguous")
            notes.append(
                (
                    s.key,
                    f"{s.note}: {len(s.readings)} readings, {len(picks)} fit the identities"
                    + (f", {n_amb} cells ambiguous" if n_amb else ""),
                )
            )
    consistent = bool(solutions) or not multi or independent
    _propagate(out, eqs, integer)
    unsat += [(i, s.key) for s in slots for i in s.unsat]
    broken = _broken(out, eqs, slots)  # the one evaluation of every equation on the decided cells
    broken, contradicted = _distrust_contradicted(out, broken, notes)
    if all(s.exhaustive for s in slots):  # otherwise a vanished blank may explain the contradiction
        unsat += contradicted
    _distrust_in_broken_table(out, broken, unsat, notes)
    return Solved(out, notes, consistent, sorted(set(unsat)), unreadable, broken, joint)


EqAt = tuple[Equation, tuple[int, ...], tuple[int, ...]]


# eq_positions by the identity of the equations and of the slots' cell lists (表三/表四 slots share
# the lists of identities.row_cells, so a layout recurs as the same objects in every report). Hashing
# the cells themselves, 175 tuples for 表三, cost more than the evaluation it saves. Each entry holds
# the objects its key names, so their ids cannot be reused by other objects while it lives.
_POSITIONS: Final[
    dict[tuple[int, ...], tuple[object, int, tuple[EqAt, ...], tuple[tuple[int, ...], ...]]]
] = {}


def _positions_of(eqs: Sequence[Equation], slots: list[Slot]) -> tuple[int, tuple[EqAt, ...]]:
    n, eqs_at, _ = _layout_of(eqs, slots)
    return n, eqs_at


def _layout_of(
    eqs: Sequence[Equation], slots: list[Slot]
) -> tuple[int, tuple[EqAt, ...], tuple[tuple[int, ...], ...]]:
    """:func:`eq_positions` and each slot's cells by position, memoised per table layout."""
    ids = [id(eqs)]
    for s in slots:
        ids.append(id(s.cells))
    key = tuple(ids)
    hit = _POSITIONS.get(key)
    if hit is not None:
        return hit[1], hit[2], hit[3]
    layout = tuple(tuple(s.cells) for s in slots)
    index = _index_of(layout)
    n, eqs_at = _eq_positions(tuple(eqs), index)
    slot_pos = tuple(tuple(index[c] for c in cells) for cells in layout)
    if len(_POSITIONS) >= 1024:
        _POSITIONS.clear()
    _POSITIONS[key] = ([eqs, *(s.cells for s in slots)], n, eqs_at, slot_pos)  # held: their ids stay theirs
    return n, eqs_at, slot_pos


def eq_positions(
    eqs: tuple[Equation, ...], layout: tuple[tuple[Cell, ...], ...]
) -> tuple[int, tuple[EqAt, ...]]:
    """(number of distinct cells, each equation's cells by position), positions in the order the slots
    list their cells: the order of ``solve``'s ``out``. A cell no slot holds gets the position just
    past them, where the values hold None (memoised per table layout by :func:`_positions_of`)."""
    return _eq_positions(eqs, _index_of(layout))


def _index_of(layout: tuple[tuple[Cell, ...], ...]) -> dict[Cell, int]:
    index: dict[Cell, int] = {}
    for cells in layout:
        for c in cells:
            index.setdefault(c, len(index))  # a repeated cell keeps its first place, as in a dict
    return index


def _eq_positions(eqs: tuple[Equation, ...], index: dict[Cell, int]) -> tuple[int, tuple[EqAt, ...]]:
    n = len(index)
    eqs_at = tuple(
        (e, tuple(index.get(c, n) for c in e.lhs), tuple(index.get(c, n) for c in e.rhs)) for e in eqs
    )
    return n, eqs_at


def _side(at: tuple[int, ...], values: list[Value]) -> float | None:
    """The sum of one side of an equation, None if a term is unknown."""
    total: float | int = 0  # int sums of int cells: no float object per term
    for i in at:
        v = values[i]
        if v is None:
            return None
        total += v
    return total


def _int_side(at: tuple[int, ...], values: list[int], known: list[bool]) -> int | None:
    """:func:`_side` over int cells: native int additions instead of a generic one per term."""
    total = 0
    for i in at:
        if not known[i]:
            return None
        total += values[i]
    return total


def _broken(
    out: dict[Cell, CellResult], eqs: Sequence[Equation], slots: list[Slot]
) -> list[tuple[Equation, float, float]]:
    """Equations whose cells are all known and that do not hold: (equation, lhs, rhs). Evaluated by
    position in the slots' cells (``out`` holds them in that order), not by a dict lookup per term."""
    if not eqs:
        return []
    n, eqs_at = _positions_of(eqs, slots)
    assert len(out) == n, "solve's cells are the slots' cells"
    res: list[tuple[Equation, float, float]] = []
    # 表三 and 表四 hold counts: ints, summed natively (the place past the cells is unknown)
    ints: list[int] = []
    known: list[bool] = []
    for r in out.values():
        v = r.value
        if v is None:
            ints.append(0)
            known.append(False)
        elif isinstance(v, int):
            ints.append(v)
            known.append(True)
        else:
            break
    else:
        ints.append(0)
        known.append(False)
        for e, lhs, rhs in eqs_at:
            li = _int_side(lhs, ints, known)
            if li is None:
                continue
            ri = _int_side(rhs, ints, known)
            if ri is not None and li != ri:
                res.append((e, li, ri))
        return res
    values = [r.value for r in out.values()]
    values.append(None)  # the place of a cell outside the slots
    for e, lhs, rhs in eqs_at:
        ls = _side(lhs, values)
        if ls is None:
            continue
        rs = _side(rhs, values)
        if rs is not None and ls != rs:
            res.append((e, ls, rs))
    return res


def _distrust_in_broken_table(
    out: dict[Cell, CellResult],
    broken: list[tuple[Equation, float, float]],
    unsat: list[tuple[str, str]],
    notes: list[tuple[str, str]],
) -> None:
    """A table shown to break an identity (as printed, or under every reading) is no evidence for a
    value an identity would fill or place: its author's figures do not add up. Every cell the
    identities decided becomes ``ambiguous`` with that value as its only candidate; printed cells stay."""
    why = sorted({f"{i} {k}".strip() for i, k in unsat}) + [f"{e.identity} {e.key}" for e, _, _ in broken[:3]]
    if not why:
        return
    decided = [c for c, r in out.items() if r.status == "inferred"]
    for c in decided:
        r = out[c]
        out[c] = CellResult(None, "ambiguous", r.token, None, (r.value,))
    if decided:
        notes.append(
            (
                "",
                f"the table breaks {', '.join(why)}; {len(decided)} cells the identities would have "
                "decided are left ambiguous (their value is the only candidate)",
            )
        )


_MAX_STATES: Final = 50_000


def _equation_unsatisfiable(e: Equation, sub: list[Slot], fixed: dict[Cell, Value]) -> bool:
    """True when no choice of readings of ``sub`` lets equation ``e`` hold in the search's lenient
    sense (an unknown term may take any non-negative value). A set of reachable (known lhs − known rhs,
    lhs has an unknown, rhs has an unknown) states, slot by slot: polynomial where a search over
    combinations is exponential in the number of rows a column equation spans."""
    lhs, rhs = set(e.lhs), set(e.rhs)
    in_sub = {c for s in sub for c in s.cells}
    d0: float = 0.0
    lu0 = ru0 = False
    for c in e.cells:
        if c in in_sub:
            continue
        v = fixed.get(c)
        left = c in lhs
        if v is None:
            lu0, ru0 = (True, ru0) if left else (lu0, True)
        else:
            d0 += v if left else -v
    states = {(d0, lu0, ru0)}
    for s in sub:
        moves = set()
        for r in s.readings:
            d: float = 0.0
            lu = ru = False
            for c, v in zip(s.cells, r.values):
                if c in lhs:
                    if v is None:
                        lu = True
                    else:
                        d += v
                elif c in rhs:
                    if v is None:
                        ru = True
                    else:
                        d -= v
            moves.add((d, lu, ru))
        states = {(a + b, la or lb, ra or rb) for a, la, ra in states for b, lb, rb in moves}
        if len(states) > _MAX_STATES:
            return False  # too many to tell: no proof
    for d, lu, ru in states:
        if (
            (lu and ru)
            or (not lu and not ru and d == 0)
            or (lu and not ru and d <= 0)
            or (ru and not lu and d >= 0)
        ):
            return False
    return True


def _unsatisfied(
    multi: list[Slot], eqs: Sequence[Equation], fixed: dict[Cell, Value]
) -> list[tuple[str, str]]:
    """Why no combination of readings fits: the single equations that no reading of their slots can
    satisfy; failing those, the identities that cannot hold on their own; failing those, the
    identities that cannot hold together. (Only called when the full search was exhausted.)"""
    out: list[tuple[str, str]] = []
    cells_of = [set(s.cells) for s in multi]
    for e in eqs:
        sub = [s for s, cs in zip(multi, cells_of) if cs.intersection(e.cells)]
        if sub and _equation_unsatisfiable(e, sub, fixed):
            out.append((e.identity, e.key))
    if out:
        return out
    families = sorted({e.identity for e in eqs})
    for ident in families:
        sols, nodes = _search(multi, [e for e in eqs if e.identity == ident], fixed)
        if not sols and nodes <= MAX_NODES:
            out.append((ident, ""))
    return out or [("+".join(families), "")]


def _distrust_contradicted(
    out: dict[Cell, CellResult],
    broken: list[tuple[Equation, float, float]],
    notes: list[tuple[str, str]],
) -> tuple[list[tuple[Equation, float, float]], list[tuple[str, str]]]:
    """An identity filled or placed a cell, yet another identity breaks with that value: the table
    does not obey its identities (a printed error elsewhere), so the fill is not evidence. Such
    cells become ``ambiguous`` with the rejected value as their candidate; printed cells stay.
    Returns the broken equations among printed cells only (the others now have an unknown term) and
    the (identity, key) of the equations the fills broke."""
    suspect: dict[Cell, str] = {}
    printed: list[tuple[Equation, float, float]] = []
    contradicted: list[tuple[str, str]] = []
    for e, ls, rs in broken:
        inferred = [c for c in e.cells if out[c].status == "inferred"]
        if not inferred:
            printed.append((e, ls, rs))
            continue
        for c in inferred:
            suspect.setdefault(c, f"{e.identity} {e.key}")
        contradicted.append((e.identity, e.key))
    for c, why in suspect.items():
        r = out[c]
        out[c] = CellResult(None, "ambiguous", r.token, None, (r.value,))
        notes.append(
            (
                c[0],
                f"{c[0]}/{c[1]}: {r.rule or 'the identities'} gave {r.value}, but {why} is then broken; "
                "the table breaks its identities, so the value is not certain",
            )
        )
    return printed, contradicted


def _propagate(out: dict[Cell, CellResult], eqs: Sequence[Equation], integer: bool) -> None:
    """Fill blank or missing cells that one equation determines (exactly one unknown); then a cell
    still not printed is a blank."""
    unknown_left = False
    for r in out.values():
        if r.value is None:
            unknown_left = True
            break
    if not unknown_left:  # nothing to fill, and no cell is missing (a missing cell has no value)
        return
    changed = bool(eqs)
    while changed:
        changed = False
        for e in eqs:
            unknown = [c for c in e.cells if c in out and out[c].value is None]
            if len(unknown) != 1 or any(c not in out for c in e.cells):
                continue
            u = unknown[0]
            if out[u].status not in ("blank", "missing"):
                continue
            ls = sum(out[c].value or 0 for c in e.lhs if c != u)
            rs = sum(out[c].value or 0 for c in e.rhs if c != u)
            v = (rs - ls) if u in e.lhs else (ls - rs)
            if v < 0 or (integer and v != int(v)):
                continue
            out[u] = CellResult(int(v) if integer else v, "inferred", out[u].token, e.identity)
            changed = True
    for c, r in out.items():
        if r.status == "missing":
            out[c] = CellResult(None, "blank", None, None)
