"""parse_target, as a table: (typed value, kind, op, low, high, unit, op_written).

Numbers are written as strings and compared with str(), so the table also checks
that the digits stay as written ("95.00" is not "95").

Choices the table pins down:
- a calendar point is qualitative: "2020年度", "=11月底前", "=3月~11月" say *when*, not
  how much, and reading 11 as a number would only set off numeric rules (op_missing on
  "2020年度"). Durations stay numbers: "3年", "6个月", "<=45天", "30日内".
- "达到90%" reads as ">= 90%"; "以上" is ">=", "以下"/"以内"/"内" are "<=".
- a range counts as a written comparator (op "range", op_written True); a range with
  another comparator ("≥1~2%") or two different units ("1万~2亿") is qualitative.
- a number followed by a sentence rather than a unit is qualitative.
"""

from decimal import Decimal

import pytest

from indicators.targets import parse_target

Q, T = "qualitative", "quantitative"
QUAL = (Q, "", None, None, "", False)

SPEC_EXAMPLES = [
    ("=50家", T, "=", "50", None, "家", True),
    (">=90%", T, ">=", "90", None, "%", True),
    ("≥95.00%", T, ">=", "95.00", None, "%", True),
    ("≧95%", T, ">=", "95", None, "%", True),
    ("≤30.00元/月/平米", T, "<=", "30.00", None, "元/月/平米", True),
    ("≤371.29万元", T, "<=", "371.29", None, "万元", True),
    # a remark in brackets after the unit is not part of the unit
    ("≥95%（含）", T, ">=", "95", None, "%", True),
    ("≤30万元(含税)", T, "<=", "30", None, "万元", True),
    ("=3元/(人·月)", T, "=", "3", None, "元/(人·月)", True),
    ("≤1.5‰", T, "<=", "1.5", None, "‰", True),
    ("=1~2%", T, "range", "1", "2", "%", True),
    ("<=45天", T, "<=", "45", None, "天", True),
    (">93%", T, ">", "93", None, "%", True),
    ("100%", T, "=", "100", None, "%", False),
    ("135000人", T, "=", "135000", None, "人", False),
    ("=1050", T, "=", "1050", None, "", True),
    (">=26.4万", T, ">=", "26.4", None, "万", True),
    # full width
    ("＞＝８０％", T, ">=", "80", None, "%", True),
    ("＝５０家", T, "=", "50", None, "家", True),
    ("１～２％", T, "range", "1", "2", "%", True),
    ("≤１２．５万元", T, "<=", "12.5", None, "万元", True),
    # words
    ("不低于90%", T, ">=", "90", None, "%", True),
    ("不少于20家", T, ">=", "20", None, "家", True),
    ("不超过500万元", T, "<=", "500", None, "万元", True),
    ("不高于5%", T, "<=", "5", None, "%", True),
    ("大于80%", T, ">", "80", None, "%", True),
    ("低于3%", T, "<", "3", None, "%", True),
    ("高于90%", T, ">", "90", None, "%", True),
    ("小于10天", T, "<", "10", None, "天", True),
    ("达到95%", T, ">=", "95", None, "%", True),
    ("超过100家", T, ">", "100", None, "家", True),
    ("大于等于60分", T, ">=", "60", None, "分", True),
    ("控制在5%以内", T, "<=", "5", None, "%", True),
    ("90%以上", T, ">=", "90", None, "%", True),
    ("90%及以上", T, ">=", "90", None, "%", True),
    ("5%以下", T, "<=", "5", None, "%", True),
    ("30日内", T, "<=", "30", None, "日", True),
    ("不低于95%以上", T, ">=", "95", None, "%", True),
    # ranges
    ("1~2%", T, "range", "1", "2", "%", True),
    ("1-2%", T, "range", "1", "2", "%", True),
    ("1—2%", T, "range", "1", "2", "%", True),
    ("1至2个", T, "range", "1", "2", "个", True),
    ("5到10家", T, "range", "5", "10", "家", True),
    ("1%~2%", T, "range", "1", "2", "%", True),
    ("=100~200万元", T, "range", "100", "200", "万元", True),
    ("≥1~2%", *QUAL),
    ("1万~2亿", *QUAL),
    # thousands separators and spaces
    ("1,000人", T, "=", "1000", None, "人", False),
    ("1，000人", T, "=", "1000", None, "人", False),
    ("= 50 家", T, "=", "50", None, "家", True),
    (" > = 9 0 % ", T, ">=", "90", None, "%", True),
    ("=1 ~ 2 %", T, "range", "1", "2", "%", True),
    # other numbers
    ("-5%", T, "=", "-5", None, "%", False),
    ("=0起", T, "=", "0", None, "起", True),
    ("0", T, "=", "0", None, "", False),
    ("100%。", T, "=", "100", None, "%", False),
    ("3年", T, "=", "3", None, "年", False),
    ("6个月", T, "=", "6", None, "个月", False),
    ("=10万m²", T, "=", "10", None, "万m2", True),
    # qualitative
    ("健全", *QUAL),
    ("及时", *QUAL),
    ("提高", *QUAL),
    ("安全、可靠", *QUAL),
    ("提高10%", *QUAL),
    ("=11月底前", *QUAL),
    ("2020年12月", *QUAL),
    ("16个区县全部完成检查并形成通报", *QUAL),
    ("3个区县、5个乡镇", *QUAL),
    ("=", *QUAL),
    ("≥", *QUAL),
    ("-", *QUAL),
    ("xx%", *QUAL),
    ("", *QUAL),
]

# Copied by hand from /work/shared/seeds/ (indicator values, budget cells, plan text).
SEED_VALUES = [
    # shanghai_2020_project_forms.txt
    ("2020年度", *QUAL),
    ("=1套", T, "=", "1", None, "套", True),
    ("=1项", T, "=", "1", None, "项", True),
    ("=30个", T, "=", "30", None, "个", True),
    ("=60份", T, "=", "60", None, "份", True),
    ("=1份", T, "=", "1", None, "份", True),
    ("提高管理水平", *QUAL),
    ("=2项", T, "=", "2", None, "项", True),
    ("完善", *QUAL),
    ("=3月份~11月份", *QUAL),
    ("=3月~11月", *QUAL),
    ("威慑作用", *QUAL),
    ("=5个", T, "=", "5", None, "个", True),
    ("=120个", T, "=", "120", None, "个", True),
    ("=150份", T, "=", "150", None, "份", True),
    ("=80份", T, "=", "80", None, "份", True),
    ("=5份", T, "=", "5", None, "份", True),
    ("=30%", T, "=", "30", None, "%", True),
    ("=20%", T, "=", "20", None, "%", True),
    ("=36个", T, "=", "36", None, "个", True),
    (">=5%", T, ">=", "5", None, "%", True),
    ("16", T, "=", "16", None, "", False),
    (">=85%", T, ">=", "85", None, "%", True),
    ("11月前", *QUAL),
    ("震慑作用", *QUAL),
    ("517,500", T, "=", "517500", None, "", False),
    ("529,000", T, "=", "529000", None, "", False),
    ("935,200", T, "=", "935200", None, "", False),
    ("1,239,600", T, "=", "1239600", None, "", False),
    ("1,530,000", T, "=", "1530000", None, "", False),
    ("1,810,000", T, "=", "1810000", None, "", False),
    ("2020-01-01", *QUAL),
    ("2020-12-31", *QUAL),
    ("1-6月", *QUAL),
    ("1-10月", *QUAL),
    ("357组", T, "=", "357", None, "组", False),
    ("1008个测区", T, "=", "1008", None, "个测区", False),
    ("其他一次性项目", *QUAL),
    ("否", *QUAL),
    # hengdong_2021_department_form.txt
    ("560.61万元", T, "=", "560.61", None, "万元", False),
    ("484.48万元", T, "=", "484.48", None, "万元", False),
    ("480.61万元", T, "=", "480.61", None, "万元", False),
    ("80万元", T, "=", "80", None, "万元", False),
    ("76.13万元", T, "=", "76.13", None, "万元", False),
    ("在职人数43人，退休人员14人", *QUAL),
    ("予以保障", *QUAL),
    ("10次", T, "=", "10", None, "次", False),
    ("500次", T, "=", "500", None, "次", False),
    ("2次", T, "=", "2", None, "次", False),
    ("50个工地", T, "=", "50", None, "个工地", False),
    ("1次", T, "=", "1", None, "次", False),
    ("5个", T, "=", "5", None, "个", False),
    ("6000份", T, "=", "6000", None, "份", False),
    ("35个次", T, "=", "35", None, "个次", False),
    ("80个", T, "=", "80", None, "个", False),
    ("≤100%", T, "<=", "100", None, "%", True),
    ("≧90%", T, ">=", "90", None, "%", True),
    ("      ≤371.29万元", T, "<=", "371.29", None, "万元", True),
    ("≤109.32万元", T, "<=", "109.32", None, "万元", True),
    ("≤30万元", T, "<=", "30", None, "万元", True),
    ("≤50万元", T, "<=", "50", None, "万元", True),
    ("年度内及时完成", *QUAL),
    ("每季按时完成", *QUAL),
    ("每月按时完成", *QUAL),
    ("年度内完成", *QUAL),
    ("按工程竣工后及时完成", *QUAL),
    ("达到国家质量标准", *QUAL),
]


@pytest.mark.parametrize(
    ("text", "kind", "op", "low", "high", "unit", "op_written"),
    SPEC_EXAMPLES + SEED_VALUES,
    ids=[row[0] or "<empty>" for row in SPEC_EXAMPLES + SEED_VALUES],
)
def test_parse_target_reads_table(text, kind, op, low, high, unit, op_written):
    target = parse_target(text)
    assert target.text == text
    assert (target.kind, target.op, target.unit, target.op_written) == (kind, op, unit, op_written)
    assert (None if target.low is None else str(target.low)) == low
    assert (None if target.high is None else str(target.high)) == high


def test_parse_target_seed_table_is_large_enough():
    assert len({row[0] for row in SEED_VALUES}) >= 60


def test_parse_target_low_is_decimal():
    assert parse_target("≥95.00%").low == Decimal("95.00")
    assert isinstance(parse_target("=1~2%").high, Decimal)


def test_parse_target_none_is_empty_qualitative():
    target = parse_target(None)
    assert (target.text, target.kind, target.op, target.low) == ("", "qualitative", "", None)


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\u200b",
        "\x00",
        "😀",
        "≥😀%",
        "1😀",
        "***",
        "~~~",
        "=<>=<",
        "%%%",
        "1e5",
        "NaN",
        "Infinity",
        "-",
        "--5",
        "1..2",
        "1,,000",
        ".5",
        "1~",
        "~1",
        "1~2~3",
        "١٢٣",
        "1" * 100_000,
        "~" * 100_000,
        "1" + "~" * 100_000,
        "1" + "a~" * 50_000,
        "以上" * 50_000,
        "＝" + "９" * 10_000 + "％",
        "提高" * 10_000,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_parse_target_odd_input_does_not_raise(text):
    target = parse_target(text)
    assert target.text == text
    assert target.kind in ("quantitative", "qualitative")
    assert (target.kind == "qualitative") == (target.op == "")
