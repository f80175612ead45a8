"""Read a target value ("=50家", "≥95.00%", "不超过500万元", "健全") into a comparable Target.

Pure: no Django, no models. parse_target never raises; whatever it cannot read
as "comparator, number, unit" is a qualitative target, with the text kept.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from .choices import Sign


@dataclass(frozen=True)
class Target:
    text: str  # the value exactly as typed
    kind: str  # "quantitative" | "qualitative"
    op: str  # "=", ">=", "<=", ">", "<", "range"; "" when qualitative
    low: Decimal | None
    high: Decimal | None  # only for ranges
    unit: str  # as written after the number: "家", "%", "元/月/平米", ""
    op_written: bool  # False for a bare number ("100%"), whose op is then "="


QUANTITATIVE = "quantitative"
QUALITATIVE = "qualitative"

_BLANK = re.compile(r"[\s\u200b\ufeff]+")

# NFKC already folds full-width forms (＞＝８０％, ～, ，); these symbols have no
# compatibility mapping, so fold them by hand.
_SYMBOLS = str.maketrans(
    {
        "≥": ">=",
        "≧": ">=",
        "⩾": ">=",
        "≤": "<=",
        "≦": "<=",
        "⩽": "<=",
        "〜": "~",
        "‐": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "―": "-",
        "−": "-",
    }
)

_SYMBOL_OP = re.compile(r">=|=>|<=|=<|==|>|<|=")
_SYMBOL_OPS = {">=": ">=", "=>": ">=", "<=": "<=", "=<": "<=", "==": "=", ">": ">", "<": "<", "=": "="}

# "达到90%" is read as "at least 90%": that is how the forms use it.
# "控制在5%以内" is a ceiling.
_WORD_OPS = {
    "大于或等于": ">=",
    "大于等于": ">=",
    "不低于": ">=",
    "不少于": ">=",
    "不小于": ">=",
    "至少": ">=",
    "达到": ">=",
    "小于或等于": "<=",
    "小于等于": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "不多于": "<=",
    "至多": "<=",
    "最多": "<=",
    "控制在": "<=",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "多于": ">",
    "小于": "<",
    "低于": "<",
    "少于": "<",
    "等于": "=",
}
_WORD_OP = re.compile("|".join(sorted(_WORD_OPS, key=len, reverse=True)))

_SUFFIX_OP = re.compile(r"(?:及|或)?(以上|以下|以内|之内|内)$")
_SUFFIX_OPS = {"以上": ">=", "以下": "<=", "以内": "<=", "之内": "<=", "内": "<="}

_NUMBER = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?"
_FIRST_NUMBER = re.compile(rf"(?P<sign>[+-]?)(?P<number>{_NUMBER})")
# Possessive quantifiers keep this linear on inputs like "1~~~~~~…".
_RANGE_REST = re.compile(rf"(?P<unit>[^0-9~\-至到]*+)(?:~++|-++|至|到)(?P<number>{_NUMBER})")

# A unit is letters (CJK included) and a few symbols; "m2"/"m3" come from NFKC of ㎡/m³.
_UNIT = re.compile(r"(?:[^\W\d_]|[%‰/·°()]|(?<=m)[23])*")
# Anything longer after the number is a sentence, not a unit ("16个区县全部完成检查并…").
MAX_UNIT_LENGTH = 10

_TRAILING_PUNCTUATION = "。.,;:!?、"
_UNIT_REMARK = re.compile(r"\([^\W\d_]+\)$")


def normalize(text: str | None) -> str:
    """NFKC (full-width to ASCII) with every space removed: the form rules compare on this."""
    return _BLANK.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text)))


def parse_target(text: str | None) -> Target:
    raw = "" if text is None else str(text)
    qualitative = Target(raw, QUALITATIVE, "", None, None, "", False)
    value = normalize(raw).translate(_SYMBOLS).rstrip(_TRAILING_PUNCTUATION)

    op, value = _take_prefix_op(value)
    suffix = _SUFFIX_OP.search(value)
    if suffix:
        value = value[: suffix.start()]

    first = _FIRST_NUMBER.match(value)
    if not first:
        return qualitative
    low = _decimal(first["sign"] + first["number"])
    rest = value[first.end() :]

    second = _RANGE_REST.match(rest)
    if second:
        unit, first_unit = rest[second.end() :], second["unit"]
        if first_unit and unit and first_unit != unit:
            return qualitative
        if op not in ("", "="):  # "≥1~2%" says two different things
            return qualitative
        unit = unit or first_unit
        high = _decimal(second["number"])
        op, op_written = "range", True  # a range states both bounds: nothing is missing
    else:
        unit, high = rest, None
        op_written = bool(op or suffix)
        op = op or (_SUFFIX_OPS[suffix[1]] if suffix else "=")

    # A remark in brackets after the unit is not part of it: "≥95%（含）", "≤30万元（含税）".
    unit = _UNIT_REMARK.sub("", unit)
    if not _is_unit(unit) or _is_time_point(low, high, unit):
        return qualitative
    return Target(raw, QUANTITATIVE, op, low, high, unit, op_written)


def _take_prefix_op(value: str) -> tuple[str, str]:
    match = _SYMBOL_OP.match(value)
    if match:
        return _SYMBOL_OPS[match.group()], value[match.end() :]
    match = _WORD_OP.match(value)
    if match:
        return _WORD_OPS[match.group()], value[match.end() :]
    return "", value


def _decimal(number: str) -> Decimal:
    return Decimal(number.replace(",", ""))


def _is_unit(unit: str) -> bool:
    return len(unit) <= MAX_UNIT_LENGTH and _UNIT.fullmatch(unit) is not None


def _is_time_point(low: Decimal, high: Decimal | None, unit: str) -> bool:
    """A calendar point says *when*, not *how much*: "2020年度", "=11月底前", "3月~11月".

    Reading these as numbers would only feed the numeric rules nonsense (op_missing
    on "2020年度"), so they count as qualitative. Durations stay numbers: "3年",
    "6个月", "45天", "15日内".
    """
    numbers = [low] if high is None else [low, high]
    if any(n != n.to_integral_value() for n in numbers):
        return False
    if unit.startswith("年"):
        return all(1900 <= n <= 2100 for n in numbers)
    if unit.startswith("月"):
        return all(1 <= n <= 12 for n in numbers)
    return False


def value_sign(value: str) -> str:
    """The 计算符号 a typed value states when the parser is sure (`>=95%` -> ≥, `健全` -> 定性), else ""."""
    return Sign.of_target(parse_target(value))
