"""The parser of published form text: titles, header and budget, indicator rows, the department layout, broken input."""

import json
from decimal import Decimal

import pytest

from projects.exchange import textimport
from projects.exchange.textimport import Vocabulary, clean_cell, json_text, parse_money, parse_text
from tests.projects.exchange.textdumps import (
    DEPARTMENT_FORM,
    HD_ROWS,
    HENGDONG,
    TABLE_HEAD,
    TITLE,
    as_rows,
    only_form,
    project_form,
)

# --- Messy dumps, on small handmade snippets -------------------------------------------------


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("财政项目支出绩效目标表 (2020年度)\t\t\t", "project", 2020),
        ("财政项目支出绩效目标表\t\t\t\n(2020年度)\t\t\t", "project", 2020),
        ("财政项目支出绩效目标表\n\n（2019年度）", "project", 2019),
        ("2021年项目支出绩效目标表", "project", 2021),
    ],
)
def test_parse_text_title_gives_kind_and_year(title, kind, year):
    form = only_form(project_form(title=title))

    assert (form.kind, form.year, form.project) == (kind, year, "测试项目")


def test_parse_text_rows_without_leading_tabs_fall_under_framework_names():
    table = "\n".join(
        [
            TABLE_HEAD,
            "产出目标\t数量\t检查项目数\t=10个",
            "\t\t三级医院检查数\t=3家",
            "时效\t检查完成时间\t=11月底前\t",
            "汇编进行时间\t\t=3月~11月\t",
            "\t按时完成率\t100%\t",
            "影响力目标\t长效管理\t长效机制\t健全",
            "社会效益\t群众知晓率\t>=80%\t",
            "\t\t满意度\t>=90%",
            "满意度\t>=95%\t\t",
        ]
    )
    [form] = parse_text(f"{TITLE}\n申报单位名称：甲\n项目名称：\t乙\n{table}")

    assert as_rows(form.indicators) == [
        ("产出目标", "数量", "检查项目数", "=10个"),
        ("产出目标", "数量", "三级医院检查数", "=3家"),
        ("产出目标", "时效", "检查完成时间", "=11月底前"),
        ("产出目标", "时效", "汇编进行时间", "=3月~11月"),
        ("产出目标", "时效", "按时完成率", "100%"),
        ("影响力目标", "长效管理", "长效机制", "健全"),
        # 社会效益 belongs to 效果目标, not to the 一级 of the row before.
        ("效果目标", "社会效益", "群众知晓率", ">=80%"),
        # A 三级 that shares a 二级's name: in the 三级 column, or followed only by a target.
        ("效果目标", "社会效益", "满意度", ">=90%"),
        ("效果目标", "社会效益", "满意度", ">=95%"),
    ]


def test_parse_text_uses_the_names_of_the_framework_given():
    national = {"产出指标": ["数量指标", "时效指标"], "效益指标": ["社会效益指标"]}
    aliases = {"产出指标": ["产出目标"], "数量指标": ["数量"], "时效指标": ["时效"], "社会效益指标": ["社会效益"]}
    table = f"{TABLE_HEAD}\n产出目标\t数量\t检查项目数\t=10个\n时效\t完成时间\t年底前\t\n社会效益\t知晓率\t>=80%"

    [form] = parse_text(
        f"{TITLE}\n申报单位名称：甲\n项目名称：\t乙\n{table}",
        lambda kind, year: Vocabulary(national, aliases),
    )

    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "检查项目数", "=10个"),
        ("产出指标", "时效指标", "完成时间", "年底前"),
        ("效益指标", "社会效益指标", "知晓率", ">=80%"),
    ]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        ("<p>第一段</p> <p>第二段</p>", "第一段\n第二段"),
        ("甲<br>乙<br/>丙", "甲\n乙\n丙"),
        ("<p>项目实施计划：</p>", "项目实施计划："),
        ("依据&lt;办法&gt;&nbsp;执行 A&amp;B", "依据<办法> 执行 A&B"),
        ("关于发布<上海市建设工程监督检测管理办法>的通知", "关于发布<上海市建设工程监督检测管理办法>的通知"),
        ('<span style="color:red">红字</span><script>alert(1)</script>', "红字"),
        ("  =50家 ", "=50家"),
    ],
)
def test_clean_cell_returns_plain_text(cell, text):
    assert clean_cell(cell) == text


def test_parse_text_strips_markup_around_labels_values_and_cells():
    body = "\n".join(
        [
            "<p>项目实施计划：</p>\t<p>资金使用计划为：（1）1-6月</p> <p>（2）1-10月</p>\t\t",
            "项目概况：\t<p>依据《办法》<br>和&lt;规定&gt;</p>\t\t",
        ]
    )
    form = only_form(project_form(body=body).replace("\t检查项目数\t=10个", "\t<p>检查项目数</p>\t<p>=10个</p>"))

    assert form.header["项目实施计划"] == "资金使用计划为：（1）1-6月\n（2）1-10月"
    assert form.header["项目概况"] == "依据《办法》\n和<规定>"
    assert as_rows(form.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]


def test_parse_text_values_run_over_lines_and_start_on_the_next_line():
    body = "\n".join(
        [
            "项目概况：\t\t\t",
            "\t第一段。",
            "第二段。\t\t",
            "",
            "立项依据：\t依据一；",
            "依据二。",
            "项目实施计划：",
            "<p>按季度实施</p>",
        ]
    )
    form = only_form(project_form(body=body))

    assert form.header["项目概况"] == "第一段。\n第二段。"
    assert form.header["立项依据"] == "依据一；\n依据二。"
    assert form.header["项目实施计划"] == "按季度实施"


@pytest.mark.parametrize(
    ("text", "unit", "amount"),
    [
        ("1,530,000", "元", 1530000),
        ("517500", "元", 517500),
        ("１，２００", "元", 1200),
        ("12.5", "元", Decimal("12.50")),
        ("560.61万元", "元", 5606100),
        ("76.13万元", "元", 761300),
        ("560.61", "万元", 5606100),
        ("80万元", "元", 800000),
        ("", "元", None),
        ("  ", "万元", None),
        ("—", "元", None),
    ],
)
def test_parse_money_gives_yuan(text, unit, amount):
    assert parse_money(text, unit) == amount


# The last is longer than Decimal's precision: quantize used to raise InvalidOperation.
@pytest.mark.parametrize("text", ["约50万", "0.001", "0.0000001万元", "-5", "五十万元", "1" * 30])
def test_parse_money_unreadable_raises(text):
    with pytest.raises(ValueError):
        parse_money(text)


def test_parse_text_budget_labels_in_either_bracket_and_empty_last_year():
    body = "\n".join(
        [
            "本项目上年度市级财政资金使用情况\t\t\t",
            "项目总预算(元)：\t1,530,000\t项目当年预算（元）：\t1,230,000.50",
            "同名项目上年预算额（元）：\t\t同名项目上年预算执行数(元)：\t",
        ]
    )
    form = only_form(project_form(body=body))

    assert form.budget == {
        "项目总预算": 1530000,
        "项目当年预算": Decimal("1230000.50"),
        "同名项目上年预算额": None,
        "同名项目上年预算执行数": None,
    }


def test_parse_text_unreadable_amount_skips_the_form():
    [form] = parse_text(project_form(body="项目总预算（元）：\t约五十万\t项目当年预算（元）：\t1"))

    assert form.skipped_reason == "第1张表: 金额无法识别（项目总预算：约五十万）"


def test_parse_text_ignores_separator_and_blank_lines():
    text = project_form(body="------------\n\n项目概况：\t概况\n————————\n").replace(
        TABLE_HEAD, f"------------\n{TABLE_HEAD}\n\n------------"
    )

    form = only_form(text)

    assert form.header["项目概况"] == "概况"
    assert as_rows(form.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]


def test_parse_text_truncated_form_at_start_is_reported_and_the_rest_read():
    text = "\t\t培训情况总结\t=1份\n影响力目标\t长效管理\t长效机制\t健全\n\n" + project_form("完整项目")

    truncated, form = parse_text(text)

    assert truncated.skipped_reason.startswith("第1张表: 缺少表头")
    assert truncated.indicators == []
    assert (form.number, form.project, form.skipped_reason) == (2, "完整项目", None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (project_form(""), "第1张表: 缺少项目名称"),
        (project_form(unit=""), "第1张表: 缺少申报单位名称"),
        (project_form(title="财政项目支出绩效目标表"), "第1张表: 缺少年度"),
    ],
)
def test_parse_text_form_missing_identity_is_skipped(text, reason):
    [form] = parse_text(text)

    assert form.skipped_reason == reason


def test_parse_text_year_fills_a_missing_year_and_refuses_another():
    without_year, other_year = parse_text(
        project_form("甲", title="财政项目支出绩效目标表") + project_form("乙", title="2019年项目支出绩效目标表"),
        year=2020,
    )

    assert (without_year.year, without_year.skipped_reason) == (2020, None)
    assert other_year.skipped_reason == "第2张表: 表上的年度（2019）与指定的年度（2020）不符"


def test_parse_text_department_form_one_cell_per_line():
    form = only_form(DEPARTMENT_FORM)

    assert (form.kind, form.year, form.unit, form.department, form.project) == (
        "department",
        2021,
        "甲局",
        "甲局",
        None,
    )
    assert form.header == {
        "填报单位": "甲局",
        "部门名称": "甲局",
        "部门职能职责概述": "(一)负责甲。\n(二)负责乙。",
        "整体绩效目标": "目标一。\n目标二。",
    }
    # A bare number under the （万元） heading is in 万元 as well.
    assert form.budget == {"资金总额": 125000, "一般公共预算": 100000, "政府性基金拨款": None}
    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "巡查次数", "500次"),
        ("效益指标", "社会效益", "事故控制率", "≤1.5‰"),
        ("效益指标", "可持续影响指标", "规范市场秩序。", ""),
        ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
    ]


def test_parsed_form_to_json_has_exactly_the_specified_keys():
    [form] = parse_text(project_form(body="项目总预算（元）：\t12.5"))

    data = form.to_json()

    assert set(data) == {"kind", "year", "unit", "project", "header", "budget", "indicators", "skipped_reason"}
    assert data["budget"] == {"项目总预算": Decimal("12.50")}
    assert data["indicators"] == [
        {"level1": "产出目标", "level2": "数量", "level3": "检查项目数", "value": "=10个", "level2_label": ""}
    ]
    assert json.loads(json_text(data), parse_float=Decimal)["budget"] == {"项目总预算": Decimal("12.50")}


# --- Rows, titles and units the reviewer found misread --------------------------------------------


SHORT_FORM_HEAD = f"{TITLE}\n申报单位名称：甲\n项目名称：\t乙"


def test_parse_text_department_row_without_its_empty_lines_keeps_its_levels():
    text = HENGDONG.read_text(encoding="utf-8")
    lost = text.replace("\n\t\n\t\n\t质量指标\n", "\n\t质量指标\n")
    assert lost != text

    [form] = parse_text(lost)

    assert as_rows(form.indicators) == HD_ROWS


def test_parse_text_department_tab_layout_finds_framework_names_in_any_column():
    table = "\n".join(
        [
            "部门整体支出年度绩效指标\t一级指标\t二级指标\t三级指标\t指标值及单位",
            "\t产出指标\t数量指标\t巡查次数\t500次",
            "\t\t质量指标\t合格率\t100%",
            "成本指标\t人员经费\t≤10万元",
            "\t\t社会效益\t事故控制率\t≤1.5‰",
            "满意度\t≧90%",
            "社会公众或服务对象满意度\t服务对象满意度\t≧90%",
        ]
    )
    text = DEPARTMENT_FORM[: DEPARTMENT_FORM.index("\t部门整体支出年度绩效指标")] + table

    form = only_form(text)

    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "巡查次数", "500次"),
        ("产出指标", "质量指标", "合格率", "100%"),
        ("产出指标", "成本指标", "人员经费", "≤10万元"),
        ("效益指标", "社会效益", "事故控制率", "≤1.5‰"),
        ("效益指标", "社会效益", "满意度", "≧90%"),
        ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
    ]


@pytest.mark.parametrize(
    ("title", "kind", "year"),
    [
        ("财政项目支出绩效目标表\t(2020年度)", "project", 2020),
        ("财政项目支出绩效目标表(2020)", "project", 2020),
        ("财政项目支出绩效目标表\n(2019)", "project", 2019),
        ("衡东县2021年部门整体支出绩效目标表", "department", 2021),
    ],
)
def test_parse_text_title_variants_start_a_new_form(title, kind, year):
    second = DEPARTMENT_FORM.replace("2021年部门整体支出绩效目标表", title) if kind == "department" else ""
    second = second or project_form("第二个", title=title)

    first, form = parse_text(project_form("第一个") + second)

    assert as_rows(first.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]
    assert (form.number, form.kind, form.year, form.skipped_reason) == (2, kind, year, None)


def test_parse_text_missed_title_never_runs_into_the_previous_table():
    missed = project_form("第二个", title="财政项目支出绩效目标申报表\t\t\n（二〇二〇年度）")

    first, second = parse_text(project_form("第一个") + missed)

    assert (first.project, first.skipped_reason) == ("第一个", None)
    assert as_rows(first.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]
    assert second.project == "第二个"
    assert second.skipped_reason == "第2张表: 没有识别出表的标题（“……绩效目标表”及年度），请检查标题行"


def test_parse_text_form_without_title_or_table_heading_is_split_at_its_second_unit_label():
    second_form = "申报单位名称：丙\n项目名称：\t丁\n产出目标\t数量\t抽查数\t=1个"
    text = f"{SHORT_FORM_HEAD}\n产出目标\t数量\t检查数\t=5个\n{second_form}"

    first, second = parse_text(text)

    assert as_rows(first.indicators) == [("产出目标", "数量", "检查数", "=5个")]
    assert (second.unit, second.project) == ("丙", "丁")
    assert second.skipped_reason.startswith("第2张表: 没有识别出表的标题")


def test_parse_text_unit_in_the_heading_cell_applies_to_the_amounts_below():
    form = only_form(project_form(body="年度预算申请（万元）\t\t\t\n项目总预算：\t12.5\t项目当年预算（元）：\t3"))

    assert form.budget == {"项目总预算": 125000, "项目当年预算": 3}


def test_parse_text_department_budget_without_a_unit_is_in_ten_thousands():
    text = DEPARTMENT_FORM.replace("（万元）\n", "")
    assert text != DEPARTMENT_FORM

    form = only_form(text)

    assert form.budget == {"资金总额": 125000, "一般公共预算": 100000, "政府性基金拨款": None}


def test_parse_text_wrapped_target_and_name_join_the_row_before():
    table = "\n".join(
        [
            TABLE_HEAD,
            "产出目标\t数量\t检查数",
            "=5个",
            "\t\t对在建的工程项目实施建材",
            "监督抽检率\t",
            "\t\t\t≥30%",
            "\t\t竣工验收备案\t",
            "质量",
            "合格率\t100%",
        ]
    )

    form = only_form(f"{SHORT_FORM_HEAD}\n{table}")

    assert as_rows(form.indicators) == [
        ("产出目标", "数量", "检查数", "=5个"),
        ("产出目标", "数量", "对在建的工程项目实施建材监督抽检率", "≥30%"),
        # A 二级 name on its own line opens a category; it does not continue the name.
        ("产出目标", "数量", "竣工验收备案", ""),
        ("产出目标", "质量", "合格率", "100%"),
    ]


def test_parse_text_table_without_its_heading_starts_at_a_level1_row():
    body = "\n".join(
        [
            "项目总预算（元）：\t517,500\t项目当年预算（元）：\t517,500",
            "同名项目上年预算额（元）：\t\t同名项目上年预算执行数（元）：\t",
            "产出目标\t数量\t检查数\t=5个",
            "\t\t抽查数\t=3个",
        ]
    )

    form = only_form(f"{SHORT_FORM_HEAD}\n{body}")

    assert form.budget == {
        "项目总预算": 517500,
        "项目当年预算": 517500,
        "同名项目上年预算额": None,
        "同名项目上年预算执行数": None,
    }
    assert as_rows(form.indicators) == [("产出目标", "数量", "检查数", "=5个"), ("产出目标", "数量", "抽查数", "=3个")]


def test_parse_text_department_table_without_its_heading_keeps_its_columns():
    heading = "\t部门整体支出年度绩效指标\n\t一级指标\n\t二级指标\n\t三级指标\n\t指标值及单位\n\n"
    assert heading in DEPARTMENT_FORM

    form = only_form(DEPARTMENT_FORM.replace(heading, ""))

    assert form.header["整体绩效目标"] == "目标一。\n目标二。"
    assert as_rows(form.indicators) == [
        ("产出指标", "数量指标", "巡查次数", "500次"),
        ("效益指标", "社会效益", "事故控制率", "≤1.5‰"),
        ("效益指标", "可持续影响指标", "规范市场秩序。", ""),
        ("满意度指标", "社会公众或服务对象满意度", "服务对象满意度", "≧90%"),
    ]


def test_parse_text_form_that_breaks_the_parser_is_reported_and_the_rest_read(monkeypatch):
    read_table = textimport._read_table
    calls = []

    def failing(lines, names):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("boom")
        return read_table(lines, names)

    monkeypatch.setattr(textimport, "_read_table", failing)

    first, second, third = parse_text(project_form("第一个") + project_form("第二个") + project_form("第三个"))

    assert [first.skipped_reason, third.skipped_reason] == [None, None]
    assert second.skipped_reason == "第2张表: 读取时出错（boom），已跳过"
    assert as_rows(third.indicators) == [("产出目标", "数量", "检查项目数", "=10个")]
