"""Report metadata from the prose: agency (the issuing unit), statistics year, report kind."""

from __future__ import annotations

import re
from typing import Final

_YEAR_TITLE = re.compile(
    r"(20\d\d|19\d\d)\s*年度?\s*(?:政府信息公开|政务公开|信息公开)[^。\n]{0,12}?(?:年度)?(?:工作)?(?:年度)?报告"
)
_PERIOD = re.compile(r"(?:自|从|期限为|期限)\s*(20\d\d)\s*年\s*1\s*月\s*1\s*日")
_FIRST_YEAR = re.compile(r"(20\d\d)\s*年(?:度|以来)?\s*[,，]")

_UNIT_END = r"(?:人民政府办公厅|人民政府办公室|人民政府|政府办公室|办公厅|办公室|政府|委员会|管理委员会|管委会|局|厅|委|署|院|镇|乡|街道办事处|街道|综合实验区|新区|开发区|区|县|市|盟|旗|州)"
_TITLE_BEFORE = re.compile(
    r"([\u4e00-\u9fff()（）]{2,40}?"
    + _UNIT_END
    + r")\s*[（(]?\s*(?:20\d\d)\s*年度?\s*(?:政府信息公开|政务公开|信息公开)[^。\n《》]{0,8}?报告"
)
_TITLE_AFTER = re.compile(
    r"(?:20\d\d)\s*年度?\s*([\u4e00-\u9fff()（）]{2,40}?"
    + _UNIT_END
    + r")\s*(?:政府信息公开|政务公开|信息公开)[^。\n《》]{0,8}?报告"
)
# _TITLE_BEFORE begins with a character class, so sre tries it at every character of the text, each
# try up to 40 lengths times the unit endings: 0.6–1.8 ms on a real report's head, half its parse.
# Every match holds one _TITLE_CORE (its year, 年 and the 信息公开 anchor), and the core is where its
# first digits are: before them come the unit's name (at most _TITLE_REACH characters: the class's 40
# and the longest ending), then only white space and one parenthesis; after the core at most
# _TITLE_TAIL characters. So each core is tried in a window around it, in order (property tests in
# tests/ingestion/test_layouts.py).
_TITLE_CORE = re.compile(r"(?:20\d\d)\s*年度?\s*(?:政府信息公开|政务公开|信息公开)")
_TITLE_REACH: Final = 40 + max(len(u) for u in _UNIT_END[3:-1].split("|"))
_TITLE_TAIL: Final = 10  # [^。\n《》]{0,8}?报告
_SOURCE = re.compile(
    r"(?:来源|发布机构|发布单位)\s*[:：]\s*([\u4e00-\u9fff]{2,30}?" + _UNIT_END + r")(?=[\s|]|$|责任|浏览)"
)
_OPENING = re.compile(
    r"20\d\d\s*年(?:度|以来)?\s*[,，]\s*(?:在[^,，。]{0,30}[,，])?\s*(?:我)?([\u4e00-\u9fff]{2,20}?"
    + _UNIT_END
    + r")(?=[^\u4e00-\u9fff]|坚持|认真|深入|全面|紧紧|按照|始终|严格|扎实|进一步|围绕|以|在)"
)
# "我镇在袁州区政府网发布…": the county a township report names as its parent
_PARENT = re.compile(r"在([\u4e00-\u9fff]{2,3}?[区县市])(?:人民政府|政府)(?:网|门户网站)")
_REPORT_BY = re.compile(r"本报告由\s*([\u4e00-\u9fff]{2,40}?" + _UNIT_END + r")\s*(?:根据|依据|按照|编制)")

REPORT_MARKERS = ("政府信息公开", "信息公开工作年度报告", "依申请公开", "主动公开")


def title_before(text: str) -> re.Match[str] | None:
    """``_TITLE_BEFORE.search(text)``, tried only around each _TITLE_CORE.

    A match found in the window of a core has its first digits at that core (the unit's name holds
    none), and one with its digits at an earlier core would lie in that core's window: so the first
    window that holds a match holds the text's leftmost one, and the same match (no anchors or
    look-arounds in the pattern: the window's end changes no path that fits in it)."""
    for core in _TITLE_CORE.finditer(text):
        j = core.start()
        while j > 0 and (text[j - 1].isspace() or text[j - 1] in "（("):
            j -= 1
        m = _TITLE_BEFORE.search(text, max(0, j - _TITLE_REACH), core.end() + _TITLE_TAIL)
        if m:
            return m
    return None


def find_year(text: str) -> int | None:
    head = text[:6000]
    for pat in (_YEAR_TITLE, _PERIOD):
        m = pat.search(head)
        if m:
            return int(m.group(1))
    m = _FIRST_YEAR.search(head)
    return int(m.group(1)) if m else None


def _clean_agency(a: str) -> str:
    a = re.sub(r"^(?:标题|题目|关于)", "", a)
    a = re.sub(r"^[（(].*?[)）]", "", a)
    return a.strip("（()） ")


def _first_lines(text: str, n: int) -> str:
    r"""``"\n".join(text.splitlines()[:n])``, splitting only as far as the n-th newline: every line
    break splitlines knows ends a line at or before it ("\r\n" counts once)."""
    end = -1
    for _ in range(n):
        end = text.find("\n", end + 1)
        if end < 0:
            return "\n".join(text.splitlines()[:n])
    return "\n".join(text[:end].splitlines()[:n])


def find_agency(text: str) -> str | None:
    head = text[:6000]
    first_lines = _first_lines(head, 12)
    m = title_before(first_lines) or _TITLE_AFTER.search(first_lines)
    if m:
        return _clean_agency(m.group(1))
    # a title broken over two lines: "淮安市人民政府\n2024 年政府信息公开工作年度报告"
    lines = [ln.strip() for ln in first_lines.splitlines() if ln.strip()]
    for i, ln in enumerate(lines[1:], start=1):
        if re.match(r"^(20\d\d)\s*年度?\s*政府信息公开", ln) and re.fullmatch(
            r"[\u4e00-\u9fff]{2,30}" + _UNIT_END, lines[i - 1]
        ):
            return lines[i - 1]
    m = title_before(head) or _TITLE_AFTER.search(head) or _REPORT_BY.search(head) or _SOURCE.search(head)
    if m:
        return _clean_agency(m.group(1))
    m = _OPENING.search(head)
    if m:
        unit = _clean_agency(m.group(1))
        if re.search(r"(镇|乡|街道)$", unit) and not re.search(r"[区县市]", unit[:-1]):
            p = _PARENT.search(text[:20000])
            if p and p.group(1) not in unit:
                return p.group(1) + unit
        return unit
    return None


def looks_like_report(text: str) -> bool:
    return sum(1 for m in REPORT_MARKERS if m in text) >= 2 or "年度报告" in text and "信息公开" in text


# X3: figures the prose states, to be compared with the tables (soft: prose often rounds or counts differently)
_PROSE_APPLICATIONS = re.compile(
    r"(?:共|累计|全年)?(?:收到|受理)了?(?:各类)?(?:政府信息公开|依申请公开)?(?:申请|事项)\s*(\d{1,7})\s*[件个份]"
    r"|共收到\s*(\d{1,7})\s*件(?:政府信息公开)?申请"
)
_PROSE_REVIEWS = re.compile(r"行政复议(?:案件)?\s*(\d{1,6})\s*[件起]")


# every match of _PROSE_APPLICATIONS holds 收到 or 受理 at its start or 1 or 2 characters in (behind
# 共, 累计 or 全年): it is tried only there, in order, not at every character of the text (a search
# from the first key still tried every character after it: 0.1–0.3 ms on a real report's head)
_PROSE_APPLICATIONS_KEY = re.compile("收到|受理")


def prose_applications(text: str) -> re.Match[str] | None:
    """``_PROSE_APPLICATIONS.search(text)``, tried only where a match can start."""
    tried = 0  # every start before this was tried
    for key in _PROSE_APPLICATIONS_KEY.finditer(text):
        k = key.start()
        for at in range(max(tried, k - 2), k + 1):
            m = _PROSE_APPLICATIONS.match(text, at)
            if m:
                return m
        tried = k + 1
    return None


# 表二's normative documents as the prose states them: 本年度制发的规范性文件77件, 废止行政规范性文件3件,
# 现行有效规范性文件393件. Quoted beside an ambiguous 表二 cell for the reader; never used to choose a
# reading (prose often counts something else: pingtan 2023's 393 in force is a cleaned-up library, its
# table's figure another). The verb nearest before 规范性文件 names the measure.
_T2_PROSE_COUNT = re.compile(r"(?:共计?)?\s*(\d{1,5})\s*件")
_T2_PROSE_VERBS: Final = (
    ("issued", "制发"),
    ("issued", "印发"),
    ("issued", "出台"),
    ("repealed", "废止"),
    ("in_force", "现行有效"),
)


def _t2_prose(text: str, out: dict[str, int]) -> None:
    at = text.find("规范性文件")
    while at >= 0:
        m = _T2_PROSE_COUNT.match(text, at + 5)
        if m:
            before = text[max(0, at - 8) : at]
            best, where = "", -1
            for measure, verb in _T2_PROSE_VERBS:
                i = before.rfind(verb)
                if i > where:
                    best, where = measure, i
            key = "normative_documents." + best
            if best and key not in out:
                out[key] = int(m.group(1))
        at = text.find("规范性文件", at + 5)


def find_prose_figures(text: str) -> dict[str, int]:
    """``applications`` (共收到申请N件) and ``reviews`` (行政复议N件) where the prose states them, and
    ``normative_documents.issued|repealed|in_force`` (see _T2_PROSE_VERBS)."""
    out: dict[str, int] = {}
    m = prose_applications(text)
    if m:
        out["applications"] = int(m.group(1) or m.group(2))
    m = _PROSE_REVIEWS.search(text)
    if m:
        out["reviews"] = int(m.group(1))
    _t2_prose(text, out)
    return out
