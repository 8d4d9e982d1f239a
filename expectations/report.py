"""The data-quality report of one ingest: data/reports/<ingest_id>/index.html, self-contained.

No CDN, no script: inline CSS and SVG bar charts, readable offline and printable. Labels in Chinese
and English. Everything comes from the warehouse (raw.*, dq.*), so ``xxgk report`` can rebuild any
ingest's report at any time.
"""

import html
import json
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

from ingestion.codes import TABLE_LABELS
from ingestion.identities import IDENTITIES
from ingestion.settings import Settings

from .checks import CHECKS
from .gates import DEFAULT_THRESHOLD, batch_verdict
from .suites import GX_SITE

STATUS_LABELS = {"ok": "完整 ok", "partial": "部分 partial", "pre_2019": "旧格式 pre_2019",
                 "not_a_report": "非年报 not_a_report", "failed": "无法读取 failed"}
STATUS_COLOURS = {"ok": "#2e7d32", "partial": "#f9a825", "pre_2019": "#6d4c41", "not_a_report": "#757575",
                  "failed": "#c62828"}
MAX_ROWS = 400

CSS = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif;margin:2rem auto;
max-width:72rem;color:#222;line-height:1.45;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.15rem;border-bottom:2px solid #ddd;padding-bottom:.2rem;
margin-top:2rem}.sub{color:#666}.badge{display:inline-block;padding:.15rem .6rem;border-radius:.8rem;color:#fff;
font-weight:600}.pass{background:#2e7d32}.fail{background:#c62828}.warn{background:#f9a825;color:#222}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.5rem 0}th,td{border:1px solid #ddd;
padding:.25rem .45rem;text-align:left;vertical-align:top}th{background:#f4f4f4}td.num{text-align:right;
font-variant-numeric:tabular-nums}code,.mono{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.82rem}
.cards{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:.4rem;padding:.6rem 1rem;
min-width:9rem}.card b{display:block;font-size:1.4rem}.arith{font-family:ui-monospace,Menlo,monospace;
background:#fff3f3;padding:.1rem .3rem}.note{color:#666;font-size:.85rem}
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x))


def _bar_chart(rows: list[tuple[str, float, str]], width: int = 560, unit: str = "") -> str:
    """Horizontal bars: (label, value, colour). Inline SVG, no script."""
    if not rows:
        return '<p class="note">—</p>'
    top = max(v for _, v, _ in rows) or 1
    h = 24 * len(rows) + 8
    parts = [f'<svg width="{width + 260}" height="{h}" role="img" xmlns="http://www.w3.org/2000/svg" '
             'font-size="12" font-family="sans-serif">']
    for i, (label, v, colour) in enumerate(rows):
        y = 4 + 24 * i
        w = max(1, int(width * v / top)) if v else 0
        parts.append(f'<text x="0" y="{y + 15}">{_e(label)}</text>'
                     f'<rect x="200" y="{y}" width="{w}" height="18" fill="{colour}"/>'
                     f'<text x="{205 + w}" y="{y + 15}">{_e(f"{v:g}{unit}")}</text>')
    parts.append("</svg>")
    return "".join(parts)


class Rows(list[tuple[Any, ...]]):
    """The first rows of a query and how many it has in all (a national ingest has millions)."""

    total: int = 0


def _table(headers: list[str], rows: list[tuple[Any, ...]], num_cols: tuple[int, ...] = ()) -> str:
    if not rows:
        return '<p class="note">无 / none</p>'
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for r in rows[:MAX_ROWS]:
        body.append("<tr>" + "".join(
            f'<td class="num">{_e(v)}</td>' if i in num_cols else f"<td>{_e(v)}</td>" for i, v in enumerate(r)) + "</tr>")
    total = rows.total if isinstance(rows, Rows) else len(rows)
    more = f'<p class="note">… {total - MAX_ROWS} more rows in the warehouse</p>' if total > MAX_ROWS else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def _q(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    return con.execute(sql, params or []).fetchall()


def _first(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Rows:
    """At most MAX_ROWS rows of ``sql`` (fetched with a limit, so memory stays flat) and the full count."""
    out = Rows(con.execute(f"{sql} limit {MAX_ROWS}", params or []).fetchall())
    row = con.execute(f"select count(*) from ({sql})", params or []).fetchone()
    out.total = int(row[0]) if row else 0
    return out


def build_report(ingest_id: str | None = None, settings: Settings | None = None,
                 gate_summary: dict[str, Any] | None = None) -> Path:
    """Write the report of ``ingest_id`` (default: the latest ingest) and point data/reports/latest at it."""
    st = settings or Settings.from_env()
    con = duckdb.connect(str(st.warehouse), read_only=True)
    try:
        if ingest_id is None:
            row = con.execute("select ingest_id from raw.ingests order by started_at desc limit 1").fetchone()
            if row is None:
                raise SystemExit(f"no ingest in {st.warehouse}: run `xxgk ingest PATH` or `make run` first")
            ingest_id = str(row[0])
        page = _render(con, ingest_id, st, gate_summary or {})
    finally:
        con.close()
    out_dir = st.reports / ingest_id
    out_dir.mkdir(parents=True, exist_ok=True)
    index = out_dir / "index.html"
    index.write_text(page, encoding="utf-8")
    latest = st.reports / "latest"
    if latest.is_symlink() or latest.is_file():
        latest.unlink()
    elif latest.is_dir():
        shutil.rmtree(latest)
    os.symlink(ingest_id, latest, target_is_directory=True)
    return index


def _render(con: duckdb.DuckDBPyConnection, ingest_id: str, st: Settings, gate: dict[str, Any]) -> str:
    ing = _q(con, "select started_at, finished_at, paths, n_files, n_new_sources, n_parsed, parser_version "
                  "from raw.ingests where ingest_id = ?", [ingest_id])
    started, finished, paths, n_files, n_new, n_parsed, pv = ing[0] if ing else (None,) * 7
    verdict = batch_verdict(con, ingest_id, float(gate.get("threshold", DEFAULT_THRESHOLD)))
    batch_status, n_batch, share, threshold = verdict.by_status, verdict.n, verdict.share, verdict.threshold
    all_status = dict(_q(con, "select status, count(*) from raw.reports group by 1"))
    runs = {r[0]: r[1:] for r in _q(con, "select expectation, suite, severity, success, n_unexpected "
                                        "from dq.validation_runs where ingest_id = ?", [ingest_id])}
    checked = dict(_q(con, "select c.table_id, count(distinct c.report_id) from raw.report_cells c "
                           "join raw.reports r using (report_id) where r.ingest_id = ? group by 1", [ingest_id]))
    checked_t3, checked_t4 = checked.get("t3", 0), checked.get("t4", 0)
    failing = dict(_q(con, "select expectation, count(distinct report_id) from dq.validation_results "
                           "where ingest_id = ? group by 1", [ingest_id]))
    # 表二 cells X2 decided across years in this batch, and the earlier reports it revised for them
    x2_cells, x2_revised = _q(con, "select count(*) filter (where c.rule = 'X2'), count(distinct c.report_id) "
                                   "filter (where r.x2_revised_in = r.ingest_id) from raw.report_cells c join "
                                   "raw.reports r using (report_id) where r.ingest_id = ?", [ingest_id])[0]

    s: list[str] = [f"<!doctype html><html lang='zh-CN'><head><meta charset='utf-8'>"
                    f"<title>xxgk 数据质量报告 {_e(ingest_id)}</title><style>{CSS}</style></head><body>"]
    s.append(f"<h1>数据质量报告 · Data-quality report</h1><p class='sub'>ingest <code>{_e(ingest_id)}</code> · "
             f"{_e(started)} → {_e(finished)} · parser {_e(pv)} · warehouse <code>{_e(st.warehouse)}</code></p>")
    badge = ('<span class="badge pass">通过 PASS</span>' if verdict.ok
             else '<span class="badge fail">未通过 FAIL</span>')
    s.append("<div class='cards'>"
             f"<div class='card'>文件 files<b>{_e(n_files)}</b></div>"
             f"<div class='card'>新路径 new paths<b>{_e(n_new)}</b></div>"
             f"<div class='card'>本批报告 reports parsed<b>{_e(n_parsed)}</b></div>"
             f"<div class='card'>失败或部分 failed+partial<b>{share:.1%}</b>阈值 threshold {threshold:.0%} {badge}</div>"
             f"<div class='card'>仓库报告总数 reports in warehouse<b>{sum(all_status.values())}</b></div>"
             f"<div class='card'>跨年判定 X2 across years<b>{_e(x2_cells)}</b>cells · {_e(x2_revised)} earlier "
             "reports revised</div></div>")
    s.append(f"<p class='note'>来源 paths: <code>{_e(paths)}</code></p>")
    site = GX_SITE
    pages = dict(gate.get("docs") or {})
    for page in sorted(site.glob(f"validations/*/{ingest_id}/*/*.html")):
        pages.setdefault(page.relative_to(site / "validations").parts[0], page.as_uri())
    links = " · ".join(f"<a href='{_e(u)}'>{_e(k)}</a>" for k, u in sorted(pages.items())) or "—"
    s.append(f"<p>Great Expectations Data Docs（本次验证 / this run）: {links} · "
             f"<a href='{_e((site / 'index.html').as_uri())}'>index</a></p>")

    s.append("<h2>按状态统计 · Reports by status</h2><div class='cards'><div><p>本批 this ingest</p>"
             + _bar_chart([(STATUS_LABELS[k], batch_status.get(k, 0), STATUS_COLOURS[k]) for k in STATUS_LABELS],
                          width=300)
             + "</div><div><p>全部 whole warehouse</p>"
             + _bar_chart([(STATUS_LABELS[k], all_status.get(k, 0), STATUS_COLOURS[k]) for k in STATUS_LABELS],
                          width=300)
             + "</div></div>")

    s.append("<h2>恒等式与检查通过率 · Pass rate per identity and check</h2>")
    rate_rows, table_rows = [], []
    for c in CHECKS:
        base = checked_t4 if c.name == "I4" else checked_t3 if c.name in ("I1", "I2", "I3", "X1", "X3") else n_batch
        nfail = failing.get(c.name, 0)
        rate = 100.0 * (base - nfail) / base if base else 100.0
        colour = "#2e7d32" if nfail == 0 else ("#c62828" if c.severity == "error" else "#f9a825")
        rate_rows.append((f"{c.name} ({'硬 hard' if c.severity == 'error' else '软 soft'})", round(rate, 1), colour))
        run = runs.get(c.name)
        table_rows.append((c.name, c.severity, c.description_zh, c.description_en, base, nfail,
                           f"{rate:.1f}%", "—" if run is None else ("✔" if run[2] else "✘")))
    s.append(_bar_chart(rate_rows, unit="%"))
    s.append(_table(["check", "severity", "说明", "statement", "reports checked", "reports failing", "pass rate",
                     "GX"], table_rows, (4, 5, 6)))
    others = [(k, v[0], v[3], v[2]) for k, v in runs.items() if not any(c.name == k for c in CHECKS)]
    if others:
        s.append("<p class='note'>Column-level GX checks (no per-row detail):</p>"
                 + _table(["check", "suite", "unexpected", "success"], others, (2,)))

    s.append("<h2>未通过硬恒等式的报告 · Reports failing a hard identity</h2>"
             "<p class='note'>As printed: xxgk never changes a printed number. These reports stay in raw and staging, "
             "marts carry passes_identities = false, certified_* marts exclude them.</p>")
    fails = _q(con, """select r.agency, r.year, r.status, v.expectation, v.message, r.source, r.report_id
                       from dq.validation_results v join raw.reports r using (report_id)
                       where v.ingest_id = ? and v.severity = 'error'
                       order by r.agency, r.year, v.expectation, v.message""", [ingest_id])
    if fails:
        grouped: dict[tuple[Any, ...], list[tuple[Any, ...]]] = {}
        for f in fails:
            grouped.setdefault((f[0], f[1], f[2], f[5], f[6]), []).append(f)
        for (agency, year, status, source, rid), items in list(grouped.items())[:100]:
            s.append(f"<h3>{_e(agency)} {_e(year)} <span class='note'>({_e(status)} · <code>{_e(source)}</code> · "
                     f"{_e(rid[:12])})</span></h3><ul>")
            s += [f"<li><b>{_e(i[3])}</b> <span class='arith'>{_e(i[4])}</span></li>" for i in items]
            s.append("</ul>")
    else:
        s.append("<p class='note'>无 / none</p>")

    s.append("<h2>软检查警告 · Soft-check warnings (X1–X3)</h2>")
    warns = _first(con, "select v.expectation, v.message, r.source from dq.validation_results v join raw.reports r "
                    "using (report_id) where v.ingest_id = ? and v.severity = 'warning' order by 1, 2", [ingest_id])
    s.append(_table(["check", "message", "source"], warns))

    s.append("<h2>推断与歧义单元格 · Inferred and ambiguous cells</h2>"
             "<p class='note'>inferred: not printed, determined uniquely by the named identity (X2: a 表二 row whose "
             "digits ran together, split the one way the agency's neighbouring years' reports allow). ambiguous: "
             "more than one reading fits; value left empty, candidates in the parse issues.</p>")
    cells = _first(con, """select r.agency, r.year, c.table_id, c.row_code, c.col_code, c.status, c.value, c.rule,
                              c.text, c.line
                       from raw.report_cells c join raw.reports r using (report_id)
                       where r.ingest_id = ? and c.status in ('inferred', 'ambiguous')
                       order by c.status, r.agency, c.table_id, c.row_code, c.col_code""", [ingest_id])
    shown = Rows((a, y, TABLE_LABELS.get(t, t)[:3], r, c, st_, "" if v is None else f"{v:g}", ru, tx, ln)
                 for a, y, t, r, c, st_, v, ru, tx, ln in cells)
    shown.total = cells.total
    s.append(_table(["agency", "year", "table", "row", "col", "status", "value", "identity", "printed", "line"],
                    shown, (6, 9)))

    s.append("<h2>解析问题 · Parse issues</h2>")
    issues = _first(con, """select i.severity, i.code, r.agency, r.year, i.table_id, i.row_code, i.line, i.message,
                               r.source
                        from raw.parse_issues i join raw.reports r using (report_id)
                        where r.ingest_id = ? order by i.severity = 'error' desc, r.source, i.seq""", [ingest_id])
    s.append(_table(["severity", "code", "agency", "year", "table", "row", "line", "message", "source"], issues))

    s.append("<h2>本批报告 · Reports of this ingest</h2>")
    reps = _first(con, """select status, agency, year, template_t2, template_t3, n_printed, n_inferred, n_ambiguous,
                             n_issues, source from raw.reports where ingest_id = ?
                      order by status, agency, year""", [ingest_id])
    s.append(_table(["status", "agency", "year", "表二", "表三", "printed", "inferred", "ambiguous", "issues",
                     "source"], reps, (5, 6, 7, 8)))
    s.append("<h2>恒等式 · The identities</h2><ul>"
             + "".join(f"<li><b>{i}</b> {_e(v.statement_zh)} — {_e(v.statement_en)}</li>" for i, v in IDENTITIES.items())
             + "</ul>")
    s.append(f"<script type='application/json' id='summary'>{json.dumps(gate, ensure_ascii=False, default=str)}"
             "</script></body></html>")
    return "\n".join(s)
