"""Deadline reminders (截止提醒): run daily by `manage.py send_reminders`, idempotent per day.

A unit with work still open in an open year — forms in draft or returned, or expected forms (season.ExpectedForm)
nobody has started — hears from us when its deadline (season.deadlines.deadline_for) is 7, 3 or 1 days away.
Days are counted in the installation's time zone (Asia/Shanghai): a run at 01:00 Beijing time is that day's run.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ..accounts.models import Organization
from ..choices import AuditAction
from ..models import FiscalYear, PerformanceForm, Status
from ..season.deadlines import deadline_for
from ..season.models import ExpectedForm
from ..services import audit
from .models import NoticeKind
from .services import notify
from .transitions import fillers_of


@dataclass
class OpenWork:
    drafts: int = 0
    returned: int = 0
    not_started: int = 0


@dataclass
class YearReminders:
    year: int
    units: int = 0
    recipients: int = 0
    by_days: dict[int, int] = field(default_factory=dict)


def open_work(year: FiscalYear) -> dict[int, OpenWork]:
    """{unit pk: what is still open} for every unit with something open in `year` (two queries)."""
    work: dict[int, OpenWork] = {}
    forms = (
        PerformanceForm.objects.filter(year=year, status__in=[Status.DRAFT, Status.RETURNED])
        .values("unit_id")
        .annotate(
            drafts=Count("pk", filter=Q(status=Status.DRAFT)), returned=Count("pk", filter=Q(status=Status.RETURNED))
        )
    )
    for row in forms:
        work[row["unit_id"]] = OpenWork(drafts=row["drafts"], returned=row["returned"])
    expected = ExpectedForm.objects.filter(year=year, perf_form__isnull=True).values("unit_id").annotate(n=Count("pk"))
    for row in expected:
        work.setdefault(row["unit_id"], OpenWork()).not_started = row["n"]
    return work


def days_left_if_due(deadline: datetime.date | None, today: datetime.date, days: Iterable[int]) -> int | None:
    """The days from `today` to `deadline` when that is one of the reminder days, else None."""
    if deadline is None:
        return None
    left = (deadline - today).days
    return left if left in set(days) else None


def _message(year: FiscalYear, deadline: datetime.date, days: int, work: OpenWork) -> tuple[str, str]:
    title = _("%(year)s 年绩效目标填报还有 %(days)s 天截止（%(deadline)s）") % {
        "year": year.year,
        "days": days,
        "deadline": f"{deadline:%Y-%m-%d}",
    }
    lines = []
    if work.drafts or work.returned:
        lines.append(
            _("尚未提交的绩效目标表：草稿 %(drafts)s 张，已退回待修改 %(returned)s 张。")
            % {"drafts": work.drafts, "returned": work.returned}
        )
    if work.not_started:
        lines.append(_("应填报但尚未开始的项目：%(n)s 个。") % {"n": work.not_started})
    lines.append(_("截止后将不能提交，请尽快完成填报。"))
    return title, "\n".join(lines)


def send_reminders(today: datetime.date) -> list[YearReminders]:
    """Remind the fillers of every unit whose deadline is one of PERFGOALS_REMINDER_DAYS away from `today`."""
    results = []
    for year in FiscalYear.objects.filter(is_open=True).order_by("year"):
        results.append(_remind_year(year, today))
    return results


@transaction.atomic
def _remind_year(year: FiscalYear, today: datetime.date) -> YearReminders:
    result = YearReminders(year=year.year)
    work = open_work(year)
    units = Organization.objects.select_related("parent").in_bulk(list(work))
    for unit_pk in sorted(work):
        unit = units[unit_pk]
        deadline = deadline_for(unit, year)
        days = days_left_if_due(deadline, today, settings.PERFGOALS_REMINDER_DAYS)
        if days is None:
            continue
        title, body = _message(year, deadline, days, work[unit_pk])
        sent = notify(
            fillers_of(unit),
            kind=NoticeKind.DEADLINE,
            title=title,
            body=body,
            url=reverse("projects:my_forms") + f"?year={year.year}",
            dedupe_key=f"deadline:{year.year}:{unit.pk}:{today.isoformat()}",
        )
        if sent:
            result.units += 1
            result.recipients += len(sent)
            result.by_days[days] = result.by_days.get(days, 0) + 1
    if result.recipients:
        audit.record(
            AuditAction.REMINDER,
            by=None,
            year=year.year,
            summary=_("截止提醒（%(day)s）：%(units)s 个单位，%(people)s 人")
            % {"day": f"{today:%Y-%m-%d}", "units": result.units, "people": result.recipients},
            detail={
                "date": today.isoformat(),
                "units": result.units,
                "recipients": result.recipients,
                "by_days": {str(d): n for d, n in sorted(result.by_days.items())},
            },
        )
    return result
