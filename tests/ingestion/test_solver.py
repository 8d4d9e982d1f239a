"""Property tests (hypothesis) for the digit splitter and the gap placement."""

from __future__ import annotations

import itertools

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ingestion.codes import T3_COLS
from ingestion.identities import Equation, equations, row_local
from ingestion.solve import Slot, build_readings, solve, split_runs
from ingestion.tokens import NUMBER, Token

counts = st.integers(min_value=0, max_value=3000)


@given(st.lists(counts, min_size=1, max_size=9), st.data())
@settings(max_examples=300, deadline=None, derandomize=True)
def test_true_split_is_always_a_candidate(values: list[int], data: st.DataObject) -> None:
    texts = [str(v) for v in values]
    # glue neighbours together at random, as a crawler does
    chunks: list[str] = [texts[0]]
    for t in texts[1:]:
        if data.draw(st.booleans()):
            chunks[-1] += t
        else:
            chunks.append(t)
    # a run of 30 digits has millions of cuts; enumerating them proves nothing 20 digits do not
    assume(sum(len(c) for c in chunks) <= 20)
    cands = list(split_runs(chunks, len(values)))
    assert texts in cands
    for c in cands:  # every candidate is a legal print of the same digits
        assert "".join(c) == "".join(chunks)
        assert all(p == "0" or not p.startswith("0") for p in c)


def _tok(text: str) -> Token:
    return Token(NUMBER, text, text, 1, None, glued=True)


@given(st.lists(counts, min_size=6, max_size=6))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_run_together_row_with_identity_is_exact_or_ambiguous(orgs: list[int]) -> None:
    row = [*orgs, sum(orgs)]
    slot = Slot("granted", [("granted", c) for c in T3_COLS], [_tok("".join(str(v) for v in row))])
    eqs = [e for e in equations("t3", "2021") if e.identity == "I2" and e.key == "granted"]
    build_readings(slot, True, True, False, row_local(eqs).get("granted", []))
    solved = solve([slot], eqs)
    for i, c in enumerate(T3_COLS):
        cell = solved.cells[("granted", c)]
        assert cell.status == "ambiguous" or cell.value == row[i]


@given(st.lists(counts, min_size=6, max_size=6), st.integers(min_value=0, max_value=6))
@settings(max_examples=200, deadline=None, derandomize=True)
def test_lost_cell_placed_or_flagged(orgs: list[int], lost: int) -> None:
    row = [*orgs, sum(orgs)]
    printed = [v for i, v in enumerate(row) if i != lost]
    slot = Slot("granted", [("granted", c) for c in T3_COLS], [Token(NUMBER, str(v), str(v), 1, None) for v in printed])
    eqs = [e for e in equations("t3", "2021") if e.identity == "I2" and e.key == "granted"]
    build_readings(slot, True, False, False, eqs)
    solved = solve([slot], eqs)
    for i, c in enumerate(T3_COLS):
        cell = solved.cells[("granted", c)]
        assert cell.status == "ambiguous" or cell.value == row[i], (row, lost, cell)


_MINI_COLS = ("a", "b", "c", "total")
_MINI_ROWS = ("r1", "r2", "t")


def _mini_equations() -> list[Equation]:
    """A small 表三: two leaf rows and their total row; I2 per row, I3 per column."""
    eqs = [Equation("I2", "t3", r, ((r, "total"),), tuple((r, c) for c in _MINI_COLS[:3])) for r in _MINI_ROWS]
    eqs += [Equation("I3", "t3", c, (("t", c),), (("r1", c), ("r2", c))) for c in _MINI_COLS]
    return eqs


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=6, max_size=6),
       st.lists(st.integers(min_value=-1, max_value=3), min_size=3, max_size=3))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_consistent_table_is_never_called_unsatisfiable(leaves: list[int], lost: list[int]) -> None:
    # a table that satisfies its identities, printed with up to one lost cell per row (-1: none lost)
    r1 = [*leaves[:3], sum(leaves[:3])]
    r2 = [*leaves[3:], sum(leaves[3:])]
    table = {"r1": r1, "r2": r2, "t": [x + y for x, y in zip(r1, r2)]}
    eqs = _mini_equations()
    slots = []
    for row, gap in zip(_MINI_ROWS, lost):
        printed = [v for i, v in enumerate(table[row]) if i != gap]
        slot = Slot(row, [(row, c) for c in _MINI_COLS], [Token(NUMBER, str(v), str(v), 1, None) for v in printed])
        build_readings(slot, True, False, False, [e for e in eqs if e.identity == "I2" and e.key == row])
        slots.append(slot)
    solved = solve(slots, eqs)
    assert solved.unsatisfiable == []
    for row in _MINI_ROWS:
        for i, c in enumerate(_MINI_COLS):
            cell = solved.cells[(row, c)]
            assert cell.status == "ambiguous" or cell.value == table[row][i]


def test_a_printed_break_that_no_placement_can_hide_is_proved() -> None:
    # r1 prints 3 of its 4 cells; the leaves r1 + r2 exceed the printed total row in column b whatever
    # column r1's gap is in, so I3 cannot hold for any reading
    eqs = _mini_equations()
    rows = {"r1": ["1", "9", "2"], "r2": ["0", "5", "1", "6"], "t": ["1", "6", "3", "10"]}
    slots = []
    for row, printed in rows.items():
        slot = Slot(row, [(row, c) for c in _MINI_COLS], [Token(NUMBER, v, v, 1, None) for v in printed])
        build_readings(slot, True, False, False, [e for e in eqs if e.identity == "I2" and e.key == row])
        slots.append(slot)
    solved = solve(slots, eqs)
    assert solved.unsatisfiable and all(i == "I3" for i, _ in solved.unsatisfiable)


def test_digits_run_together_are_never_proof_of_a_break() -> None:
    # no cut of "1111" into 4 cells satisfies I2, but a blank cell may have vanished from the run
    eqs = [e for e in _mini_equations() if e.key == "r1" and e.identity == "I2"]
    slot = Slot("r1", [("r1", c) for c in _MINI_COLS], [_tok("1111")])
    build_readings(slot, True, True, False, eqs)
    solved = solve([slot], eqs)
    assert all(solved.cells[("r1", c)].status == "ambiguous" for c in _MINI_COLS)
    assert solved.unsatisfiable == []


def _every_fitting_cut(run: str | list[str], n: int,
                       local: list[tuple[tuple[int, ...], tuple[int, ...], str]]) -> list[list[int]]:
    """The plain statement: every cut, in split_runs order, kept when each equation holds."""
    out = []
    for cut in split_runs([run] if isinstance(run, str) else run, n):
        vals = [int(p) for p in cut]
        if all(sum(vals[i] for i in lhs) == sum(vals[i] for i in rhs) for lhs, rhs, _ in local):
            out.append(vals)
    return out


@given(st.lists(st.sampled_from([0, 0, 1, 2, 7, 13, 40, 99]), min_size=6, max_size=6),
       st.text(alphabet="0123456789", max_size=3), st.booleans())
@settings(max_examples=300, deadline=None, derandomize=True)
def test_fitting_cuts_are_exactly_the_cuts_that_fit(parts: list[int], noise: str, consistent: bool) -> None:
    from ingestion.solve import _fitting_cuts, _local_index

    cells = [("new_received", c) for c in T3_COLS]
    local = _local_index(cells, row_local(equations("t3", "2021"))["new_received"])
    run = "".join(map(str, parts)) + str(sum(parts)) if consistent else "".join(map(str, parts)) + noise
    if len(run) < len(cells):
        return
    assert _fitting_cuts([run], len(cells), local) == _every_fitting_cut(run, len(cells), local)


@given(st.lists(st.sampled_from([0, 1, 2, 5, 13]), min_size=12, max_size=12), st.integers(0, 30))
@settings(max_examples=150, deadline=None, derandomize=True)
def test_fitting_cuts_with_several_totals(parts: list[int], flip: int) -> None:
    """Three groups of four parts and their total, as a 表四 row prints them."""
    from ingestion.solve import MAX_SPLITS, _count_cuts, _fitting_cuts

    local = [(tuple([5 * g + 4]), tuple(range(5 * g, 5 * g + 4)), "I4") for g in range(3)]
    vals: list[int] = []
    for g in range(3):
        vals += parts[4 * g : 4 * g + 4] + [sum(parts[4 * g : 4 * g + 4])]
    run = "".join(map(str, vals))
    if flip < len(run):  # a misprinted digit: the identities may no longer be satisfiable
        run = run[:flip] + str((int(run[flip]) + 1) % 10) + run[flip + 1 :]
    got = _fitting_cuts([run], 15, local)
    if got == "too many":
        assert _count_cuts(run, 15) > MAX_SPLITS
    else:
        assert got == _every_fitting_cut(run, 15, local)


@given(st.lists(st.sampled_from([0, 0, 1, 2, 7, 13, 40, 99]), min_size=6, max_size=6),
       st.lists(st.integers(1, 12), min_size=1, max_size=3), st.booleans(), st.booleans())
@settings(max_examples=300, deadline=None, derandomize=True)
def test_fitting_cuts_of_several_runs(parts: list[int], breaks: list[int], consistent: bool, aligned: bool) -> None:
    """A row printed as several digit runs ("500000 5"): the fitting cuts are those of split_runs, in
    its order (a run boundary is always a cell boundary)."""
    from ingestion.solve import _fitting_cuts, _local_index

    cells = [("new_received", c) for c in T3_COLS]
    local = _local_index(cells, row_local(equations("t3", "2021"))["new_received"])
    vals = [*parts, sum(parts) if consistent else sum(parts) + 1]
    run = "".join(map(str, vals))
    if aligned:  # the breaks fall between printed numbers, as a scrape leaves them
        ends = [len("".join(map(str, vals[: i + 1]))) for i in range(len(parts))]
        breaks = [ends[b % len(ends)] for b in breaks]
    cuts = sorted({b for b in breaks if b < len(run)})
    runs = [run[a:b] for a, b in zip([0, *cuts], [*cuts, len(run)])]
    if len(runs) >= len(cells):
        return
    assert _fitting_cuts(runs, len(cells), local) == _every_fitting_cut(runs, len(cells), local)


def _surely_broken(e: Equation, values: dict[tuple[str, str], int | None]) -> bool:
    lhs = [values.get(c) for c in e.lhs]
    rhs = [values.get(c) for c in e.rhs]
    ls = sum(v for v in lhs if v is not None)
    rs = sum(v for v in rhs if v is not None)
    l_open, r_open = None in lhs, None in rhs
    return (not l_open and not r_open and ls != rs) or (not l_open and rs > ls) or (not r_open and ls > rs)


@given(
    st.integers(min_value=5, max_value=7),
    st.data(),
)
@settings(max_examples=60, deadline=None, derandomize=True)
def test_search_finds_exactly_the_combinations_a_brute_force_finds(n_rows: int, data: st.DataObject) -> None:
    """Large searches bound the column sums by what the rows still to choose can add; the bound
    must cut only subtrees without a solution. Rows with 3–4 candidate readings (one lost cell
    each, some readings with an unknown cell), a printed total row, one column sum per column."""
    import itertools

    from ingestion.solve import MAX_SOLUTIONS, Reading, _search

    cols = ["a", "b", "c"]
    values = st.integers(min_value=0, max_value=4)
    multi = []
    for r in range(n_rows):
        n_read = data.draw(st.integers(min_value=3, max_value=4))
        readings = []
        for _ in range(n_read):
            vals: list[int | None] = [data.draw(values) for _ in cols]
            if data.draw(st.integers(min_value=0, max_value=9)) == 0:
                vals[data.draw(st.integers(min_value=0, max_value=2))] = None
            readings.append(Reading(vals, ["printed"] * 3, [None] * 3, [None] * 3))
        multi.append(Slot(f"r{r}", [(f"r{r}", c) for c in cols], [], readings))
    # the total row, printed: the sum of one random combination, so that a solution exists
    pick = [data.draw(st.integers(min_value=0, max_value=len(s.readings) - 1)) for s in multi]
    totals = [sum(s.readings[k].values[i] or 0 for s, k in zip(multi, pick)) for i in range(3)]
    fixed: dict[tuple[str, str], int | None] = {("t", c): v for c, v in zip(cols, totals)}
    if data.draw(st.booleans()):
        fixed[("t", "c")] = None  # a blank total: that column's sum stays open
    eqs = [Equation("I3", "t3", c, (("t", c),), tuple((s.key, c) for s in multi)) for c in cols]

    expected = []
    for combo in itertools.product(*(range(len(s.readings)) for s in multi)):
        vals = dict(fixed)
        for s, k in zip(multi, combo):
            vals.update(zip(s.cells, s.readings[k].values))
        if not any(_surely_broken(e, vals) for e in eqs):
            expected.append({s.key: k for s, k in zip(multi, combo)})
    solutions, nodes = _search(multi, eqs, fixed, bounded=True)
    plain, plain_nodes = _search(multi, eqs, fixed, bounded=False)
    assert nodes <= plain_nodes
    if len(expected) < MAX_SOLUTIONS:
        assert solutions == expected == plain
    else:
        assert len(solutions) == MAX_SOLUTIONS and all(s in expected for s in solutions)


@given(
    st.lists(st.integers(min_value=0, max_value=6), min_size=3, max_size=6),
    st.integers(min_value=0, max_value=6),
    st.booleans(),
    st.sets(st.integers(min_value=0, max_value=6), max_size=2),
)
@settings(max_examples=300, deadline=None, derandomize=True)
def test_one_lost_cell_fast_path_keeps_what_the_general_placement_keeps(
    parts: list[int], lost: int, consistent: bool, hints: set[int]
) -> None:
    """A row that lost one number: the fast path must give the general loop's readings (values,
    statuses, rules, tokens, hints, order), with its row identity holding or broken as printed,
    and with a second equation that leaves some cells out."""
    from ingestion.solve import _local_index, _one_gap_readings, _placements

    n = len(parts) + 1
    row = [*parts, sum(parts) + (0 if consistent else 1)]
    cells = [("r", str(i)) for i in range(n)]
    eqs = [
        Equation("I2", "t3", "r", (cells[-1],), tuple(cells[:-1])),
        Equation("IX", "t3", "r", (cells[0],), (cells[1],)),  # holds only where the two agree
    ]
    for local_eqs, integer in itertools.product((eqs[:1], eqs, []), (True, False)):
        # integer: the counts path (_one_gap_counts); otherwise the general one, as for amounts
        lost_at = lost % n
        printed = [v for i, v in enumerate(row) if i != lost_at]
        nums = [Token(NUMBER, str(v), str(v), 1, None) for v in printed]
        local = _local_index(cells, local_eqs)
        fast = _one_gap_readings(list(printed), nums, local, integer, hints)
        general = _placements(list(printed), nums, n, local, integer, hints)
        assert [(r.values, r.status, r.rule, r.token, r.hint) for r in fast] == [
            (r.values, r.status, r.rule, r.token, r.hint) for r in general
        ]


def test_slots_without_identities_keep_every_reading_without_a_search() -> None:
    """表二 has no identities: 9 rows with two readings each are 512 combinations, all solutions.
    Each cell the readings disagree on is ambiguous with both values; no search runs, so none is
    reported stopped."""
    from ingestion.solve import Reading

    slots = []
    for r in range(9):
        cells = [(f"r{r}", "a"), (f"r{r}", "b")]
        readings = [Reading([1, 23], ["printed"] * 2, [None] * 2, [None] * 2),
                    Reading([12, 3], ["printed"] * 2, [None] * 2, [None] * 2)]
        slots.append(Slot(f"r{r}", cells, [], readings, note="digits run together"))
    solved = solve(slots, [], integer=False)
    assert not any("search" in msg for _, msg in solved.notes)
    assert all(msg == "digits run together: 2 readings, 2 fit the identities, 2 cells ambiguous"
               for key, msg in solved.notes if key)
    for s in slots:
        assert [solved.cells[c].candidates for c in s.cells] == [(1, 12), (3, 23)]
        assert all(solved.cells[c].status == "ambiguous" for c in s.cells)


@given(st.integers(min_value=0, max_value=10**30))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_digit_count_bound_is_the_printed_width(x: int) -> None:
    from ingestion.solve import _ndigits

    assert _ndigits(x) == len(str(x))
    for edge in (10**k for k in range(1, 20)):
        assert (_ndigits(edge - 1), _ndigits(edge)) == (len(str(edge - 1)), len(str(edge)))
