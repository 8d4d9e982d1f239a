"""Example corpus generator: random, identity-consistent reports in every layout seen in the wild.

Each report is written with a ground-truth JSON beside it (``<name>.truth.json``): the figures,
which cells were printed, the layout and the injected defect. The generator renders the same
canonical codes the parser reads, so a round trip (generate → parse → compare) measures the parser.
Bundled example data comes from here; nothing is copied from real reports.
"""

from __future__ import annotations

import json
import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .codes import (
    T2_ITEMS,
    T2_MEASURES,
    T2_MEASURES_BY_TEMPLATE,
    T3_COLS,
    T3_ROW_BY_CODE,
    T4_COLS,
    T4_ROWS,
    t3_leaves_for,
    t3_rows_for,
)

LAYOUTS = (
    "pipe",
    "cell_per_line",
    "cell_per_line_spaced",
    "tabs_lost_cell",
    "markdown",
    "html",
    "run_together",
    "traditional",
    "gbk",
)
DEFECTS = ("identity_broken", "blanks", "pre_2019", "not_a_report", "truncated")
GENERATOR_VERSION = "4"  # bump when the same seed renders different reports; written to <out>/.generator
STAMP = ".generator"


def corpus_matches(out: Path, n: int, seed: int) -> bool:
    """Whether ``out`` already holds the corpus ``generate(out, n, seed)`` would write."""
    stamp = out / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == f"{GENERATOR_VERSION} {n} {seed}"


def ensure_corpus(out: Path, n: int, seed: int) -> float | None:
    """Make ``out`` hold ``generate(out, n, seed)``'s corpus; returns the seconds spent generating, None
    when it already did. Only a folder this generator wrote (it has the stamp) or an empty one is
    replaced: a folder of anything else is never deleted."""
    import time

    if corpus_matches(out, n, seed):
        return None
    t = time.perf_counter()
    generate(out, n, seed)
    return time.perf_counter() - t


_PLACES = [
    "临川",
    "安远",
    "青山",
    "白石",
    "清河",
    "云溪",
    "丰城",
    "永和",
    "宁远",
    "长乐",
    "新民",
    "柳江",
    "桃源",
    "金溪",
    "凤台",
    "平阳",
    "东湖",
    "西峰",
    "南岭",
    "北辰",
    "双流",
    "玉泉",
    "红星",
    "石门",
    "龙泉",
    "华容",
    "岳西",
    "太和",
]
# Agencies are real county-level divisions (from the adcodes cpca ships: nothing downloaded) with a
# unit of each; so the gazetteer locates generated agencies as it locates real ones.
_COUNTY_UNITS = [
    "人民政府",
    "人民政府办公室",
    "发展和改革局",
    "教育局",
    "公安局",
    "民政局",
    "司法局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "商务局",
    "文化和旅游局",
    "卫生健康委员会",
    "退役军人事务局",
    "应急管理局",
    "审计局",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
]
_TOWN_UNITS = ["镇人民政府", "乡人民政府", "街道办事处"]


@lru_cache(maxsize=1)
def _counties() -> tuple[str, ...]:
    """County-level division names (adcode digits 5–6 not 00), from cpca's bundled table."""
    import csv
    from importlib.resources import files

    from .gazetteer import import_cpca

    import_cpca()  # quietly, before importlib.resources imports it
    with files("cpca").joinpath("resources/adcodes.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    names = {
        r["name"]
        for r in rows
        if len(r["adcode"]) >= 6
        and r["adcode"][4:6] != "00"
        and r["name"].endswith(("县", "区", "市", "旗"))
        and r["name"] not in ("市辖区", "县")
    }
    return tuple(sorted(names))


def _agency_names(rng: random.Random) -> Iterator[str]:
    """Distinct agency names, in random order: every county × unit, then townships of a county."""
    # county by county, a few units each (often the government too), so regions have parts (X4)
    counties = list(_counties())
    rng.shuffle(counties)
    rest: list[str] = []
    for c in counties:
        units = list(_COUNTY_UNITS)
        rng.shuffle(units)
        k = rng.randint(1, 6)
        if rng.random() < 0.5 and "人民政府" in units[k:]:
            units.remove("人民政府")
            units.insert(0, "人民政府")
        yield from (c + u for u in units[:k])
        rest += [c + u for u in units[k:]]
    rng.shuffle(rest)
    yield from rest
    towns = [c + p + u for c in _counties() for p in _PLACES for u in _TOWN_UNITS]
    rng.shuffle(towns)
    yield from towns
    k = 0
    while True:  # beyond ~1.7 million reports: numbered offices, still distinct
        k += 1
        yield f"{_counties()[k % len(_counties())]}第{k}办事处"


# pinyin glosses a converter glued behind some traditional characters
_GLOSS = {
    "發": "fā",
    "結": "jié",
    "據": "jù",
    "關": "guān",
    "應": "yīng",
    "轉": "zhuǎn",
    "護": "hù",
    "務": "wù",
    "進": "jìn",
    "產": "chǎn",
    "權": "quán",
    "開": "kāi",
}


@dataclass
class Truth:
    name: str
    layout: str
    defect: str | None
    agency: str
    year: int
    templates: dict[str, str]
    expected_status: list[str]
    t2: dict[str, dict[str, float | int | None]] = field(default_factory=dict)
    t3: dict[str, dict[str, int | None]] = field(default_factory=dict)
    t4: dict[str, dict[str, int | None]] = field(default_factory=dict)
    printed: dict[str, list[str]] = field(default_factory=dict)  # table -> "row.col" printed blank
    broken: list[str] = field(default_factory=list)  # identities broken as printed
    lost: list[str] = field(default_factory=list)  # "t3:row.col" cells not printed at all
    changed: list[str] = field(default_factory=list)  # "t3:row.col" cells printed wrong on purpose
    # 表二 items whose in-force count this year does not continue last year's (a recount): X2 breaks
    recounted: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return self.__dict__


RECOUNT_SHARE = 12  # one agency-year in this many, where last year's 表二 had an in-force count


def _recount(agency: str, year: int) -> bool:
    return zlib.crc32(f"recount {agency} {year}".encode()) % RECOUNT_SHARE == 0


def _skewed(rng: random.Random, scale: int, p_zero: float) -> int:
    if rng.random() < p_zero:
        return 0
    return int(rng.expovariate(1 / max(scale, 1))) + (1 if rng.random() < 0.5 else 0)


def figures(
    rng: random.Random, template_t3: str, template_t2: str, prev: dict[str, Any] | None = None
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Random figures that satisfy I1–I5 exactly. ``prev``: the same agency's previous year
    ({"carried_forward": {col: n}, "in_force": {item: n}}), continued as X1 and X2 require."""
    size = rng.choice([1, 3, 10, 40, 200, 1500])
    leaves = t3_leaves_for(template_t3)
    t3: dict[str, dict[str, int]] = {r: {} for r in t3_rows_for(template_t3)}
    for c in T3_COLS[:-1]:
        scale = size if c == "natural_person" else max(1, size // 20)
        pz = 0.1 if c == "natural_person" else 0.7
        new = _skewed(rng, scale, pz)
        carried = prev["carried_forward"][c] if prev else _skewed(rng, max(1, scale // 10), 0.6)  # X1
        forward = rng.randint(0, (new + carried) // 4) if new + carried else 0
        done = new + carried - forward
        weights = [rng.random() ** 3 if rng.random() < 0.6 else 0.0 for _ in leaves]
        weights[0] += 0.5
        split = [0] * len(leaves)
        for _ in range(done):
            split[rng.choices(range(len(leaves)), weights)[0]] += 1
        t3["new_received"][c] = new
        t3["carried_over"][c] = carried
        t3["carried_forward"][c] = forward
        t3["outcome_total"][c] = done
        for leaf, n_leaf in zip(leaves, split):
            t3[leaf][c] = n_leaf
    for r in t3:
        t3[r]["total"] = sum(t3[r][c] for c in T3_COLS[:-1])
    t4: dict[str, dict[str, int]] = {}
    for p in T4_ROWS:
        vals = [_skewed(rng, 3, 0.75) for _ in range(4)]
        t4[p] = dict(zip(T4_COLS[:-1], vals)) | {"total": sum(vals)}
    t2: dict[str, dict[str, float | int]] = {}
    for item, measures in T2_MEASURES_BY_TEMPLATE[template_t2].items():
        t2[item] = {}
        for m in measures:
            if m == "items_change":
                v: float | int = rng.randint(-20, 30)
            elif m == "amount_10k_yuan":
                v = round(rng.uniform(0, 5000), 2) if rng.random() < 0.7 else 0
            elif item in ("rules",):
                v = _skewed(rng, 3, 0.6)
            else:
                v = _skewed(rng, size * 2, 0.3)
            t2[item][m] = v
        if item in ("rules", "normative_documents") and template_t2 == "2021":
            before = prev["in_force"].get(item) if prev else None
            if before is None:
                t2[item]["in_force"] = int(t2[item]["in_force"]) + int(t2[item]["issued"])
            else:  # X2: in force now = in force last year + issued − repealed
                t2[item]["repealed"] = min(int(t2[item]["repealed"]), before + int(t2[item]["issued"]))
                t2[item]["in_force"] = before + int(t2[item]["issued"]) - int(t2[item]["repealed"])
    return t2, t3, t4


# --- table rows as (label cells, values) -------------------------------------------------------

_T3_HEADER = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"]
_T3_HEADER2 = ["自然人", "法人或其他组织", "总计"]
_T3_HEADER3 = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
_PARENT_LABEL = {
    "granted": "（一）予以公开",
    "partly_granted": "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
    "denied.state_secret": "（三）不予公开",
    "unable.not_held": "（四）无法提供",
    "not_processed.petition_or_complaint": "（五）不予处理",
    "other.no_correction": "（六）其他处理",
}
_T2_SECTION = {
    "rules": "第二十条第（一）项",
    "administrative_licensing": "第二十条第（五）项",
    "administrative_penalty": "第二十条第（六）项",
    "administrative_fees": "第二十条第（八）项",
    "centralized_procurement": "第二十条第（九）项",
}
# the spec's measure labels, as reports print them (处理决定数量 usually with 本年)
_T2_MEASURE_LABEL = T2_MEASURES | {"decisions": "本年处理决定数量"}
_T2_ITEM_LABEL = dict(T2_ITEMS) | {"normative_documents": "行政规范性文件"}


def _fmt(v: float | int | None) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(int(v))


def table_rows(
    t2: dict[str, Any], t3: dict[str, Any], t4: dict[str, Any], tmpl2: str, tmpl3: str, blank: set[str]
) -> list[tuple[str, list[str], list[str]]]:
    """(kind, label cells, value cells) in print order; kind is head | row | t4head | t4row."""
    rows: list[tuple[str, list[str], list[str]]] = [("title", ["二、主动公开政府信息情况"], [])]
    measures = T2_MEASURES_BY_TEMPLATE[tmpl2]
    for item, ms in measures.items():
        if item in _T2_SECTION:
            rows.append(("head", [_T2_SECTION[item]], []))
            labels = [_T2_MEASURE_LABEL.get(m, "") for m in ms]
            if "amount_10k_yuan" in ms:
                labels[ms.index("amount_10k_yuan")] = (
                    "本年收费金额（单位：万元）" if item == "administrative_fees" else "采购总金额"
                )
            rows.append(("head", ["信息内容", *labels], []))
        vals = [("" if f"t2:{item}.{m}" in blank else _fmt(t2[item][m])) for m in ms]
        rows.append(("row", [_T2_ITEM_LABEL[item]], vals))
    rows.append(("title", ["三、收到和处理政府信息公开申请情况"], []))
    rows.append(("head", _T3_HEADER, []))
    rows.append(("head", _T3_HEADER2, []))
    rows.append(("head", _T3_HEADER3, []))
    for code in t3_rows_for(tmpl3):
        label = T3_ROW_BY_CODE[code].label
        if code.startswith(("denied.", "unable.", "not_processed.", "other.")) and code != "other":
            label = label.split(" ", 1)[-1]
        labels = [label]
        if code in _PARENT_LABEL and code not in ("granted", "partly_granted"):
            labels = [_PARENT_LABEL[code], label]
        if code == "granted":
            labels = ["三、本年度办理结果", "（一）予以公开"]
        elif code == "partly_granted":
            labels = [_PARENT_LABEL[code]]
        elif code == "other":
            labels = ["（六）其他处理"]
        vals = [("" if f"t3:{code}.{c}" in blank else _fmt(t3[code][c])) for c in T3_COLS]
        rows.append(("row", labels, vals))
    rows.append(("title", ["四、政府信息公开行政复议、行政诉讼情况"], []))
    rows.append(("t4head", ["行政复议", "行政诉讼"], []))
    rows.append(
        (
            "t4head",
            ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
            [],
        )
    )
    rows.append(("t4head", ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2, []))
    rows.append(
        ("t4row", [], [("" if f"t4:{p}.{c}" in blank else _fmt(t4[p][c])) for p in T4_ROWS for c in T4_COLS])
    )
    return rows


def _prose_head(agency: str, year: int, t3: dict[str, Any]) -> list[str]:
    total = t3["new_received"]["total"]
    return [
        f"{agency}{year}年政府信息公开工作年度报告",
        f"发布时间：{year + 1}-01-{random.Random(year).randint(10, 28)}  来源：{agency}  浏览次数：{total * 7 + 13}",
        f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、总体情况",
        f"{year}年，{agency}认真贯彻落实《条例》，全年共收到政府信息公开申请{total}件。",
    ]


_PROSE_TAIL = [
    "五、存在的主要问题及改进情况",
    "一是公开内容还不够全面；二是解读形式还需丰富。下一步将加强培训，规范发布。",
    "六、其他需要报告的事项",
    "本年度未收取信息处理费。",
    "网站地图 | 联系我们 | 隐私声明",
    "分享到：微信 微博",
]


@lru_cache(maxsize=1)
def _s2t() -> Any:
    import opencc

    return opencc.OpenCC("s2t")


def render(
    layout: str, truth: Truth, t2: Any, t3: Any, t4: Any, blank: set[str], rng: random.Random
) -> bytes:
    tmpl2, tmpl3 = truth.templates["t2"], truth.templates["t3"]
    rows = table_rows(t2, t3, t4, tmpl2, tmpl3, blank)
    head = _prose_head(truth.agency, truth.year, t3)
    lines: list[str] = []
    if layout == "html":
        return _render_html(head, rows).encode("utf-8")
    if layout == "run_together":
        return _render_run_together(head, rows, rng).encode("utf-8")
    if layout in ("pipe", "gbk"):
        for kind, labels, vals in rows:
            cells = labels + vals
            if kind == "title":
                lines.append(labels[0])
            else:
                lines.append(" | ".join(cells) + " |" + ("" if kind == "row" else " ||"))
    elif layout in ("cell_per_line", "traditional"):
        for kind, labels, vals in rows:
            if kind == "title":
                lines.append(labels[0])
                continue
            lines.extend(f"{c} |" if c else "|" for c in labels + vals)
            lines.append("||")
    elif layout == "cell_per_line_spaced":
        for kind, labels, vals in rows:
            if kind == "title":
                lines += [labels[0], ""]
                continue
            for c in labels + vals:
                lines += [c, ""] if c else ["", ""]
    elif layout == "markdown":
        for kind, labels, vals in rows:
            if kind == "title":
                lines += ["", f"## {labels[0]}", ""]
                continue
            cells = labels + vals
            lines.append("| " + " | ".join(cells) + " |")
            if kind == "head" and labels[0] in ("信息内容", _T3_HEADER[0]):
                lines.append("|" + "---|" * len(cells))
    elif layout == "tabs_lost_cell":
        # label column two cells wide (a spacer tab) and, as in seed 002, outcome rows that lost a cell
        for kind, labels, vals in rows:
            if kind == "title":
                lines += ["", f"## {labels[0]}", ""]
                continue
            if (
                kind == "row"
                and len(vals) == 7
                and labels[-1] not in ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量")
                and rng.random() < 0.5
            ):
                code = next(
                    k
                    for k, v in truth.t3.items()
                    if T3_ROW_BY_CODE[k].label.split(" ", 1)[-1] in labels[-1]
                    or labels[-1] in T3_ROW_BY_CODE[k].label
                )
                drop = rng.randrange(7)
                truth.lost.append(f"t3:{code}.{T3_COLS[drop]}")
                vals = vals[:drop] + vals[drop + 1 :]
            lines.append(
                "\t".join(
                    labels
                    + ([""] if kind == "row" and len(vals) == 7 or kind == "row" and len(vals) == 6 else [])
                    + vals
                )
                + "\t"
            )
    text = "\n".join(head + lines + _PROSE_TAIL) + "\n"
    if layout == "traditional":
        text = _s2t().convert(text)
        text = "".join(ch + (f"({_GLOSS[ch]})" if ch in _GLOSS and rng.random() < 0.5 else "") for ch in text)
    if layout == "gbk":
        return text.encode("gbk")
    return text.encode("utf-8")


def _render_html(head: list[str], rows: list[tuple[str, list[str], list[str]]]) -> str:
    out = [
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>" + head[0] + "</title></head><body>",
        "<div class='nav'><a href='#'>首页</a> &gt; <a href='#'>政府信息公开年报</a></div>",
    ]
    out += [f"<p>{h}</p>" for h in head]
    in_table = False
    t3_leaf_span = (
        sum(1 for k, lab, _ in rows if k == "row" and len(_) == 7) - 3
    )  # rows under 三、本年度办理结果
    for kind, labels, vals in rows:
        if kind == "title":
            if in_table:
                out.append("</table>")
            out.append(f"<p>{labels[0]}</p><table border='1'>")
            in_table = True
            continue
        cells: list[str] = []
        if kind == "row" and labels[0] == "三、本年度办理结果":
            cells.append(
                f"<td rowspan='{t3_leaf_span}'>三、本年度办理结果</td><td colspan='2'>{labels[1]}</td>"
            )
        elif (
            kind == "row"
            and len(vals) == 7
            and len(labels) == 1
            and labels[0].startswith(("一、", "二、", "四、"))
        ):
            cells.append(f"<td colspan='3'>{labels[0]}</td>")
        elif kind == "row" and len(vals) == 7:
            cells.extend(f"<td>{x}</td>" for x in labels)
        elif kind == "head" and labels[0].startswith("第二十条"):
            cells.append(f"<td colspan='4'>{labels[0]}</td>")
        else:
            cells.extend(f"<td>{x}</td>" for x in labels)
        cells.extend(f"<td>{v if v else '&nbsp;'}</td>" for v in vals)
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    out += [f"<p>{t}</p>" for t in _PROSE_TAIL]
    out.append("</body></html>")
    return "\n".join(out)


def _render_run_together(
    head: list[str], rows: list[tuple[str, list[str], list[str]]], rng: random.Random
) -> str:
    parts: list[str] = []
    for _kind, labels, vals in rows:
        parts.append("".join(labels))
        for v in vals:
            parts.append(v + (" " if rng.random() < 0.15 else ""))
    return "\n".join(head[:3]) + "\n" + " ".join(head[3:]) + "".join(parts) + "".join(_PROSE_TAIL[:4]) + "\n"


_PRE2019 = (
    "{agency}{year}年政府信息公开工作年度报告\n本报告根据《中华人民共和国政府信息公开条例》编制。\n"
    "一、概述\n{year}年，我单位主动公开政府信息{n}条。\n二、主动公开政府信息情况\n共公开政府信息{n}条，其中规范性文件{m}件。\n"
    "三、依申请公开政府信息情况\n全年共受理政府信息公开申请{k}件，均按时答复。\n四、政府信息公开的收费及减免情况\n未收取任何费用。\n"
    "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n无。\n"
)
_NOT_REPORT = (
    "关于开展{year}年春季植树活动的通知\n各有关单位：\n为改善生态环境，定于3月12日开展义务植树活动，请各单位组织干部职工{n}人参加。\n"
    "联系人：王先生 电话：0791-8{m}\n{agency}\n"
)


def generate(out: Path, n: int, seed: int = 0, defect_share: float = 0.15) -> list[Truth]:
    """Write ``n`` reports (and their truth JSON) into ``out``; returns the truths. A folder the
    generator wrote before (it has the stamp) is replaced, so no report of an older corpus stays
    beside the new ones; a folder holding anything else is refused, never deleted."""
    import shutil

    if out.exists() and any(out.iterdir()):
        if not (out / STAMP).is_file():
            raise FileExistsError(f"{out} holds files the generator did not write; refusing to replace them")
        shutil.rmtree(out)
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    (out / STAMP).write_text("incomplete\n", encoding="utf-8")  # ours from the first file on
    truths: list[Truth] = []
    # agencies report for runs of consecutive years, so X1/X2 have neighbours to compare
    names = _agency_names(rng)
    plan: list[tuple[str, int]] = []
    while len(plan) < n:
        agency = next(names)
        span = rng.choice([1, 1, 2, 3, 4, 5, 6, 7])
        start = rng.randint(2019, 2025 - span + 1)
        plan += [(agency, y) for y in range(start, start + span)]
    history: dict[str, tuple[int, str, dict[str, Any], dict[str, Any]]] = {}  # agency → last year's figures
    for i in range(n):
        layout = LAYOUTS[i % len(LAYOUTS)]
        defect = rng.choice(DEFECTS) if rng.random() < defect_share else None
        agency, year = plan[i]
        tmpl3 = "2019" if year <= 2020 else "2021"
        tmpl2 = tmpl3 if rng.random() > 0.05 else ("2021" if tmpl3 == "2019" else tmpl3)
        if tmpl3 == "2019" and tmpl2 == "2021":
            tmpl2 = (
                "2019"  # a hybrid needs a 2021 表二 in a 2019 year: only the 2021 report itself can be one
            )
        if year == 2021 and tmpl3 == "2021" and rng.random() < 0.05:
            tmpl3 = "2019"  # hybrid: 2021 表二 with an undivided （六）
        name = f"{i:06d}_{layout}"
        truth = Truth(name, layout, defect, agency, year, {"t2": tmpl2, "t3": tmpl3}, ["ok"])
        last = history.get(agency)
        prev = None
        if last is not None and last[0] == year - 1:
            _, prev_t2_tmpl, prev_t2, prev_t3 = last
            prev = {
                "carried_forward": {c: prev_t3["carried_forward"][c] for c in T3_COLS[:-1]},
                "in_force": {
                    k: int(prev_t2[k]["in_force"])
                    for k in ("rules", "normative_documents")
                    if prev_t2_tmpl == "2021" and k in prev_t2 and "in_force" in prev_t2[k]
                },
            }
        t2, t3, t4 = figures(rng, tmpl3, tmpl2, prev)
        if prev and prev["in_force"] and _recount(agency, year):
            # the agency re-counted its documents in force (a clean-up, a library rebuilt), as real
            # reports do: this year no longer continues the last under X2. Decided by the agency and year
            # alone, so the random stream (and every other figure of the corpus) is as it was.
            k = 1 + zlib.crc32(f"{agency}{year}".encode()) % 17
            for item in prev["in_force"]:
                if "in_force" in t2.get(item, {}):
                    t2[item]["in_force"] = int(t2[item]["in_force"]) + k
                    truth.recounted.append(item)
        history[agency] = (year, tmpl2, t2, t3)
        blank: set[str] = set()
        if defect == "identity_broken":
            leaf = rng.choice(t3_leaves_for(tmpl3))
            col = rng.choice(T3_COLS[:-1])
            t3[leaf][col] += rng.randint(1, 9)  # printed wrong: I2 and I3 break for this cell
            truth.broken = ["I2", "I3"]
            truth.changed = [f"t3:{leaf}.{col}"]
        if defect == "blanks":
            for _ in range(rng.randint(1, 4)):
                r = rng.choice(t3_rows_for(tmpl3))
                blank.add(f"t3:{r}.{rng.choice(T3_COLS)}")
            truth.expected_status = ["ok", "partial"]
        truth.t2, truth.t3, truth.t4 = t2, t3, t4
        truth.printed = {"blank": sorted(blank)}
        if defect == "pre_2019":
            truth.year = rng.choice([2015, 2016, 2017, 2018])
            truth.expected_status = ["pre_2019"]
            truth.t2, truth.t3, truth.t4 = {}, {}, {}
            data = _PRE2019.format(
                agency=agency,
                year=truth.year,
                n=rng.randint(50, 900),
                m=rng.randint(1, 30),
                k=rng.randint(0, 40),
            ).encode("utf-8")
            layout = truth.layout = "pre_2019"
        elif defect == "not_a_report":
            truth.expected_status = ["not_a_report"]
            truth.t2, truth.t3, truth.t4 = {}, {}, {}
            data = _NOT_REPORT.format(
                agency=agency, year=year, n=rng.randint(20, 300), m=rng.randint(1000000, 9999999)
            ).encode("utf-8")
            layout = truth.layout = "not_a_report"
        else:
            if layout in ("run_together",):
                truth.expected_status = ["ok", "partial"]
            if layout == "tabs_lost_cell":
                truth.expected_status = ["ok", "partial"]
            data = render(layout, truth, t2, t3, t4, blank, rng)
            if defect == "truncated":
                cut = data.find("三、收到和处理".encode("gbk" if layout == "gbk" else "utf-8"))
                data = data[: max(cut, len(data) // 3)]
                truth.expected_status = ["partial"]
        ext = ".html" if layout == "html" else ".txt"
        (out / (name + ext)).write_bytes(data)
        (out / (name + ".truth.json")).write_text(
            json.dumps(truth.as_json(), ensure_ascii=False), encoding="utf-8"
        )
        truths.append(truth)
    (out / STAMP).write_text(f"{GENERATOR_VERSION} {n} {seed}\n", encoding="utf-8")
    return truths
