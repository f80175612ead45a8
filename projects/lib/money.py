"""Money as people write it and as the forms print it, in 元 and in 万元.

Stored money is an exact `Decimal` of 元 with two decimals (the MONEY columns); a
department's form is typed and printed in 万元. Every parser returns 元 and every
formatter takes 元, whatever unit the text is in. No float is ever used for arithmetic.

The parsers raise `MoneyError` with a machine-readable `code`, so that each caller
words its own Chinese message and says where the amount was (a form field, a cell,
a line of an imported text).
"""

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from .text import compact

# The MONEY columns: 15 digits, 2 of them decimals.
MAX_DIGITS = 15
DECIMAL_PLACES = 2
YUAN_WHOLE_DIGITS = MAX_DIGITS - DECIMAL_PLACES
WAN_SHIFT = 4  # 1 万元 = 10^4 元
# The same column, counted in 万元: 9 whole digits (and a 分 is the sixth decimal).
WAN_WHOLE_DIGITS = YUAN_WHOLE_DIGITS - WAN_SHIFT
CENT = Decimal("0.01")

# Decimal's default precision is 28 digits and quantize() raises InvalidOperation for a
# longer result, so even without the column's limit an amount has at most 26 whole digits.
_PRECISION_WHOLE_DIGITS = 28 - DECIMAL_PLACES
# A float from a spreadsheet formula carries binary noise (0.1 + 0.2 = 0.30000000000000004):
# that close to a 分, it is that 分. Text and integers must be exact.
_FLOAT_TOLERANCE = Decimal("0.000001")  # 元

INVALID = "invalid"
NEGATIVE = "negative"
TOO_PRECISE = "too_precise"
TOO_LARGE = "too_large"


class MoneyError(ValueError):
    """An amount that cannot be stored; `code` says why (INVALID, NEGATIVE, TOO_PRECISE, TOO_LARGE)."""

    def __init__(self, code: str, value: object):
        super().__init__(f"{code}: {value!r}")
        self.code = code
        self.value = value


# What Decimal() would take, less NaN, Infinity, underscores and non-ASCII digits.
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


def parse_yuan(value: str | int | float | Decimal | None, *, fit_column: bool = True) -> Decimal | None:
    """An amount written in 元 → `Decimal` 元 with two decimals; None when nothing is written.

    Takes text as people type it ("1,530,000", "1 530 000.50", full-width digits, trailing
    zeros after the point) and numbers as a spreadsheet gives them. With `fit_column=False`
    only what Decimal cannot hold exactly is too large; the caller checks the column itself.
    """
    return _parse(value, shift=0, fit_column=fit_column)


def parse_wan(value: str | int | float | Decimal | None, *, fit_column: bool = True) -> Decimal | None:
    """An amount written in 万元 ("560.612345") → `Decimal` 元 with two decimals (5606123.45)."""
    return _parse(value, shift=WAN_SHIFT, fit_column=fit_column)


def yuan_to_wan(amount: Decimal) -> Decimal:
    return _shifted(amount, -WAN_SHIFT)


def wan_to_yuan(amount: Decimal) -> Decimal:
    return _shifted(amount, WAN_SHIFT)


def _shifted(amount: Decimal, places: int) -> Decimal:
    """Exact: only the exponent moves (a division, even scaleb, rounds past 28 digits)."""
    sign, digits, exponent = amount.as_tuple()
    return Decimal((sign, digits, exponent + places))


def format_yuan(amount: Decimal | None, *, separators: bool = True) -> str:
    """元 as the form prints it: "5,606,100.00"; more decimals only when the amount has them; None → "".

    Without separators for a text input to edit ("5606100.00").
    """
    return "" if amount is None else _fixed(amount, separators=separators)


def format_wan(amount: Decimal | None, *, separators: bool = False) -> str:
    """元 shown in 万元 as the department form prints it: 5606100 → "560.61", 5606123.45 → "560.612345".

    Two decimals, more only when needed to stay exact; no thousands separators, as on the
    printed form, unless asked for (the editor's input: 12,345.60). None → "".
    """
    return "" if amount is None else _fixed(yuan_to_wan(amount), separators=separators)


def _fixed(number: Decimal, *, separators: bool) -> str:
    """Fixed-point text with at least two decimals and every significant one (never rounded)."""
    _sign, digits, exponent = number.as_tuple()
    significant = "".join(map(str, digits)).rstrip("0")
    places = -(exponent + len(digits) - len(significant)) if significant else 0
    return format(number, f"{',' if separators else ''}.{max(places, DECIMAL_PLACES)}f")


def _written(value: str | int | float | Decimal | None) -> tuple[Decimal | None, bool]:
    """The number as written, exactly, and whether it came from a float."""
    if value is None:
        return None, False
    if isinstance(value, bool):  # an int to Python, a 是/否 to the user
        raise MoneyError(INVALID, value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MoneyError(INVALID, value)
        # repr is the shortest text that reads back as this float: what was typed.
        return Decimal(repr(value)), True
    if isinstance(value, int):
        return Decimal(value), False
    if isinstance(value, str):
        text = compact(value).replace(",", "")  # thousands separators, full-width ones too
        if not text:
            return None, False
        if not _NUMBER.fullmatch(text):
            raise MoneyError(INVALID, value)
        return Decimal(text), False
    if isinstance(value, Decimal) and value.is_finite():
        return value, False
    raise MoneyError(INVALID, value)


def _parse(value, *, shift: int, fit_column: bool) -> Decimal | None:
    amount, from_float = _written(value)
    if amount is None:
        return None
    if amount.is_zero():  # "-0", "0E+999999"
        return Decimal("0.00")
    if amount < 0:
        raise MoneyError(NEGATIVE, value)
    whole_digits = (YUAN_WHOLE_DIGITS if fit_column else _PRECISION_WHOLE_DIGITS) - shift
    # adjusted() is the exponent of the leading digit: the whole digits, counted before any
    # arithmetic. quantize() would raise past 28 digits, and int() of 1E+999999 never ends.
    if amount.adjusted() >= whole_digits:
        raise MoneyError(TOO_LARGE, value)
    # Checked in the unit written: scaling a long text to 元 first would round it.
    in_cents = amount.quantize(CENT.scaleb(-shift), rounding=ROUND_HALF_UP)
    if in_cents != amount and not (from_float and abs(in_cents - amount) <= _FLOAT_TOLERANCE.scaleb(-shift)):
        raise MoneyError(TOO_PRECISE, value)
    return (wan_to_yuan(in_cents) if shift else in_cents).quantize(CENT)
