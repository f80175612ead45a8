"""The benchmark's own unit, accounts and 40-indicator forms, made once through the services.

They live under a department of their own that only the wide-scope finance reviewer
(syn_fin_all) is assigned to, so the load test, which never logs in as that reviewer, never
moves them on. Each run checks they are still in the state it measures and remakes them if not.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from projects import services
from projects.accounts.models import Organization, User
from projects.devdata.synthetic import DEFAULT_PASSWORD, FINANCE_ALL_USERNAME, filler_username
from projects.models import FiscalYear, PerformanceForm, Status

DEPARTMENT = "基准测试主管部门"
UNIT = "基准测试单位"
FILLER = "bench_filler"
DEPT_REVIEWER = "bench_dept"
ADMIN = "bench_admin"
REVIEW_FORM = "基准测试·审核页40项指标"
SAVE_FORM = "基准测试·保存40项指标"
ROWS = 40

# (一级, 二级) of the national 2021 project framework, the synthetic year's, cycled over 40 rows.
PAIRS = [
    ("产出指标", "数量指标"),
    ("产出指标", "质量指标"),
    ("产出指标", "时效指标"),
    ("成本指标", "经济成本"),
    ("效益指标", "社会效益指标"),
    ("效益指标", "可持续影响指标"),
    ("满意度指标", "服务对象满意度指标"),
]
VALUES = ["=50家", "≥95%", "=12次", "≤30万元", "≥90%", "长期", "≥90%"]


@dataclass
class BenchFixtures:
    year: FiscalYear
    filler: User  # a synthetic unit's filler, for "my forms"
    bench_filler: User
    finance: User
    admin: User
    review_form: PerformanceForm
    save_form: PerformanceForm


def header_values(year: int, project_name: str) -> dict:
    return {
        "project_name": project_name,
        "category": "其他一次性项目",
        "planned_start": date(year, 1, 1),
        "planned_end": date(year, 12, 31),
        "gov_purchase": False,
        "performance_type": "其他类",
        "overview": "基准测试项目概况",
        "basis": "立项依据",
        "necessity": "必要性",
        "safeguards": "制度措施",
        "implementation_plan": "实施计划",
        "goals": "总目标",
        "total_budget": Decimal("1530000"),
        "current_budget": Decimal("1530000"),
        "prev_budget": Decimal("1500000"),
        "prev_executed": Decimal("1490000"),
    }


def rows(changed: int | None = None) -> list[services.RowInput]:
    result = []
    for i in range(ROWS):
        level1, level2 = PAIRS[i % len(PAIRS)]
        value = VALUES[i % len(PAIRS)]
        if i == changed:
            value = "=60家"
        result.append(services.RowInput(level1, level2, f"{level2}·基准指标{i + 1}", value))
    return result


def _user(username: str, role: str, org: Organization, **extra) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, first_name=username, role=role, organization=org, **extra)
        user.set_password(DEFAULT_PASSWORD)
        user.save()
    return user


def _review_form(year, filler, dept_reviewer, finance) -> PerformanceForm:
    """Awaiting finance, resubmitted once after a return: the review page shows a diff."""
    form = PerformanceForm.objects.filter(year=year, unit=filler.organization, project_name=REVIEW_FORM).first()
    if form is not None and form.status == Status.DEPT_APPROVED and form.submissions.count() == 2:
        return form
    if form is not None:
        form.project_name = f"{REVIEW_FORM}（旧{form.pk}）"
        form.save(update_fields=["project_name"])
    form = services.create_form(
        by=filler, year=year, kind="project", values=header_values(year.year, REVIEW_FORM), rows=rows()
    )
    form = services.submit(perf_form=form, by=filler)
    form = services.approve(perf_form=form, by=dept_reviewer)
    first = form.indicators.order_by("position").first()
    form = services.return_form(
        perf_form=form, by=finance, reason="请核对第一项指标的目标值。", row_comments={first.pk: "偏低"}
    )
    kept = [services.RowInput(r.level1, r.level2, r.level3, r.value, id=r.pk) for r in form.indicators.all()]
    kept[0].value = "=60家"
    form = services.save_form(perf_form=form, by=filler, values={}, rows=kept, expected_version=form.version)
    form = services.submit(perf_form=form, by=filler)
    return services.approve(perf_form=form, by=dept_reviewer)


def _save_form(year, filler) -> PerformanceForm:
    form = PerformanceForm.objects.filter(year=year, unit=filler.organization, project_name=SAVE_FORM).first()
    if form is not None and form.is_editable and form.indicators.count() == ROWS:
        return form
    if form is not None:
        form.project_name = f"{SAVE_FORM}（旧{form.pk}）"
        form.save(update_fields=["project_name"])
    return services.create_form(
        by=filler, year=year, kind="project", values=header_values(year.year, SAVE_FORM), rows=rows()
    )


def bench_fixtures(year_number: int) -> BenchFixtures:
    year = FiscalYear.objects.select_related("project_framework").get(year=year_number)
    finance_org = Organization.objects.filter(kind=Organization.Kind.FINANCE).order_by("pk").first()
    department, _created = Organization.objects.get_or_create(
        name=DEPARTMENT, defaults={"kind": Organization.Kind.DEPARTMENT, "parent": finance_org}
    )
    unit, _created = Organization.objects.get_or_create(
        name=UNIT, defaults={"kind": Organization.Kind.UNIT, "parent": department}
    )
    bench_filler = _user(FILLER, User.Role.FILLER, unit)
    dept_reviewer = _user(DEPT_REVIEWER, User.Role.DEPT_REVIEWER, department)
    admin = _user(ADMIN, User.Role.ADMIN, finance_org, is_staff=True, is_superuser=True)
    finance = User.objects.get(username=FINANCE_ALL_USERNAME)
    finance.assigned_departments.add(department)
    return BenchFixtures(
        year=year,
        filler=User.objects.get(username=filler_username(1)),
        bench_filler=bench_filler,
        finance=finance,
        admin=admin,
        review_form=_review_form(year, bench_filler, dept_reviewer, finance),
        save_form=_save_form(year, bench_filler),
    )
