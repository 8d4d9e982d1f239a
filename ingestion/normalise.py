"""Normalisation: traditional → simplified (OpenCC), pinyin glosses removed, width folding.

Applied to each cell; the printed text is kept beside the normalised one.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

import opencc

from .memo import remember

# Full-width ASCII (！ to ～) to half-width, ideographic and no-break spaces to spaces. 、 stays:
# it is an enumeration mark in labels ("1、申请人…").
_FOLD: dict[int, int | None] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD.update(
    {
        0x3000: 0x20,
        0x00A0: 0x20,
        0x2002: 0x20,
        0x2003: 0x20,
        0x2009: 0x20,
        0x200B: None,
        0xFEFF: None,
        0x3002: 0x3002,
        0xFF0E: 0x2E,
        0x2014: 0x2014,
    }
)

# A converter glued pinyin behind a traditional character: 結(jié)果, 發(fā)布. Only lower-case
# Latin letters (with tone marks) directly after a CJK character; real parentheses such as （一）,
# (APP) or (2020) are left alone.
# The search starts at the literal "(" (sre skips to it fast); the character before it is checked in
# Python: a look-behind would be tried at every position of the text (7× slower on a report's head).
_PINYIN_GLOSS: Final = re.compile(r"\(([a-zü\u00e0-\u00fc\u0100-\u01dc\u0300-\u036f]{1,7})\)")

# A few dozen characters that exist only in traditional script and are common in these reports;
# finding one is enough to run OpenCC over the document.
_TRADITIONAL_HINT: Final = re.compile(
    "[們與報開關發這為數實處問時書條項辦務機資總計結轉訊請況規範許強製費購審權護內檢"
    "執紀錄詢複訴議維糾剩並從當應衛證劃經濟層確認舉訪類補該變產價標準責會區縣鎮蘇廣東陽]"
)


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def looks_traditional(text: str) -> bool:
    return _TRADITIONAL_HINT.search(text) is not None


# converted lines, by line: a traditional report's labels and boilerplate recur in every such report
_T2S_LINES: Final[dict[str, str]] = {}
_T2S_LINES_MAX: Final = 20_000  # ≤ 200 characters each: ≤ 20 MB
_T2S_LINE_LEN: Final = 200  # longer lines (prose, digits run together) rarely recur: not memoised


def to_simplified(text: str) -> str:
    """OpenCC t2s, a line at a time through a memo of lines (a report's head is mostly lines seen in
    other reports; a conversion costs ≈1 µs per call and, with OpenCC's tables cold between reports,
    ≈0.2 µs per character). The lines not yet seen go to OpenCC in one call. Line by line gives the
    same text: no OpenCC phrase holds a line break, so its longest-match segmentation restarts at
    each one (test)."""
    if text.isascii():  # OpenCC maps no ASCII character (test): numbers and blanks skip the call
        return text
    if "\n" not in text:
        hit = _T2S_LINES.get(text)
        if hit is None:
            hit = str(_t2s().convert(text))
            if len(text) <= _T2S_LINE_LEN:
                remember(_T2S_LINES, text, hit, _T2S_LINES_MAX)
        return hit
    lines = text.split("\n")
    seen: dict[str, str] = {}  # this text's non-ASCII lines, converted (a memo may empty meanwhile)
    misses: list[str] = []
    for ln in lines:
        if not ln.isascii() and ln not in seen:
            hit = _T2S_LINES.get(ln)
            if hit is None:
                misses.append(ln)
                seen[ln] = ln
            else:
                seen[ln] = hit
    if misses:
        converted = str(_t2s().convert("\n".join(misses))).split("\n")
        if len(converted) != len(misses):  # not expected (see above): convert the text as a whole
            return str(_t2s().convert(text))
        for a, b in zip(misses, converted, strict=True):
            seen[a] = b
            if len(a) <= _T2S_LINE_LEN:
                remember(_T2S_LINES, a, b, _T2S_LINES_MAX)
    out: list[str] = []
    for ln in lines:
        out.append(ln if ln.isascii() else seen[ln])
    return "\n".join(out)


def strip_pinyin_glosses(text: str) -> str:
    """Each gloss right after a CJK character removed. One ``split`` cuts the text around every
    gloss in C (text, gloss, text, …); a match object and three slices per gloss cost 5 K
    instructions each on a converter's output, which glosses every other word. A gloss after
    anything else, or right after another gloss (the text between them empty), is put back."""
    parts: list[str] = _PINYIN_GLOSS.split(text)
    if len(parts) == 1:
        return text
    out: list[str] = [parts[0]]
    for k in range(1, len(parts), 2):
        before = parts[k - 1]
        if not (before and "\u4e00" <= before[-1] <= "\u9fff"):
            out.append("(" + parts[k] + ")")
        out.append(parts[k + 1])
    return "".join(out)


# the characters _FOLD changes (it maps 。 and — to themselves); each maps to a character outside
# this set, so they can be replaced one after another in any order
_FOLD_CHAR: Final = re.compile("[\uff01-\uff5e\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]")
_FOLD_STR: Final[dict[str, str]] = {chr(k): chr(v) if v is not None else "" for k, v in _FOLD.items()}


def fold_width(text: str, found: set[str] | None = None) -> str:
    """``text.translate(_FOLD)``, several times faster: translate looks every character up in the
    dict, and a regex substitution calls back once per run, where a report prints a few dozen
    foldable characters of five or six kinds (，：（）；). One ``str.replace`` per kind found
    (``found``: the foldable characters of ``text``, when a scan already found them).

    Without ``found``, each kind is replaced as the search meets its first occurrence, and the search
    goes on from there: no character before it is foldable, and what a kind maps to is not. One pass
    of the regex and one replace per kind, no string per occurrence (a findall made hundreds on a
    line of prose: 0.45 M instructions of a real report)."""
    if found is None:
        return _fold_kinds(text, set())
    for ch in found:
        text = text.replace(ch, _FOLD_STR[ch])
    return text


def _fold_kinds(text: str, found: set[str]) -> str:
    """``text`` folded, each kind replaced as the search meets it (see :func:`fold_width`); the kinds
    are added to ``found``."""
    m = _FOLD_CHAR.search(text)
    while m is not None:
        ch = m.group()
        found.add(ch)
        folded = _FOLD_STR[ch]
        text = text.replace(ch, folded)
        m = _FOLD_CHAR.search(text, m.start() + len(folded))
    return text


# the foldable characters and the traditional hints in one class (they are disjoint): one scan of a
# report's head finds both
_FOLD_OR_HINT: Final = re.compile(_FOLD_CHAR.pattern[:-1] + _TRADITIONAL_HINT.pattern[1:-1] + "]")


def fold_set(text: str) -> set[str]:
    """``set(_FOLD_CHAR.findall(text))`` the way :func:`fold_width` searches: each kind once, its
    occurrences then folded away in a copy."""
    found: set[str] = set()
    _fold_kinds(text, found)
    return found


def scan_head(sample: str, limit: int) -> tuple[set[str], bool]:
    """(the foldable characters of ``sample[:limit]``, whether ``sample`` holds a traditional-only
    character): one regex scan where the sample is within the limit; once it meets a traditional
    character it looks for foldable ones only (a traditional report prints one on every other
    character: a set of those was most of a traditional report's head)."""
    if len(sample) > limit:
        return fold_set(sample[:limit]), looks_traditional(sample)
    found: set[str] = set()
    hinted = False
    pattern = _FOLD_OR_HINT
    m = pattern.search(sample)
    while m is not None:
        ch = m.group()
        if ch in _FOLD_STR:
            found.add(ch)
            sample = sample.replace(ch, _FOLD_STR[ch])
            m = pattern.search(sample, m.start() + len(_FOLD_STR[ch]))
        else:
            hinted = True
            pattern = _FOLD_CHAR
            m = pattern.search(sample, m.start() + 1)
    return found, hinted


def normalise(text: str, traditional: bool = False, folds: set[str] | None = None) -> str:
    """Width-fold, drop pinyin glosses and, for traditional documents, convert to simplified
    (``folds``: the foldable characters of ``text``, when a scan already found them)."""
    text = fold_width(text, folds)
    if "(" in text:
        text = strip_pinyin_glosses(text)
    if traditional:
        text = to_simplified(text)
    return text


def compact(text: str) -> str:
    r"""Label text for matching: no white space, ASCII quotes folded. ``str.split`` drops the same
    characters as ``re.sub(r"\s+", "")`` (both ask Py_UNICODE_ISSPACE) at a fraction of the cost."""
    return "".join(text.split()).replace('"', "“")
