"""manage.py import_text: its summary, encodings, unreadable files, --dry-run, --json and --year."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from projects.models import PerformanceForm, Status
from tests.projects.exchange.textdumps import (
    HENGDONG,
    SH_HEADERS,
    SHANGHAI,
    project_form,
)

# --- The command ------------------------------------------------------------------------------


def run_command(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_text", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_import_text_command_prints_a_summary_in_chinese(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text("\t\t截断的行\t=1份\n" + project_form("甲") + project_form(""), encoding="utf-8")

    out, _err = run_command(path)

    assert "找到 3 张表，新导入 1 张，更新 0 张，跳过 2 张，未改动（已不是草稿）0 张；读取指标 2 行。" in out
    assert "跳过：第1张表: 缺少表头" in out
    assert "跳过：第3张表: 缺少项目名称" in out


@pytest.mark.django_db
def test_import_text_command_reports_untouched_forms(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("甲"), encoding="utf-8")
    run_command(path)
    PerformanceForm.objects.update(status=Status.APPROVED)

    out, _err = run_command(path)

    assert "未改动（已不是草稿）1 张" in out
    assert "未改动：第1张表: 「甲」状态为“已批复”，没有改动" in out


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_import_text_command_reads_the_usual_encodings(tmp_path, encoding):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("编码测试"), encoding=encoding)

    run_command(path)

    assert PerformanceForm.objects.get().project_name == "编码测试"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本文件"),
        (b"\xff\xfe\xff\xfe\x80\x80\xff", "无法识别为文本"),
    ],
)
def test_import_text_command_unreadable_file_raises(tmp_path, content, message):
    good = tmp_path / "good.txt"
    good.write_text(project_form("甲"), encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        run_command(good, bad)

    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_command_missing_file_raises(tmp_path):
    with pytest.raises(CommandError, match="无法打开文件"):
        run_command(tmp_path / "missing.txt")


@pytest.mark.django_db
def test_import_text_command_dry_run_json_prints_the_forms():
    out, err = run_command(SHANGHAI, HENGDONG, "--dry-run", "--json")

    forms = json.loads(out)
    assert [f["project"] for f in forms] == [header["项目名称"] for header in SH_HEADERS] + [None]
    for form in forms:
        assert set(form) == {"kind", "year", "unit", "project", "header", "budget", "indicators", "skipped_reason"}
    assert forms[3]["budget"]["资金总额"] == 5606100
    assert "试运行" in err
    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_command_dry_run_json_gives_the_reasons_of_the_import(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("甲") + project_form("日期颠倒").replace("2020-12-31", "2019-12-31"), encoding="utf-8")

    out, _err = run_command(path, "--dry-run", "--json")

    forms = json.loads(out)
    assert [f["skipped_reason"] for f in forms] == [None, "第2张表: 计划完成日期早于计划开始日期"]


@pytest.mark.django_db
def test_import_text_command_json_budget_is_numbers_written_exactly(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(
        project_form(body="项目总预算（元）：\t1,530,000\t项目当年预算（元）：\t1,230,000.10"), encoding="utf-8"
    )

    out, _err = run_command(path, "--dry-run", "--json")

    assert '"项目当年预算": 1230000.10' in out
    [form] = json.loads(out, parse_float=Decimal)
    assert form["budget"] == {"项目总预算": 1530000, "项目当年预算": Decimal("1230000.10")}
    assert type(form["budget"]["项目总预算"]) is int


@pytest.mark.django_db
def test_import_text_command_year_option_checks_the_forms(tmp_path):
    path = tmp_path / "forms.txt"
    path.write_text(project_form("甲", title="财政项目支出绩效目标表") + project_form("乙"), encoding="utf-8")

    out, _err = run_command(path, "--year", "2021")

    assert PerformanceForm.objects.get().year.year == 2021
    assert "第2张表: 表上的年度（2020）与指定的年度（2021）不符" in out
