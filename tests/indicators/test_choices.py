"""The row enums: the sign a typed value states, when the parser is sure of it."""

import importlib

import pytest

from indicators.choices import Sign, default_scoring
from indicators.targets import parse_target

fill_row_sign = importlib.import_module("projects.migrations.0004_fill_row_sign")

SIGNS = [
    (">=95%", Sign.GE),
    ("≥98%", Sign.GE),
    ("＞＝８０％", Sign.GE),
    ("不低于90%", Sign.GE),
    ("90%以上", Sign.GE),
    (">100人", Sign.GT),
    ("=50家", Sign.EQ),
    ("＝0起", Sign.EQ),
    ("<3天", Sign.LT),
    ("≤5万元", Sign.LE),
    ("不超过500万元", Sign.LE),
    ("健全", Sign.QUALITATIVE),
    ("每月按时完成", Sign.QUALITATIVE),
    ("2020年度", Sign.QUALITATIVE),  # a time point, not an amount
    # not sure: a bare number states no comparison, a range none of the signs
    ("100%", ""),
    ("10次", ""),
    ("1~2%", ""),
    ("", ""),
    ("   ", ""),
]


@pytest.mark.parametrize(("value", "sign"), SIGNS)
def test_sign_of_target(value, sign):
    assert Sign.of_target(parse_target(value)) == sign


@pytest.mark.parametrize(("value", "sign"), SIGNS)
def test_the_data_migration_fills_the_same_sign(value, sign):
    assert fill_row_sign.stated_sign(value) == sign


def test_comparison_signs_print_as_symbols():
    assert [str(s.label) for s in Sign.comparisons()] == ["≥", "＞", "＝", "＜", "≤"]


@pytest.mark.parametrize(
    ("sign", "scoring"),
    [
        (Sign.GE, "达到或超过目标值得满分，未达到按完成比例得分。"),
        (Sign.LE, "不超过目标值得满分，超出按超出比例扣分。"),
        (Sign.QUALITATIVE, "达到目标要求得满分，部分达到酌情扣分，未达到不得分。"),
        (Sign.NA, ""),
        ("", ""),
    ],
)
def test_default_scoring_follows_the_sign(sign, scoring):
    assert default_scoring(sign) == scoring


def test_every_sign_but_na_offers_a_scoring():
    assert {s for s in Sign if default_scoring(s)} == set(Sign) - {Sign.NA}
