"""When a unit's filing closes: its 主管部门's deadline, else the year's, pushed out by a reopening.

`deadlines_for` answers for many units in two queries (a list page's units, a dashboard's
3,000); `deadline_for` is the one-unit case of the same rule. `Countdown` is the text the
lists, the editor and the detail page show ("距截止还有 N 天" / "已逾期 N 天").
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ..accounts.models import Organization
from ..models import FiscalYear
from .models import DepartmentDeadline, UnitReopen

# Up to this many units, their reopenings are asked for by id; past it, the year's are read whole.
SMALL = 50


def deadlines_for(year: FiscalYear, units: Iterable[tuple[int, int | None]]) -> dict[int, datetime.date | None]:
    """{unit pk: last day it may submit} for (unit pk, its department's pk) pairs: two queries."""
    units = list(units)
    if not units:
        return {}
    # A year has a few dozen deadlines and reopenings: all of them cost less than 3,000 ids in an IN.
    own = dict(DepartmentDeadline.objects.filter(year=year).order_by().values_list("department_id", "closes_on"))
    # The latest reopening counts, as the history reads (a later, shorter one narrows it again).
    reopened: dict[int, datetime.date] = {}
    reopens = UnitReopen.objects.filter(year=year).order_by("created_at", "pk")
    if len(units) < SMALL:
        reopens = reopens.filter(unit_id__in=[pk for pk, _department in units])
    for unit_pk, until in reopens.values_list("unit_id", "until"):
        reopened[unit_pk] = until
    result = {}
    for unit_pk, department in units:
        closes = own.get(department) or year.filing_closes
        latest = reopened.get(unit_pk)
        result[unit_pk] = latest if latest is not None and (closes is None or latest > closes) else closes
    return result


def deadline_for(unit: Organization, year: FiscalYear) -> datetime.date | None:
    """The last day `unit` may submit in `year` (None: no deadline)."""
    department = unit.department
    return deadlines_for(year, [(unit.pk, department.pk if department else None)])[unit.pk]


def today() -> datetime.date:
    return timezone.localdate()


@dataclass(frozen=True)
class Countdown:
    deadline: datetime.date
    days: int  # days left until the deadline; negative once it has passed

    @classmethod
    def of(cls, deadline: datetime.date | None, on: datetime.date | None = None) -> "Countdown | None":
        if deadline is None:
            return None
        return cls(deadline=deadline, days=(deadline - (on or today())).days)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def urgent(self) -> bool:
        """Within the last three days: the lists show it in warning colours."""
        return 0 <= self.days <= 3

    def __str__(self) -> str:
        if self.days > 0:
            return _("距截止还有 %(n)s 天") % {"n": self.days}
        if self.days == 0:
            return _("今天截止")
        return _("已逾期 %(n)s 天") % {"n": -self.days}


def filing_refusal(unit: Organization, year: FiscalYear, on: datetime.date | None = None) -> str | None:
    """Why `unit` may not submit a new form in `year` today, or None when it may."""
    on = on or today()
    if not year.is_open:
        return _("%(year)s已关闭填报，不能再提交。如确需补报，请联系财政局。") % {"year": year}
    if year.filing_opens and on < year.filing_opens:
        return _("%(year)s的填报从 %(date)s 开始，现在还不能提交。") % {
            "year": year,
            "date": year.filing_opens.isoformat(),
        }
    deadline = deadline_for(unit, year)
    if deadline is not None and on > deadline:
        return _(
            "填报已于 %(date)s 截止（已逾期 %(n)s 天），不能再提交。如确需补报，请联系财政局为本单位重新开放。"
        ) % {
            "date": deadline.isoformat(),
            "n": (on - deadline).days,
        }
    return None


def attach_countdowns(perf_forms) -> None:
    """Set `countdown` on each form of a list page (None unless it still awaits submission).

    Two queries per year on the page, not two per form.
    """
    by_year: dict[int, list] = {}
    for perf_form in perf_forms:
        perf_form.countdown = None
        if perf_form.is_editable:
            by_year.setdefault(perf_form.year_id, []).append(perf_form)
    on = today()
    for forms in by_year.values():
        year = forms[0].year
        pairs = {(f.unit_id, f.unit.parent_id if f.unit.kind == Organization.Kind.UNIT else f.unit_id) for f in forms}
        deadlines = deadlines_for(year, pairs)
        for perf_form in forms:
            perf_form.countdown = Countdown.of(deadlines[perf_form.unit_id], on)
