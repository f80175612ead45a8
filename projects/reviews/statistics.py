"""Review statistics: per 主管部门, how many forms got which grade and the average points per dimension.

Which scorecard counts: the **latest** scorecard of each form, at whichever stage it was given.
A 复审 supersedes the 初审 before it, and a form scored again after a return counts once, by its
newest scorecard: the judgement that stands. `stage` narrows this to the latest scorecard of one
stage (e.g. only 初审), for a department that wants its own step's figures.

Three queries whatever the number of forms: grades counted and points summed per unit, then the
units' departments.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Sum, Window
from django.db.models.functions import RowNumber

from ..accounts.choices import OrganizationKind
from ..accounts.models import Organization
from ..models import PerformanceForm
from .choices import Dimension, Grade, Stage
from .models import ItemScore, Scorecard

ONE_DECIMAL = Decimal("0.1")


@dataclass
class DepartmentStats:
    department_id: int | None
    department: str
    forms: int = 0  # forms with a counted scorecard
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Grade.values, 0))
    points: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(Dimension.values, Decimal(0)))
    max_points: dict[str, Decimal] = field(default_factory=lambda: dict.fromkeys(Dimension.values, Decimal(0)))

    def dimension_avg(self) -> dict[str, Decimal]:
        """Average points per form on each dimension, to one decimal."""
        return {dim: _avg(total, self.forms) for dim, total in self.points.items()}

    def dimension_max_avg(self) -> dict[str, Decimal]:
        """What the average is out of (templates may differ between forms)."""
        return {dim: _avg(total, self.forms) for dim, total in self.max_points.items()}

    def total_avg(self) -> Decimal:
        return _avg(sum(self.points.values(), Decimal(0)), self.forms)

    def as_json(self) -> dict:
        """The `review_report --json` record, keyed by the Chinese labels a report reader knows."""
        return {
            "department": self.department,
            "forms": self.forms,
            "grades": {str(Grade(g).label): n for g, n in self.grades.items()},
            "dimension_avg": {str(Dimension(d).label): float(v) for d, v in self.dimension_avg().items()},
        }


def _avg(total: Decimal, count: int) -> Decimal:
    if not count:
        return Decimal(0).quantize(ONE_DECIMAL)
    return (Decimal(total) / count).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def counted_scorecards(forms, *, year: int, stage: str | None = None):
    """The scorecards that count (see the module docstring) of `forms` in `year`.

    Numbered per form, newest first, in one window over the year's scorecards: a correlated
    "latest of this form" subquery per scorecard took seconds on a 20,000-form year.
    """
    cards = Scorecard.objects.filter(perf_form__in=forms.filter(year__year=year).values("pk"))
    if stage:
        cards = cards.filter(stage=stage)
    newest_first = Window(
        RowNumber(), partition_by=[F("perf_form_id")], order_by=[F("created_at").desc(), F("pk").desc()]
    )
    latest = cards.annotate(number=newest_first).filter(number=1).values("pk")
    return Scorecard.objects.filter(pk__in=latest)


def _departments(unit_ids) -> dict[int, tuple[int | None, str]]:
    """{unit id: (department id, department name)}: Organization.department, for many units at once."""
    units = Organization.objects.filter(pk__in=unit_ids).values_list("pk", "kind", "name", "parent_id", "parent__name")
    return {
        pk: (pk, name) if kind == OrganizationKind.DEPARTMENT else (parent_id, parent_name or "")
        for pk, kind, name, parent_id, parent_name in units
    }


def review_statistics(forms=None, *, year: int, stage: str | None = None) -> list[DepartmentStats]:
    """Per department (by name), the grades and dimension points of its forms' counted scorecards.

    Grouped by the forms' units (a column of the form) and rolled up to departments in Python:
    grouping 100,000s of item scores by a department joined through the organization tree
    sorted them on disk.
    """
    if forms is None:
        forms = PerformanceForm.objects.all()
    if stage is not None:
        stage = Stage(stage)
    cards = counted_scorecards(forms, year=year, stage=stage)
    grade_rows = list(
        cards.values("perf_form__unit_id", "grade").annotate(n=Count("pk")).order_by("perf_form__unit_id", "grade")
    )
    point_rows = list(
        ItemScore.objects.filter(scorecard__in=cards.values("pk"))
        .values("scorecard__perf_form__unit_id", "dimension")
        .annotate(points=Sum("points"), max_points=Sum("max_points"))
        .order_by("scorecard__perf_form__unit_id", "dimension")
    )
    departments = _departments({row["perf_form__unit_id"] for row in grade_rows})
    by_department: dict[int | None, DepartmentStats] = {}

    def stats(unit_id) -> DepartmentStats:
        dept_id, name = departments.get(unit_id, (None, ""))
        if dept_id not in by_department:
            by_department[dept_id] = DepartmentStats(dept_id, name)
        return by_department[dept_id]

    for row in grade_rows:
        entry = stats(row["perf_form__unit_id"])
        entry.grades[row["grade"]] = entry.grades.get(row["grade"], 0) + row["n"]
        entry.forms += row["n"]
    for row in point_rows:
        entry = stats(row["scorecard__perf_form__unit_id"])
        dimension = row["dimension"]
        entry.points[dimension] = entry.points.get(dimension, Decimal(0)) + (row["points"] or 0)
        entry.max_points[dimension] = entry.max_points.get(dimension, Decimal(0)) + (row["max_points"] or 0)
    return sorted(by_department.values(), key=lambda s: (s.department, s.department_id or 0))


def overall(departments: list[DepartmentStats]) -> DepartmentStats:
    """The 合计 line: every department's figures added up."""
    total = DepartmentStats(None, "")
    for entry in departments:
        total.forms += entry.forms
        for grade, n in entry.grades.items():
            total.grades[grade] = total.grades.get(grade, 0) + n
        for dim, points in entry.points.items():
            total.points[dim] = total.points.get(dim, Decimal(0)) + points
        for dim, points in entry.max_points.items():
            total.max_points[dim] = total.max_points.get(dim, Decimal(0)) + points
    return total
