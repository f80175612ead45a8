from decimal import Decimal

import factory

from indicators.choices import FormKind
from indicators.frameworks import load_frameworks
from indicators.models import IndicatorFramework
from projects.accounts.models import Organization, User
from projects.models import FiscalYear, Indicator, PerformanceForm
from projects.reviews.choices import Dimension, Grade, Outcome, Stage
from projects.reviews.models import ItemScore, ReviewItem, ReviewTemplate, Scorecard

PASSWORD = "perfgoals-test"


def framework(code: str = "shanghai-2020-project") -> IndicatorFramework:
    if not IndicatorFramework.objects.filter(code=code).exists():
        load_frameworks()
    return IndicatorFramework.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = Organization.Kind.UNIT
    parent = factory.LazyFunction(
        lambda: Organization.objects.get_or_create(
            name="测试主管部门", defaults={"kind": Organization.Kind.DEPARTMENT}
        )[0]
    )


class FiscalYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiscalYear
        django_get_or_create = ["year"]

    year = 2020
    project_framework = factory.LazyFunction(framework)
    department_framework = factory.LazyFunction(lambda: framework("department-2021"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"用户{n}")
    role = User.Role.FILLER
    organization = factory.SubFactory(OrganizationFactory)
    password = factory.django.Password(PASSWORD)


class PerformanceFormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceForm

    unit = factory.SubFactory(OrganizationFactory)
    year = factory.SubFactory(FiscalYearFactory)
    framework = factory.LazyAttribute(lambda o: o.year.project_framework)
    project_name = factory.Sequence(lambda n: f"测试项目{n}")


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    perf_form = factory.SubFactory(PerformanceFormFactory)
    level1 = "产出目标"
    level2 = "数量"
    level3 = factory.Sequence(lambda n: f"指标{n}")
    value = "=1个"
    position = factory.Sequence(int)


COMPLETE_ROWS = [
    ("投入与管理", "投入管理", "投入时间", "2020年度"),
    ("产出目标", "数量", "抽查企业数", "=50家"),
    ("产出目标", "质量", "报告合格率", ">=95%"),
    ("效果目标", "满意度", "群众满意度", ">=90%"),
    ("影响力目标", "长效管理", "制度健全性", "健全"),
]


def complete_form(**kwargs) -> PerformanceForm:
    """A form that passes every error rule, so it can be submitted."""
    from datetime import date
    from decimal import Decimal

    from projects import services

    perf_form = PerformanceFormFactory(
        category="其他一次性项目",
        planned_start=date(2020, 1, 1),
        planned_end=date(2020, 12, 31),
        gov_purchase=False,
        performance_type="其他类",
        overview="项目概况",
        basis="立项依据",
        necessity="必要性",
        safeguards="制度措施",
        implementation_plan="实施计划",
        goals="总目标",
        total_budget=Decimal("517500"),
        current_budget=Decimal("517500"),
        prev_budget=Decimal("529000"),
        prev_executed=Decimal("529000"),
        **kwargs,
    )
    services.write_content(
        perf_form, {}, [services.RowInput(level1=a, level2=b, level3=c, value=d) for a, b, c, d in COMPLETE_ROWS]
    )
    return perf_form


def review_template(year: FiscalYear, form_kind: str = FormKind.PROJECT) -> ReviewTemplate:
    """The year's review template for a kind: four items of 25 points, one per dimension.

    A template already there (the demo seeds the default one, with more items) is given these four
    instead, so that make_scorecard's points line up with its items.
    """
    template, created = ReviewTemplate.objects.get_or_create(
        year=year, form_kind=form_kind, defaults={"name": f"{year.year}年度审核评分表"}
    )
    four = [(d, f"{d.label}审核要点", 25) for d in Dimension]
    if created or [(i.dimension, i.point, i.max_points) for i in template.items.all()] != four:
        template.items.all().delete()
        for position, dimension in enumerate(Dimension):
            ReviewItem.objects.create(
                template=template,
                dimension=dimension,
                point=f"{dimension.label}审核要点",
                max_points=25,
                position=position,
            )
    return template


def make_scorecard(
    perf_form: PerformanceForm, points=(25, 25, 25, 25), *, stage=Stage.DEPARTMENT, **fields
) -> Scorecard:
    """A scorecard (as the scorecard service writes it) giving `points` to the template's items in order.

    The grade follows the template's bands unless given; `evidence` counts may be passed as
    `evidence=(n, …)` and remarks as `remarks=("…", …)`.
    """
    template = review_template(perf_form.year, perf_form.kind)
    items = list(template.items.all())
    evidence = fields.pop("evidence", (0,) * len(items))
    remarks = fields.pop("remarks", ("",) * len(items))
    total = sum((Decimal(p) for p in points), Decimal(0))
    bands = [
        (template.excellent_min, Grade.EXCELLENT),
        (template.good_min, Grade.GOOD),
        (template.fair_min, Grade.FAIR),
    ]
    grade = fields.pop("grade", next((g for low, g in bands if total >= low), Grade.POOR))
    outcomes = {
        Grade.EXCELLENT: Outcome.PASS,
        Grade.GOOD: Outcome.PASS_WITH_CHANGES,
        Grade.FAIR: Outcome.RETURN,
        Grade.POOR: Outcome.REJECT,
    }
    reviewer = fields.pop("reviewer", None)
    card = Scorecard.objects.create(
        perf_form=perf_form,
        stage=stage,
        template=template,
        reviewer=reviewer,
        reviewer_name=fields.pop("reviewer_name", reviewer.get_full_name() if reviewer else "审核人"),
        total=total,
        grade=grade,
        outcome=fields.pop("outcome", outcomes[grade]),
        **fields,
    )
    for position, (item, got, count, remark) in enumerate(zip(items, points, evidence, remarks, strict=True)):
        ItemScore.objects.create(
            scorecard=card,
            item=item,
            dimension=item.dimension,
            point=item.point,
            max_points=item.max_points,
            points=got,
            suggested=got,
            remark=remark,
            evidence=[{"code": "vague-value", "message": "目标值不明确", "row": n} for n in range(count)],
            position=position,
        )
    return card
