"""Pure helpers of the library: search keys, the value an entry fills in, whether a row was changed.

No models: the row editor, the services and the benchmark share these.
"""

import re

from pypinyin import Style, lazy_pinyin

from indicators.choices import Sign
from indicators.targets import QUANTITATIVE, normalize, parse_target

_NOT_KEY = re.compile(r"[^0-9a-z]")


def search_key(text: str) -> str:
    """The name as the typeahead compares it: folded (width, spacing) and lower case."""
    return normalize(text).lower()


def pinyin_initials(text: str) -> str:
    """The first letters of the name's pinyin, letters and digits only: 服务对象满意度 -> "fwdxmyd".

    Latin letters and digits of the name are kept as they are ("5G基站" -> "5gjz"); punctuation is dropped.
    """
    pieces = lazy_pinyin(normalize(text), style=Style.FIRST_LETTER, errors="default", strict=False)
    return _NOT_KEY.sub("", "".join(pieces).lower())


def value_text(sign: str, value: str, unit: str) -> str:
    """The 指标值 a picked entry fills into a row, as a filler would type it: "≥90%", "健全"; "" without a value."""
    if not value:
        return ""
    if sign in Sign.comparisons():
        return f"{Sign(sign).label}{value}{unit}"
    return f"{value}{unit}"


def split_value(text: str) -> tuple[str, str, str]:
    """(sign, value, unit) of a typed value: "=50家" -> ("eq", "50", "家"); "健全" -> ("qualitative", "健全", "")."""
    target = parse_target(text)
    sign = Sign.of_target(target)
    if target.kind == QUANTITATIVE and target.op != "range" and sign in Sign.comparisons():
        return sign, _plain_number(target.low), target.unit
    return sign, text.strip(), ""


def _plain_number(number) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _same_value(typed: str, suggested: str) -> bool:
    a, b = parse_target(typed), parse_target(suggested)
    if a.kind == b.kind == QUANTITATIVE:
        return (a.op, a.low, a.high, a.unit) == (b.op, b.low, b.high, b.unit)
    return normalize(typed) == normalize(suggested)


def differs(*, level3: str, value: str, sign: str, entry) -> bool:
    """Whether a row filled from `entry` no longer says what the entry says (三级, value or sign).

    Only what the entry states counts: an entry without a suggested value (项目总成本 "≤ the budget")
    leaves the value to the filler, and one without a sign leaves the sign.
    """
    if search_key(level3) != search_key(entry.name):
        return True
    suggested = value_text(entry.sign, entry.value, entry.unit)
    if suggested and not _same_value(value, suggested):
        return True
    return bool(entry.sign) and bool(sign) and sign != entry.sign
