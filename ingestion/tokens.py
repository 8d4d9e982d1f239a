"""Lines of cells → a flat stream of label, number and blank tokens.

One scanner for every layout. A cell that holds a label and digits with no separator
(``本年新收政府信息公开申请数量230``) yields a label and a number marked ``glued``: the evidence that
the table's digits ran together and must be split by the solver. An enumerator glued behind
digits (``00000002.其他法律…``) belongs to the next label, not to the number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .memo import remember
from .normalise import compact, normalise
from .read import Document

LABEL: Final = "L"
NUMBER: Final = "N"
BLANK: Final = "B"

# What scraped tables print for an empty cell, or for "nothing to report".
BLANK_MARKS: Final = frozenset(
    {"", "-", "--", "—", "——", "–", "/", "\\", "无", "／", "空", "null", "None", "*", "×", "…"}
)

_PIECE: Final = re.compile(
    r"(?P<num>(?:-(?=\d))?\d+(?:\.\d+)?)(?P<unit>\s*万元|\s*元)?"
    r"|(?P<ws>\s+)"
    r"|(?P<txt>[^\d\s]+)"
)
_ENUM_AFTER: Final = re.compile(r"[.、](?=[\u4e00-\u9fff“\"])")
_THOUSANDS: Final = re.compile(r"^-?\d{1,3}(?:,\d{3})+(?:\.\d+)?(?:万元|元)?$")


@dataclass(slots=True)
class Token:
    kind: str
    text: str  # normalised text (labels: compacted for matching)
    raw: str  # as printed in the cell
    line: int
    page: int | None
    unit: str | None = None  # "万元" or "元" printed with a number
    glued: bool = False  # number printed against label text, no separator

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(
        self,
        kind: str,
        text: str,
        raw: str,
        line: int,
        page: int | None,
        unit: str | None = None,
        glued: bool = False,
    ) -> None:
        self.kind = kind
        self.text = text
        self.raw = raw
        self.line = line
        self.page = page
        self.unit = unit
        self.glued = glued


# What one cell scans to, without its position: (kind, text, raw, unit, glued) per token.
Scanned = tuple[tuple[str, str, str, "str | None", bool], ...]
# keyed by the cell alone, one dict per script (a (cell, traditional) key cost a tuple and its hash)
_SCAN_CACHE: Final[dict[str, Scanned]] = {}
_SCAN_CACHE_TRAD: Final[dict[str, Scanned]] = {}
_SCAN_CACHE_MAX: Final = 200_000
_CACHEABLE_LEN: Final = 80  # table cells and labels repeat across reports; long prose lines do not


def scan(cell: str, traditional: bool) -> Scanned:
    """The tokens of one printed cell (memoised: a corpus prints the same labels and small numbers
    over and over, so most cells are scanned once per process)."""
    cache = _SCAN_CACHE_TRAD if traditional else _SCAN_CACHE
    hit = cache.get(cell)
    if hit is not None:
        return hit
    out: list[tuple[str, str, str, str | None, bool]] = []
    _scan_cell(normalise(cell, traditional), cell, out)
    res = tuple(out)
    return remember(cache, cell, res, _SCAN_CACHE_MAX) if len(cell) <= _CACHEABLE_LEN else res


def _scan_cell(norm: str, raw: str, out: list[tuple[str, str, str, str | None, bool]]) -> None:
    s = norm.strip()
    if s.isdigit() and s.isascii():  # the common case: one plain number
        out.append((NUMBER, s, raw.strip(), None, False))
        return
    if s in BLANK_MARKS:
        out.append((BLANK, "", raw.strip(), None, False))
        return
    if _THOUSANDS.match(s):
        s = s.replace(",", "")
    pieces: list[tuple[str, str, str | None]] = []  # (kind, text, unit)
    # findall, not finditer: one tuple per piece instead of a match object and a group() call per
    # group. The pieces tile the text (every character is a digit, a space or neither), so a piece's
    # end is the running sum of their lengths.
    end = 0
    for num, unit, ws, txt in _PIECE.findall(s):
        if num:
            end += len(num) + len(unit)
            if not unit and num.isdigit() and _ENUM_AFTER.match(s, end):
                # "00000002.其他…": the last digit enumerates the next label
                if len(num) > 1:
                    pieces.append(("n", num[:-1], None))
                pieces.append(("t", num[-1], None))
                continue
            pieces.append(("n", num, unit.strip() if unit else None))
        elif ws:
            end += len(ws)
            pieces.append(("w", ws, None))
        else:
            end += len(txt)
            pieces.append(("t", txt, None))
    # merge label pieces (text, enumerators, inner spaces) into one label token each
    i = 0
    n = len(pieces)
    single_number = sum(1 for p in pieces if p[0] == "n") == 1 and all(p[0] != "t" for p in pieces)
    while i < n:
        kind, text, unit = pieces[i]
        if kind == "n":
            glued = (i > 0 and pieces[i - 1][0] == "t") or (i + 1 < n and pieces[i + 1][0] == "t")
            out.append((NUMBER, text, raw.strip() if single_number else text, unit, glued))
            i += 1
        elif kind == "w":
            i += 1
        else:
            j = i
            buf: list[str] = []
            while j < n and pieces[j][0] != "n":
                buf.append(pieces[j][1])
                j += 1
            # an enumerator digit followed by text is a label; a label followed by digits stops
            joined = "".join(buf)
            label = compact(joined)
            if label:
                out.append((LABEL, label, joined.strip(), None, False))
            i = j


def tokenize(doc: Document, traditional: bool, start: int = 0, stop: int | None = None) -> list[Token]:
    """Tokens of ``doc.lines[start:stop]``. Blank cells before a line's first label are dropped:
    they are the empty label column of a merged row header, not values."""
    out: list[Token] = []
    cache = _SCAN_CACHE_TRAD if traditional else _SCAN_CACHE
    for line in doc.lines[start:stop]:
        ln, page = line.line, line.page
        line_tokens: list[Token] = []
        last_label = -1
        for cell in line.cells:
            scanned = cache.get(cell)
            for kind, text, raw, unit, glued in scanned if scanned is not None else scan(cell, traditional):
                if kind == LABEL:
                    last_label = len(line_tokens)
                line_tokens.append(Token(kind, text, raw, ln, page, unit, glued))
        if last_label > 0 and any(t.kind == BLANK for t in line_tokens[:last_label]):
            line_tokens = [t for k, t in enumerate(line_tokens) if not (t.kind == BLANK and k < last_label)]
        out.extend(line_tokens)
    return out
