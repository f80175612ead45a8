"""The season's writers: years and their windows, 主管部门 deadlines, reopenings, expected forms, 催报.

Each is one transaction that checks its guard inside and writes its audit entry
(projects.services.audit), as the workflow's services do.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from indicators.choices import FormKind
from indicators.models import IndicatorFramework

from ..accounts.models import Organization, User
from ..choices import AuditAction
from ..models import REASON_MAX_LENGTH, FiscalYear, PerformanceForm
from ..notices.models import BODY_MAX_LENGTH, NoticeKind
from ..notices.services import notify
from ..permissions import can_manage_season, can_reopen_unit, urge_departments
from ..reviews.seed import seed_templates
from ..services import audit
from .deadlines import today
from .models import DepartmentDeadline, ExpectedForm, UnitReopen

MIN_REASON_LENGTH = 5
# One 催报 reaches at most this many units (a county has a few hundred; a slip of the "select all" stops here).
MAX_URGE_UNITS = 500
URGE_MESSAGE_MAX_LENGTH = 500
FIRST_YEAR, LAST_YEAR = 2000, 2100


class SeasonError(Exception):
    """A season change refused, with the reason in Chinese."""


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("您没有权限进行这项操作。"))


def _check_window(opens: datetime.date | None, closes: datetime.date | None) -> None:
    if opens and closes and closes < opens:
        raise SeasonError(
            _("填报截止日期（%(closes)s）不能早于开始填报日期（%(opens)s）。")
            % {"closes": closes.isoformat(), "opens": opens.isoformat()}
        )


@transaction.atomic
def open_year(
    *,
    by: User,
    year: int,
    project_framework: IndicatorFramework,
    department_framework: IndicatorFramework | None,
    filing_opens: datetime.date | None = None,
    filing_closes: datetime.date | None = None,
) -> FiscalYear:
    """A new fiscal year, open for filing, with its frameworks and window."""
    _require(can_manage_season(by))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise SeasonError(_("年度必须在 %(a)s 到 %(b)s 之间。") % {"a": FIRST_YEAR, "b": LAST_YEAR})
    if project_framework.form_kind != FormKind.PROJECT or (
        department_framework is not None and department_framework.form_kind != FormKind.DEPARTMENT
    ):
        raise SeasonError(_("指标体系与表类型不符，请重新选择。"))
    _check_window(filing_opens, filing_closes)
    if FiscalYear.objects.filter(year=year).exists():
        raise SeasonError(_("%(year)s年度已经存在。") % {"year": year})
    try:
        with transaction.atomic():
            fiscal_year = FiscalYear.objects.create(
                year=year,
                is_open=True,
                project_framework=project_framework,
                department_framework=department_framework,
                filing_opens=filing_opens,
                filing_closes=filing_closes,
            )
    except IntegrityError:
        raise SeasonError(_("%(year)s年度已经存在。") % {"year": year}) from None
    # Its 四性审核 scorecards from the first day: the default templates, for admins to adjust.
    seed_templates([fiscal_year])
    audit.record(
        AuditAction.YEAR,
        by=by,
        year=year,
        summary=_("开启%(year)s年度") % {"year": year},
        detail={
            "project_framework": project_framework.code,
            "department_framework": department_framework.code if department_framework else None,
            "filing_opens": filing_opens.isoformat() if filing_opens else None,
            "filing_closes": filing_closes.isoformat() if filing_closes else None,
        },
    )
    return fiscal_year


@transaction.atomic
def update_year(
    *,
    by: User,
    fiscal_year: FiscalYear,
    is_open: bool,
    filing_opens: datetime.date | None,
    filing_closes: datetime.date | None,
) -> FiscalYear:
    """The year's filing window and whether it is open; audited when anything changed."""
    _require(can_manage_season(by))
    _check_window(filing_opens, filing_closes)
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    before = {
        "is_open": fiscal_year.is_open,
        "filing_opens": fiscal_year.filing_opens,
        "filing_closes": fiscal_year.filing_closes,
    }
    after = {"is_open": is_open, "filing_opens": filing_opens, "filing_closes": filing_closes}
    if before == after:
        return fiscal_year
    for name, value in after.items():
        setattr(fiscal_year, name, value)
    fiscal_year.save(update_fields=list(after))

    def plain(values):
        return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()}

    parts = []
    if before["is_open"] != is_open:
        parts.append(_("开放填报") if is_open else _("关闭填报"))
    if (before["filing_opens"], before["filing_closes"]) != (filing_opens, filing_closes):
        parts.append(
            _("填报期 %(opens)s 至 %(closes)s")
            % {"opens": filing_opens or _("不限"), "closes": filing_closes or _("不限")}
        )
    audit.record(
        AuditAction.YEAR,
        by=by,
        year=fiscal_year.year,
        summary=f"{fiscal_year}：" + "；".join(str(p) for p in parts),
        detail={"before": plain(before), "after": plain(after)},
    )
    return fiscal_year


@transaction.atomic
def set_department_deadlines(*, by: User, fiscal_year: FiscalYear, deadlines: dict[int, datetime.date | None]) -> int:
    """{department pk: its closing date, None for the year's}; returns how many changed (each audited)."""
    _require(can_manage_season(by))
    departments = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT).in_bulk(list(deadlines))
    if len(departments) != len(deadlines):
        raise SeasonError(_("有的主管部门不存在或已被删除，请刷新页面后重试。"))
    current = {d.department_id: d for d in DepartmentDeadline.objects.select_for_update().filter(year=fiscal_year)}
    changed = 0
    for pk, closes_on in deadlines.items():
        existing = current.get(pk)
        before = existing.closes_on if existing else None
        if before == closes_on:
            continue
        if closes_on is None:
            existing.delete()
        elif existing is None:
            DepartmentDeadline.objects.create(year=fiscal_year, department_id=pk, closes_on=closes_on)
        else:
            existing.closes_on = closes_on
            existing.save(update_fields=["closes_on"])
        changed += 1
        audit.record(
            AuditAction.DEADLINE,
            by=by,
            unit=departments[pk],
            year=fiscal_year.year,
            summary=_("%(department)s截止日期：%(before)s → %(after)s")
            % {
                "department": departments[pk].name,
                "before": before or _("同年度"),
                "after": closes_on or _("同年度"),
            },
            detail={
                "before": before.isoformat() if before else None,
                "after": closes_on.isoformat() if closes_on else None,
            },
        )
    return changed


@transaction.atomic
def reopen_unit(
    *, by: User, fiscal_year: FiscalYear, unit: Organization, until: datetime.date, reason: str
) -> UnitReopen:
    """Let a late unit submit again until `until`, with the reason in its history."""
    _require(can_reopen_unit(by))
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise SeasonError(_("重新开放必须写明理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_LENGTH})
    if len(reason) > REASON_MAX_LENGTH:
        raise SeasonError(
            _("理由最多 %(n)s 个字（现在 %(count)s 个字）。") % {"n": REASON_MAX_LENGTH, "count": len(reason)}
        )
    if until < today():
        raise SeasonError(_("延期日期（%(date)s）不能早于今天。") % {"date": until.isoformat()})
    if unit.kind not in (Organization.Kind.UNIT, Organization.Kind.DEPARTMENT):
        raise SeasonError(_("只能为预算单位或主管部门重新开放。"))
    reopen = UnitReopen.objects.create(
        year=fiscal_year, unit=unit, until=until, reason=reason, by=by, by_name=by.display_name()
    )
    audit.record(
        AuditAction.REOPEN,
        by=by,
        unit=unit,
        year=fiscal_year.year,
        summary=_("为%(unit)s重新开放填报至 %(until)s：%(reason)s")
        % {"unit": unit.name, "until": until.isoformat(), "reason": reason},
        detail={"reopen": reopen.pk, "until": until.isoformat(), "reason": reason},
    )
    return reopen


def _link_filed(fiscal_year: FiscalYear, rows: list[ExpectedForm]) -> None:
    """Link new expected rows to the forms already filed for them (same unit and kind; code, else name).

    One query. The dashboard matches unlinked rows at query time too, so a form filed later counts
    at once; the link is the record, and spares the dashboard the lookup.
    """
    units = {row.unit_id for row in rows}
    if not units:
        return
    filed = PerformanceForm.objects.filter(year=fiscal_year, unit_id__in=units).values_list(
        "pk", "unit_id", "kind", "project_code", "project_name"
    )
    by_code, by_name = {}, {}
    for pk, unit, kind, code, name in filed:
        if code:
            by_code[(unit, kind, code)] = pk
        by_name[(unit, kind, name)] = pk
    for row in rows:
        code = row.project_code and by_code.get((row.unit_id, row.kind, row.project_code))
        row.perf_form_id = code or by_name.get((row.unit_id, row.kind, row.project_name))


@dataclass(frozen=True)
class ExpectedRow:
    """One line of the 项目库 list, its unit already found."""

    unit_pk: int
    project_code: str
    project_name: str


@transaction.atomic
def import_expected(*, by: User, fiscal_year: FiscalYear, rows: Iterable[ExpectedRow]) -> dict[str, int]:
    """Store the 项目库 list's rows as expected forms; a row already there keeps it and gets the code.

    Returns {"created": n, "updated": n, "unchanged": n}. Idempotent: importing a list twice adds nothing.
    """
    _require(can_manage_season(by))
    rows = list(rows)
    existing = {
        (e.unit_id, e.project_name): e
        for e in ExpectedForm.objects.select_for_update().filter(year=fiscal_year, kind=FormKind.PROJECT)
    }
    new, updated, unchanged = [], [], 0
    for row in rows:
        found = existing.get((row.unit_pk, row.project_name))
        if found is None:
            new.append(
                ExpectedForm(
                    year=fiscal_year,
                    unit_id=row.unit_pk,
                    kind=FormKind.PROJECT,
                    project_code=row.project_code,
                    project_name=row.project_name,
                    source=ExpectedForm.Source.PROJECT_LIST,
                )
            )
            existing[(row.unit_pk, row.project_name)] = new[-1]
        elif row.project_code and found.project_code != row.project_code:
            found.project_code = row.project_code
            updated.append(found)
        else:
            unchanged += 1
    _link_filed(fiscal_year, new)
    ExpectedForm.objects.bulk_create(new, batch_size=500)
    ExpectedForm.objects.bulk_update(updated, ["project_code"], batch_size=500)
    result = {"created": len(new), "updated": len(updated), "unchanged": unchanged}
    audit.record(
        AuditAction.IMPORT_EXPECTED,
        by=by,
        year=fiscal_year.year,
        summary=_("导入项目库：新增 %(created)s 项，更新项目代码 %(updated)s 项，已有 %(unchanged)s 项") % result,
        detail=result,
    )
    return result


@transaction.atomic
def expect_last_year(*, by: User, fiscal_year: FiscalYear) -> int:
    """For a year without a carry-over: expect every project form of the year before again.

    Rows the carry-over (or an earlier run) made are kept; returns how many were added.
    """
    _require(can_manage_season(by))
    previous = FiscalYear.objects.filter(year=fiscal_year.year - 1).first()
    if previous is None:
        raise SeasonError(_("没有%(year)s年度的数据，无法按上年表生成。") % {"year": fiscal_year.year - 1})
    existing = set(ExpectedForm.objects.filter(year=fiscal_year).values_list("unit_id", "kind", "project_name"))
    last = PerformanceForm.objects.filter(year=previous, kind=FormKind.PROJECT, unit__kind=Organization.Kind.UNIT)
    new = [
        ExpectedForm(
            year=fiscal_year,
            unit_id=unit_pk,
            kind=FormKind.PROJECT,
            project_code=code,
            project_name=name,
            source=ExpectedForm.Source.CARRY_OVER,
        )
        for unit_pk, code, name in last.values_list("unit_id", "project_code", "project_name").order_by("pk")
        if (unit_pk, FormKind.PROJECT, name) not in existing
    ]
    _link_filed(fiscal_year, new)
    ExpectedForm.objects.bulk_create(new, batch_size=500)
    audit.record(
        AuditAction.IMPORT_EXPECTED,
        by=by,
        year=fiscal_year.year,
        summary=_("按%(last)s的表生成应填报项目 %(n)s 项") % {"last": previous, "n": len(new)},
        detail={"from_year": previous.year, "created": len(new)},
    )
    return len(new)


@transaction.atomic
def urge(*, by: User, fiscal_year: FiscalYear, units: list[Organization], message: str = "") -> int:
    """催报: notify each unit's fillers and record it per unit; returns how many people were notified."""
    message = (message or "").strip()
    if not units:
        raise SeasonError(_("请先勾选要催报的单位。"))
    if len(units) > MAX_URGE_UNITS:
        raise SeasonError(_("一次最多向 %(n)s 个单位催报，请分批发送。") % {"n": MAX_URGE_UNITS})
    if len(message) > min(URGE_MESSAGE_MAX_LENGTH, BODY_MAX_LENGTH):
        raise SeasonError(
            _("催报附言最多 %(n)s 个字（现在 %(count)s 个字）。")
            % {"n": URGE_MESSAGE_MAX_LENGTH, "count": len(message)}
        )
    scope = urge_departments(by)
    _require(scope is None or all(unit.department and unit.department.pk in scope for unit in units))
    fillers: dict[int, list[User]] = {}
    for user in User.objects.filter(organization__in=units, role=User.Role.FILLER, is_active=True):
        fillers.setdefault(user.organization_id, []).append(user)
    title = _("催报：请尽快填报%(year)s绩效目标表") % {"year": fiscal_year}
    url = reverse("projects:my_forms") + f"?year={fiscal_year.year}"
    notified = 0
    for unit in units:
        body = message or _("%(sender)s提醒：贵单位%(year)s的绩效目标表尚未完成填报，请尽快填写并提交。") % {
            "sender": by.display_name(),
            "year": fiscal_year,
        }
        created = notify(fillers.get(unit.pk, []), kind=NoticeKind.URGE, title=title, body=body, url=url, by=by)
        notified += len(created)
        audit.record(
            AuditAction.URGE,
            by=by,
            unit=unit,
            year=fiscal_year.year,
            summary=_("向%(unit)s催报（通知 %(n)s 人）") % {"unit": unit.name, "n": len(created)},
            detail={"message": message, "notified": [n.recipient_id for n in created]},
        )
    return notified
