"""The department overall form (部门整体支出绩效目标表) as a first-class kind."""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import FormKind
from projects import services
from projects.accounts.models import Organization
from projects.exchange.importing import import_text_file
from projects.models import PerformanceForm, Status
from tests.factories import UserFactory

from .helpers import post_data

pytestmark = pytest.mark.django_db

SEED = "fixtures/seeds/hengdong_2021_department_form.txt"

DEPT_HEADER = {
    "duties": "(一)贯彻执行有关法律法规。\n(二)负责质量安全监督。",
    "overall_goal": "保障工程质量安全。",
    "fund_total": "560.61",
    "fund_general": "484.48",
    "fund_gov_fund": "",
    "fund_special_nontax": "76.13",
    "fund_other": "",
    "expense_basic": "480.61",
    "expense_project": "80",
}


@pytest.fixture
def dept_filler(department, year):
    return UserFactory(username="dept_filler", organization=department)


def dept_rows():
    return [
        {"level1": "产出指标", "level2": "数量指标", "level3": "执法检查工地", "value": "2次"},
        {"level1": "产出指标", "level2": "成本指标", "level3": "人员经费", "value": "≤371.29万元"},
        {"level1": "效益指标", "level2": "社会效益", "level3": "施工质量保证率", "value": "100%"},
        {"level1": "满意度指标", "level2": "社会公众或服务对象满意度", "level3": "服务对象满意度", "value": "≥90%"},
    ]


def test_department_create_in_wan_stored_in_yuan(client, dept_filler, year):
    client.force_login(dept_filler)
    page = client.get(reverse("projects:create") + "?kind=department").content.decode()
    assert "部门整体支出绩效目标表" in page and "社会公众或服务对象满意度" in page
    response = client.post(
        reverse("projects:create") + "?kind=department", post_data(dept_rows(), header=DEPT_HEADER, year=year.pk)
    )
    assert response.status_code == 302
    perf_form = PerformanceForm.objects.get()
    assert perf_form.kind == FormKind.DEPARTMENT
    assert perf_form.framework.code == "department-2021"
    assert perf_form.fund_total == Decimal("5606100.00")
    assert perf_form.fund_special_nontax == Decimal("761300.00")
    assert perf_form.fund_gov_fund is None
    edit_page = client.get(response.url).content.decode()
    assert 'value="560.61"' in edit_page and 'value="76.13"' in edit_page
    detail = client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()
    assert "资金总额：560.61" in detail and "项目支出：80.00" in detail


def test_department_second_form_same_year_refused(client, dept_filler, year):
    client.force_login(dept_filler)
    url = reverse("projects:create") + "?kind=department"
    client.post(url, post_data(dept_rows(), header=DEPT_HEADER, year=year.pk))
    response = client.post(url, post_data(dept_rows(), header=DEPT_HEADER, year=year.pk))
    assert response.status_code == 200
    assert "已有部门整体支出绩效目标表" in response.content.decode()
    assert PerformanceForm.objects.count() == 1


def test_unit_filler_cannot_create_department_form(client, filler):
    client.force_login(filler)
    assert client.get(reverse("projects:create") + "?kind=department").status_code == 403


def test_department_money_bad_input_kept(client, dept_filler, year):
    client.force_login(dept_filler)
    header = dict(DEPT_HEADER, fund_total="五百万")
    response = client.post(
        reverse("projects:create") + "?kind=department", post_data(dept_rows(), header=header, year=year.pk)
    )
    page = response.content.decode()
    assert response.status_code == 200 and "请输入金额数字（单位：万元）" in page and "五百万" in page
    assert not PerformanceForm.objects.exists()


@pytest.fixture
def hengdong(db):
    report = import_text_file(SEED)
    assert report.created == 1
    return PerformanceForm.objects.get(kind=FormKind.DEPARTMENT)


def codes(perf_form):
    return {w.code for w in services.form_warnings(perf_form)}


def test_hengdong_real_form_budget_checks_quiet(hengdong):
    assert hengdong.fund_total == Decimal("5606100")
    found = codes(hengdong)
    assert not found & {"budget_income_mismatch", "budget_expense_mismatch", "cost_exceeds_budget"}


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("fund_general", Decimal("4844801"), "budget_income_mismatch"),
        ("expense_basic", Decimal("4806200"), "budget_expense_mismatch"),
    ],
)
def test_hengdong_doctored_budget_fires(hengdong, field, value, code):
    setattr(hengdong, field, value)
    assert code in codes(hengdong)


def test_hengdong_doctored_cost_fires(hengdong):
    row = hengdong.indicators.get(value__contains="371.29")
    row.value = "≤372.29万元"
    row.save()
    assert "cost_exceeds_budget" in codes(hengdong)


def test_department_review_skips_department_step(hengdong, admin_user, finance_bureau):
    hengdong.indicators.filter(value="").update(value="持续发挥作用")
    department = hengdong.unit
    department.parent = finance_bureau
    department.save()
    filler = UserFactory(username="hd_filler", organization=department)
    reviewer = UserFactory(username="hd_finance", organization=finance_bureau, role="finance_reviewer")
    reviewer.assigned_departments.set([department])
    perf_form = services.submit(perf_form=hengdong, by=filler)
    assert perf_form.status == Status.DEPT_APPROVED
    perf_form = services.approve(perf_form=perf_form, by=reviewer)
    assert perf_form.status == Status.APPROVED


def test_department_queue_kind_filter(client, hengdong, admin_user, perf_form):
    client.force_login(admin_user)
    PerformanceForm.objects.filter(pk__in=[hengdong.pk, perf_form.pk]).update(status=Status.SUBMITTED)
    page = client.get(reverse("projects:queue"), {"kind": "department"}).content.decode()
    assert hengdong.title in page and perf_form.project_name not in page


def test_department_is_organization_of_kind_department(hengdong):
    assert hengdong.unit.kind == Organization.Kind.DEPARTMENT


def test_department_edit_post_saves_in_yuan_and_keeps_rows(client, dept_filler, year):
    client.force_login(dept_filler)
    client.post(
        reverse("projects:create") + "?kind=department", post_data(dept_rows(), header=DEPT_HEADER, year=year.pk)
    )
    perf_form = PerformanceForm.objects.get()
    kept = list(perf_form.indicators.order_by("position"))
    rows = [{"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": r.value} for r in kept]
    rows[1]["value"] = "≤380万元"
    rows[2]["DELETE"] = True
    rows.append({"level1": "效益指标", "level2": "可持续影响指标", "level3": "长效监管机制", "value": "持续发挥作用"})
    header = dict(
        DEPT_HEADER,
        overall_goal="全年无重大质量安全事故。",
        fund_total="560.612345",
        fund_general="484.482345",
        expense_basic="480.612345",
    )
    url = reverse("projects:edit", args=[perf_form.pk])
    assert "560.61" in client.get(url).content.decode()

    response = client.post(url, post_data(rows, header=header, version=perf_form.version, initial_forms=len(kept)))

    assert response.status_code == 302 and response.url == url
    perf_form.refresh_from_db()
    assert perf_form.version == 2
    assert perf_form.overall_goal == "全年无重大质量安全事故。"
    assert perf_form.fund_total == Decimal("5606123.45")  # exact in 元: 万元 with six decimals
    assert perf_form.fund_general == Decimal("4844823.45")
    assert perf_form.expense_project == Decimal("800000.00")
    assert perf_form.fund_gov_fund is None
    assert list(perf_form.indicators.order_by("position").values_list("level3", "value")) == [
        ("执法检查工地", "2次"),
        ("人员经费", "≤380万元"),
        ("服务对象满意度", "≥90%"),
        ("长效监管机制", "持续发挥作用"),
    ]
    # Rows that stay keep their identity.
    assert perf_form.indicators.get(level3="人员经费").pk == kept[1].pk
    detail = client.get(reverse("projects:detail", args=[perf_form.pk])).content.decode()
    assert "资金总额：560.612345" in detail


def test_department_edit_post_bad_money_saves_nothing(client, dept_filler, year):
    client.force_login(dept_filler)
    client.post(
        reverse("projects:create") + "?kind=department", post_data(dept_rows(), header=DEPT_HEADER, year=year.pk)
    )
    perf_form = PerformanceForm.objects.get()
    rows = [
        {"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": r.value}
        for r in perf_form.indicators.order_by("position")
    ]
    header = dict(DEPT_HEADER, fund_total="五百万", overall_goal="改过的目标")
    response = client.post(
        reverse("projects:edit", args=[perf_form.pk]),
        post_data(rows, header=header, version=perf_form.version, initial_forms=len(rows)),
    )
    assert response.status_code == 200 and "请输入金额数字（单位：万元）" in response.content.decode()
    perf_form.refresh_from_db()
    assert perf_form.version == 1 and perf_form.overall_goal == DEPT_HEADER["overall_goal"]
    assert perf_form.fund_total == Decimal("5606100.00")
