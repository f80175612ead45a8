"""The warning rules: each fires on a bad form and stays quiet on a good one.

Plain unit tests: FormData is built by hand, no database.
"""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest

from indicators.choices import Severity, Sign, TargetScope
from indicators.warnings import FORM_RULES, ROW_RULES, FormData, RowData, check_form, counts
from projects import schema

GOOD_HEADER = {
    "project_name": "安全质量监督查处",
    "category": "其他一次性项目",
    "planned_start": date(2020, 1, 1),
    "planned_end": date(2020, 12, 31),
    "gov_purchase": False,
    "performance_type": "其他类",
    "overview": "企业安全生产条件事后监管。",
    "basis": "建质【2014】154号。",
    "necessity": "总站对全市建设工程安全实施业务指导。",
    "safeguards": "职能科室落实工作内容，拟定工作计划。",
    "implementation_plan": "1-6月完成30%，1-11月完成100%。",
    "goals": "规范建筑施工企业安全生产条件。",
    "duties": "",
    "overall_goal": "",
}
GOOD_BUDGET = {
    "total_budget": Decimal("517500"),
    "current_budget": Decimal("517500"),
    "prev_budget": Decimal("529000"),
    "prev_executed": Decimal("529000"),
}
QUANTITY_ROW = RowData("产出目标", "数量", "抽查工地数", "=30个")


def project_form(rows=(QUANTITY_ROW,), header=None, budget=None, framework=None, year=2020) -> FormData:
    return FormData(
        kind="project",
        year=year,
        header={**GOOD_HEADER, **(header or {})},
        budget={**GOOD_BUDGET, **(budget or {})},
        rows=list(rows),
        framework=framework or {},
        fields=schema.rule_fields("project"),
    )


def department_form(rows=(QUANTITY_ROW,), header=None, budget=None, framework=None) -> FormData:
    good_header = {"duties": "负责全县建设工程质量安全监督。", "overall_goal": "保证单位各项工作正常运转。"}
    good_budget = {
        "fund_total": Decimal("5606100"),
        "fund_general": Decimal("4844800"),
        "fund_gov_fund": None,
        "fund_special_nontax": Decimal("761300"),
        "fund_other": None,
        "expense_basic": Decimal("4806100"),
        "expense_project": Decimal("800000"),
    }
    return FormData(
        kind="department",
        year=2021,
        header={**good_header, **(header or {})},
        budget={**good_budget, **(budget or {})},
        rows=list(rows),
        framework=framework or {},
        fields=schema.rule_fields("department"),
    )


def found(data: FormData) -> set[tuple[str, int | None]]:
    return {(w.code, w.row) for w in check_form(data)}


def row_codes(level1, level2, level3, value, framework=None) -> set[str]:
    """Codes raised on one row added after a clean quantity row."""
    data = project_form(rows=[QUANTITY_ROW, RowData(level1, level2, level3, value)], framework=framework)
    return {w.code for w in check_form(data) if w.row == 1}


def form_codes(data: FormData) -> set[str]:
    return {w.code for w in check_form(data) if w.row is None}


# The registry


EXPECTED_SEVERITIES = {
    "value_missing": "error",
    "value_placeholder": "error",
    "value_vague": "warning",
    "op_missing": "hint",
    "unit_missing": "warning",
    "percent_over_100": "warning",
    "rate_not_percent": "warning",
    "count_fractional": "warning",
    "cost_op": "warning",
    "duplicate_indicator": "warning",
    "name_too_long": "warning",
    "level2_unknown": "warning",
    "level1_unknown": "warning",
    "level1_missing": "error",
    "output_quantity_missing": "warning",
    "text_missing": "error",
    "date_order": "error",
    "date_outside_year": "warning",
    "budget_current_exceeds_total": "error",
    "budget_prev_overspent": "warning",
    "budget_jump": "warning",
    "budget_income_mismatch": "error",
    "budget_expense_mismatch": "error",
    "cost_exceeds_budget": "warning",
    "value_note_required": "error",
    "qualitative_without_note": "warning",
    "weights_missing": "warning",
    "annual_exceeds_overall": "warning",
    "weights_sum": "error",
    "scope_set_missing": "warning",
    "money_looks_like_yuan": "warning",
    "same_as_last_year": "hint",
}


def test_registry_codes_and_severities_match_the_catalogue():
    assert {r.code: r.severity for r in FORM_RULES + ROW_RULES} == EXPECTED_SEVERITIES


def test_clean_project_form_has_no_warnings():
    assert check_form(project_form()) == []


def test_clean_department_form_has_no_warnings():
    assert check_form(department_form()) == []


def test_check_form_orders_form_level_first_then_rows():
    data = project_form(
        rows=[RowData("产出目标", "质量", "合格率", "=120%"), RowData("产出目标", "质量", "检查数", "")],
        header={"overview": ""},
    )
    order = [(w.code, w.row) for w in check_form(data)]
    assert order == [
        ("output_quantity_missing", None),
        ("text_missing", None),
        ("percent_over_100", 0),
        ("value_missing", 1),
    ]


def test_check_form_collects_every_failure_of_a_row():
    assert row_codes("产出目标", "数量", "每年检查涉及全市16个区县的工程处置率", "16") == {
        "op_missing",
        "unit_missing",
        "rate_not_percent",
    }


def test_messages_say_what_and_how_to_fix():
    data = project_form(rows=[QUANTITY_ROW, RowData("产出目标", "数量", "检查数", "16")])
    [warning] = [w for w in check_form(data) if w.code == "op_missing"]
    assert "检查数" in warning.message and "“=16”" in warning.message


# Indicator rows

ROW_FIRES = [
    ("value_missing", "产出目标", "数量", "检查数", ""),
    ("value_missing", "产出目标", "数量", "检查数", "   "),
    ("value_placeholder", "产出目标", "数量", "检查数", "*"),
    ("value_placeholder", "产出目标", "数量", "检查数", "-"),
    ("value_placeholder", "产出目标", "数量", "检查数", "/"),
    ("value_placeholder", "产出目标", "数量", "检查数", "—"),
    ("value_placeholder", "产出目标", "数量", "检查数", "——"),
    ("value_placeholder", "产出目标", "数量", "检查数", "xx"),
    ("value_placeholder", "产出目标", "数量", "检查数", "=XX家"),
    ("value_placeholder", "产出目标", "数量", "检查数", "N/A"),
    ("value_placeholder", "产出目标", "数量", "检查数", "无"),
    ("value_placeholder", "产出目标", "数量", "检查数", "待定"),
    ("value_vague", "影响力目标", "长效管理", "安全管理水平", "提高管理水平"),
    ("value_vague", "影响力目标", "长效管理", "安全管理水平", "提高"),
    ("value_vague", "影响力目标", "长效管理", "扰民投诉", "有所缓解"),
    ("value_vague", "影响力目标", "长效管理", "安全意识", "不断提高"),
    ("value_vague", "影响力目标", "长效管理", "市场秩序", "进一步规范"),
    ("value_vague", "影响力目标", "长效管理", "整改问题", "若干"),
    ("value_vague", "影响力目标", "长效管理", "工程质量", "明显改善"),
    ("value_vague", "影响力目标", "长效管理", "服务水平", "服务水平有所提高"),
    ("op_missing", "产出目标", "质量", "验收合格率", "100%"),
    ("op_missing", "产出目标", "数量", "受益人数", "135000人"),
    ("op_missing", "产出目标", "数量", "检查数", "16"),
    ("unit_missing", "产出目标", "数量", "检查数", "=1050"),
    ("unit_missing", "产出目标", "数量", "检查数", "=100"),
    ("unit_missing", "产出目标", "数量", "检查数", "16"),
    ("percent_over_100", "产出目标", "质量", "验收合格率", "=120%"),
    ("percent_over_100", "产出目标", "质量", "验收合格率", ">100%"),
    ("percent_over_100", "产出目标", "质量", "验收合格率", "=90~110%"),
    ("rate_not_percent", "产出目标", "时效", "及时率", "=100"),
    ("rate_not_percent", "产出目标", "质量", "实现率", "规范"),
    ("rate_not_percent", "产出目标", "质量", "覆盖率(%)", "=100"),
    ("rate_not_percent", "产出目标", "质量", "商品混凝土质量保证率（%）", "达到国家质量标准"),
    ("count_fractional", "产出目标", "数量", "改造房屋数", "=115.74幢"),
    ("count_fractional", "产出目标", "数量", "检查数", "=2.5个"),
    ("count_fractional", "产出目标", "数量", "培训人次", "=1.5人次"),
    ("count_fractional", "产出目标", "数量", "检查数", "=0.5~1家"),
    ("cost_op", "产出指标", "成本指标", "人员经费", ">=10万元"),
    ("cost_op", "成本指标", "经济成本", "设备购置费", ">5万元"),
    ("name_too_long", "效果目标", "社会效益", "通" * 51, ">=90%"),
    ("rate_not_percent", "产出目标", "质量", "合格率（%）", "达标"),
    ("rate_not_percent", "产出目标", "质量", "出勤率", "=20天"),
    # a bracketed scope is not a unit
    ("unit_missing", "产出目标", "数量", "检查工地数（含复查）", "=30"),
]

ROW_QUIET = [
    ("value_missing", "产出目标", "数量", "检查数", "=1个"),
    ("value_missing", "产出目标", "数量", "检查数", "健全"),
    ("value_placeholder", "产出目标", "数量", "安全事故数", "=0起"),
    ("value_placeholder", "产出目标", "质量", "制度", "健全"),
    ("value_placeholder", "产出目标", "数量", "检查数", ""),
    ("value_vague", "产出目标", "质量", "合格率提高", "提高10%"),
    ("value_vague", "产出目标", "质量", "制度", "健全"),
    ("value_vague", "产出目标", "质量", "运行", "安全、可靠"),
    ("value_vague", "产出目标", "质量", "质量", "达到国家质量标准"),
    ("value_vague", "影响力目标", "长效管理", "作用", "威慑作用"),
    ("op_missing", "产出目标", "质量", "验收合格率", "=100%"),
    ("op_missing", "产出目标", "质量", "验收合格率", "≥90%"),
    ("op_missing", "产出目标", "质量", "提升率", "1~2%"),
    ("op_missing", "产出目标", "质量", "验收合格率", "90%以上"),
    ("op_missing", "产出目标", "时效", "完成时间", "2020年度"),
    ("unit_missing", "产出目标", "数量", "检查数", "=50家"),
    ("unit_missing", "产出目标", "数量", "受益人数", ">=26.4万"),
    ("unit_missing", "产出目标", "质量", "制度", "健全"),
    ("percent_over_100", "产出目标", "质量", "验收合格率", ">=100%"),
    ("percent_over_100", "产出目标", "质量", "验收合格率", "=100%"),
    ("percent_over_100", "产出目标", "质量", "在职人员控制率", "≤100%"),
    ("percent_over_100", "效果目标", "经济效益", "收入增长率", "=120%"),
    ("percent_over_100", "效果目标", "经济效益", "产量较上年提高", ">=150%"),
    ("percent_over_100", "产出目标", "数量", "检查数", "=120个"),
    ("rate_not_percent", "产出目标", "质量", "合格率", ">=95%"),
    ("rate_not_percent", "效果目标", "社会效益", "安全事故控制率", "≤1.5‰"),
    ("rate_not_percent", "产出目标", "质量", "合格率（%）", "≥95%"),
    ("rate_not_percent", "产出目标", "质量", "合格率提升", "=2个百分点"),
    ("rate_not_percent", "产出目标", "时效", "完成时间", "=100"),
    ("rate_not_percent", "产出目标", "质量", "合格率", ""),
    ("count_fractional", "产出目标", "数量", "改造房屋数", "=115幢"),
    ("count_fractional", "产出目标", "数量", "改造房屋数", "=115.00幢"),
    ("count_fractional", "产出目标", "成本", "改造费用", "<=115.74万元"),
    ("count_fractional", "产出目标", "质量", "合格率提升", "=1.5个百分点"),
    ("count_fractional", "产出目标", "时效", "工期", "<=1.5个月"),
    ("count_fractional", "产出目标", "数量", "受益人数", "=1.5万人"),
    ("cost_op", "产出指标", "成本指标", "人员经费", "≤371.29万元"),
    ("cost_op", "产出指标", "成本指标", "人员经费", "=10万元"),
    ("cost_op", "产出目标", "数量", "抽查企业数", ">=50家"),
    ("name_too_long", "效果目标", "社会效益", "通" * 50, ">=90%"),
    ("name_too_long", "效果目标", "社会效益", "通" * 45 + "     ", ">=90%"),
    # a remark in brackets after the unit does not hide the %
    ("rate_not_percent", "产出目标", "质量", "合格率", "≥95%（含）"),
    # a frequency or an efficiency is not a share
    ("rate_not_percent", "产出目标", "时效", "检查频率", "≥1次/月"),
    ("rate_not_percent", "产出目标", "质量", "审批效率", "≤3个工作日"),
    # the name states the unit: "合格率（%） ≥95" lacks only the % sign, which rate_not_percent asks for
    ("unit_missing", "产出目标", "质量", "合格率（%）", "≥95"),
    ("unit_missing", "产出目标", "数量", "培训人数（人）", "=200"),
]


@pytest.mark.parametrize(("code", "level1", "level2", "level3", "value"), ROW_FIRES)
def test_row_rule_fires(code, level1, level2, level3, value):
    assert code in row_codes(level1, level2, level3, value)


@pytest.mark.parametrize(("code", "level1", "level2", "level3", "value"), ROW_QUIET)
def test_row_rule_stays_quiet(code, level1, level2, level3, value):
    assert code not in row_codes(level1, level2, level3, value)


def test_placeholder_value_is_not_judged_further():
    assert row_codes("产出目标", "质量", "合格率", "xx%") == {"value_placeholder"}


def test_duplicate_indicator_fires_on_each_repeat():
    rows = [
        QUANTITY_ROW,
        RowData("效果目标", "满意度", "群众满意度", ">=90%"),
        RowData("产出目标", "时效", "抽查工地数", "每月按时完成"),
        RowData("效果目标", "满意度", "群众 满意度", ">=95%"),
    ]
    found_rows = {(w.row, w.message) for w in check_form(project_form(rows=rows)) if w.code == "duplicate_indicator"}
    assert {row for row, _ in found_rows} == {2, 3}
    assert any("第1行" in message for row, message in found_rows if row == 2)


def test_duplicate_indicator_stays_quiet_on_distinct_names():
    rows = [QUANTITY_ROW, RowData("产出目标", "时效", "抽查工地完成时间", "每月按时完成"), RowData("", "", "", "")]
    assert "duplicate_indicator" not in {w.code for w in check_form(project_form(rows=rows))}


def test_name_too_long_limit_from_settings(settings):
    settings.PERFGOALS_WARNINGS = {"name_max_length": 10}
    assert "name_too_long" in row_codes("效果目标", "社会效益", "通" * 11, ">=90%")


FRAMEWORK = {
    "产出指标": ["数量指标", "质量指标", "成本指标"],
    "效益指标": ["社会效益"],
    "满意度指标": ["服务对象满意度"],
}


@pytest.mark.parametrize(
    ("level1", "level2"),
    [("产出指标", "满意度"), ("产出目标", "时效"), ("效益指标", "")],
)
def test_level2_unknown_fires(level1, level2):
    assert "level2_unknown" in row_codes(level1, level2, "群众满意度", ">=90%", framework=FRAMEWORK)


@pytest.mark.parametrize(
    ("level1", "level2", "framework"),
    [
        ("产出指标", "数量指标", FRAMEWORK),
        ("产出目标", "数量", FRAMEWORK),  # forms write 指标 and 目标 interchangeably
        ("影响力目标", "长效管理", FRAMEWORK),  # 一级 not in the framework: level1 rules' business
        ("产出指标", "满意度", {}),
    ],
)
def test_level2_unknown_stays_quiet(level1, level2, framework):
    assert "level2_unknown" not in row_codes(level1, level2, "群众满意度", ">=90%", framework=framework)


@pytest.mark.parametrize("level1", ["不存在的一级", ""])
def test_level1_unknown_fires(level1):
    assert "level1_unknown" in row_codes(level1, "数量指标", "检查数", "=5个", framework=FRAMEWORK)


@pytest.mark.parametrize(
    ("level1", "framework"),
    [("产出指标", FRAMEWORK), ("产出目标", FRAMEWORK), ("满意度 指标", FRAMEWORK), ("不存在的一级", {})],
)
def test_level1_unknown_stays_quiet(level1, framework):
    assert "level1_unknown" not in row_codes(level1, "数量指标", "检查数", "=5个", framework=framework)


def test_level2_unknown_message_lists_choices():
    data = project_form(rows=[RowData("产出指标", "时效", "x", "及时")], framework=FRAMEWORK)
    [warning] = [w for w in check_form(data) if w.code == "level2_unknown"]
    assert "数量指标、质量指标、成本指标" in warning.message


# Whole form


def test_level1_missing_fires_per_missing_category():
    rows = [RowData("产出指标", "数量指标", "检查数", "=5个")]
    warnings = [w for w in check_form(project_form(rows=rows, framework=FRAMEWORK)) if w.code == "level1_missing"]
    assert [(w.field, w.row) for w in warnings] == [(None, None), (None, None)]
    assert "效益指标" in warnings[0].message and "满意度指标" in warnings[1].message


@pytest.mark.parametrize("framework", [FRAMEWORK, {}])
def test_level1_missing_stays_quiet_when_all_present(framework):
    rows = [
        RowData("产出目标", "数量", "检查数", "=5个"),
        RowData("效益指标", "社会效益", "事故率", "≤1.5‰"),
        RowData("满意度指标", "服务对象满意度", "群众满意度", ">=90%"),
    ]
    assert "level1_missing" not in form_codes(project_form(rows=rows, framework=framework))


@pytest.mark.parametrize(
    "rows",
    [[], [RowData("产出目标", "质量", "合格率", ">=90%")], [RowData("效果目标", "数量", "受益人数", "=5人")]],
)
def test_output_quantity_missing_fires(rows):
    assert "output_quantity_missing" in form_codes(project_form(rows=rows))


@pytest.mark.parametrize(
    ("rows", "framework"),
    [
        ([RowData("产出指标", "数量指标", "检查数", "=5个")], {}),
        ([RowData("产出目标", "数量", "检查数", "=5个")], FRAMEWORK),
        ([RowData("效果目标", "社会效益", "事故率", "≤1.5‰")], {"效果目标": ["社会效益"]}),
    ],
)
def test_output_quantity_missing_stays_quiet(rows, framework):
    assert "output_quantity_missing" not in form_codes(project_form(rows=rows, framework=framework))


PROJECT_TEXT = [
    ("overview", "项目概况"),
    ("basis", "立项依据"),
    ("necessity", "项目设立的必要性"),
    ("safeguards", "保证项目实施的制度、措施"),
    ("implementation_plan", "项目实施计划"),
    ("goals", "总目标及阶段性目标"),
]


@pytest.mark.parametrize(("key", "label"), PROJECT_TEXT)
@pytest.mark.parametrize("empty", ["", "  \n ", None, "无", "/", "——"])
def test_text_missing_fires_on_project(key, label, empty):
    [warning] = [w for w in check_form(project_form(header={key: empty})) if w.code == "text_missing"]
    assert warning.field == key and warning.row is None
    assert label in warning.message


@pytest.mark.parametrize(
    "text",
    [
        "依据《建筑法》，详见http://www.hd.gov.cn/xxgk/2020/zc.html。",
        "根据《××市建设工程监督办法》开展检查。",
        "无障碍设施改造",
    ],
)
def test_text_missing_stays_quiet_on_real_text_that_contains_placeholder_marks(text):
    assert "text_missing" not in form_codes(project_form(header={"basis": text}))


@pytest.mark.parametrize(("key", "label"), [("duties", "部门职能职责概述"), ("overall_goal", "整体绩效目标")])
def test_text_missing_fires_on_department(key, label):
    [warning] = [w for w in check_form(department_form(header={key: ""})) if w.code == "text_missing"]
    assert warning.field == key and label in warning.message


def test_text_missing_fires_once_per_empty_field():
    header = {key: "" for key, _ in PROJECT_TEXT}
    fields = [w.field for w in check_form(project_form(header=header)) if w.code == "text_missing"]
    assert fields == [key for key, _ in PROJECT_TEXT]


def test_text_missing_stays_quiet_on_department_without_project_text():
    # a department form has no 项目概况 etc., and its project fields are empty
    assert "text_missing" not in form_codes(department_form(header={key: "" for key, _ in PROJECT_TEXT}))


def test_text_missing_stays_quiet_on_project_without_department_text():
    assert "text_missing" not in form_codes(project_form(header={"duties": "", "overall_goal": None}))


def test_date_order_fires():
    data = project_form(header={"planned_start": date(2020, 6, 1), "planned_end": date(2020, 3, 1)})
    [warning] = [w for w in check_form(data) if w.code == "date_order"]
    assert warning.field == "planned_end"
    assert "2020-03-01" in warning.message and "2020-06-01" in warning.message


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2020, 1, 1), date(2020, 12, 31)), (date(2020, 5, 1), date(2020, 5, 1)), (None, date(2020, 1, 1))],
)
def test_date_order_stays_quiet(start, end):
    assert "date_order" not in form_codes(project_form(header={"planned_start": start, "planned_end": end}))


@pytest.mark.parametrize(
    ("key", "day"),
    [("planned_start", date(2019, 12, 1)), ("planned_end", date(2021, 1, 31))],
)
def test_date_outside_year_fires(key, day):
    warnings = [w for w in check_form(project_form(header={key: day})) if w.code == "date_outside_year"]
    assert [w.field for w in warnings] == [key]


@pytest.mark.parametrize(
    "data",
    [
        project_form(header={"planned_start": date(2020, 1, 1), "planned_end": date(2020, 12, 31)}),
        project_form(header={"planned_start": None, "planned_end": None}),
        department_form(header={"planned_start": date(2019, 1, 1), "planned_end": date(2019, 12, 31)}),
    ],
)
def test_date_outside_year_stays_quiet(data):
    assert "date_outside_year" not in form_codes(data)


def test_budget_current_exceeds_total_fires():
    data = project_form(budget={"total_budget": Decimal("500000"), "current_budget": Decimal("517500")})
    [warning] = [w for w in check_form(data) if w.code == "budget_current_exceeds_total"]
    # 元 as the form prints it, cents included (projects.lib.money.format_yuan).
    assert warning.field == "current_budget" and "（517,500.00元）" in warning.message


@pytest.mark.parametrize(
    "data",
    [
        project_form(budget={"total_budget": Decimal("517500"), "current_budget": Decimal("517500")}),
        project_form(budget={"total_budget": None, "current_budget": Decimal("517500")}),
        department_form(budget={"total_budget": Decimal("1"), "current_budget": Decimal("2")}),
    ],
)
def test_budget_current_exceeds_total_stays_quiet(data):
    assert "budget_current_exceeds_total" not in form_codes(data)


def test_budget_prev_overspent_fires():
    data = project_form(budget={"prev_budget": Decimal("529000"), "prev_executed": Decimal("529000.01")})
    assert "budget_prev_overspent" in form_codes(data)


@pytest.mark.parametrize(
    ("prev_budget", "prev_executed"),
    [(Decimal("529000"), Decimal("529000")), (Decimal("529000"), Decimal("400000")), (None, Decimal("1"))],
)
def test_budget_prev_overspent_stays_quiet(prev_budget, prev_executed):
    data = project_form(budget={"prev_budget": prev_budget, "prev_executed": prev_executed})
    assert "budget_prev_overspent" not in form_codes(data)


@pytest.mark.parametrize(
    ("prev", "current", "words"),
    [("100000", "130001", "增加30%"), ("100000", "69999", "减少30%"), ("1239600", "600000", "减少51.6%")],
)
def test_budget_jump_fires(prev, current, words):
    data = project_form(
        budget={"prev_budget": Decimal(prev), "current_budget": Decimal(current), "total_budget": Decimal(current)}
    )
    [warning] = [w for w in check_form(data) if w.code == "budget_jump"]
    assert warning.field == "current_budget" and words in warning.message


@pytest.mark.parametrize(
    ("prev", "current"),
    [
        (Decimal("100000"), Decimal("130000")),
        (Decimal("100000"), Decimal("70000")),
        (Decimal("1239600"), Decimal("935200")),  # the seed form: -24.6%
        (Decimal("0"), Decimal("935200")),
        (None, Decimal("935200")),
        (Decimal("100000"), None),
    ],
)
def test_budget_jump_stays_quiet(prev, current):
    data = project_form(budget={"prev_budget": prev, "current_budget": current, "total_budget": Decimal("935200")})
    assert "budget_jump" not in form_codes(data)


def test_budget_jump_threshold_from_settings(settings):
    data = project_form(budget={"prev_budget": Decimal("100000"), "current_budget": Decimal("140000")})
    assert "budget_jump" in form_codes(data)
    settings.PERFGOALS_WARNINGS = {"budget_jump": 0.5}
    assert "budget_jump" not in form_codes(data)


def test_budget_jump_stays_quiet_on_department():
    data = department_form(budget={"prev_budget": Decimal("1"), "current_budget": Decimal("100")})
    assert "budget_jump" not in form_codes(data)


@pytest.mark.parametrize(
    "budget",
    [
        {"fund_general": Decimal("4844800"), "fund_special_nontax": None},
        {"fund_other": Decimal("1")},
        {"fund_general": None, "fund_special_nontax": None},
    ],
)
def test_budget_income_mismatch_fires(budget):
    [warning] = [w for w in check_form(department_form(budget=budget)) if w.code == "budget_income_mismatch"]
    assert warning.field == "fund_total"


@pytest.mark.parametrize(
    "budget",
    [
        {},  # the Hengdong form: 484.48 + 76.13 = 560.61万元
        {"fund_total": None},
        {"fund_general": Decimal("5606100"), "fund_special_nontax": None},
        {
            "fund_general": Decimal("1000000"),
            "fund_gov_fund": Decimal("2000000"),
            "fund_special_nontax": Decimal("2000000"),
            "fund_other": Decimal("606100"),
        },
    ],
)
def test_budget_income_mismatch_stays_quiet(budget):
    assert "budget_income_mismatch" not in form_codes(department_form(budget=budget))


@pytest.mark.parametrize(
    "budget",
    [{"expense_project": Decimal("700000")}, {"expense_basic": None}, {"fund_total": Decimal("5606000")}],
)
def test_budget_expense_mismatch_fires(budget):
    assert "budget_expense_mismatch" in form_codes(department_form(budget=budget))


@pytest.mark.parametrize(
    "budget",
    [{}, {"fund_total": None}, {"expense_basic": Decimal("5606100"), "expense_project": None}],
)
def test_budget_expense_mismatch_stays_quiet(budget):
    assert "budget_expense_mismatch" not in form_codes(department_form(budget=budget))


def test_department_budget_rules_stay_quiet_on_project():
    data = project_form(budget={"fund_total": Decimal("100"), "fund_general": Decimal("1"), "expense_basic": None})
    assert not form_codes(data) & {"budget_income_mismatch", "budget_expense_mismatch", "cost_exceeds_budget"}


HENGDONG_COSTS = [
    RowData("产出指标", "成本指标", "人员经费", "      ≤371.29万元"),
    RowData("产出指标", "成本指标", "公用经费", "≤109.32万元"),
    RowData("产出指标", "成本指标", "安全生产经费", "≤30万元"),
    RowData("产出指标", "成本指标", "工程实体质量比对监督检测", "≤50万元"),
]


@pytest.mark.parametrize(
    "extra",
    [
        RowData("产出指标", "成本指标", "差旅费", "≤1元"),
        RowData("产出指标", "成本指标", "差旅费", "=0~0.01万元"),  # a range counts its top
        RowData("成本指标", "经济成本", "设备费", "≤0.0001亿元"),
    ],
)
def test_cost_exceeds_budget_fires(extra):
    [warning] = [w for w in check_form(department_form(rows=[QUANTITY_ROW, *HENGDONG_COSTS, extra])) if w.row is None]
    assert (warning.code, warning.field) == ("cost_exceeds_budget", "fund_total")


@pytest.mark.parametrize(
    "extra",
    [
        None,  # the Hengdong form: four costs add up to fund_total exactly
        RowData("产出指标", "成本指标", "在职人员控制率", "≤100%"),
        RowData("产出指标", "质量指标", "设备采购金额", "≤100万元"),
        RowData("产出指标", "成本指标", "差旅费", "控制在预算内"),
    ],
)
def test_cost_exceeds_budget_stays_quiet(extra):
    rows = [QUANTITY_ROW, *HENGDONG_COSTS] + ([extra] if extra else [])
    assert "cost_exceeds_budget" not in form_codes(department_form(rows=rows))


def test_budget_messages_print_amounts_as_the_form_does():
    project = project_form(budget={"total_budget": Decimal("5000000"), "current_budget": Decimal("56061000000")})
    [too_much] = [w for w in check_form(project) if w.code == "budget_current_exceeds_total"]
    assert "（56,061,000,000.00元）" in too_much.message and "（5,000,000.00元）" in too_much.message
    budget = {"fund_total": Decimal("56061000000"), "fund_general": Decimal("5606123.45"), "fund_special_nontax": None}
    department = department_form(budget=budget)
    [mismatch] = [w for w in check_form(department) if w.code == "budget_income_mismatch"]
    # 万元 as the department form prints and takes them: no separators, exact to the 分.
    assert "（5606100.00万元）" in mismatch.message and "（560.612345万元）" in mismatch.message


def test_cost_exceeds_budget_message_in_wan_yuan_as_on_paper():
    rows = [QUANTITY_ROW, *HENGDONG_COSTS, RowData("产出指标", "成本指标", "差旅费", "≤1万元")]
    [warning] = [w for w in check_form(department_form(rows=rows)) if w.code == "cost_exceeds_budget"]
    assert "561.61万元" in warning.message and "560.61万元" in warning.message


def test_cost_op_message_suggests_the_ceiling():
    data = project_form(rows=[QUANTITY_ROW, RowData("产出指标", "成本指标", "人员经费", "≥3.5万元")])
    [warning] = [w for w in check_form(data) if w.code == "cost_op"]
    assert "“≤3.5万元”" in warning.message


def test_cost_exceeds_budget_stays_quiet_without_fund_total():
    rows = [QUANTITY_ROW, *HENGDONG_COSTS]
    assert "cost_exceeds_budget" not in form_codes(department_form(rows=rows, budget={"fund_total": None}))


# The seed forms, as a reviewer reads them


SHANGHAI_FRAMEWORK = {
    "投入与管理": ["投入管理", "财务管理", "实施管理", "资产管理"],
    "产出目标": ["数量", "质量", "时效", "成本"],
    "效果目标": ["社会效益", "经济效益", "生态效益", "可持续影响", "满意度"],
    "影响力目标": ["长效管理", "信息共享", "部门协助", "配套设施", "人力资源", "其它"],
}

# Rows copied from shanghai_2020_project_forms.txt. The text export shifts a few
# cells one column left (the 时效 rows); they are put back under 产出目标 here.
SHANGHAI_1 = [
    RowData("投入与管理", "投入管理", "投入时间", "2020年度"),
    RowData("产出目标", "数量", "抽查特级一级企业及承建项目数", "=50家"),
    RowData("产出目标", "数量", "事故现场影像汇总光盘", "=1套"),
    RowData("产出目标", "数量", "对19年度涉事故企业(含施工单位和监理单位)强制培训", "=1项"),
    RowData("产出目标", "数量", "建筑起重机械使用安全监督检查抽查工地数", "=30个"),
    RowData("产出目标", "数量", "建筑起重机械使用安全监督检查出具报告数", "=60份"),
    RowData("产出目标", "质量", "全年发生事故的施工项目影像年度分析报告", "=1份"),
    RowData("产出目标", "质量", "培训情况总结", "=1份"),
    RowData("产出目标", "质量", "对违规企业进行处罚并形成总结报告数", "=1份"),
    RowData("产出目标", "时效", "对违规企业进行处罚并形成总结报告完成时间", "=11月底前"),
    RowData(
        "效果目标",
        "社会效益",
        "进一步规范建筑施工企业安全生产条件,提高建设参与各方的安全意识和管理水平,落实安全生产责任,"
        "提升施工安全生产监督管理整体水平和效果.通过检查发现企业及施工现场存在隐患和问题,为同类通病治理提供经验。",
        ">=90%",
    ),
    RowData("效果目标", "满意度", "群众满意度", ">=90%"),
    RowData(
        "影响力目标",
        "长效管理",
        "防止较大及以上生产安全事故发生,减少一般生产安全事故发生,控制和减少施工扰民,提高整体安全生产管理水平。",
        "提高管理水平",
    ),
]
SHANGHAI_2 = [
    RowData("投入与管理", "投入管理", "投入时间", "2020年度"),
    RowData("产出目标", "数量", "2020年研究课题项目数", "=2项"),
    RowData("产出目标", "数量", "相关审改文件的整理和汇编", "=1项"),
    RowData("产出目标", "质量", "配合起草相关综合竣工验收配套文件、世行年度测评报告解读分析", "=1份"),
    RowData("产出目标", "质量", "综合竣工验收的流程图解、一问一答及说明", "完善"),
    RowData("产出目标", "时效", "2020年课题研究时间", "=3月份~11月份"),
    RowData("产出目标", "时效", "相关审改文件的整理和汇编进行时间", "=3月~11月"),
    RowData(
        "效果目标",
        "社会效益",
        "以问题导向为目标，通过课题研究，使我们的课题研究成果更接近现场，更接近企业，"
        "并使研究结果能应用到现场质量管理；通过检测工作管理，使检测的结果更加真实有效",
        ">=90%",
    ),
    RowData("效果目标", "满意度", "群众满意度", ">=90%"),
    RowData(
        "影响力目标",
        "长效管理",
        "充分利用行业专家的能力更好的使我们的课题研究真实有效。通过检测工作管理，"
        "使我们的监督抽检更加的真实有效，更具有行业威慑力",
        "威慑作用",
    ),
]
SHANGHAI_3 = [
    RowData("投入与管理", "投入管理", "投入时间", "2020年度"),
    RowData("产出目标", "数量", "根据工作安排，专项检查数", "=5个"),
    RowData("产出目标", "数量", "根据工作安排，检查项目数", "=120个"),
    RowData("产出目标", "数量", "形成施工现场材料检测报告数", "=150份"),
    RowData("产出目标", "数量", "形成施工现场实体检测报告数", "=80份"),
    RowData("产出目标", "数量", "通过检查形成检查通报文件或检查小结数", "=5份"),
    RowData("产出目标", "数量", "对在建的工程项目实施建材监督抽检率", "=30%"),
    RowData("产出目标", "数量", "对在建的工程项目实施工程实体监督抽检率", "=20%"),
    RowData("产出目标", "数量", "安全类抽查工地数", "=36个"),
    RowData("产出目标", "数量", "安全类抽查检测报告及小结数", "=1份"),
    RowData("产出目标", "数量", "监督抽检覆盖率", ">=5%"),
    RowData(
        "产出目标",
        "数量",
        "每年检查涉及全市16个区县，对所有检查中涉及建材监督抽检以及实体检测不合格的工程进行处置率",
        "16",
    ),
    RowData("产出目标", "质量", "建材监督抽检合格率", ">=85%"),
    RowData("产出目标", "质量", "通过此项监督抽检工作，保证上海市的材料及实体检测合格率较19年提升率", "=1~2%"),
    RowData(
        "产出目标",
        "时效",
        "11月之前相关的专项检查结束（专项检查安排为4月、5月、7月、9月、10月各一个），"
        "相关的检测报告在规定时间内由检测单位直接汇总给总站。",
        "11月前",
    ),
    RowData("产出目标", "时效", "安全类抽查在每年6~8月份。相关小结在检查结束后形成时间", "<=45天"),
    RowData(
        "效果目标",
        "社会效益",
        "通过各项抽检和检查监管等手段，对一些数据的整理，梳理存在的问题，形成通报文件或工作报告。"
        "作为推进相应后续管理工作，包括管理措施、相关文件，规范标准的制订等的依据，"
        "对相应的参建各方形成震慑作用的同时，也有效的提高上海市建设工程安全、质量监管水平，"
        "从而有效的保障了相关政策的推进落实、企业管理、区县管理等。",
        ">=90%",
    ),
    RowData("效果目标", "满意度", "群众满意度", ">=90%"),
    RowData(
        "影响力目标",
        "长效管理",
        "通过发布抽检结果，考核结果，通报讲评，放大效应，提高震慑力。并为下一阶段工作提供依据。"
        "通过双随机式的监督抽检，对工程在建材使用形成威慑力，确保工程质量。"
        "提高参建各方的质量、安全意识，提高各区级监督机构的监督意识。保证在建工程的安全、质量。",
        "震慑作用",
    ),
]


@pytest.mark.parametrize(
    ("rows", "budget", "expected"),
    [
        pytest.param(
            SHANGHAI_1,
            ("517500", "517500", "529000", "529000"),
            # narrative sentences in the 三级 column; "提高管理水平" cannot be assessed
            {("name_too_long", 10), ("name_too_long", 12), ("value_vague", 12)},
            id="安全质量监督查处",
        ),
        pytest.param(
            SHANGHAI_2,
            ("935200", "935200", "1239600", "1239600"),  # -24.6%: under the 30% bar
            {("name_too_long", 7), ("name_too_long", 9)},
            id="建设工程安全质量管控",
        ),
        pytest.param(
            SHANGHAI_3,
            ("1530000", "1530000", "1810000", "1810000"),
            # a 处置率 given as "16" (the number of districts); four narrative 三级 names
            {
                ("op_missing", 11),
                ("unit_missing", 11),
                ("rate_not_percent", 11),
                ("name_too_long", 14),
                ("name_too_long", 16),
                ("name_too_long", 18),
            },
            id="建设工程监督检测",
        ),
    ],
)
def test_shanghai_seed_forms_warn_where_a_reviewer_would(rows, budget, expected):
    total, current, prev, executed = (Decimal(v) for v in budget)
    data = project_form(
        rows=rows,
        budget={"total_budget": total, "current_budget": current, "prev_budget": prev, "prev_executed": executed},
        framework=SHANGHAI_FRAMEWORK,
    )
    assert found(data) == expected


DEPARTMENT_FRAMEWORK = {
    "产出指标": ["数量指标", "质量指标", "成本指标", "时效指标"],
    "效益指标": ["经济效益", "社会效益", "生态效益", "可持续影响指标"],
    "满意度指标": ["社会公众或服务对象满意度"],
}


def _rows(level1: str, level2: str, pairs: list[tuple[str, str]]) -> list[RowData]:
    return [RowData(level1, level2, name, value) for name, value in pairs]


# Rows copied from hengdong_2021_department_form.txt; the merged 一级/二级 cells are filled in.
HENGDONG = [
    *_rows(
        "产出指标",
        "数量指标",
        [
            ("本单位财政供养人员", "在职人数43人，退休人员14人"),
            ("部门单位履职、运转", "予以保障"),
            ("质量安全生产大检查及季度考评", "10次"),
            ("安全日常巡查", "500次"),
            ("执法检查每月巡查工地", "2次"),
            ("每季对建筑工地使用商品混凝土质量进行监督抽测", "50个工地"),
            ("执法检查每月巡查商品混凝土公司", "1次"),
            ("检查商品混凝土公司", "5个"),
            ("发放质量安全宣传资料", "6000份"),
            ("竣工验收备案项目 ", "35个次"),
            ("办理施工许可证", "80个"),
        ],
    ),
    *_rows(
        "产出指标",
        "质量指标",
        [
            ("在职人员控制率", "≤100%"),
            ("公用经费控制率", "≤100%"),
            ("质量安全生产大检查及季度考评覆盖率", "100%"),
            ("安全日常巡查覆盖率", "100%"),
            ("执法检查每月巡查工地覆盖率", "100%"),
            ("每季对建筑工地使用商品混凝土质量进行监督抽测覆盖率", "100%"),
            ("执法检查每月巡查商品混凝土公司覆盖率", "100%"),
            ("……检查公司商品混凝土合格率", "100%"),
            ("质量安全宣传知晓率", "≧95%"),
            ("竣工验收合格率", "100%"),
            ("办证符合率", "100%"),
        ],
    ),
    *HENGDONG_COSTS,
    *_rows(
        "产出指标",
        "时效指标",
        [
            ("完成单位职责及县委、县政府交办的各项任务", "年度内及时完成"),
            ("质量安全生产大检查及季度考评", "每季按时完成"),
            ("安全日常巡查", "每月按时完成"),
            ("执法检查每月巡查工地", "每月按时完成"),
            ("每季对建筑工地使用商品混凝土质量进行监督抽测", "每季按时完成"),
            ("执法检查每月巡查商品混凝土公司", "每月按时完成"),
            ("发放质量安全宣传资料", "年度内完成"),
            ("竣工验收备案", "按工程竣工后及时完成"),
        ],
    ),
    *_rows(
        "效益指标",
        "社会效益",
        [
            ("施工质量保证率", "100%"),
            ("商品混凝土质量保证率", "达到国家质量标准"),
            ("安全事故控制率", "≤1.5‰"),
        ],
    ),
    RowData("效益指标", "可持续影响指标", "规范建筑市场秩序，促进本县建筑市场持续平稳发展。", ""),
    RowData("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
]


def test_hengdong_seed_form_warns_where_a_reviewer_would():
    data = department_form(rows=HENGDONG, framework=DEPARTMENT_FRAMEWORK)
    # The 18 bare numbers (`100%`, `10次`) are how published forms are written: hints, not warnings.
    assert counts(check_form(data)) == (1, 7)
    assert {w.severity for w in check_form(data) if w.code == "op_missing"} == {Severity.HINT}
    bare_numbers = [2, 3, 4, 5, 6, 7, 8, 9, 10, 13, 14, 15, 16, 17, 18, 20, 21, 34]
    # the 时效 rows reuse the 数量 rows' names (27-32 repeat 2, 3, 4, 5, 6, 8)
    repeats = [27, 28, 29, 30, 31, 32]
    assert found(data) == {
        *(("op_missing", i) for i in bare_numbers),
        *(("duplicate_indicator", i) for i in repeats),
        ("rate_not_percent", 35),  # 保证率 "达到国家质量标准"
        ("value_missing", 37),  # the 可持续影响 row has a sentence for a name and no value
    }


def test_form_data_is_not_changed_by_checking():
    data = project_form(rows=SHANGHAI_3)
    before = replace(data, rows=list(data.rows))
    check_form(data)
    assert data == before


# The row as the national rules define it (issue #14)

OVERALL = TargetScope.OVERALL


def row(level3="抽查工地数", value="=30个", **details) -> RowData:
    return RowData("产出目标", "数量", level3, value, **details)


def codes_on(rows, **form) -> list[tuple[str, int | None]]:
    data = replace(project_form(rows=rows), **form) if form else project_form(rows=rows)
    return [(w.code, w.row) for w in check_form(data)]


DETAIL_ROW_FIRES = [
    ("value_note_required", row(value="按合同约定", sign=Sign.OTHER)),
    ("value_note_required", row(value="按合同约定", sign=Sign.OTHER, value_note="   ")),
    ("value_note_required", row(value="", sign=Sign.OTHER)),
    ("qualitative_without_note", row("制度建设", "健全", sign=Sign.QUALITATIVE)),
    ("op_missing", row(value="100%")),
    ("op_missing", row(value="30个")),
]
DETAIL_ROW_QUIET = [
    ("value_note_required", row(value="按合同约定", sign=Sign.OTHER, value_note="按合同第三条验收")),
    ("value_note_required", row(value="按合同约定", sign=Sign.QUALITATIVE)),
    ("value_note_required", row(value="=30个", sign=Sign.EQ)),
    ("qualitative_without_note", row("制度建设", "健全", sign=Sign.QUALITATIVE, value_note="制度文件印发并执行")),
    ("qualitative_without_note", row("制度建设", "健全")),  # no sign stated: nothing to judge
    ("qualitative_without_note", row("制度建设", "", sign=Sign.QUALITATIVE)),  # value_missing says it
    # a sign chosen in the list states the comparison the value leaves out
    ("op_missing", row(value="100%", sign=Sign.GE)),
    ("op_missing", row(value="30个", sign=Sign.EQ)),
    ("op_missing", row(value="=30个")),
]


@pytest.mark.parametrize(("code", "data"), DETAIL_ROW_FIRES)
def test_detail_row_rule_fires(code, data):
    assert (code, 0) in codes_on([data])


@pytest.mark.parametrize(("code", "data"), DETAIL_ROW_QUIET)
def test_detail_row_rule_stays_quiet(code, data):
    assert code not in {c for c, _row in codes_on([data])}


def test_hints_are_counted_neither_as_errors_nor_as_warnings():
    found_ = check_form(project_form(rows=[row(value="30个"), row("检查数", "")]))
    assert {(w.code, w.severity) for w in found_} == {("op_missing", "hint"), ("value_missing", "error")}
    assert counts(found_) == (1, 0)


WEIGHTED = [
    ([row(weight=Decimal("60")), row("检查数", weight=Decimal("40"))], []),
    ([row(weight=Decimal("60")), row("检查数", weight=Decimal("30"))], [("weights_sum", None)]),
    ([row(weight=Decimal("60")), row("检查数")], [("weights_sum", None), ("weights_missing", 1)]),
    ([row(weight=Decimal("100.01"))], [("weights_sum", None)]),
    # each scope sums to 100 on its own
    ([row(weight=Decimal("100")), row(scope=OVERALL, weight=Decimal("100"))], []),
    ([row(weight=Decimal("100")), row(scope=OVERALL, weight=Decimal("50"))], [("weights_sum", None)]),
]


@pytest.mark.parametrize(("rows", "expected"), WEIGHTED)
def test_weights_sum_to_100_per_scope_when_the_framework_has_weights(rows, expected):
    found_ = [c for c in codes_on(rows, weights_enabled=True) if c[0].startswith("weights_")]
    assert sorted(found_, key=str) == sorted(expected, key=str)


def test_weights_are_not_asked_for_when_the_framework_has_none():
    rows = [row(weight=Decimal("60")), row("检查数")]
    assert not [c for c in codes_on(rows) if c[0].startswith("weights_")]


def test_weights_sum_message_names_the_scope_and_the_total():
    data = replace(project_form(rows=[row(weight=Decimal("12.50"))]), weights_enabled=True)
    [warning] = [w for w in check_form(data) if w.code == "weights_sum"]
    assert "年度目标" in warning.message and "12.5" in warning.message


SCOPES = [
    # (annual, overall, fires)
    ("=12次", "=10次", True),
    ("=12次", "=12次", False),
    ("=8次", "=10次", False),
    ("=12次", "=10家", False),  # another unit: not the same quantity
    ("=98%", "=95%", False),  # a share is not a part of the whole
    ("=10~12次", "=10次", True),  # a range is judged by its top
    ("每月完成", "=10次", False),
]


@pytest.mark.parametrize(("annual", "overall", "fires"), SCOPES)
def test_annual_exceeds_overall(annual, overall, fires):
    rows = [row("检查次数", annual), row("检查 次数", overall, scope=OVERALL)]
    assert (("annual_exceeds_overall", 0) in codes_on(rows)) is fires
    assert ("annual_exceeds_overall", 1) not in codes_on(rows)


def test_annual_exceeds_overall_compares_rows_of_the_same_name_only():
    rows = [row("检查次数", "=12次"), row("复查次数", "=10次", scope=OVERALL)]
    assert "annual_exceeds_overall" not in {c for c, _row in codes_on(rows)}


MULTI_YEAR = {"planned_start": date(2020, 1, 1), "planned_end": date(2022, 12, 31)}


@pytest.mark.parametrize(
    ("header", "scopes", "fires"),
    [
        (MULTI_YEAR, [TargetScope.ANNUAL], True),
        (MULTI_YEAR, [OVERALL], True),
        (MULTI_YEAR, [TargetScope.ANNUAL, OVERALL], False),
        ({}, [TargetScope.ANNUAL], False),  # within one year: one set is the whole plan
        ({"planned_start": None, "planned_end": date(2022, 12, 31)}, [TargetScope.ANNUAL], False),
    ],
)
def test_scope_set_missing(header, scopes, fires):
    rows = [row(f"检查数{i}", scope=scope) for i, scope in enumerate(scopes)]
    data = project_form(rows=rows, header=header)
    assert ("scope_set_missing" in form_codes(data)) is fires


def test_scope_set_missing_message_says_which_set_is_missing():
    data = project_form(rows=[row(scope=OVERALL)], header=MULTI_YEAR)
    [warning] = [w for w in check_form(data) if w.code == "scope_set_missing"]
    assert "2020年至2022年" in warning.message and "只填写了总体目标" in warning.message
    assert "年度目标的指标" in warning.message


@pytest.mark.parametrize(
    ("fund_total", "fires"),
    [
        (Decimal("56061000000"), True),  # 5,606,100 typed into 万元: 560 亿元
        (Decimal("1000000000"), True),  # 100,000 万元, the threshold
        (Decimal("999999999.99"), False),
        (Decimal("5606100"), False),  # 560.61 万元
    ],
)
def test_money_looks_like_yuan_on_department_forms(fund_total, fires):
    data = department_form(budget={"fund_total": fund_total})
    hits = [w for w in check_form(data) if w.code == "money_looks_like_yuan"]
    assert bool(hits) is fires
    if fires:
        assert hits[0].field == "fund_total" and "资金总额" in hits[0].message


def test_money_looks_like_yuan_says_what_was_meant():
    data = department_form(budget={"expense_basic": Decimal("56061000000")})
    [warning] = [w for w in check_form(data) if w.code == "money_looks_like_yuan"]
    assert warning.field == "expense_basic" and "560.61万元" in warning.message


def test_money_looks_like_yuan_threshold_from_settings(settings):
    settings.PERFGOALS_WARNINGS = {"yuan_in_wan_from": "500"}
    data = department_form(budget={"fund_total": Decimal("5606100")})
    assert "money_looks_like_yuan" in form_codes(data)


def test_money_looks_like_yuan_is_for_department_forms_only():
    data = project_form(budget={"total_budget": Decimal("56061000000"), "current_budget": Decimal("56061000000")})
    assert "money_looks_like_yuan" not in form_codes(data)
