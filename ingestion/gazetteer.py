"""Agency → province / city / county / township and admin level, from the cpca gazetteer.

cpca ships the national administrative-division codes (adcode) inside the package, so nothing is
downloaded. A gazetteer hit is kept only where the agency name actually names that place: cpca also
matches placeholder divisions such as 重庆市 "县" on any name containing 县.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

AGENCY_SCHEMA = {
    "agency": pl.String,
    "province": pl.String,
    "city": pl.String,
    "county": pl.String,
    "township": pl.String,
    "adcode": pl.String,
    "admin_level": pl.String,
    "unit_kind": pl.String,
}
_PLACEHOLDERS = {"县", "市辖区", "省直辖县级行政区划", "自治区直辖县级行政区划"}
_SUFFIX = re.compile(
    r"(?:维吾尔自治区|壮族自治区|回族自治区|特别行政区|自治区|自治州|自治县|地区|省|市|区|县|旗|盟)$"
)
_TOWNSHIP = re.compile(r"([^市县区省]{1,8}?(?:镇|乡|街道))")
_COUNTY_NAME = re.compile(r"^([^市县区省]{1,6}?(?:县|区|旗))")
_CITY_NAME = re.compile(r"^([^市县区省]{1,6}?(?:市|州|盟))")


def _named(place: str | None, text: str) -> bool:
    if not place or place in _PLACEHOLDERS:
        return False
    stem = _SUFFIX.sub("", place) or place
    return stem in text


def unit_kind(agency: str) -> str:
    if re.search(r"人民政府办公[室厅]|政府办公[室厅]$", agency):
        return "general_office"
    # a bare place name (建宁县, 袁州区慈化镇) signs for that place's government
    if re.search(r"(人民政府|街道办事处|管理委员会|[省市县区旗镇乡]|街道|实验区)$", agency):
        return "government"
    return "department"


def import_cpca() -> Any:
    """cpca, imported quietly: it loads its data at import with pkg_resources, which warns that it is
    deprecated (setuptools is pinned below 81, where pkg_resources still exists). Imported only when
    needed: 0.2 s and pandas."""
    import warnings

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "pkg_resources is deprecated", UserWarning)
        import cpca

    return cpca


def locate(agencies: list[str]) -> pl.DataFrame:
    """One row per distinct agency name (nulls skipped)."""
    names = sorted({a for a in agencies if a})
    if not names:
        return pl.DataFrame(schema=AGENCY_SCHEMA)
    df = import_cpca().transform(names)
    rows = []
    for name, prov, city, county, rest, adcode in zip(
        names, df["省"], df["市"], df["区"], df["地址"], df["adcode"], strict=True
    ):
        prov, city, county = (None if not isinstance(x, str) else x for x in (prov, city, county))
        rest = rest if isinstance(rest, str) else name
        keep_county = _named(county, name)
        keep_city = _named(city, name) or (keep_county and city not in _PLACEHOLDERS)
        keep_prov = _named(prov, name) or keep_city or keep_county
        if not keep_prov:
            prov = city = county = None
            adcode = None
            rest = name
        else:
            city = city if keep_city else None
            county = county if keep_county else None
            code = str(int(adcode)) if adcode == adcode and adcode is not None else None
            if code and not keep_county:
                code = code[:4] + "00" if keep_city else code[:2] + "0000"
            adcode = code
        town = _TOWNSHIP.search(rest)
        township = town.group(1) if town else None
        if township:
            level = "township"
        elif county or _COUNTY_NAME.match(rest):
            level = "county"
        elif city or _CITY_NAME.match(rest):
            level = "prefecture"
        elif prov:
            level = "provincial"
        else:
            level = "unknown"
        rows.append((name, prov, city, county, township, adcode, level, unit_kind(name)))
    return pl.DataFrame(rows, schema=AGENCY_SCHEMA, orient="row")
