"""One unit test per input layout, on small reports rendered by our generator or written inline."""

from __future__ import annotations

import io
import random
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingestion.generate import LAYOUTS, Truth, figures, render
from ingestion.parse import parse_bytes
from ingestion.read import decode, read_bytes, split_text_line


def _report(layout: str, seed: int = 3, tmpl: str = "2021") -> tuple[bytes, Truth]:
    rng = random.Random(seed)
    t2, t3, t4 = figures(rng, tmpl, tmpl)
    truth = Truth("x", layout, None, "青山县人民政府办公室", 2022 if tmpl == "2021" else 2020,
                  {"t2": tmpl, "t3": tmpl}, ["ok"], t2, t3, t4)
    return render(layout, truth, t2, t3, t4, set(), rng), truth


@pytest.mark.parametrize("layout", [x for x in LAYOUTS if x not in ("run_together", "tabs_lost_cell")])
@pytest.mark.parametrize("tmpl", ["2019", "2021"])
def test_layout_reads_every_cell_exactly(layout: str, tmpl: str) -> None:
    data, truth = _report(layout, tmpl=tmpl)
    r = parse_bytes(data, f"r.{'html' if layout == 'html' else 'txt'}")
    assert r.status == "ok", [i.message for i in r.issues]
    assert (r.agency, r.year, r.templates) == (truth.agency, truth.year, truth.templates)
    got = {(c.table, c.row, c.col): c.value for c in r.cells}
    for table in ("t2", "t3", "t4"):
        for row, cols in getattr(truth, table).items():
            for col, v in cols.items():
                assert got[(table, row, col)] == pytest.approx(v), (table, row, col)
    assert all(c.status == "printed" for c in r.cells)


def test_run_together_digits_split_by_identities() -> None:
    data = ("平潭2019年政府信息公开工作年度报告\n本报告统计期限自2019年1月1日起至2019年12月31日止。"
            "三、收到和处理政府信息公开申请情况一、本年新收政府信息公开申请数量640020470"  # 64,0,0,2,0,4,70
            "二、上年结转政府信息公开申请数量0000000").encode()
    r = parse_bytes(data, "p.txt")
    row = {c.col: c.value for c in r.cells if c.row == "new_received"}
    assert list(row.values()) == [64, 0, 0, 2, 0, 4, 70]
    assert any(i.code == "digits_run_together" for i in r.issues)


def test_gbk_is_detected() -> None:
    data, truth = _report("gbk")
    assert decode(data)[1] == "gb18030"
    assert parse_bytes(data, "g.txt").agency == truth.agency


def test_pinyin_glosses_removed_but_real_parentheses_kept() -> None:
    from ingestion.normalise import normalise

    assert normalise("辦理結(jié)果（一）予以公開(APP)", traditional=True) == "办理结果(一)予以公开(APP)"


@given(st.text(alphabet=st.sampled_from(
    [chr(c) for c in (0xFF01, 0xFF08, 0xFF09, 0xFF10, 0xFF0E, 0xFF5E, 0xFF5F, 0xFF00, 0x3000, 0x00A0, 0x2002,
                      0x2003, 0x2009, 0x200B, 0xFEFF, 0x3002, 0x2014, 0x3001, 0x4E00, 0x41, 0x20, 0x31)]),
    max_size=30))
@settings(max_examples=500, deadline=None)
def test_width_folding_folds_exactly_the_fold_table(text: str) -> None:
    from ingestion.normalise import _FOLD, _FOLD_CHAR, fold_set, fold_width

    assert fold_width(text) == text.translate(_FOLD)
    assert fold_set(text) == set(_FOLD_CHAR.findall(text))


@given(
    st.text(alphabet=st.sampled_from(list("结果結果報告（），：　a1 \u200b\ufeff") + ["\uff10"]), max_size=40),
    st.integers(0, 45),
)
@settings(max_examples=500, deadline=None)
def test_head_scan_is_the_fold_set_and_the_traditional_test(text: str, limit: int) -> None:
    from ingestion.normalise import _FOLD, fold_width, looks_traditional, scan_head

    folds, hinted = scan_head(text, limit)
    assert folds == {ch for ch in text[:limit] if ord(ch) in _FOLD and _FOLD[ord(ch)] != ord(ch)}
    assert hinted == looks_traditional(text)
    assert fold_width(text[:limit], folds) == text[:limit].translate(_FOLD)


def test_compact_drops_every_character_a_regex_counts_as_white_space() -> None:
    from ingestion.normalise import compact

    every_space = "".join(ch for ch in map(chr, range(0x3001)) if re.fullmatch(r"\s", ch))
    text = "申请" + every_space + '人"情况"' + every_space + "\u3000\u200b总计"
    assert compact(text) == re.sub(r"\s+", "", text).replace('"', "“")
    assert compact(every_space) == ""


@example("(jié)結果")  # a gloss first: nothing before it
@example("結(jié)(guǒ)果")  # a gloss right after a gloss: kept, the text between them is empty
@given(st.text(alphabet=st.sampled_from(list("結果發布(jiéguǒ)（一）APP20 ü") + ["(", ")"]), max_size=24))
@settings(max_examples=300, deadline=None)
def test_pinyin_glosses_go_only_right_after_a_cjk_character(text: str) -> None:
    from ingestion.normalise import strip_pinyin_glosses

    lookbehind = re.compile(r"(?<=[\u4e00-\u9fff])\(([a-zü\u00e0-\u00fc\u0100-\u01dc\u0300-\u036f]{1,7})\)")
    assert strip_pinyin_glosses(text) == lookbehind.sub("", text)


@given(st.lists(st.text(alphabet=st.sampled_from(list("ab1 |-:\t　") + ["\r"]), max_size=12), max_size=8))
@settings(max_examples=300, deadline=None)
def test_read_text_keeps_every_cell_of_every_line(lines: list[str]) -> None:
    """read_text against its plain statement: blank lines and Markdown rules dropped, each other
    line split into cells, line numbers kept."""
    from ingestion.read import read_text

    text = "\n".join(lines)
    want = [
        (split_text_line(raw), i)
        for i, raw in enumerate(text.splitlines(), start=1)
        if raw.strip() and not (re.match(r"^\s*\|?\s*:?-{3,}", raw) and set(raw.strip()) <= set("|-: "))
    ]
    assert [(ln.cells, ln.line) for ln in read_text(text)] == want


def test_text_line_splitting() -> None:
    assert split_text_line("规章 | 0 | 0 | 0 |") == ["规章", "0", "0", "0"]
    assert split_text_line("| a | b | c |") == ["a", "b", "c"]
    assert split_text_line("0 |") == ["0"]
    assert split_text_line("|") == [""]
    assert split_text_line("a\t\t1\t2") == ["a", "", "1", "2"]


def test_html_rowspan_colspan_and_nbsp() -> None:
    html = ("<html><body><p>青山县2020年政府信息公开工作年度报告</p><table>"
            "<tr><td rowspan='2'>三、本年度办理结果</td><td colspan='2'>（一）予以公开</td><td>1</td><td>&nbsp;</td></tr>"
            "<tr><td>x</td><td>2</td></tr></table></body></html>")
    doc = read_bytes(html.encode(), "a.html")
    rows = [ln.cells for ln in doc.lines if ln.grid]
    assert rows[0] == ["三、本年度办理结果", "（一）予以公开", "1", ""]
    assert rows[1] == ["x", "2"]  # the rowspan label is not repeated


def test_html_value_rowspan_repeats_and_nested_tables_keep_their_rows_apart() -> None:
    # a rowspan value repeats in the rows it spans, also right of a row's last cell; a table inside a
    # cell does not mix its rows into the outer table's (the outer table is read row by row)
    html = ("<html><body><table>"
            "<tr><td>a</td><td rowspan='3'>7</td></tr>"
            "<tr><td>b</td></tr>"
            "<tr><td>c</td><td><table><tr><td>inner</td><td>9</td></tr></table></td></tr>"
            "</table><table><tr><th>h</th><td>1</td></tr></table><script>x</script></body></html>")
    rows = [(ln.cells, ln.line) for ln in read_bytes(html.encode(), "n.html").lines if ln.grid]
    assert [r for r, _ in rows] == [["a", "7"], ["b", "7"], ["c", "7", "inner9"], ["h", "1"]]


# what Word's and CMS's HTML put inside a cell: nested inline elements, comments (Word's conditional
# ones too), processing instructions, entities known and unknown, breaks, white space
_CELL_PIECES = ["a", "结果", "1", "20", " ", "\n", "\u3000", "&amp;", "&lt;", "&gt;", "&nbsp;", "&#12354;", "&bogus;",
                "<!-- c -->", "<!--[if !supportLists]-->", "<![endif]-->", "<?pi x?>", "<![CDATA[x]]>", "<span>",
                "</span>", "<p>", "</p>", "<b>", "</b>", "<br>", "<br/>", "<o:p></o:p>", "<font face='宋体'>",
                "</font>", "<img src='x.png'>", "<a href='#'>", "</a>"]


@given(st.lists(st.tuples(st.lists(st.sampled_from(_CELL_PIECES), max_size=10).map("".join),
                          st.sampled_from(["", "\n", " tail "])), min_size=1, max_size=4))
@settings(max_examples=400, deadline=None, derandomize=True)
def test_html_cell_text_is_the_text_itertext_yields(cells: list[tuple[str, str]]) -> None:
    from lxml import etree

    from ingestion import read

    html = ("<html><body><table><tr>" + "".join(f"<td>{c}</td>{after}" for c, after in cells)
            + "</tr></table></body></html>")
    read.read_html(html)  # binds lxml's tostring, as reading an HTML report does
    for td in etree.fromstring(html, etree.HTMLParser()).iter("td", "th"):
        assert read._cell_text(td) == "".join(td.itertext()).strip()


def test_html_colspan_places_a_rowspan_value_in_its_grid_column() -> None:
    # a rowspan value repeats at its grid column: right of a colspan cell it is column 2, not 1; Word's
    # cells carry other attributes, which must not hide a span
    html = ("<html><body><table>"
            "<tr><td style='x' colspan='2'>A</td><td width='9' rowspan='2'>7</td></tr>"
            "<tr><td style='x'>b</td><td>c</td></tr>"
            "</table></body></html>")
    rows = [ln.cells for ln in read_bytes(html.encode(), "s.html").lines if ln.grid]
    assert rows == [["A", "7"], ["b", "c", "7"]]


def test_docx_tables_read_as_tables() -> None:
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("青山县2021年政府信息公开工作年度报告")
    t = d.add_table(rows=2, cols=3)
    for i, txt in enumerate(["规章", "1", "2"]):
        t.rows[0].cells[i].text = txt
    t.rows[1].cells[0].merge(t.rows[1].cells[1]).text = "merged"
    buf = io.BytesIO()
    d.save(buf)
    doc = read_bytes(buf.getvalue(), "r.docx")
    grid = [ln.cells for ln in doc.lines if ln.grid]
    assert grid[0] == ["规章", "1", "2"] and grid[1][0] == "merged" and len(grid[1]) == 2


def test_unreadable_inputs_fail_with_a_reason() -> None:
    r = parse_bytes(b"", "empty.txt")
    assert r.status == "failed" and "empty" in r.issues[0].message
    r = parse_bytes(b"%PDF-1.4 broken", "x.pdf")
    assert r.status == "failed" and "PDF" in r.issues[0].message
    r = parse_bytes(b"\x89PNG\r\n", "x.png")
    assert r.status == "failed" and "unsupported" in r.issues[0].message
    r = parse_bytes(bytes([0x81, 0x20, 0xFF, 0xFE, 0x30]) * 50, "x.txt")
    assert r.status == "failed"


def test_not_a_report() -> None:
    r = parse_bytes("关于开展2024年春季植树活动的通知\n请各单位组织干部职工参加。".encode(), "n.txt")
    assert r.status == "not_a_report" and r.cells == []


def test_real_pdf_tables(tmp_path: object) -> None:
    from tests.corpus import CORPUS, need_corpus

    need_corpus()
    r = parse_bytes((CORPUS / "real" / "huaian-2024.pdf").read_bytes(), "huaian-2024.pdf")
    cell = next(c for c in r.cells if c.row == "unable.needs_creation" and c.col == "natural_person")
    assert (cell.value, cell.page) == (11, 5)  # the row continues on the next page


def _lines_read(data: bytes, fall_back: bool) -> list[tuple[list[str], int, int | None, bool]]:
    """read_pdf's lines, every page through PDFium or (``fall_back``) every page through pdfplumber."""
    from ingestion import read

    fast = read._pdfium_page
    if fall_back:
        read._pdfium_page = lambda *args: None  # type: ignore[assignment]
    try:
        return [(ln.cells, ln.line, ln.page, ln.grid) for ln in read.read_pdf(data)]
    finally:
        read._pdfium_page = fast


@pytest.mark.parametrize("name", ["huaian-2024.pdf", "hongze-2023.pdf"])
def test_pdfium_reads_a_real_pdf_as_pdfplumber_does(name: str) -> None:
    """A page read through PDFium gives pdfplumber's lines; hongze's 表三 page writes its row label
    vertically (三、本年度办理结果), which PDFium's boxes cannot stand for: that page, and only it, is
    read by pdfplumber."""
    import pypdfium2 as pdfium

    from ingestion.read import _pdfium_page
    from tests.corpus import CORPUS, need_corpus

    need_corpus()
    data = (CORPUS / "real" / name).read_bytes()
    assert _lines_read(data, fall_back=False) == _lines_read(data, fall_back=True)
    doc = pdfium.PdfDocument(data)
    fallen = [k + 1 for k in range(len(doc)) if _pdfium_page(doc[k], k + 1, 0.0) is None]
    assert fallen == ([3] if name.startswith("hongze") else [])


def test_pdfium_chars_and_edges_are_pdfminers() -> None:
    """Each character's box and each ruling edge as pdfplumber (pdfminer) measures them: the same text,
    boxes within 0.2 pt (PDFium's advance of a few Latin and 楷体 glyphs is up to 0.12 pt wider: a
    glyph's width from its font program, not the PDF's width table), the same edges."""
    import pdfplumber
    import pypdfium2 as pdfium

    from ingestion.read import _pdfium_page
    from tests.corpus import CORPUS, need_corpus

    need_corpus()
    data = (CORPUS / "real" / "huaian-2024.pdf").read_bytes()
    doc = pdfium.PdfDocument(data)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        doctop = 0.0
        for k, page in enumerate(pdf.pages):
            fast = _pdfium_page(doc[k], k + 1, doctop)
            doctop += float(page.height)
            assert fast is not None and fast.bbox == page.bbox
            assert [c["text"] for c in fast.chars] == [c["text"] for c in page.chars]
            for ours, theirs in zip(fast.chars, page.chars):
                assert all(abs(ours[key] - theirs[key]) < 0.2 for key in ("x0", "x1", "top", "bottom", "doctop"))

            def edge(e: dict[str, object]) -> tuple[object, ...]:
                return (e["orientation"], *(round(float(e[key]), 2) for key in ("x0", "top", "x1", "bottom")))  # type: ignore[arg-type]

            assert sorted(map(edge, fast.edges)) == sorted(map(edge, page.edges))


def test_a_rotated_pdf_page_is_read_by_pdfplumber(tmp_path: object) -> None:
    """A page with /Rotate: pdfplumber turns its coordinates; PDFium's are left to pdfplumber."""
    import pypdfium2 as pdfium

    from ingestion.read import _pdfium_page
    from tests.corpus import CORPUS, need_corpus

    need_corpus()
    doc = pdfium.PdfDocument((CORPUS / "real" / "huaian-2024.pdf").read_bytes())
    assert _pdfium_page(doc[0], 1, 0.0) is not None
    doc[0].set_rotation(90)
    assert _pdfium_page(doc[0], 1, 0.0) is None


def _pdf_with_text(text: str, degrees: int) -> bytes:
    """A one-page PDF (PDFium writes it) printing ``text`` at (100, 100), turned by ``degrees``."""
    import ctypes
    import math

    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(300, 200)
    obj = pdfium_c.FPDFPageObj_NewTextObj(pdf.raw, b"Helvetica", ctypes.c_float(12))
    wide = (text + "\0").encode("utf-16-le")
    pdfium_c.FPDFText_SetText(obj, ctypes.cast(ctypes.c_char_p(wide), ctypes.POINTER(pdfium_c.FPDF_WCHAR)))
    cos, sin = math.cos(math.radians(degrees)), math.sin(math.radians(degrees))
    pdfium_c.FPDFPageObj_Transform(obj, cos, sin, -sin, cos, 0, 0)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 100, 100)
    pdfium_c.FPDFPage_InsertObject(page.raw, obj)
    pdfium_c.FPDFPage_GenerateContent(page.raw)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize("degrees", [0, 90, 30])
def test_rotated_pdf_text_is_read_by_pdfplumber(degrees: int) -> None:
    """Text turned on the page: PDFium's boxes are not pdfminer's, so the page goes to pdfplumber (which
    reads turned text in pieces, as it always did); upright text is read through PDFium. Either way the
    lines are pdfplumber's."""
    import pypdfium2 as pdfium

    from ingestion.read import _pdfium_page

    data = _pdf_with_text("42 cells", degrees)
    assert (_pdfium_page(pdfium.PdfDocument(data)[0], 1, 0.0) is None) == bool(degrees)
    assert _lines_read(data, fall_back=False) == _lines_read(data, fall_back=True)
    if not degrees:
        assert _lines_read(data, fall_back=False)[0][0] == ["42 cells"]


def test_gb18030_cut_inside_a_character_is_read() -> None:
    text = "青山县人民政府办公室2021年政府信息公开工作年度报告\n一、本年新收政府信息公开申请数量 | 3\n结束语：计"
    data = text.encode("gb18030")[:-1]  # a crawler stopped inside the last two-byte character
    decoded, enc = decode(data)
    assert enc == "gb18030" and decoded.endswith("\ufffd") and "本年新收" in decoded


def test_fill_contradicted_by_another_identity_is_not_trusted() -> None:
    """A row printed natural_person one too high (breaking I2/I3) and the scrape lost its total:
    I2 alone would fill total = sum, and I3 then breaks in the total column. The fill is no
    evidence of what was printed, so the cell is ambiguous, never a silent guess."""
    data, truth = _report("pipe", seed=5)
    t3 = truth.t3
    row = next(r for r in t3 if r.startswith("denied.") and t3[r]["total"] == 0)
    lines = data.decode("utf-8").splitlines()
    k = next(i for i, ln in enumerate(lines) if _label_of(row) in ln)
    cells = lines[k].rstrip(" |").split(" | ")
    assert cells[-1] == "0"
    first = len(cells) - 7
    cells[first] = str(int(cells[first]) + 1)  # natural_person printed one too high
    lines[k] = " | ".join(cells[:-1]) + " |"  # and the total cell lost in scraping
    r = parse_bytes("\n".join(lines).encode("utf-8"), "r.txt")
    got = {(c.table, c.row, c.col): c for c in r.cells}
    assert got[("t3", row, "total")].status == "ambiguous" and got[("t3", row, "total")].value is None
    assert any("is then broken" in i.message for i in r.issues)


def _label_of(row: str) -> str:
    from ingestion.codes import T3_ROW_BY_CODE

    return T3_ROW_BY_CODE[row].label.split(".")[-1][:6]


@given(st.text(alphabet=st.sampled_from(list("县政府报告\n\r\x0b\x0c\x1c\x85\u2028 a1")), max_size=60),
       st.integers(0, 14))
@settings(max_examples=400, deadline=None, derandomize=True)
def test_first_lines_are_the_first_lines_splitlines_finds(text: str, n: int) -> None:
    from ingestion.meta import _first_lines

    assert _first_lines(text, n) == "\n".join(text.splitlines()[:n])


@given(st.lists(st.sampled_from(["共", "累计", "全年", "收到", "受理", "收", "理", "了", "各类", "政府信息公开",
                                 "依申请公开", "申请", "事项", "17", "3", " ", "件", "个", "份", "行政复议"]),
                max_size=14).map("".join))
@example("累计收到申请17件")
@example("共收到 3 件政府信息公开申请")
@example("全年受理了各类事项17份")
@example("收到受理申请17件")
@settings(max_examples=600, deadline=None, derandomize=True)
def test_prose_figures_tried_at_the_keywords_find_the_leftmost_match(text: str) -> None:
    from ingestion.meta import _PROSE_APPLICATIONS, find_prose_figures, prose_applications

    m = _PROSE_APPLICATIONS.search(text)
    got = prose_applications(text)
    assert (got.span(), got.groups()) == (m.span(), m.groups()) if m else got is None
    assert find_prose_figures(text).get("applications") == (int(m.group(1) or m.group(2)) if m else None)


# titles and their near misses: unit names up to and past the 40 characters a name may have, the
# endings, years, anchors, white space, parentheses and the characters the tail may not cross
_TITLE_PIECES = ["一二三四五六七八九十", "上海市", "人民政府", "办公厅", "管理委员会", "街道办事处", "局", "县",
                 "2019", "2020", "20", "1", "年", "度", "政府信息公开", "政务公开", "信息公开", "工作", "报告",
                 "（", "(", "）", " ", "\u3000", "\n", "。", "《", "，", "a"]


@given(st.lists(st.sampled_from(_TITLE_PIECES), max_size=30).map("".join))
@settings(max_examples=1500, deadline=None, derandomize=True)
def test_title_tried_around_each_year_and_anchor_finds_the_leftmost_match(text: str) -> None:
    from ingestion.meta import _TITLE_BEFORE, title_before

    m = _TITLE_BEFORE.search(text)
    got = title_before(text)
    assert (got.span(), got.groups()) == (m.span(), m.groups()) if m else got is None


def test_title_reach_counts_the_longest_unit_ending() -> None:
    # _TITLE_REACH reads the endings off _UNIT_END as plain alternatives: a group or class among them
    # would make it too short, and title_before would miss titles with long names
    from ingestion.meta import _TITLE_REACH, _UNIT_END

    assert _UNIT_END.startswith("(?:") and _UNIT_END.endswith(")")
    endings = _UNIT_END[3:-1].split("|")
    assert all(re.fullmatch("[\u4e00-\u9fff]+", e) for e in endings)
    assert _TITLE_REACH == 40 + max(map(len, endings)) == 47


def test_title_tried_around_each_year_and_anchor_on_long_names() -> None:
    from ingestion.meta import _TITLE_BEFORE, title_before

    name = "一二三四五六七八九十" * 4 + "人民政府办公厅"  # the longest name a match may take: 47 characters
    for text in (f"某{name}2020年政府信息公开工作年度报告", f"某{name} （ 2020年度信息公开报告",
                 f"某{name}(2020年政府信息公开年度工作情况报告",
                 f"{name[1:]}\n2020 年 政务公开……报告", f"前言2019年信息公开。{name}2020年政府信息公开年报告"):
        m = _TITLE_BEFORE.search(text)
        assert m is not None
        got = title_before(text)
        assert got is not None and (got.span(), got.groups()) == (m.span(), m.groups())


@pytest.mark.parametrize("text, stated", [
    ("动态更新本年度制发的规范性文件77件。", {"normative_documents.issued": 77}),
    ("本年印发行政规范性文件 12 件，废止规范性文件共3件，现行有效规范性文件共计105件",
     {"normative_documents.issued": 12, "normative_documents.repealed": 3, "normative_documents.in_force": 105}),
    ("清理并集中发布现行有效行政规范性文件393件", {"normative_documents.in_force": 393}),  # nearest verb decides
    ("废止和现行有效规范性文件8件", {"normative_documents.in_force": 8}),
    ("行政规范性文件77132470第二十条", {}),  # a table row, digits run together: no 件 after a number
    ("行政规范性文件 | 0 | 560 | 0", {}),
    ("规范性文件12件", {}),  # no verb: which measure is unknown
    ("制发规范性文件5件，又制发规范性文件6件", {"normative_documents.issued": 5}),  # the first statement
])
def test_prose_states_normative_documents(text: str, stated: dict[str, int]) -> None:
    from ingestion.meta import find_prose_figures

    assert find_prose_figures(text) == stated


def test_opencc_leaves_ascii_alone() -> None:
    """to_simplified skips OpenCC for ASCII text: it must be what OpenCC returns for it."""
    from ingestion.normalise import _t2s

    ascii_text = "".join(map(chr, range(1, 128)))
    assert _t2s().convert(ascii_text) == ascii_text
    assert _t2s().convert("12 | 3.5 | -- | n/a") == "12 | 3.5 | -- | n/a"


# traditional characters, phrases OpenCC converts as phrases, simplified text, ASCII and line breaks
_T2S_PIECES = ["發", "佈", "時間", "乾坤", "乾淨", "著作", "瞭解", "頭髮", "理髮", "麵包", "後來", "皇后",
               "於是", "於", "鬱", "報告", "條例", "政府信息公開", "申請", "（一）", "結(jié)果", "12", " | ",
               "\n", "\n", "\r\n", "", "壹佰", "台灣", "臺", "著", "乾", "後"]


@given(st.lists(st.sampled_from(_T2S_PIECES), max_size=40))
@settings(max_examples=300, deadline=None, derandomize=True)
def test_opencc_line_by_line_through_the_memo_is_opencc_on_the_whole_text(pieces: list[str]) -> None:
    """to_simplified converts line by line, through a memo of lines: the text must be what OpenCC
    makes of it in one piece, on the first call and on a call that finds its lines memoised."""
    from ingestion.normalise import _t2s, to_simplified

    text = "".join(pieces)
    want = _t2s().convert(text)
    assert to_simplified(text) == want
    assert to_simplified(text) == want
    for line in text.split("\n"):
        assert to_simplified(line) == _t2s().convert(line)


def test_opencc_line_by_line_on_generated_traditional_reports() -> None:
    from ingestion.normalise import _t2s, to_simplified

    for seed in range(6):
        data, _ = _report("traditional", seed=seed)
        text = decode(data)[0]
        assert to_simplified(text) == _t2s().convert(text)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("tmpl", ["2019", "2021"])
def test_a_table_printed_whole_skips_the_solver_and_gives_what_it_gives(layout: str, tmpl: str) -> None:
    """表二, 表三 and 表四 printed whole are read without the solver (TableResult.printed);
    their cells must be exactly the solver's: values, statuses, rules, tokens, notes. Layouts that
    lose or glue cells go on to the solver."""
    from ingestion.tables import find_t2, find_t3, find_t4, parse_t2, parse_t3, parse_t4, solved_of
    from ingestion.tokens import tokenize

    data, truth = _report(layout, tmpl=tmpl)
    doc = read_bytes(data, f"r.{'html' if layout == 'html' else 'txt'}")
    tokens = tokenize(doc, layout == "traditional", 0)
    start = find_t3(tokens)
    assert start is not None
    fast = parse_t3(tokens, start, truth.year)
    slow = parse_t3(tokens, start, truth.year, whole=False)
    assert (fast.printed is not None) == (layout not in ("run_together", "tabs_lost_cell"))
    assert fast.solved is None or fast.printed is None
    got, want = solved_of(fast), slow.solved
    assert want is not None
    assert list(got.cells) == list(want.cells)
    for k, cr in want.cells.items():
        g = got.cells[k]
        assert (g.value, g.status, g.token, g.rule, g.candidates) == (cr.value, cr.status, cr.token, cr.rule,
                                                                    cr.candidates)
    assert (got.notes, got.unsatisfiable, got.unreadable, got.broken) == (
        want.notes, want.unsatisfiable, want.unreadable, want.broken)
    assert (fast.template, fast.end, fast.notes, fast.label_of) == (slow.template, slow.end, slow.notes,
                                                                      slow.label_of)
    t4_start = find_t4(tokens, slow.end)
    assert t4_start is not None
    fast4, slow4 = parse_t4(tokens, t4_start), parse_t4(tokens, t4_start, whole=False)
    assert fast4.printed is not None or layout in ("run_together", "tabs_lost_cell")  # 表四 may keep all
    got, want = solved_of(fast4), slow4.solved
    assert want is not None
    assert [(k, c.value, c.status, c.token, c.rule) for k, c in got.cells.items()] == [
        (k, c.value, c.status, c.token, c.rule) for k, c in want.cells.items()]
    assert (got.notes, got.unsatisfiable, got.unreadable, got.broken) == (
        want.notes, want.unsatisfiable, want.unreadable, want.broken)
    assert (fast4.end, fast4.notes, fast4.label_of) == (slow4.end, slow4.notes, slow4.label_of)
    t2_start = find_t2(tokens, start)
    assert t2_start is not None
    fast2, slow2 = parse_t2(tokens, t2_start, start, truth.year), parse_t2(tokens, t2_start, start, truth.year,
                                                                          whole=False)
    assert fast2.printed is not None or layout in ("run_together", "tabs_lost_cell")
    got, want = solved_of(fast2), slow2.solved
    assert want is not None
    assert [(k, c.value, c.status, c.token, c.rule) for k, c in got.cells.items()] == [
        (k, c.value, c.status, c.token, c.rule) for k, c in want.cells.items()]
    assert (got.notes, got.broken) == (want.notes, want.broken)
    assert (fast2.template, fast2.notes, fast2.label_of, fast2.units) == (slow2.template, slow2.notes,
                                                                          slow2.label_of, slow2.units)


def test_a_table_printed_whole_with_negative_counts_is_flagged_i5() -> None:
    # every 表三 count negated: the identities are linear, so they all still hold and the table is
    # read whole; each negative count must still be flagged (I5), as the solver's path flags it; and
    # a negative 表二 count too
    rng = random.Random(5)
    t2, t3, t4 = figures(rng, "2021", "2021")
    t3 = {row: {col: -v for col, v in cols.items()} for row, cols in t3.items()}
    t2 = {**t2, "administrative_penalty": {"decisions": -7}}
    truth = Truth("x", "pipe", None, "青山县人民政府办公室", 2022, {"t2": "2021", "t3": "2021"}, ["ok"], t2, t3, t4)
    r = parse_bytes(render("pipe", truth, t2, t3, t4, set(), rng), "neg.txt")
    negative = {(row, col) for row, cols in t3.items() for col, v in cols.items() if v < 0}
    flagged = {(i.row, i.col) for i in r.issues if i.code == "I5" and i.table == "t3"}
    assert negative and flagged == negative
    cells = {(c.row, c.col): c for c in r.cells if c.table == "t3"}
    assert all(cells[k].status == "printed" and cells[k].value == t3[k[0]][k[1]] for k in negative)
    assert [(i.row, i.col) for i in r.issues if i.code == "I5" and i.table == "t2"] == [
        ("administrative_penalty", "decisions")]
