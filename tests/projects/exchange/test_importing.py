"""Parsed forms saved: no duplicates, drafts updated, forms in review untouched, dry runs, refusals."""

from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from indicators.choices import Sign
from indicators.models import IndicatorFramework
from projects import services
from projects.accounts.models import Organization
from projects.exchange import bulk
from projects.exchange.importing import import_text, import_text_file
from projects.models import FiscalYear, Indicator, PerformanceForm, Status
from projects.services.content import fit_number as _fit
from tests.factories import FiscalYearFactory, OrganizationFactory, UserFactory, framework
from tests.projects.exchange.helpers import page_texts
from tests.projects.exchange.textdumps import (
    DEPARTMENT_FORM,
    HENGDONG,
    SHANGHAI,
    db_rows,
    project_form,
)

# --- Importing ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_text_twice_creates_no_duplicates():
    first = [import_text_file(SHANGHAI), import_text_file(HENGDONG)]
    ids = sorted(Indicator.objects.values_list("pk", flat=True))

    second = [import_text_file(SHANGHAI), import_text_file(HENGDONG)]

    assert [(r.created, r.updated) for r in first] == [(3, 0), (1, 0)]
    assert [(r.created, r.updated) for r in second] == [(0, 3), (0, 1)]
    assert PerformanceForm.objects.count() == 4
    assert Organization.objects.count() == 4
    assert FiscalYear.objects.count() == 2
    assert sorted(Indicator.objects.values_list("pk", flat=True)) == ids


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
def test_import_text_updates_an_editable_form(status):
    import_text(project_form(body="项目概况：\t旧概况"))
    perf_form = PerformanceForm.objects.get()
    PerformanceForm.objects.filter(pk=perf_form.pk).update(status=status, category="手改")

    report = import_text(
        project_form(body="项目概况：\t新概况").replace("检查项目数\t=10个", "检查项目数\t=12个\n\t\t抽查数\t=3个")
    )

    perf_form.refresh_from_db()
    assert [o.action for o in report.outcomes] == ["updated"]
    assert (perf_form.overview, perf_form.category, perf_form.version) == ("新概况", "经常性项目", 2)
    assert db_rows(perf_form) == [("产出目标", "数量", "检查项目数", "=12个"), ("产出目标", "数量", "抽查数", "=3个")]
    assert perf_form.indicators.get(level3="检查项目数").target_low == Decimal("12")


@pytest.mark.django_db
@pytest.mark.parametrize("status", [Status.SUBMITTED, Status.DEPT_APPROVED, Status.APPROVED])
def test_import_text_leaves_a_form_in_review_untouched(status):
    import_text(project_form("送审项目", body="项目概况：\t旧概况"))
    PerformanceForm.objects.update(status=status)

    report = import_text(project_form("送审项目", body="项目概况：\t新概况"))

    perf_form = PerformanceForm.objects.get()
    assert (perf_form.overview, perf_form.status, perf_form.version) == ("旧概况", status, 1)
    assert [o.action for o in report.outcomes] == ["untouched"]
    assert report.untouched[0].reason.startswith("第1张表: 「送审项目」状态为")
    assert "没有改动" in report.untouched[0].reason


@pytest.mark.django_db
def test_import_text_broken_form_in_the_middle_is_reported_and_the_others_imported():
    text = project_form("第一个") + project_form("") + project_form("第三个")

    report = import_text(text)

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第三个"]
    assert (report.created, [o.reason for o in report.skipped]) == (2, ["第2张表: 缺少项目名称"])


@pytest.mark.django_db
def test_import_text_form_the_database_refuses_is_skipped_alone():
    broken = project_form("日期有误").replace("2020-12-31", "2020-13-45")
    reversed_dates = project_form("日期颠倒", unit="新单位").replace("2020-12-31", "2019-12-31")

    report = import_text(project_form("第一个") + broken + reversed_dates + project_form("第四个"))

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第四个"]
    assert [o.reason.split(":")[0] for o in report.skipped] == ["第2张表", "第3张表"]
    assert report.skipped[0].reason == "第2张表: 计划完成日期无法识别：2020-13-45"
    assert report.skipped[1].reason == "第3张表: 计划完成日期早于计划开始日期"
    assert not Organization.objects.filter(name="新单位").exists()


@pytest.mark.django_db
def test_import_text_puts_a_new_unit_under_the_department_the_form_names():
    existing = OrganizationFactory(name="老单位")
    text = project_form("甲", unit="新单位", body="主管部门名称：\t某委员会") + project_form("乙", unit="老单位")

    import_text(text)

    new_unit = Organization.objects.get(name="新单位")
    assert (new_unit.kind, new_unit.parent.name, new_unit.parent.kind) == ("unit", "某委员会", "department")
    assert new_unit.parent.parent.kind == "finance"
    assert Organization.objects.get(name="老单位").parent == existing.parent
    assert not Organization.objects.filter(name="导入单位（待归属）").exists()


@pytest.mark.django_db
def test_import_text_uses_the_framework_of_an_existing_year():
    FiscalYearFactory(year=2020, project_framework=framework("national-2021-project"))

    import_text(project_form("甲"))

    perf_form = PerformanceForm.objects.get()
    assert perf_form.framework.code == "national-2021-project"
    assert db_rows(perf_form) == [("产出指标", "数量指标", "检查项目数", "=10个")]


@pytest.mark.django_db
def test_import_text_department_form_of_a_registered_unit_is_skipped():
    OrganizationFactory(name="甲局")

    report = import_text(DEPARTMENT_FORM)

    assert [o.reason for o in report.skipped] == ["第1张表: 「甲局」已登记为预算单位，不是主管部门"]
    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_department_form_needs_a_department_framework_for_its_year():
    FiscalYearFactory(year=2021, project_framework=framework("national-2021-project"), department_framework=None)

    report = import_text(DEPARTMENT_FORM)

    assert [o.reason for o in report.skipped] == ["第1张表: 2021年度没有设置部门整体指标体系"]
    assert PerformanceForm.objects.count() == 0


@pytest.mark.django_db
def test_import_text_dry_run_writes_nothing():
    report = import_text(SHANGHAI.read_text(encoding="utf-8"), dry_run=True)

    assert (report.created, report.indicator_rows) == (3, 42)
    for model in (PerformanceForm, Indicator, Organization, FiscalYear, IndicatorFramework):
        assert model.objects.count() == 0, model


@pytest.mark.django_db
def test_import_text_dry_run_reports_the_real_outcome():
    import_text(project_form("甲") + project_form("乙"))
    PerformanceForm.objects.filter(project_name="乙").update(status=Status.SUBMITTED)

    report = import_text(
        project_form("甲", body="项目概况：\t新") + project_form("乙") + project_form("丙"), dry_run=True
    )

    assert [o.action for o in report.outcomes] == ["updated", "untouched", "created"]
    assert PerformanceForm.objects.count() == 2
    assert PerformanceForm.objects.get(project_name="甲").overview == ""


@pytest.mark.django_db
def test_import_text_unexpected_error_skips_only_that_form(monkeypatch):
    write_content = services.write_content

    def failing(perf_form, values, rows):
        if perf_form.project_name == "出错":
            raise RuntimeError("boom")
        return write_content(perf_form, values, rows)

    monkeypatch.setattr(services.content, "write_content", failing)

    report = import_text(project_form("第一个") + project_form("出错") + project_form("第三个"))

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第三个"]
    assert [o.reason for o in report.skipped] == ["第2张表: 导入时出错（boom），已跳过"]


LONG = "长" * 501


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        (project_form("甲").replace("=10个", LONG), "第2张表: 第1行指标的指标目标值超过500个字：" + "长" * 30 + "…"),
        (project_form("甲").replace("\t数量\t", f"\t{LONG[:101]}\t"), "第2张表: 第1行指标的二级指标超过100个字："),
        (project_form(LONG[:201]), "第2张表: 项目名称超过200个字："),
        (project_form("甲", unit=LONG[:201]), "第2张表: 单位名称超过200个字："),
        (project_form("甲", body="项目总预算（元）：\t" + "9" * 14), "第2张表: 项目总预算（元）金额过大：" + "9" * 14),
    ],
)
def test_import_text_value_too_long_for_its_column_is_skipped_with_a_reason(broken, reason):
    report = import_text(project_form("第一个") + broken + project_form("第三个"))

    assert sorted(PerformanceForm.objects.values_list("project_name", flat=True)) == ["第一个", "第三个"]
    [skipped] = report.skipped
    assert skipped.reason.startswith(reason)


@pytest.mark.parametrize(
    ("number", "fitted"),
    [
        (Decimal("1" * 5000), None),
        (Decimal("1" * 19), None),
        (Decimal("999999999999999999.9999999"), None),
        (Decimal("1" * 18), Decimal("1" * 18)),
        (Decimal("12.12345678"), Decimal("12.123457")),
        (Decimal("50"), Decimal("50")),
        (None, None),
    ],
)
def test_fit_keeps_what_the_target_column_holds(number, fitted):
    assert _fit(number) == fitted


PUBLISHED_LABELS = "\n".join(
    [
        "产出目标\t数量指标\t检查项目数\t=10个",
        "\t\t复查项目数\t>=5个",
        "效果目标\t环境效益\t绿化覆盖率\t≥35%",
        "\t生态效益\t扬尘达标率\t100%",
        "",
    ]
)


@pytest.mark.django_db
def test_import_keeps_a_published_label_and_files_the_row_under_its_node(client, tmp_path):
    import_text(project_form("标签项目").replace("产出目标\t数量\t检查项目数\t=10个\n", PUBLISHED_LABELS))
    perf_form = PerformanceForm.objects.get(project_name="标签项目")
    rows = list(perf_form.indicators.values_list("level2", "level2_label", "level3", "sign"))
    assert rows == [
        ("数量", "数量指标", "检查项目数", Sign.EQ),
        ("数量", "数量指标", "复查项目数", Sign.GE),  # a merged 二级 cell: the label holds for the rows below it
        ("生态效益", "环境效益", "绿化覆盖率", Sign.GE),
        ("生态效益", "", "扬尘达标率", ""),  # printed as the framework names it: no label
    ]
    # The official table and the export print the 二级 as published.
    client.force_login(UserFactory(username="admin", is_superuser=True, is_staff=True))
    page = page_texts(client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode())
    assert "环境效益" in page and "数量指标" in page and "数量" not in page
    path = tmp_path / "x.xlsx"
    bulk.export_forms(PerformanceForm.objects.all(), path)
    sheet = openpyxl.load_workbook(path)["指标"]
    heads = [c.value for c in sheet[1]]
    printed = [row[heads.index("二级指标（原表名称）")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    nodes = [row[heads.index("二级指标")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert printed == ["数量指标", "数量指标", "环境效益", "生态效益"]
    assert nodes == ["数量", "数量", "生态效益", "生态效益"]
