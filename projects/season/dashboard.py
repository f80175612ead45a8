"""填报进度: what each unit was expected to file, what it has filed and in which state, by department.

One aggregation serves the dashboard, its unit lists, its xlsx and `manage.py progress_report`,
in a constant number of queries however many units and forms a year has (nine: departments,
units, forms by unit, expected and not-started forms by unit, the two deadline tables,
submissions by day, forms by warning rule).

What the numbers mean (the README says the same):
- expected: ExpectedForm rows (carried over from last year, or from the imported 项目库 list);
- not started: expected rows no form answers to. A form answers to one when it is linked
  (ExpectedForm.perf_form, set by the carry-over) or has the same unit and kind and either the
  same project code (when the row gives one) or the same project name. Matched here at query
  time, so a renamed, deleted or newly created form counts as it is now;
- the statuses: the unit's forms of the year by status (a department's own forms under it);
- overdue: once a unit's deadline (deadline_for) has passed, its not-started expected forms
  plus its forms still in 草稿. A returned form may be resubmitted after the deadline (the
  bureau asked for the changes), so it is not counted overdue;
- completion: forms that reached a reviewer (已提交 and after, 不予通过 included) out of
  all forms plus the not-started expected ones;
- by rule: the forms that have at least one error or warning of a rule, from the per-rule
  counts stored on save (FormWarningCount), for the RULES_SHOWN rules most forms have.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..accounts.models import Organization
from ..choices import Status
from ..exchange.tables import Column, Table, write_tables
from ..models import FiscalYear, FormWarningCount, PerformanceForm
from .deadlines import Countdown, deadlines_for, today
from .models import ExpectedForm

# Forms that have reached a reviewer: what the completion rate counts as done.
DONE_STATUSES = (Status.SUBMITTED, Status.DEPT_APPROVED, Status.APPROVED, Status.REJECTED)
# The dashboard's columns in order (a status's value is its key; the others are named here).
EXPECTED, NOT_STARTED, OVERDUE = "expected", "not_started", "overdue"
KEYS = (EXPECTED, NOT_STARTED, *(s.value for s in Status), OVERDUE)
LABELS = {
    EXPECTED: gettext_lazy("应填报"),
    NOT_STARTED: gettext_lazy("未开始"),
    **{status.value: status.label for status in Status},
    OVERDUE: gettext_lazy("逾期"),
}
# Status.values rebuilds its choices (and their lazy labels) on every call: once here.
STATUSES = tuple(Status.values)
# Stored check results of the forms (error_count / warning_count): the "warnings" chart.
CHECKS = ("with_errors", "with_warnings", "clean")
CHECK_LABELS = {
    "with_errors": gettext_lazy("有错误"),
    "with_warnings": gettext_lazy("仅有警告"),
    "clean": gettext_lazy("无错误无警告"),
}
# The "by rule" chart shows this many rules, those most forms have.
RULES_SHOWN = 10


@dataclass
class Counts:
    expected: int = 0
    not_started: int = 0
    overdue: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    checks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHECKS, 0))

    @property
    def forms(self) -> int:
        return sum(self.by_status.values())

    @property
    def done(self) -> int:
        return sum(self.by_status[s] for s in DONE_STATUSES)

    @property
    def completion(self) -> float | None:
        """Share done, 0..1 (None when nothing is expected or filed)."""
        total = self.forms + self.not_started
        return self.done / total if total else None

    def get(self, key: str) -> int:
        if key in self.by_status:
            return self.by_status[key]
        return getattr(self, key)

    def add(self, other: "Counts") -> None:
        self.expected += other.expected
        self.not_started += other.not_started
        self.overdue += other.overdue
        if not other.forms:
            return  # most units of a large year have filed nothing yet: nothing more to add
        for key, n in other.by_status.items():
            self.by_status[key] += n
        for key, n in other.checks.items():
            self.checks[key] += n

    def row(self) -> list[int]:
        """The counts in KEYS order (the table's cells)."""
        return [self.get(key) for key in KEYS]


@dataclass
class UnitProgress:
    pk: int
    name: str
    department_pk: int
    is_department: bool  # the 主管部门's own forms (部门整体 and its own projects)
    deadline: datetime.date | None
    countdown: Countdown | None
    counts: Counts


@dataclass
class DepartmentProgress:
    pk: int
    name: str
    deadline: datetime.date | None
    units: list[UnitProgress]
    counts: Counts = field(default_factory=Counts)

    @property
    def unit_count(self) -> int:
        """Budget units under the department (its own row not counted)."""
        return sum(1 for u in self.units if not u.is_department)


@dataclass
class Progress:
    year: FiscalYear
    today: datetime.date
    departments: list[DepartmentProgress]
    totals: Counts
    submissions_by_day: list[tuple[datetime.date, int]]
    # (code, {severity: forms}) of the rules most forms have, most first (_forms_by_rule)
    by_rule: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    def units(self) -> Iterable[UnitProgress]:
        for department in self.departments:
            yield from department.units


def _expected_counts(year: FiscalYear, scope: Q | None) -> dict[int, tuple[int, int]]:
    """{unit pk: (expected, not started)} in two queries.

    A linked row (ExpectedForm.perf_form, as the carry-over writes it) is filed; an unlinked one
    is looked up by name and by code, as two NOT EXISTS in the WHERE clause, which PostgreSQL
    runs as anti-joins (in the select list, as a FILTER, they ran once per row: 4x slower).
    """
    rows = ExpectedForm.objects.filter(year=year)
    if scope is not None:
        rows = rows.filter(scope)
    same_unit = PerformanceForm.objects.filter(year=year, unit_id=OuterRef("unit_id"), kind=OuterRef("kind"))
    by_name = same_unit.filter(project_name=OuterRef("project_name"))
    by_code = same_unit.filter(project_code=OuterRef("project_code")).exclude(project_code="")
    missing = rows.filter(perf_form__isnull=True).filter(~Exists(by_name), ~Exists(by_code))
    totals = rows.values("unit_id").annotate(n=Count("id")).order_by().values_list("unit_id", "n")
    not_started = dict(missing.values("unit_id").annotate(n=Count("id")).order_by().values_list("unit_id", "n"))
    return {unit: (n, not_started.get(unit, 0)) for unit, n in totals}


def _form_counts(year: FiscalYear, scope: Q | None) -> dict[int, dict]:
    """{unit pk: {status: n, check: n}} in one query (over perf_form_queue_idx's columns)."""
    forms = PerformanceForm.objects.filter(year=year)
    if scope is not None:
        forms = forms.filter(scope)
    annotations = {status: Count("id", filter=Q(status=status)) for status in STATUSES}
    annotations["with_errors"] = Count("id", filter=Q(error_count__gt=0))
    annotations["with_warnings"] = Count("id", filter=Q(error_count=0, warning_count__gt=0))
    annotations["clean"] = Count("id", filter=Q(error_count=0, warning_count=0))
    return {r.pop("unit_id"): r for r in forms.values("unit_id").annotate(**annotations).order_by()}


def _submissions_by_day(year: FiscalYear, departments: list[int] | None) -> list[tuple[datetime.date, int]]:
    """Forms now with a reviewer, by the day of their latest submission.

    From the forms' own submitted_at (a column of perf_form_queue_idx), not the event log: a
    join of every submit event to its form cost more than the rest of the dashboard.
    """
    forms = PerformanceForm.objects.filter(year=year, submitted_at__isnull=False).exclude(status=Status.DRAFT)
    if departments is not None:
        forms = forms.filter(_unit_scope(departments))
    rows = forms.annotate(day=TruncDate("submitted_at")).values("day").annotate(n=Count("id")).order_by("day")
    return [(r["day"], r["n"]) for r in rows]


def _forms_by_rule(year: FiscalYear, departments: list[int] | None) -> list[tuple[str, dict[str, int]]]:
    """(code, {severity: forms}) of the RULES_SHOWN rules the most forms have, in one GROUP BY.

    A form has one row per rule (unique perf_form, code), so rows count forms. Grouped by
    severity too: a rule whose severity changed keeps its old one on forms not yet recounted.
    """
    rows = FormWarningCount.objects.filter(perf_form__year=year)
    if departments is not None:
        rows = rows.filter(_unit_scope(departments, "perf_form__"))
    by_code: dict[str, dict[str, int]] = {}
    for code, severity, n in (
        rows.values("code", "severity").annotate(n=Count("id")).order_by().values_list("code", "severity", "n")
    ):
        by_code.setdefault(code, {})[severity] = n
    ranked = sorted(by_code.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return ranked[:RULES_SHOWN]


def _unit_scope(departments: list[int], path: str = "") -> Q:
    """Rows whose unit is one of `departments` or under one (`path`: the way to the unit)."""
    return Q(**{f"{path}unit__parent_id__in": departments}) | Q(**{f"{path}unit_id__in": departments})


def progress(year: FiscalYear, *, departments: list[int] | None = None, on: datetime.date | None = None) -> Progress:
    """The year's progress for `departments` (pks; None: every department)."""
    on = on or today()
    department_rows = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).order_by("name")
    if departments is not None:
        department_rows = department_rows.filter(pk__in=departments)
    department_list = list(department_rows.values_list("pk", "name"))
    if departments is not None:
        departments = [pk for pk, _name in department_list]
    scope = None if departments is None else _unit_scope(departments)
    unit_rows = Organization.objects.filter(kind=Organization.Kind.UNIT, parent__kind=Organization.Kind.DEPARTMENT)
    if departments is not None:
        unit_rows = unit_rows.filter(parent_id__in=departments)
    units = list(unit_rows.order_by("name").values_list("pk", "name", "parent_id"))
    forms = _form_counts(year, scope)
    expected = _expected_counts(year, scope)
    filers = [(pk, pk, name, True) for pk, name in department_list] + [
        (pk, parent, name, False) for pk, name, parent in units
    ]
    deadlines = deadlines_for(year, [(pk, department) for pk, department, _name, _own in filers])

    by_department = {pk: DepartmentProgress(pk=pk, name=name, deadline=None, units=[]) for pk, name in department_list}
    for pk, department, name, own in filers:
        counts = Counts()
        if pk in forms:
            found = forms[pk]
            counts.by_status = {status: found[status] for status in STATUSES}
            counts.checks = {check: found[check] for check in CHECKS}
        counts.expected, counts.not_started = expected.get(pk, (0, 0))
        deadline = deadlines[pk]
        if deadline is not None and on > deadline:
            counts.overdue = counts.not_started + counts.by_status[Status.DRAFT]
        if own:
            by_department[pk].deadline = deadline
            if not (counts.forms or counts.expected):
                continue  # a department that files nothing itself gets no row of its own
        unit = UnitProgress(
            pk=pk,
            name=name,
            department_pk=department,
            is_department=own,
            deadline=deadline,
            countdown=Countdown.of(deadline, on),
            counts=counts,
        )
        by_department[department].units.append(unit)
        by_department[department].counts.add(counts)
    totals = Counts()
    for department in by_department.values():
        totals.add(department.counts)
    return Progress(
        year=year,
        today=on,
        departments=list(by_department.values()),
        totals=totals,
        submissions_by_day=_submissions_by_day(year, departments),
        by_rule=_forms_by_rule(year, departments),
    )


def report_rows(result: Progress) -> list[dict]:
    """`manage.py progress_report --json`: one plain dict per department."""
    return [
        {
            "department": d.name,
            "units": d.unit_count,
            "expected": d.counts.expected,
            "not_started": d.counts.not_started,
            "by_status": dict(d.counts.by_status),
            "overdue": d.counts.overdue,
        }
        for d in result.departments
    ]


def percent(share: float | None, digits: int = 1) -> str:
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def progress_xlsx(result: Progress) -> bytes:
    """The dashboard's table: one sheet by department, one by unit."""
    counts = [Column(key, str(LABELS[key]), width=10) for key in KEYS]
    completion = Column("completion", _("完成率"), width=10)
    heading = _("%(year)s 填报进度（%(today)s）") % {"year": result.year, "today": result.today.isoformat()}
    departments = Table(
        title=_("按主管部门"),
        heading=heading,
        columns=[
            Column("department", _("主管部门"), width=30),
            Column("units", _("单位数"), width=8),
            Column("deadline", _("截止日期"), width=12),
            *counts,
            completion,
        ],
        rows=[
            [d.name, d.unit_count, d.deadline, *d.counts.row(), percent(d.counts.completion)]
            for d in result.departments
        ],
        notes=[
            _("合计：应填报 %(expected)s，未开始 %(not_started)s，完成率 %(rate)s")
            % {
                "expected": result.totals.expected,
                "not_started": result.totals.not_started,
                "rate": percent(result.totals.completion),
            },
            _("完成率 =（已提交、主管部门已审核、已批复、不予通过）÷（已填报的表 + 未开始的应填报项目）。"),
        ],
    )
    names = {d.pk: d.name for d in result.departments}
    units = Table(
        title=_("按单位"),
        heading=heading,
        columns=[
            Column("department", _("主管部门"), width=30),
            Column("unit", _("单位"), width=34),
            Column("deadline", _("截止日期"), width=12),
            *counts,
            completion,
        ],
        rows=[
            [names[u.department_pk], u.name, u.deadline, *u.counts.row(), percent(u.counts.completion)]
            for u in result.units()
        ],
    )
    return write_tables([departments, units])


@dataclass(frozen=True)
class ExpectedRowState:
    expected: ExpectedForm
    perf_form_pk: int | None  # the form that answers to it, if any


def expected_rows(year: FiscalYear, unit: Organization) -> list[ExpectedRowState]:
    """One unit's expected forms with the form answering to each (by link, code or name): two queries."""
    expected = list(ExpectedForm.objects.filter(year=year, unit=unit).order_by("project_name"))
    forms = list(
        PerformanceForm.objects.filter(year=year, unit=unit).values_list("pk", "kind", "project_code", "project_name")
    )
    by_code = {(kind, code): pk for pk, kind, code, _name in forms if code}
    by_name = {(kind, name): pk for pk, kind, _code, name in forms}
    filed = {pk for pk, *_rest in forms}
    result = []
    for row in expected:
        pk = row.perf_form_id if row.perf_form_id in filed else None
        pk = (
            pk
            or (row.project_code and by_code.get((row.kind, row.project_code)))
            or by_name.get((row.kind, row.project_name))
        )
        result.append(ExpectedRowState(expected=row, perf_form_pk=pk or None))
    return result
