import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicators.choices import Sign
from indicators.models import LibraryEntry
from projects.library.values import differs, pinyin_initials, search_key, split_value, value_text


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("满意度", "myd"),
        ("服务对象满意度", "fwdxmyd"),
        ("群众满意度", "qzmyd"),
        ("5G基站建设数", "5gjzjss"),
        ("“三公经费”变动率", "sgjfbdl"),
        ("ＡＢＣ检查率", "abcjcl"),
        ("", ""),
    ],
)
def test_pinyin_initials_letters_and_digits_only(name, initials):
    assert pinyin_initials(name) == initials


def test_search_key_folds_width_spacing_and_case():
    assert search_key(" ＡＢ 满意度 ") == "ab满意度"


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("=50家", (Sign.EQ, "50", "家")),
        ("≥95.00%", (Sign.GE, "95", "%")),
        ("不超过500万元", (Sign.LE, "500", "万元")),
        ("健全", (Sign.QUALITATIVE, "健全", "")),
        ("在职人数43人，退休人员14人", (Sign.QUALITATIVE, "在职人数43人，退休人员14人", "")),
        ("100%", ("", "100%", "")),
        ("1~2%", ("", "1~2%", "")),
    ],
)
def test_split_value_reads_sign_number_and_unit(typed, parts):
    assert split_value(typed) == parts


@pytest.mark.parametrize(
    ("sign", "value", "unit", "text"),
    [
        (Sign.GE, "90", "%", "≥90%"),
        (Sign.QUALITATIVE, "健全", "", "健全"),
        (Sign.LE, "", "万元", ""),
        ("", "100%", "", "100%"),
    ],
)
def test_value_text_as_a_filler_types_it(sign, value, unit, text):
    assert value_text(sign, value, unit) == text


@pytest.mark.parametrize("typed", ["≥90%", ">=90%", "＞＝90％", "不低于90%", ">= 90.0 %"])
def test_split_then_value_text_round_trip_means_the_same(typed):
    sign, value, unit = split_value(typed)
    assert split_value(value_text(sign, value, unit)) == (sign, value, unit)


ENTRY = LibraryEntry(name="群众满意度", sign=Sign.GE, value="90", unit="%")
OPEN_VALUE = LibraryEntry(name="项目总成本", sign=Sign.LE, value="", unit="万元")


@pytest.mark.parametrize(
    ("entry", "level3", "value", "sign", "changed"),
    [
        (ENTRY, "群众满意度", "≥90%", Sign.GE, False),
        (ENTRY, "群众 满意度", ">=90%", Sign.GE, False),
        (ENTRY, "群众满意度", ">=95%", Sign.GE, True),
        (ENTRY, "市民满意度", "≥90%", Sign.GE, True),
        (ENTRY, "群众满意度", "≥90%", Sign.GT, True),
        (OPEN_VALUE, "项目总成本", "≤50万元", Sign.LE, False),
        (OPEN_VALUE, "项目总成本", "=50万元", Sign.EQ, True),
    ],
)
def test_differs_only_on_what_the_entry_states(entry, level3, value, sign, changed):
    assert differs(level3=level3, value=value, sign=sign, entry=entry) is changed


@given(st.text(max_size=40))
def test_search_keys_never_fail_and_initials_are_plain(text):
    assert re.fullmatch(r"[0-9a-z]*", pinyin_initials(text))
    assert not re.search(r"\s", search_key(text))
    assert search_key(text) == search_key(text.upper().lower()) or not text.isascii()


@given(
    st.sampled_from([Sign.GE, Sign.GT, Sign.EQ, Sign.LT, Sign.LE]),
    st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False),
    st.sampled_from(["%", "家", "次", "万元", "人次", "元/平方米"]),
)
def test_value_text_reads_back_as_the_same_target(sign, number, unit):
    sign_back, value, unit_back = split_value(value_text(sign, format(number, "f"), unit))
    assert (sign_back, unit_back) == (sign, unit)
    assert Decimal(value) == number
