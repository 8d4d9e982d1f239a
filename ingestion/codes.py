"""Canonical codes of ../shared/spec/annual-report-tables.md and the printed label variants.

This module is the contract: parser, warehouse, marts and quality gates use these codes. Each row
and column carries its Chinese label and the regular expression that recognises its printed label
after normalisation (simplified characters, half-width punctuation, no white space).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

# --- 表三 columns (applicant types), in printed order -------------------------------------------
T3_COLS: Final[tuple[str, ...]] = (
    "natural_person",
    "commercial_enterprise",
    "research_institution",
    "social_welfare_org",
    "legal_service_org",
    "other_org",
    "total",
)
T3_COL_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial_enterprise": "商业企业",
    "research_institution": "科研机构",
    "social_welfare_org": "社会公益组织",
    "legal_service_org": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
T3_APPLICANT_COLS: Final = T3_COLS[:-1]


@dataclass(frozen=True, slots=True)
class RowDef:
    code: str
    label: str
    pattern: re.Pattern[str]
    leaf: bool = False
    group: str | None = None  # outcome group of a leaf: granted, denied, unable, ...
    template: str | None = None  # "2019" or "2021" when the row exists in one template only


def _p(expr: str) -> re.Pattern[str]:
    return re.compile(expr)


# Patterns see normalised label text: simplified, half-width punctuation, spaces removed.
T3_ROWS: Final[tuple[RowDef, ...]] = (
    RowDef("new_received", "一、本年新收政府信息公开申请数量", _p(r"本年新收")),
    RowDef("carried_over", "二、上年结转政府信息公开申请数量", _p(r"上年结转")),
    RowDef("granted", "（一）予以公开", _p(r"予以公开"), True, "granted"),
    RowDef("partly_granted", "（二）部分公开", _p(r"部分公开"), True, "partly_granted"),
    RowDef("denied.state_secret", "1.属于国家秘密", _p(r"国家秘密"), True, "denied"),
    RowDef(
        "denied.prohibited_by_law",
        "2.其他法律行政法规禁止公开",
        _p(r"禁止公开|行政止公开|法律行政法规"),
        True,
        "denied",
    ),
    RowDef(
        "denied.three_securities_one_stability", "3.危及“三安全一稳定”", _p(r"三安全一稳定"), True, "denied"
    ),
    RowDef("denied.third_party_rights", "4.保护第三方合法权益", _p(r"第三方合法权益"), True, "denied"),
    RowDef("denied.internal_affairs", "5.属于三类内部事务信息", _p(r"内部事务"), True, "denied"),
    RowDef("denied.process_information", "6.属于四类过程性信息", _p(r"过程性信息"), True, "denied"),
    RowDef("denied.enforcement_files", "7.属于行政执法案卷", _p(r"执法案卷"), True, "denied"),
    RowDef("denied.administrative_query", "8.属于行政查询事项", _p(r"行政查询"), True, "denied"),
    RowDef("unable.not_held", "1.本机关不掌握相关政府信息", _p(r"不掌握"), True, "unable"),
    RowDef("unable.needs_creation", "2.没有现成信息需要另行制作", _p(r"另行制作|没有现成"), True, "unable"),
    RowDef(
        "unable.unclear_after_correction", "3.补正后申请内容仍不明确", _p(r"内容仍?不明确"), True, "unable"
    ),
    RowDef(
        "not_processed.petition_or_complaint",
        "1.信访举报投诉类申请",
        _p(r"信访举报|举报投诉"),
        True,
        "not_processed",
    ),
    RowDef("not_processed.duplicate", "2.重复申请", _p(r"重复申请"), True, "not_processed"),
    RowDef("not_processed.publication", "3.要求提供公开出版物", _p(r"公开出版物"), True, "not_processed"),
    RowDef(
        "not_processed.mass_repetitive", "4.无正当理由大量反复申请", _p(r"大量反复"), True, "not_processed"
    ),
    RowDef(
        "not_processed.confirmation_or_reissue",
        "5.要求行政机关确认或重新出具已获取信息",
        _p(r"确认或重新出具|重新出具"),
        True,
        "not_processed",
    ),
    RowDef("other", "（六）其他处理", _p(r"其他处理"), True, "other", "2019"),
    RowDef(
        "other.no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        _p(r"逾期不补正|不补正"),
        True,
        "other",
        "2021",
    ),
    RowDef(
        "other.unpaid_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        _p(r"缴纳费用|收费通知"),
        True,
        "other",
        "2021",
    ),
    RowDef("other.other", "3.其他", _p(r"(?:^|[^0-9])3[.、]?其他$|^3[.、]其他"), True, "other", "2021"),
    RowDef("outcome_total", "（七）总计", _p(r"\(七\)总计|七[)、]总计|^总计$")),
    RowDef("carried_forward", "四、结转下年度继续办理", _p(r"结转下年度")),
)
T3_ROW_INDEX: Final[dict[str, int]] = {r.code: i for i, r in enumerate(T3_ROWS)}
T3_ROW_BY_CODE: dict[str, RowDef] = {r.code: r for r in T3_ROWS}
T3_LEAVES_2019: tuple[str, ...] = tuple(r.code for r in T3_ROWS if r.leaf and r.template != "2021")
T3_LEAVES_2021: tuple[str, ...] = tuple(r.code for r in T3_ROWS if r.leaf and r.template != "2019")
T3_OUTCOME_GROUPS: dict[str, str] = {
    "granted": "予以公开",
    "partly_granted": "部分公开",
    "denied": "不予公开",
    "unable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}


def t3_rows_for(template: str) -> tuple[str, ...]:
    """All 表三 row codes of a template, in printed order (23 rows for 2019, 25 for 2021)."""
    return tuple(r.code for r in T3_ROWS if r.template in (None, template))


def t3_leaves_for(template: str) -> tuple[str, ...]:
    return T3_LEAVES_2019 if template == "2019" else T3_LEAVES_2021


# --- 表四 -------------------------------------------------------------------------------------------
T4_ROWS: Final[tuple[str, ...]] = ("administrative_review", "litigation_direct", "litigation_after_review")
T4_ROW_LABELS: dict[str, str] = {
    "administrative_review": "行政复议",
    "litigation_direct": "行政诉讼·未经复议直接起诉",
    "litigation_after_review": "行政诉讼·复议后起诉",
}
T4_COLS: Final[tuple[str, ...]] = ("upheld", "corrected", "other", "pending", "total")
T4_COL_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}

# --- 表二 -------------------------------------------------------------------------------------------
T2_ITEMS: dict[str, str] = {
    "rules": "规章",
    "normative_documents": "规范性文件",
    "administrative_licensing": "行政许可",
    "other_management_services": "其他对外管理服务事项",
    "administrative_penalty": "行政处罚",
    "administrative_coercion": "行政强制",
    "administrative_fees": "行政事业性收费",
    "centralized_procurement": "政府集中采购",
}
# Order matters: the first pattern that matches an item label wins.
T2_ITEM_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("normative_documents", _p(r"规范性文件")),
    ("rules", _p(r"^规章$|^规章[^制]|规章$")),
    ("other_management_services", _p(r"其他对外管理服务")),
    ("administrative_licensing", _p(r"行政许可")),
    ("administrative_penalty", _p(r"行政处罚")),
    ("administrative_coercion", _p(r"行政强制")),
    ("administrative_fees", _p(r"事业性收费")),
    ("centralized_procurement", _p(r"集中采购")),
)
T2_MEASURES: dict[str, str] = {
    "newly_made": "本年新制作数量",
    "newly_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "items_prev_year": "上一年项目数量",
    "items_change": "本年增/减",
    "decisions": "处理决定数量",
    "amount_10k_yuan": "金额（万元）",
    "projects": "采购项目数量",
}
T2_MEASURE_PATTERNS: Final[tuple[tuple[str, re.Pattern[str]], ...]] = (
    ("newly_made", _p(r"新制作")),
    ("newly_published", _p(r"新公开")),
    ("total_published", _p(r"公开总数")),
    ("issued", _p(r"制发")),
    ("repealed", _p(r"废止|度止件")),
    ("in_force", _p(r"现行有效")),
    ("items_prev_year", _p(r"上一年项目")),
    ("items_change", _p(r"增/?减")),
    ("decisions", _p(r"处理决定")),
    ("amount_10k_yuan", _p(r"收费金额|采购总金额|总金额")),
    ("projects", _p(r"采购项目")),
)
T2_MEASURES_2019: dict[str, tuple[str, ...]] = {
    "rules": ("newly_made", "newly_published", "total_published"),
    "normative_documents": ("newly_made", "newly_published", "total_published"),
    "administrative_licensing": ("items_prev_year", "items_change", "decisions"),
    "other_management_services": ("items_prev_year", "items_change", "decisions"),
    "administrative_penalty": ("items_prev_year", "items_change", "decisions"),
    "administrative_coercion": ("items_prev_year", "items_change", "decisions"),
    "administrative_fees": ("items_prev_year", "items_change"),
    "centralized_procurement": ("projects", "amount_10k_yuan"),
}
T2_MEASURES_2021: dict[str, tuple[str, ...]] = {
    "rules": ("issued", "repealed", "in_force"),
    "normative_documents": ("issued", "repealed", "in_force"),
    "administrative_licensing": ("decisions",),
    "administrative_penalty": ("decisions",),
    "administrative_coercion": ("decisions",),
    "administrative_fees": ("amount_10k_yuan",),
}
T2_MEASURES_BY_TEMPLATE: Final = {"2019": T2_MEASURES_2019, "2021": T2_MEASURES_2021}
# 本年增/减 may be negative; every other 表二 count is non-negative (I5).
T2_SIGNED_MEASURES: Final = frozenset({"items_change"})
T2_DECIMAL_MEASURES: Final = frozenset({"amount_10k_yuan"})

TABLES = ("t2", "t3", "t4")
TABLE_LABELS = {
    "t2": "表二 主动公开政府信息情况",
    "t3": "表三 收到和处理政府信息公开申请情况",
    "t4": "表四 行政复议、行政诉讼",
}

CELL_STATUSES = ("printed", "blank", "inferred", "ambiguous")
REPORT_STATUSES = ("ok", "partial", "pre_2019", "not_a_report", "failed")
TEMPLATES = ("2019", "2021")


def all_codes() -> dict[str, dict[str, tuple[str, ...]]]:
    """Every (table → rows, cols) code set, for schema checks and accepted-values tests."""
    t2_measures = tuple(T2_MEASURES)
    return {
        "t2": {"rows": tuple(T2_ITEMS), "cols": t2_measures},
        "t3": {"rows": tuple(r.code for r in T3_ROWS), "cols": T3_COLS},
        "t4": {"rows": T4_ROWS, "cols": T4_COLS},
    }
