"""Units as the sources write them, and numbers as the sources write them.

The ledger keeps every value in its source's own unit (3.64 with 亿人). To compare two claims
the conflict detector needs a common base, and to prove that a claim's ``value`` is what its
``value_text`` says, the tests need to read Chinese numerals (两万, 上千, 20几). Both live here.
"""
from __future__ import annotations

import re

# unit -> (dimension, factor to the dimension's base)
UNITS: dict[str, tuple[str, float]] = {
    "元": ("cny", 1.0), "万元": ("cny", 1e4), "亿元": ("cny", 1e8), "万亿元": ("cny", 1e12),
    "美元": ("usd", 1.0), "亿美元": ("usd", 1e8), "万亿美元": ("usd", 1e12),
    "亿元/笔": ("cny_per_deal", 1e8),
    "人": ("people", 1.0), "名": ("people", 1.0), "位": ("people", 1.0),
    "万人": ("people", 1e4), "亿人": ("people", 1e8), "亿": ("people", 1e8), "百万人": ("people", 1e6),
    "人次": ("visits", 1.0), "万人次": ("visits", 1e4), "亿人次": ("visits", 1e8),
    "%": ("share", 1.0), "‰": ("share", 0.1), "个百分点": ("pct_points", 1.0),
    "人/千人": ("per_1000", 1.0),
    "家": ("count", 1.0), "个": ("count", 1.0), "款": ("count", 1.0), "起": ("count", 1.0),
    "项": ("count", 1.0), "台": ("count", 1.0), "万台": ("count", 1e4), "条": ("count", 1.0),
    "万条": ("count", 1e4), "种": ("count", 1.0), "张": ("count", 1.0), "万张": ("count", 1e4),
    "份": ("count", 1.0), "万份": ("count", 1e4), "例": ("count", 1.0), "万例": ("count", 1e4),
    "次": ("count", 1.0), "万次": ("count", 1e4), "个城市": ("count", 1.0), "核": ("count", 1.0),
    "万核": ("count", 1e4), "万个": ("count", 1e4), "万家": ("count", 1e4),
    "毫秒": ("time", 0.001), "秒": ("time", 1.0), "分钟": ("time", 60.0), "小时": ("time", 3600.0),
    "天": ("time", 86400.0), "日": ("time", 86400.0), "周": ("time", 604800.0),
    "月": ("time", 2629800.0), "年": ("time", 31557600.0),
    "倍": ("ratio", 1.0), "比例": ("ratio", 1.0), "Gbps": ("bandwidth", 1e9), "Mbps": ("bandwidth", 1e6),
    "公里": ("distance", 1000.0), "万亩": ("area", 1e4),
}


def base(value: float, unit: str) -> tuple[str, float]:
    """``(dimension, value in the dimension's base unit)``; unknown units raise ``KeyError``."""
    dim, factor = UNITS[unit]
    return dim, value * factor


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}
_SMALL = {"十": 10, "百": 100, "千": 1000}
_LARGE = {"万": 1e4, "亿": 1e8}
# vague prefixes/suffixes that keep the magnitude: 上千 = 1000, 数百 = 100, 20几 = 20, 5万余 = 50000
_VAGUE = re.compile(r"^(?:上|数|几|近|约|超|逾)|(?:几|余|多|来)$")


def _small_cn(s: str) -> float:
    total, num = 0.0, None
    for ch in s:
        if ch in _DIGITS:
            num = _DIGITS[ch]
        elif ch in _SMALL:
            total += (1 if num is None else num) * _SMALL[ch]
            num = None
        else:
            raise ValueError(ch)
    return total + (num or 0)


def parse_number(text: str) -> float:
    """Read a number as a source writes it: ``2,839.6``, ``1/4``, ``3.64``, ``两万``, ``上千``, ``20几``."""
    s = text.strip().replace(",", "").replace("，", "")
    if not s:
        raise ValueError("空字符串不是数字")
    while _VAGUE.search(s):
        s = _VAGUE.sub("", s)
    m = re.fullmatch(r"(\d+(?:\.\d+)?)/(\d+(?:\.\d+)?)", s)
    if m:
        return float(m.group(1)) / float(m.group(2))
    mult = 1.0
    while s and s[-1] in _LARGE:
        mult *= _LARGE[s[-1]]
        s = s[:-1]
    if not s:
        return mult
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s) * mult
    if re.fullmatch(r"\d+[十百千]", s):
        return float(s[:-1]) * _SMALL[s[-1]] * mult
    if all(ch in _DIGITS or ch in _SMALL for ch in s):
        return _small_cn(s) * mult
    if s in _SMALL:
        return _SMALL[s] * mult
    raise ValueError(f"无法解析的数字：“{text}”")


# --- what a reader types into a number box ------------------------------------------------------

class AmountError(ValueError):
    """A reader's number cannot be read without guessing; the message says why, in Chinese."""


_UNIT_SUFFIX = re.compile(r"(?:元(?:/|每)?(?:年|人|个)?|块钱?|人民币|rmb|cny|每年|一年|/年)$", re.I)
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def parse_amount(text, unit: str = "元") -> float:
    """A number typed by a reader, read as :func:`parse_number` reads the sources, but strictly.

    Accepts full-width digits (１９９９), Chinese numerals (一千九百九十九, 三十), 万/亿
    (1万, 1.5万), a trailing unit (12元, 30块, 1999元/年) and thousands separators in groups of
    three (1,999). Refuses, with a Chinese message, what would need a guess: ambiguous
    separators (1,5 or 12，5 — a decimal comma or a thousands separator?), vague amounts
    (上千, 几百, 20几), several numbers, or anything else.
    """
    import unicodedata

    if isinstance(text, bool) or text is None:
        raise AmountError("请输入一个数字")
    if isinstance(text, (int, float)):
        return float(text)
    s = unicodedata.normalize("NFKC", str(text)).strip().replace(" ", "")
    shown = str(text).strip()[:20] + ("…" if len(str(text).strip()) > 20 else "")
    if not s:
        raise AmountError("请输入一个数字（例如 1999 或 1999元）")
    s = _UNIT_SUFFIX.sub("", s)
    if re.search(r"[,，、]", s) and not _GROUPED.fullmatch(s.split("万")[0].split("亿")[0]):
        raise AmountError(f"“{shown}”中的逗号有歧义（是小数点还是千位分隔符？）：请写成 1.5 或 1500 这样的形式")
    if re.match(r"^(?:上|数|几|近|约|超|逾)|(?:几|余|多|来)$", s) or "几" in s:
        raise AmountError(f"“{shown}”是一个大概的说法：请输入一个确定的数字")
    try:
        return parse_number(s)
    except ValueError:
        raise AmountError(f"无法把“{shown}”读成一个数字：请输入例如 1999、1999元、两千 或 1.5万") from None


def format_cn(value: float, unit: str = "元", digits: int = 1) -> str:
    """A number with Chinese units for readers: 1999 → 1999 元, 159920 → 16.0 万元, 2.5e8 → 2.5 亿元
    (never ``1e+06``)."""
    import math

    if value is None or (isinstance(value, float) and (math.isnan(value) or math.isinf(value))):
        return "—"
    a = abs(value)
    if a >= 1e8:
        return f"{value / 1e8:,.{digits}f} 亿{unit}"
    if a >= 1e4:
        return f"{value / 1e4:,.{digits}f} 万{unit}"
    if float(value).is_integer():
        return f"{value:.0f} {unit}"
    return f"{value:.{digits}f} {unit}".replace(f".{'0' * digits} ", " ")
