"""projects.lib.money: every way an amount is written, read back in 元; every way it is printed."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projects.lib.money import (
    INVALID,
    NEGATIVE,
    TOO_LARGE,
    TOO_PRECISE,
    WAN_WHOLE_DIGITS,
    YUAN_WHOLE_DIGITS,
    MoneyError,
    format_wan,
    format_yuan,
    parse_wan,
    parse_yuan,
    yuan_to_wan,
)


@pytest.mark.parametrize(
    ("written", "yuan"),
    [
        ("1,530,000", "1530000.00"),
        ("1 530 000.50", "1530000.50"),
        ("１５３００００．５０", "1530000.50"),
        ("１，２００", "1200.00"),
        ("\u3000517500\xa0", "517500.00"),  # full-width and no-break spaces from a paste
        ("\ufeff1\u200b000", "1000.00"),
        ("1530000.500", "1530000.50"),  # trailing zeros are not precision
        ("1.", "1.00"),
        (".5", "0.50"),
        ("+5", "5.00"),
        ("0.00", "0.00"),
        ("-0", "0.00"),
        ("0E+999999", "0.00"),
        ("1e3", "1000.00"),
        ("9999999999999.99", "9999999999999.99"),
        (517500, "517500.00"),
        (Decimal("12.5"), "12.50"),
        (560.61, "560.61"),
        (0.1 + 0.2, "0.30"),  # a spreadsheet formula's float noise is not a fraction of a 分
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_yuan_reads_what_people_write(written, yuan):
    assert parse_yuan(written) == (None if yuan is None else Decimal(yuan))
    if yuan is not None:
        assert str(parse_yuan(written)) == yuan  # always two decimals


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("一百万", INVALID),
        ("约50万", INVALID),
        (".", INVALID),
        ("1.2.3", INVALID),
        ("NaN", INVALID),
        ("Infinity", INVALID),
        ("1_000", INVALID),  # Decimal() would take it
        ("١٢٣", INVALID),  # so would it these Arabic-Indic digits
        (True, INVALID),  # an int to Python, 是 to the user
        (float("inf"), INVALID),
        (float("nan"), INVALID),
        (Decimal("NaN"), INVALID),
        ("-1", NEGATIVE),
        ("-0.01", NEGATIVE),
        (-5, NEGATIVE),
        ("1.234", TOO_PRECISE),
        ("0.001", TOO_PRECISE),
        ("1530000.0000001", TOO_PRECISE),  # text is exact: no float tolerance
        ("1E-999999", TOO_PRECISE),
        (0.001, TOO_PRECISE),
        ("10000000000000", TOO_LARGE),  # 14 whole digits; the column holds 13
        (10**13, TOO_LARGE),
        ("1" * 30, TOO_LARGE),  # quantize() would raise InvalidOperation past 28 digits
        ("1e999999", TOO_LARGE),  # int() of it would never finish
    ],
)
def test_parse_yuan_refuses_with_a_code(written, code):
    with pytest.raises(MoneyError) as refused:
        parse_yuan(written)
    assert refused.value.code == code


@pytest.mark.parametrize(
    ("written", "yuan"),
    [
        ("560.61", "5606100.00"),
        ("560.612345", "5606123.45"),
        ("560.6123450", "5606123.45"),
        ("  ５６０．６１ ", "5606100.00"),
        ("1,234.5", "12345000.00"),
        ("0.000001", "0.01"),
        ("999999999.999999", "9999999999999.99"),
        (560.61, "5606100.00"),
        (80, "800000.00"),
        ("", None),
    ],
)
def test_parse_wan_gives_yuan(written, yuan):
    assert parse_wan(written) == (None if yuan is None else Decimal(yuan))


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("五百六十万", INVALID),
        ("-0.01", NEGATIVE),
        ("560.6123456", TOO_PRECISE),
        (560.6123456, TOO_PRECISE),
        # 31 significant digits: multiplied by 10000 first, Decimal would round it to 28 and call it exact.
        ("1.000000000000000000000000000001", TOO_PRECISE),
        ("1000000000", TOO_LARGE),  # 10 whole digits of 万元 are 14 of 元
        (10**22, TOO_LARGE),
    ],
)
def test_parse_wan_refuses_with_a_code(written, code):
    with pytest.raises(MoneyError) as refused:
        parse_wan(written)
    assert refused.value.code == code


def test_money_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_yuan("五十万")


def test_without_the_column_only_decimal_precision_limits():
    assert parse_yuan("9" * 14, fit_column=False) == Decimal("9" * 14)
    assert parse_wan("9" * 10, fit_column=False) == Decimal("9" * 10 + "0000")
    with pytest.raises(MoneyError) as refused:
        parse_yuan("1" * 27, fit_column=False)
    assert refused.value.code == TOO_LARGE


@pytest.mark.parametrize(
    ("amount", "with_separators", "plain", "in_wan"),
    [
        ("5606100.00", "5,606,100.00", "5606100.00", "560.61"),
        ("5606123.45", "5,606,123.45", "5606123.45", "560.612345"),
        ("5606101", "5,606,101.00", "5606101.00", "560.6101"),
        ("123.45", "123.45", "123.45", "0.012345"),
        ("0.00", "0.00", "0.00", "0.00"),
        ("0", "0.00", "0.00", "0.00"),
        ("100", "100.00", "100.00", "0.01"),
        ("9999999999999.99", "9,999,999,999,999.99", "9999999999999.99", "999999999.999999"),
        ("56061000000.00", "56,061,000,000.00", "56061000000.00", "5606100.00"),
        # Not money as stored, but a sum of cost targets may be: exact, never rounded.
        ("560.6100000001", "560.6100000001", "560.6100000001", "0.05606100000001"),
        ("1E+30", "1,000,000,000,000,000,000,000,000,000,000.00", "1" + "0" * 30 + ".00", "1" + "0" * 26 + ".00"),
    ],
)
def test_format_one_string_per_amount_and_unit(amount, with_separators, plain, in_wan):
    assert format_yuan(Decimal(amount)) == with_separators
    assert format_yuan(Decimal(amount), separators=False) == plain
    assert format_wan(Decimal(amount)) == in_wan


def test_format_nothing_is_empty():
    assert format_yuan(None) == "" and format_wan(None) == ""


def test_yuan_to_wan_is_exact_past_decimal_precision():
    amount = Decimal("1234567890123456789012345678.91")  # 30 digits: a division would round
    assert yuan_to_wan(amount) == Decimal("123456789012345678901234.567891")


# Any amount the column holds, to the 分.
yuan_amounts = st.decimals(min_value=0, max_value=Decimal(10**YUAN_WHOLE_DIGITS) - Decimal("0.01"), places=2)


@given(yuan_amounts)
def test_parse_yuan_reads_back_what_format_yuan_prints(amount):
    assert parse_yuan(format_yuan(amount)) == amount
    assert parse_yuan(format_yuan(amount, separators=False)) == amount


@given(yuan_amounts)
def test_parse_wan_reads_back_what_format_wan_prints(amount):
    assert parse_wan(format_wan(amount)) == amount
    assert format_wan(amount).partition(".")[0] == str(int(amount) // 10_000)
    assert len(format_wan(amount).partition(".")[0]) <= WAN_WHOLE_DIGITS
