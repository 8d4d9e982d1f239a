"""Read raw bytes into a Document: lines of printed cells, whatever the format.

Text and Markdown (UTF-8 or GB18030), HTML (lxml; rowspan/colspan resolved on a grid), PDF
(pdfplumber's table extraction, text outside tables as lines), DOCX (python-docx, tables as
tables). A line is what a person would read as one row: a table row's cells, or one line of text.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any, Final


class ReadError(Exception):
    """The file cannot be read as a report (unknown format, undecodable, corrupt)."""


@dataclass(slots=True)
class Line:
    cells: list[str]
    line: int  # 1-based line of the source text; for PDF the running row number
    page: int | None = None
    grid: bool = False  # cells come from a real table (HTML/PDF/DOCX): blank cells are cells

    # an explicit __init__: mypyc compiles it; the one @dataclass generates runs as Python (5× slower)
    def __init__(self, cells: list[str], line: int, page: int | None = None, grid: bool = False) -> None:
        self.cells = cells
        self.line = line
        self.page = page
        self.grid = grid


@dataclass(slots=True)
class Document:
    format: str  # txt, html, pdf, docx
    encoding: str | None
    lines: list[Line] = field(default_factory=list)


def sniff_format(data: bytes, name: str = "") -> str:
    lower = name.lower()
    if data[:5] == b"%PDF-":
        return "pdf"
    if data[:4] == b"PK\x03\x04":
        return "docx"
    if lower.endswith((".pdf",)):
        return "pdf"
    if lower.endswith(".docx"):
        return "docx"
    if lower.endswith((".html", ".htm", ".xhtml")):
        return "html"
    head = data[:2048].lstrip().lower()
    if (
        head.startswith((b"<!doctype html", b"<html", b"<?xml"))
        or (b"<body" in head)
        or head.startswith(b"<table")
    ):
        return "html"
    if lower.endswith((".doc", ".xls", ".xlsx", ".ppt", ".zip", ".png", ".jpg", ".jpeg", ".gif")):
        return "unsupported"
    return "txt"


def decode(data: bytes) -> tuple[str, str]:
    """Decode text bytes: BOMs first, then UTF-8, then GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    # only the offsets are kept: an exception held in a local is a cycle through its traceback
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_at = exc.start
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        gb_at = exc.start
    # A truncated multi-byte tail is common in scrapes: accept a file that is valid but for its
    # last few bytes, and say so through the replacement character.
    if utf8_at >= len(data) - 3:
        return data.decode("utf-8", errors="replace"), "utf-8"
    if gb_at >= len(data) - 3:
        return data.decode("gb18030", errors="replace"), "gb18030"
    raise ReadError(f"not UTF-8 nor GB18030 text (invalid byte at offset {utf8_at})")


_MD_RULE: Final = re.compile(r"^\s*\|?\s*:?-{3,}")


def split_text_line(raw: str) -> list[str]:
    """Cells of one text line: ` | ` pipes, Markdown rows, tabs, or the whole line as one cell."""
    if "|" in raw:
        s = raw.strip()
        parts = s.split("|")
        if s.startswith("|") and s.endswith("|") and len(parts) >= 4:  # a Markdown row
            parts = parts[1:-1]
        elif s.endswith("|"):
            parts = parts[:-1]
        return [p.strip() for p in parts]
    if "\t" in raw:
        return [p.strip() for p in raw.rstrip("\r\n").split("\t")]
    return [raw.strip()]


def read_text(text: str) -> list[Line]:
    out: list[Line] = []
    i = 0
    for raw in text.splitlines():
        i += 1
        s = raw.strip()
        if not s:
            continue
        if "-" in s and _MD_RULE.match(raw) and set(s) <= _MD_RULE_CHARS:
            continue
        if "|" in s:
            if s.find("|") == len(s) - 1:  # "2 |": one cell per line behind a trailing pipe
                out.append(Line([s[:-1].strip()], i))
            else:
                out.append(Line(split_text_line(raw), i))
        elif "\t" in raw:
            out.append(Line(split_text_line(raw), i))
        else:  # one cell per line, the commonest shape of a scrape
            out.append(Line([s], i))
    return out


_MD_RULE_CHARS: Final = frozenset("|-: ")


_BLOCK_TAGS: Final = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "nav",
        "table",
        "tbody",
        "thead",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "title",
        "br",
        "center",
        "dl",
        "dt",
        "dd",
        "form",
        "main",
        "aside",
    ]
)


# lxml's tostring, bound by read_html (lxml is imported only when a report is HTML)
_tostring: Any = None


def _cell_text(el: Any) -> str:
    """The text of a cell that holds elements (``"".join(el.itertext()).strip()``): libxml2 gathers
    it in one call, ≈4× faster than an iterator that yields each piece (Word's HTML wraps every cell's
    text in <p><span>); the same text, comments and processing instructions left out (test)."""
    return str(_tostring(el, method="text", encoding="unicode", with_tail=False)).strip()


_NUMBER_LIKE: Final = re.compile(r"-?\d+(?:\.\d+)?(?:万元|元)?")


def _is_number_like(text: str) -> bool:
    return _NUMBER_LIKE.fullmatch(text.replace(",", "").strip()) is not None


def _table_lines(table: Any) -> list[Line]:
    """Rows of an HTML table on a grid: a colspan cell counts once; a rowspan value cell is
    repeated in the rows it spans, a rowspan label only in its first row.

    One flat walk over the table's rows and cells in document order (``iter("tr", "td", "th")``):
    a walk per row costs an iterator object and a proxy lookup per row, ≈2.5× the time. A table
    that holds tables would mix their cells into its rows in a flat walk; it is read row by row."""
    if any(True for _ in table.iter("table") if _ is not table):
        return _nested_table_lines(table)
    out: list[Line] = []
    pending: dict[int, tuple[int, str]] = {}  # grid column -> (rows left, text) for rowspans
    placed: list[tuple[int, str]] = []
    col = 0
    line = -1  # no row open yet
    for el in table.iter("tr", "td", "th"):
        if el.tag == "tr":
            if line >= 0:
                _close_row(placed, pending, col, line, out)
            placed = []
            col = 0
            line = el.sourceline or 0
            continue
        if line < 0:  # a cell outside any row: libxml2 puts one in a row of its own
            continue
        col = _place_cell(el, placed, pending, col)
    if line >= 0:
        _close_row(placed, pending, col, line, out)
    return out


def _place_cell(td: Any, placed: list[tuple[int, str]], pending: dict[int, tuple[int, str]], col: int) -> int:
    """Place one cell of a row at grid column ``col`` or after the rowspans above it; returns the
    next free column."""
    while col in pending:
        left, text = pending[col]
        if _is_number_like(text):
            placed.append((col, text))
        if left <= 1:
            del pending[col]
        else:
            pending[col] = (left - 1, text)
        col += 1
    # most cells hold bare text: read it without walking a subtree
    text = (td.text or "").strip() if len(td) == 0 else _cell_text(td)
    colspan = rowspan = 1
    cs = rs = None
    # one call for a cell without attributes, and for Word's cells, which all have some (style, width)
    # but rarely a span, no lookups either
    keys = td.keys()
    if keys and ("colspan" in keys or "rowspan" in keys):
        cs, rs = td.get("colspan"), td.get("rowspan")
    if cs is not None or rs is not None:
        try:
            colspan = max(1, int(cs or 1))
            rowspan = max(1, int(rs or 1))
        except ValueError:
            colspan = rowspan = 1
    placed.append((col, text))
    if rowspan > 1:
        for c in range(col, col + colspan):
            pending[c] = (rowspan - 1, text if c == col else "\0")
    return col + colspan


def _close_row(
    placed: list[tuple[int, str]], pending: dict[int, tuple[int, str]], col: int, line: int, out: list[Line]
) -> None:
    """End a row: rowspan values from above right of its last cell, then the row as a line."""
    if pending:
        for c in sorted(k for k in pending if k >= col):
            left, text = pending[c]
            if _is_number_like(text):
                placed.append((c, text))
            if left <= 1:
                del pending[c]
            else:
                pending[c] = (left - 1, text)
    cells = [t for _, t in placed if t != "\0"]  # placed in column order by construction
    if cells:
        out.append(Line(cells, line, None, grid=True))


def _nested_table_lines(table: Any) -> list[Line]:
    """:func:`_table_lines` for a table that holds tables: row by row, skipping the rows of the
    nested tables (their text stays in the outer cell that holds them)."""
    pending: dict[int, tuple[int, str]] = {}
    out: list[Line] = []
    for tr in table.iter("tr"):
        parent = tr.getparent()
        while parent is not None and parent is not table and parent.tag != "table":
            parent = parent.getparent()
        if parent is not table:
            continue
        placed: list[tuple[int, str]] = []
        col = 0
        for td in tr.iterchildren("td", "th"):
            col = _place_cell(td, placed, pending, col)
        _close_row(placed, pending, col, int(tr.sourceline or 0), out)
    return out


def read_html(text: str) -> list[Line]:
    global _tostring
    from lxml import etree

    _tostring = etree.tostring

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)
    # plain etree elements: lxml.html's element classes cost a Python-level class lookup per element
    # the walk touches (30% of reading an HTML report); the parse tree is the same libxml2 tree
    try:
        root = etree.fromstring(text, etree.HTMLParser())
    except (etree.ParserError, ValueError) as exc:
        raise ReadError(f"HTML could not be parsed: {exc}") from exc
    if root is None:
        raise ReadError("HTML could not be parsed: Document is empty")
    # iter, not an XPath: XPath compiles its expression on every call (≈50 µs a report)
    for bad in list(root.iter("script", "style", "noscript")):
        _drop_tree(bad)
    out: list[Line] = []

    body = root.find("body")
    title = root.find(".//title")
    if title is not None and title.text and title.text.strip():
        out.append(Line([title.text.strip()], title.sourceline or 0))
    _walk_html(body if body is not None else root, out)
    return out


def _drop_tree(el: Any) -> None:
    """Remove an element and its children, keeping the text that follows it (lxml.html's drop_tree)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _walk_html(el: Any, out: list[Line]) -> None:
    """The lines of one HTML element, tables as cell grids (a module function, not a closure: a
    recursive closure is a reference cycle only the garbage collector frees)."""
    if el.tag == "table":
        out.extend(_table_lines(el))
        if el.tail and el.tail.strip():
            out.append(Line([el.tail.strip()], el.sourceline or 0))
        return
    has_table = any(True for _ in el.iter("table"))
    if not has_table:
        # A block without tables: one line per <br>-separated or block-separated piece.
        pieces: list[str] = []
        buf: list[str] = []
        for node in el.iter():
            if node is not el and isinstance(node.tag, str) and node.tag in _BLOCK_TAGS and buf:
                pieces.append("".join(buf))
                buf = []
            if node.text and node is el or (node is not el and node.text):
                buf.append(node.text or "")
            if node is not el and node.tail:
                buf.append(node.tail)
        if buf:
            pieces.append("".join(buf))
        for p in pieces:
            if p.strip():
                out.append(Line([p.strip()], el.sourceline or 0))
        return
    if el.text and el.text.strip():
        out.append(Line([el.text.strip()], el.sourceline or 0))
    for child in el:
        if isinstance(child.tag, str):
            _walk_html(child, out)
        elif child.tail and child.tail.strip():
            out.append(Line([child.tail.strip()], el.sourceline or 0))
    if el.tail and el.tail.strip() and el.getparent() is not None:
        out.append(Line([el.tail.strip()], el.sourceline or 0))


_PDF_FOOTER = re.compile(
    r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d+\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


def is_page_footer(text: str) -> bool:
    return bool(_PDF_FOOTER.match(text))


def read_pdf(data: bytes) -> list[Line]:
    """Each page's tables found by pdfplumber's table finder (its default "lines" strategy), the text
    outside them as lines, in reading order (page footers dropped).

    The characters and rulings the finder works on are read by PDFium (pypdfium2, a dependency of
    pdfplumber already): its C++ interpreter reads a page ≈4× faster than pdfminer's Python one,
    which spent 95% of a PDF report's 0.3–0.6 s parsing the content streams. They are given in
    pdfplumber's shape and measure (:func:`_pdfium_page`). A page whose characters PDFium cannot give
    as pdfminer would (vertical writing, rotated or mirrored text, a glyph without Unicode, a rotated
    or offset page) is read by pdfplumber itself, as before."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except Exception as exc:  # PdfiumError, and whatever a hostile file provokes
        raise ReadError(f"PDF could not be opened: {type(exc).__name__}: {exc}") from exc
    plumber: Any = None  # opened at the first page PDFium's reading cannot stand in for
    out: list[Line] = []
    n = 0
    doctop = 0.0
    try:
        for pageno in range(1, len(doc) + 1):
            try:
                page = doc[pageno - 1]
                fast = _pdfium_page(page, pageno, doctop)
                doctop += float(page.get_height())
                if fast is None:
                    if plumber is None:
                        plumber = _open_plumber(data)
                    items = _pdf_page_items(plumber.pages[pageno - 1])
                else:
                    items = _pdf_page_items(fast)
            except ReadError:
                raise
            except Exception as exc:
                raise ReadError(f"PDF page {pageno} could not be read: {type(exc).__name__}: {exc}") from exc
            for _, kind, payload in items:
                if kind == 0:
                    text = str(payload)
                    if is_page_footer(text):
                        continue
                    n += 1
                    out.append(Line([text], n, pageno))
                else:
                    for row in payload:  # type: ignore[attr-defined]
                        cells = [(c or "").replace("\n", "") for c in row if c is not None]
                        n += 1
                        if any(c.strip() for c in cells):
                            out.append(Line(cells, n, pageno, grid=True))
    finally:
        if plumber is not None:
            plumber.close()
        doc.close()
    return out


def _open_plumber(data: bytes) -> Any:
    import pdfplumber

    try:
        return pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # pdfminer raises many types for corrupt input
        raise ReadError(f"PDF could not be opened: {type(exc).__name__}: {exc}") from exc


def _pdf_page_items(page: Any) -> list[tuple[float, int, object]]:
    """(top, 0, a line of text outside the tables) and (top, 1, a table's rows), in reading order, of a
    pdfplumber page or a :class:`_PdfiumPage`: ``page.find_tables()`` and
    ``page.filter(outside).extract_text_lines()``, from the page's bbox, chars and edges alone."""
    from pdfplumber.table import TableFinder, TableSettings
    from pdfplumber.utils.text import chars_to_textmap

    tables = TableFinder(page, TableSettings.resolve(None)).tables
    boxes = [t.bbox for t in tables]
    outside = []
    for ch in page.chars:
        x = (float(ch["x0"]) + float(ch["x1"])) / 2
        y = (float(ch["top"]) + float(ch["bottom"])) / 2
        if not any(b[0] <= x <= b[2] and b[1] <= y <= b[3] for b in boxes):
            outside.append(ch)
    x0, top, x1, bottom = page.bbox
    textmap = chars_to_textmap(
        outside, layout_bbox=page.bbox, layout_width=x1 - x0, layout_height=bottom - top
    )
    items: list[tuple[float, int, object]] = [
        (float(tl["top"]), 0, str(tl["text"]))
        for tl in textmap.extract_text_lines(strip=True, return_chars=False)
    ]
    for t in tables:
        items.append((float(t.bbox[1]), 1, t.extract()))
    items.sort(key=lambda it: (it[0], it[1]))
    return items


class _PdfiumPage:
    """What pdfplumber's table finder and text extraction read of a page: its bbox, chars and edges."""

    def __init__(
        self,
        bbox: tuple[float, float, float, float],
        chars: list[dict[str, Any]],
        edges: list[dict[str, Any]],
    ) -> None:
        self.bbox = bbox
        self.chars = chars
        self.edges = edges


def _pdfium_page(page: Any, pageno: int, doctop: float) -> _PdfiumPage | None:
    """A page's characters and ruling edges as pdfplumber (pdfminer) gives them, read by PDFium; None
    where they would not be the same.

    A character's box is pdfminer's: from its origin to its advance across, from the font's descent
    below the baseline up one font size (PDFium's loose box has the same left, right and bottom; its
    top follows the font's ascent, which split a heading in a bold font from the body text of its
    line). A path is split into subpaths at each move, and each is a line (two points), a rectangle
    (four axis-aligned corners, closed) or a curve, with pdfplumber's edges for each, in its order:
    lines', rectangles', curves'."""
    import ctypes

    import pypdfium2.raw as pdfium_c
    from pdfplumber.utils.geometry import obj_to_edges

    width, height = float(page.get_width()), float(page.get_height())
    whole = (0, 0, width, height)
    if page.get_rotation() or tuple(page.get_mediabox()) != whole or tuple(page.get_cropbox()) != whole:
        return None  # pdfplumber turns or shifts such a page's coordinates
    chars: list[dict[str, Any]] = []
    textpage = page.get_textpage()
    try:
        tp = textpage.raw
        box = pdfium_c.FS_RECTF()
        mt = pdfium_c.FS_MATRIX()
        for i in range(pdfium_c.FPDFText_CountChars(tp)):
            if pdfium_c.FPDFText_IsGenerated(tp, i):
                continue  # a space or line break PDFium inserts, not a glyph of the page
            code = pdfium_c.FPDFText_GetUnicode(tp, i)
            if code in (10, 13):
                continue
            if code == 0 or code >= 0xFFFD or 0xD800 <= code <= 0xDFFF:
                return None  # no Unicode for the glyph (pdfminer prints "(cid:N)"), or half a pair
            pdfium_c.FPDFText_GetMatrix(tp, i, mt)
            if mt.b or mt.c or mt.a <= 0 or mt.d <= 0:
                return None  # rotated, skewed or mirrored text
            size = pdfium_c.FPDFText_GetFontSize(tp, i) * mt.d
            pdfium_c.FPDFText_GetLooseCharBox(tp, i, box)
            x0, x1, y0 = float(box.left), float(box.right), float(box.bottom)
            if size <= 0 or not 0 <= x1 - x0 <= 2 * size:
                return None  # vertical writing: PDFium's box is wrong across (a font size unscaled)
            top = height - y0 - size
            chars.append(
                {
                    "text": chr(code),
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": height - y0,
                    "y0": y0,
                    "y1": y0 + size,
                    "doctop": doctop + top,
                    "width": x1 - x0,
                    "height": size,
                    "size": size,
                    "upright": True,
                    "object_type": "char",
                    "page_number": pageno,
                }
            )
    finally:
        textpage.close()
    lines: list[dict[str, Any]] = []
    rects: list[dict[str, Any]] = []
    curves: list[dict[str, Any]] = []
    x = ctypes.c_float()
    y = ctypes.c_float()
    # the page's objects in content order, a form's in its place (a stack: the next object last)
    todo: list[tuple[Any, tuple[float, ...]]] = [
        (pdfium_c.FPDFPage_GetObject(page.raw, k), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))
        for k in range(pdfium_c.FPDFPage_CountObjects(page.raw) - 1, -1, -1)
    ]
    m = pdfium_c.FS_MATRIX()
    while todo:
        obj, outer = todo.pop()
        kind = pdfium_c.FPDFPageObj_GetType(obj)
        if kind not in (pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM):
            continue
        pdfium_c.FPDFPageObj_GetMatrix(obj, m)
        oa, ob, oc, od, oe, of = outer
        # the object's matrix, then the forms' around it
        a, b = m.a * oa + m.b * oc, m.a * ob + m.b * od
        c, d = m.c * oa + m.d * oc, m.c * ob + m.d * od
        e, f = m.e * oa + m.f * oc + oe, m.e * ob + m.f * od + of
        if kind == pdfium_c.FPDF_PAGEOBJ_FORM:
            inner = (a, b, c, d, e, f)
            todo += [
                (pdfium_c.FPDFFormObj_GetObject(obj, j), inner)
                for j in range(pdfium_c.FPDFFormObj_CountObjects(obj) - 1, -1, -1)
            ]
            continue
        subpaths: list[tuple[list[tuple[float, float]], bool]] = []
        for j in range(pdfium_c.FPDFPath_CountSegments(obj)):
            seg = pdfium_c.FPDFPath_GetPathSegment(obj, j)
            pdfium_c.FPDFPathSegment_GetPoint(seg, x, y)
            pt = (a * x.value + c * y.value + e, height - (b * x.value + d * y.value + f))
            if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
                subpaths.append(([pt], False))
            else:
                subpaths[-1][0].append(pt)
            if pdfium_c.FPDFPathSegment_GetClose(seg):
                subpaths[-1] = (subpaths[-1][0], True)
        for pts, closed in subpaths:
            if closed and len(pts) > 2 and pts[-1] == pts[0]:
                pts = pts[:-1]  # PDFium closes a subpath with a segment back to its start: pdfminer's "h"
            if len(pts) < 2:
                continue
            # pdfminer's shapes: "ml"/"mlh" a line; "mlllh" or "mllll" back to the start a rectangle if
            # its sides are axis-aligned; anything else a curve
            four = (len(pts) == 4 and closed) or (len(pts) == 5 and pts[4] == pts[0])
            xs = [p[0] for p in pts]
            ys = [p[1] for p in pts]
            obj_dict: dict[str, Any] = {
                "x0": min(xs),
                "x1": max(xs),
                "top": min(ys),
                "bottom": max(ys),
                "y0": height - max(ys),
                "y1": height - min(ys),
                "width": max(xs) - min(xs),
                "height": max(ys) - min(ys),
                "doctop": doctop + min(ys),
                "pts": pts,
                "page_number": pageno,
            }
            if len(pts) == 2:
                obj_dict["object_type"] = "line"
                lines.append(obj_dict)
            elif four and _is_rect(pts):
                obj_dict["object_type"] = "rect"
                rects.append(obj_dict)
            else:
                obj_dict["object_type"] = "curve"
                curves.append(obj_dict)
    edges = [edge for objs in (lines, rects, curves) for o in objs for edge in obj_to_edges(o)]
    return _PdfiumPage((0.0, 0.0, width, height), chars, edges)


def _is_rect(pts: list[tuple[float, float]]) -> bool:
    """pdfminer's test: four corners in order, each side axis-aligned."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = pts[:4]
    return (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
        y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
    )


def read_docx(data: bytes) -> list[Line]:
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ReadError(f"DOCX could not be opened: {exc}") from exc
    except Exception as exc:
        raise ReadError(f"DOCX could not be opened: {type(exc).__name__}: {exc}") from exc
    out: list[Line] = []
    n = 0
    for block in document.element.body.iterchildren():
        tag = block.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = Paragraph(block, document).text
            n += 1
            if text.strip():
                out.append(Line([text.strip()], n))
        elif tag == "tbl":
            table = Table(block, document)
            for row in table.rows:
                n += 1
                cells: list[str] = []
                seen: set[int] = set()
                for cell in row.cells:
                    key = id(cell._tc)
                    if key in seen:  # a horizontally merged cell is returned once per grid column
                        continue
                    seen.add(key)
                    vmerge = cell._tc.tcPr.vMerge if cell._tc.tcPr is not None else None
                    text = cell.text.replace("\n", "").strip()
                    if vmerge is not None and vmerge.val != "restart" and not _is_number_like(text):
                        continue  # continuation of a vertically merged label
                    cells.append(text)
                if any(c for c in cells):
                    out.append(Line(cells, n, None, grid=True))
    return out


def read_bytes(data: bytes, name: str = "") -> Document:
    """Bytes of one file → Document. Raises ReadError with a specific reason."""
    if not data:
        raise ReadError("empty file")
    fmt = sniff_format(data, name)
    if fmt == "unsupported":
        raise ReadError(f"unsupported file type: {name.rsplit('.', 1)[-1] if '.' in name else 'unknown'}")
    if fmt == "pdf":
        return Document("pdf", None, read_pdf(data))
    if fmt == "docx":
        return Document("docx", None, read_docx(data))
    text, enc = decode(data)
    if "\x00" in text[:4096]:
        raise ReadError("binary content (NUL bytes), not a text report")
    if fmt == "html":
        return Document("html", enc, read_html(text))
    return Document("txt", enc, read_text(text))
