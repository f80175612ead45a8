"""Review statistics: per 主管部门, how many forms got which grade and the average points per dimension.

Which scorecard counts: the **latest** scorecard of each form, at whichever stage it was given.
A 复审 supersedes the 初审 before it, and a form scored again after a return counts once, by its
newest scorecard: the judgement that stands. `stage` narrows this to the latest scorecard of one
stage (e.g. only 初审), for a department that wants its own step's figures.

Two queries whatever the number of forms and departments: one counts grades, one sums points.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, OuterRef, Subquery, Sum, When

from ..accounts.choices import OrganizationKind
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
    """The scorecards that count (see the module docstring) of `forms` in `year`."""
    same_form = Scorecard.objects.filter(perf_form=OuterRef("perf_form"))
    if stage:
        same_form = same_form.filter(stage=stage)
    latest = same_form.order_by("-created_at", "-pk").values("pk")[:1]
    cards = Scorecard.objects.filter(perf_form__in=forms.filter(year__year=year).values("pk"))
    if stage:
        cards = cards.filter(stage=stage)
    return cards.filter(pk=Subquery(latest))


def _department(prefix: str = "") -> dict:
    """The 主管部门 a form goes through (Organization.department), as id and name columns."""
    unit = f"{prefix}perf_form__unit"
    is_department = {f"{unit}__kind": OrganizationKind.DEPARTMENT}
    return {
        "dept_id": Case(When(**is_department, then=F(f"{unit}_id")), default=F(f"{unit}__parent_id")),
        "dept_name": Case(When(**is_department, then=F(f"{unit}__name")), default=F(f"{unit}__parent__name")),
    }


def review_statistics(forms=None, *, year: int, stage: str | None = None) -> list[DepartmentStats]:
    """Per department (by name), the grades and dimension points of its forms' counted scorecards."""
    if forms is None:
        forms = PerformanceForm.objects.all()
    if stage is not None:
        stage = Stage(stage)
    cards = counted_scorecards(forms, year=year, stage=stage)
    by_department: dict[int | None, DepartmentStats] = {}

    def stats(dept_id, name) -> DepartmentStats:
        if dept_id not in by_department:
            by_department[dept_id] = DepartmentStats(dept_id, name or "")
        return by_department[dept_id]

    grade_rows = (
        cards.annotate(**_department())
        .values("dept_id", "dept_name", "grade")
        .annotate(n=Count("pk"))
        .order_by("dept_id", "grade")
    )
    for row in grade_rows:
        entry = stats(row["dept_id"], row["dept_name"])
        entry.grades[row["grade"]] = entry.grades.get(row["grade"], 0) + row["n"]
        entry.forms += row["n"]
    point_rows = (
        ItemScore.objects.filter(scorecard__in=cards.values("pk"))
        .annotate(**_department("scorecard__"))
        .values("dept_id", "dept_name", "dimension")
        .annotate(points=Sum("points"), max_points=Sum("max_points"))
        .order_by("dept_id", "dimension")
    )
    for row in point_rows:
        entry = stats(row["dept_id"], row["dept_name"])
        entry.points[row["dimension"]] = entry.points.get(row["dimension"], Decimal(0)) + (row["points"] or 0)
        entry.max_points[row["dimension"]] = entry.max_points.get(row["dimension"], Decimal(0)) + (
            row["max_points"] or 0
        )
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
