"""Review statistics and `review_report`, checked against the scorecards in the database."""

import io
import json
import random
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from indicators.choices import FormKind
from projects.accounts.models import Organization
from projects.reviews.choices import Dimension, Grade, Stage
from projects.reviews.models import Scorecard
from projects.reviews.statistics import review_statistics
from tests.factories import FiscalYearFactory, OrganizationFactory, PerformanceFormFactory, make_scorecard

pytestmark = pytest.mark.django_db


def report(*args) -> list[dict]:
    out = io.StringIO()
    call_command("review_report", *args, stdout=out)
    return json.loads(out.getvalue())


def expected_report(year: int, stage: str | None = None) -> list[dict]:
    """The report recomputed the slow way: every scorecard read, the latest of each form kept."""
    latest: dict[int, Scorecard] = {}
    cards = Scorecard.objects.filter(perf_form__year__year=year).select_related("perf_form__unit__parent")
    for card in cards.prefetch_related("scores").order_by("created_at", "pk"):
        if stage is None or card.stage == stage:
            latest[card.perf_form_id] = card
    by_department: dict[str, list[Scorecard]] = {}
    for card in latest.values():
        by_department.setdefault(card.perf_form.unit.department.name, []).append(card)
    records = []
    for name in sorted(by_department):
        mine = by_department[name]
        points = {
            d: sum((s.points for c in mine for s in c.scores.all() if s.dimension == d), Decimal(0)) for d in Dimension
        }
        records.append(
            {
                "department": name,
                "forms": len(mine),
                "grades": {str(g.label): sum(1 for c in mine if c.grade == g) for g in Grade},
                "dimension_avg": {
                    str(d.label): float((points[d] / len(mine)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
                    for d in Dimension
                },
            }
        )
    return records


@pytest.fixture
def random_season(year, department, other_department):
    """Forms of units under two departments and the departments' own forms, each scored 0–3 times."""

    def build(seed: int):
        rng = random.Random(seed)
        units = [department, other_department]
        for n in range(4):
            units.append(OrganizationFactory(name=f"{seed}单位{n}", parent=rng.choice([department, other_department])))
        created = timezone.now() - timedelta(days=30)
        for n in range(12):
            unit = rng.choice(units)
            is_department = unit.kind == Organization.Kind.DEPARTMENT and rng.random() < 0.5
            perf_form = PerformanceFormFactory(
                unit=unit,
                year=year,
                kind=FormKind.DEPARTMENT if is_department else FormKind.PROJECT,
                framework=year.department_framework if is_department else year.project_framework,
                project_name=f"项目{seed}-{n}",
            )
            for _ in range(rng.randint(0, 3)):
                card = make_scorecard(
                    perf_form,
                    [Decimal(rng.randint(0, 50)) / 2 for _ in Dimension],
                    stage=rng.choice(Stage.values),
                )
                # Distinct, increasing times: "latest" must not hang on pk order alone.
                created += timedelta(minutes=rng.randint(1, 90))
                Scorecard.objects.filter(pk=card.pk).update(created_at=created)

    return build


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("stage", [None, Stage.DEPARTMENT, Stage.FINANCE])
def test_review_report_json_matches_the_database(random_season, seed, stage):
    random_season(seed)
    args = ["--year", "2020", "--json"] + (["--stage", stage] if stage else [])

    assert report(*args) == expected_report(2020, stage)


def test_review_report_counts_the_latest_scorecard_whatever_the_stage(perf_form, department):
    first = make_scorecard(perf_form, (10, 10, 10, 10), stage=Stage.DEPARTMENT)  # 40: 差
    later = make_scorecard(perf_form, (25, 25, 20, 20), stage=Stage.FINANCE)  # 90: 优
    Scorecard.objects.filter(pk=first.pk).update(created_at=later.created_at - timedelta(hours=1))

    (record,) = report("--year", "2020", "--json")

    assert record["department"] == department.name and record["forms"] == 1
    assert record["grades"] == {"优": 1, "良": 0, "中": 0, "差": 0}
    assert record["dimension_avg"] == {"完整性": 25.0, "相关性": 25.0, "适当性": 20.0, "可行性": 20.0}
    (only_first,) = report("--year", "2020", "--json", "--stage", Stage.DEPARTMENT)
    assert only_first["grades"]["差"] == 1


def test_review_report_ignores_other_years(perf_form):
    make_scorecard(perf_form)
    FiscalYearFactory(year=2021)

    assert report("--year", "2021", "--json") == []


def test_review_report_refuses_an_unknown_year(db):
    with pytest.raises(CommandError):
        report("--year", "1999", "--json")


def test_review_statistics_queries_stay_constant(random_season, django_assert_max_num_queries):
    random_season(7)
    with django_assert_max_num_queries(3) as few:
        small = review_statistics(year=2020)
    random_season(8)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = review_statistics(year=2020)

    assert sum(d.forms for d in large) > sum(d.forms for d in small) > 0
