"""Property tests (hypothesis) for the digit splitter and the gap placement."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingestion.codes import T3_COLS
from ingestion.identities import equations, row_local
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
