"""Who hears of a workflow transition: the unit's fillers of its outcome, the next step's reviewers of its arrival.

Called by projects.services.workflow after the transition commits, so that a rolled-back approval never
announces itself and a Scorecard written in the same transaction (reviews) is already there to quote.
"""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from ..accounts.models import Organization, User
from ..lib.text import plain_number
from ..models import Action, FormEvent, PerformanceForm, Status
from ..reviews.models import Scorecard
from .models import NoticeKind, Notification
from .services import notify


def fillers_of(unit: Organization) -> QuerySet[User]:
    """The people who file for `unit`: its active fillers."""
    return User.objects.filter(organization=unit, role=User.Role.FILLER, is_active=True)


def department_reviewers_of(perf_form: PerformanceForm) -> QuerySet[User]:
    """The 主管部门 reviewers a submitted form waits for."""
    return User.objects.filter(role=User.Role.DEPT_REVIEWER, organization_id=perf_form.unit.parent_id, is_active=True)


def finance_reviewers_of(perf_form: PerformanceForm) -> QuerySet[User]:
    """Finance reviewers assigned (对口) to the form's 主管部门, who alone can act on it; when nobody is
    assigned, the administrators (who may act at either step) — never reviewers who could not open it."""
    department = perf_form.unit.department
    reviewers = User.objects.filter(role=User.Role.FINANCE_REVIEWER, is_active=True)
    assigned = reviewers.filter(assigned_departments=department) if department is not None else reviewers.none()
    if assigned.exists():
        return assigned
    return User.objects.filter(Q(role=User.Role.ADMIN) | Q(is_superuser=True), is_active=True)


def _scorecard_lines(event: FormEvent) -> str:
    """综合评定 and 修改完善意见 of the scorecard that came with this decision, if any."""
    scorecard = Scorecard.objects.filter(event=event).first()
    if scorecard is None:
        return ""
    lines = [
        _("综合评定：%(grade)s（%(total)s 分）")
        % {"grade": scorecard.get_grade_display(), "total": plain_number(scorecard.total)}
    ]
    if scorecard.opinion:
        lines.append(_("修改完善意见：%(opinion)s") % {"opinion": scorecard.opinion})
    return "\n".join(lines)


def _body(*parts: str) -> str:
    return "\n".join(part for part in parts if part)


def notify_transition(event_pk: int) -> list[Notification]:
    """Send what the transition of FormEvent `event_pk` means to whom it concerns."""
    event = FormEvent.objects.select_related("perf_form__unit__parent", "perf_form__year", "actor").get(pk=event_pk)
    perf_form = event.perf_form
    url = perf_form.get_absolute_url()
    common = {"url": url, "perf_form": perf_form, "by": event.actor}
    names = {"title": perf_form.title, "year": perf_form.year.year}
    reason = _("意见：%(reason)s") % {"reason": event.reason} if event.reason else ""
    sent: list[Notification] = []
    fillers = fillers_of(perf_form.unit)
    if event.action == Action.RETURN:
        sent += notify(
            fillers,
            kind=NoticeKind.RETURNED,
            title=_("%(year)s 年《%(title)s》被退回修改") % names,
            body=_body(_("退回理由：%(reason)s") % {"reason": event.reason}, _scorecard_lines(event)),
            **common,
        )
    elif event.action == Action.REJECT:
        sent += notify(
            fillers,
            kind=NoticeKind.REJECTED,
            title=_("%(year)s 年《%(title)s》审核不予通过") % names,
            body=_body(reason, _scorecard_lines(event)),
            **common,
        )
    elif event.action == Action.REOPEN:
        sent += notify(
            fillers,
            kind=NoticeKind.RETURNED,
            title=_("%(year)s 年《%(title)s》已重新开放，可修改后再次提交") % names,
            body=reason,
            **common,
        )
    elif event.action in (Action.DEPT_APPROVE, Action.APPROVE):
        title = (
            _("%(year)s 年《%(title)s》已通过主管部门审核")
            if event.action == Action.DEPT_APPROVE
            else _("%(year)s 年《%(title)s》已获财政局批复")
        )
        sent += notify(
            fillers,
            kind=NoticeKind.APPROVED,
            title=title % names,
            body=_body(reason, _scorecard_lines(event)),
            **common,
        )
    if event.to_status == Status.SUBMITTED:
        sent += notify(
            department_reviewers_of(perf_form),
            kind=NoticeKind.TO_REVIEW,
            title=_("待初审：%(unit)s 提交了 %(year)s 年《%(title)s》") % {**names, "unit": perf_form.unit.name},
            **common,
        )
    elif event.to_status == Status.DEPT_APPROVED:
        sent += notify(
            finance_reviewers_of(perf_form),
            kind=NoticeKind.TO_REVIEW,
            title=_("待复审：%(unit)s 的 %(year)s 年《%(title)s》") % {**names, "unit": perf_form.unit.name},
            **common,
        )
    return sent
