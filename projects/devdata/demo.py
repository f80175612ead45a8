"""Demo organizations and accounts for `make run`; every role gets a login."""

from decimal import Decimal

from django.db import transaction

from indicators.frameworks import load_frameworks
from indicators.models import IndicatorFramework
from projects import services
from projects.accounts.models import Organization, User
from projects.library.seed import seed_library
from projects.models import FiscalYear, FormEvent, PerformanceForm, Status
from projects.reviews import services as reviews
from projects.reviews.seed import seed_templates
from projects.services import carryover

DEMO_PASSWORD = "perfgoals-demo"

FINANCE = "财政局"
SH_DEPARTMENT = "上海市住房和城乡建设管理委员会"
SH_UNIT_A = "上海市建设工程安全质量监督总站"
SH_UNIT_B = "上海市公积金管理中心"
HD_DEPARTMENT = "衡东县建设工程质量安全监督站"

# (username, display name, role, organization)
ACCOUNTS = [
    ("filler_a", "张填报", User.Role.FILLER, SH_UNIT_A),
    ("filler_b", "李填报", User.Role.FILLER, SH_UNIT_B),
    ("filler_hd", "王填报", User.Role.FILLER, HD_DEPARTMENT),
    ("dept_reviewer", "赵审核", User.Role.DEPT_REVIEWER, SH_DEPARTMENT),
    ("finance_reviewer", "钱审核", User.Role.FINANCE_REVIEWER, FINANCE),
    ("admin", "系统管理员", User.Role.ADMIN, FINANCE),
]


@transaction.atomic
def load_demo() -> list[tuple[str, str, str, str]]:
    """Create (or reset) the demo organizations, years and accounts; idempotent."""
    load_frameworks()
    frameworks = {f.code: f for f in IndicatorFramework.objects.all()}
    FiscalYear.objects.update_or_create(
        year=2020,
        defaults={
            "is_open": True,
            "project_framework": frameworks["shanghai-2020-project"],
            "department_framework": frameworks["department-2021"],
        },
    )
    FiscalYear.objects.update_or_create(
        year=2021,
        defaults={
            "is_open": True,
            "project_framework": frameworks["national-2021-project"],
            "department_framework": frameworks["department-2021"],
        },
    )

    seed_templates()

    finance = _org(FINANCE, Organization.Kind.FINANCE, None)
    sh_department = _org(SH_DEPARTMENT, Organization.Kind.DEPARTMENT, finance)
    _org(SH_UNIT_A, Organization.Kind.UNIT, sh_department)
    _org(SH_UNIT_B, Organization.Kind.UNIT, sh_department)
    hd_department = _org(HD_DEPARTMENT, Organization.Kind.DEPARTMENT, finance)

    printed = []
    for username, name, role, org_name in ACCOUNTS:
        user, _created = User.objects.get_or_create(username=username)
        user.first_name = name
        user.role = role
        user.organization = Organization.objects.get(name=org_name)
        user.is_staff = role == User.Role.ADMIN
        user.is_superuser = role == User.Role.ADMIN
        user.set_password(DEMO_PASSWORD)
        user.save()
        if role == User.Role.FINANCE_REVIEWER:
            user.assigned_departments.set([sh_department, hd_department])
        printed.append((username, DEMO_PASSWORD, user.get_role_display(), org_name))
    # The indicator library starts filled: the published forms' indicators and the 共性 entries.
    seed_library()
    return printed


def _org(name: str, kind: str, parent: Organization | None) -> Organization:
    org, _created = Organization.objects.update_or_create(name=name, defaults={"kind": kind, "parent": parent})
    return org


def _copy_as(source: PerformanceForm, *, by: User, project_name: str) -> PerformanceForm:
    values = {name: getattr(source, name) for name in services.CONTENT_FIELDS}
    values["project_name"] = project_name
    rows = [services.RowInput(r.level1, r.level2, r.level3, r.value) for r in source.indicators.all()]
    return services.create_form(by=by, year=source.year, kind=source.kind, values=values, rows=rows)


def _score(perf_form: PerformanceForm, *, by: User, share: str, opinion: str = "", row_comments=None):
    """Decide the form with every item scored at `share` of its maximum (in .5 steps), a reason where
    that differs from the suggestion: a 1.0 gives 优, 0.85 良, 0.7 中, 0.4 差."""
    template = reviews.template_for(perf_form)
    rows = list(perf_form.indicators.all())
    sheet = reviews.scoring_sheet(template, services.form_warnings(perf_form, rows), rows)
    scores = {}
    for entry in sheet:
        points = (entry.item.max_points * Decimal(share) * 2).quantize(Decimal("1")) / 2
        remark = "" if points == entry.suggested else "演示：按审核人判断给分。"
        scores[entry.item.pk] = reviews.ScoreInput(str(points), remark)
    reviews.decide(perf_form=perf_form, by=by, scores=scores, opinion=opinion, row_comments=row_comments)
    perf_form.refresh_from_db()
    return perf_form


@transaction.atomic
def stage_workflow() -> list[tuple[str, str]]:
    """Put demo forms in every workflow state, each decision with its 四性审核 scorecard, so each role
    has something to click: 待初审, 初审 良 with opinions, 中 returned, 复审 优 approved, 差 rejected.

    Runs once: forms that already have history are left alone.
    """
    if FormEvent.objects.exists():
        return []
    users = {u.username: u for u in User.objects.filter(username__in=[a[0] for a in ACCOUNTS])}
    filler_a, filler_b = users["filler_a"], users["filler_b"]
    dept, finance = users["dept_reviewer"], users["finance_reviewer"]
    seeds = list(PerformanceForm.objects.filter(unit__name=SH_UNIT_A, status=Status.DRAFT).order_by("project_name"))
    if len(seeds) < 3:
        return []
    staged = []

    submitted = services.submit(perf_form=seeds[0], by=filler_a)
    staged.append((submitted.project_name, submitted.get_status_display()))

    at_finance = services.submit(perf_form=seeds[1], by=filler_a)
    at_finance = _score(
        at_finance, by=dept, share="0.85", opinion="评为良：请补充满意度指标的调查方式，细化成本指标的测算依据。"
    )
    staged.append((at_finance.project_name, at_finance.get_status_display() + "（初审 良）"))

    # 引用上年: next year's draft of the same project, every row showing its 上年值.
    carried = carryover.carry_over_form(source=at_finance, year=FiscalYear.objects.get(year=2021), by=filler_a)
    staged.append((carried.project_name, f"{carried.year} {carried.get_status_display()}（引用上年）"))

    returned = _copy_as(seeds[2], by=filler_b, project_name="住房公积金归集业务管理")
    returned = services.submit(perf_form=returned, by=filler_b)
    first_row = returned.indicators.order_by("position").first()
    returned = _score(
        returned,
        by=dept,
        share="0.7",
        opinion="部分指标缺少可衡量的目标值，请按标注修改后重新提交。",
        row_comments={first_row.pk: "请写明具体数量和单位。"} if first_row else {},
    )
    staged.append((returned.project_name, returned.get_status_display() + "（初审 中）"))

    approved = _copy_as(seeds[0], by=filler_b, project_name="公积金信息系统运行维护")
    approved = services.submit(perf_form=approved, by=filler_b)
    approved = _score(approved, by=dept, share="1")
    approved = _score(approved, by=finance, share="1")
    staged.append((approved.project_name, approved.get_status_display() + "（复审 优）"))

    rejected = _copy_as(seeds[1], by=filler_b, project_name="公积金缴存宣传推广")
    rejected = services.submit(perf_form=rejected, by=filler_b)
    rejected = _score(
        rejected, by=dept, share="0.4", opinion="绩效目标与项目内容不符，主要指标无法考核，评为差，不予通过。"
    )
    staged.append((rejected.project_name, rejected.get_status_display() + "（初审 差）"))
    return staged
