"""The workflow of a form: submit, withdraw, approve, return, reject and reopen, each with its event row.

A form of a year and kind that has a 四性审核 template is decided through projects.reviews.services.decide
(scores, grade, outcome), which calls `decide` here; plain `approve` is for years without one.
"""

from functools import partial

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.warnings import FormWarning

from ..accounts.models import Organization, User
from ..choices import AuditAction
from ..models import REASON_MAX_LENGTH, Action, FormEvent, Indicator, PerformanceForm, RowComment, Status, Submission
from ..notices.transitions import notify_transition
from ..permissions import can_reopen, can_review, can_submit, can_withdraw
from ..season.deadlines import filing_refusal
from ..suggest import services as suggestions
from . import audit
from .content import BUDGET_FIELDS, HEADER_FIELDS, ROW_DATA_FIELDS, form_warnings, lock_form
from .errors import SubmitBlocked, TransitionError

MIN_REASON_LENGTH = 5


def _check_comment_length(text: str, what: str) -> None:
    if len(text) > REASON_MAX_LENGTH:
        raise TransitionError(
            _("%(what)s最多 %(n)s 个字（现在 %(count)s 个字），请精简。")
            % {"what": what, "n": REASON_MAX_LENGTH, "count": len(text)}
        )


def _department_step_needed(perf_form: PerformanceForm) -> bool:
    """Skip 主管部门 when the unit is the department, or the department has no reviewer."""
    unit = perf_form.unit
    if unit.kind == Organization.Kind.DEPARTMENT or unit.parent_id is None:
        return False
    return User.objects.filter(role=User.Role.DEPT_REVIEWER, organization_id=unit.parent_id, is_active=True).exists()


def _transition(perf_form: PerformanceForm, *, by, action: str, to_status: str, reason: str = "") -> FormEvent:
    """Change status, bump the version and write the event: the only writer of `status`."""
    from_status = perf_form.status
    perf_form.status = to_status
    perf_form.version = F("version") + 1
    fields = ["status", "version", "updated_at"]
    if action == Action.SUBMIT:
        perf_form.submitted_at = timezone.now()
        fields.append("submitted_at")
    perf_form.save(update_fields=fields)
    perf_form.refresh_from_db(fields=["version"])
    event = FormEvent.objects.create(
        perf_form=perf_form,
        actor=by,
        actor_name=by.display_name(),
        actor_role=by.role if not by.is_superuser else User.Role.ADMIN,
        action=action,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
    )
    audit.record(
        AuditAction.TRANSITION,
        by=by,
        perf_form=perf_form,
        summary=f"{event.get_action_display()}：{Status(from_status).label} → {Status(to_status).label}",
        detail={"event": event.pk, "action": action, "from": from_status, "to": to_status},
    )
    # Told once the transition (and any scorecard written with it) is committed; a failed send is logged, not raised.
    transaction.on_commit(partial(notify_transition, event.pk), robust=True)
    # An approved form lends its rows to other units' suggestions (projects.suggest).
    suggestions.status_changed(perf_form, from_status, to_status)
    return event


def snapshot(perf_form: PerformanceForm, rows: list[Indicator], found: list[FormWarning]) -> dict:
    """The whole form as plain JSON: header, budget, rows (with ids and every catalogue row field) and warnings."""

    def plain(value):
        if value is None or isinstance(value, bool | int | str):
            return value
        return str(value)

    return {
        "header": {name: plain(getattr(perf_form, name)) for name in HEADER_FIELDS},
        "budget": {name: plain(getattr(perf_form, name)) for name in BUDGET_FIELDS},
        "rows": [{"id": r.pk, **{name: plain(getattr(r, name)) for name in ROW_DATA_FIELDS}} for r in rows],
        "warnings": [
            {"code": w.code, "severity": w.severity, "message": str(w.message), "field": w.field, "row": w.row}
            for w in found
        ],
    }


@transaction.atomic
def submit(*, perf_form: PerformanceForm, by) -> PerformanceForm:
    perf_form = lock_form(perf_form)
    if not can_submit(by, perf_form):
        raise TransitionError(
            _("这张表当前的状态（%(status)s）不能提交。") % {"status": perf_form.get_status_display()}
        )
    # The deadline (and a closed year) holds for a first filing: a form once submitted — returned by
    # a reviewer, or withdrawn by the unit to fix something — may be submitted again after it. A late
    # unit files a new form once the bureau reopens it.
    if perf_form.submitted_at is None and (refusal := filing_refusal(perf_form.unit, perf_form.year)):
        raise TransitionError(refusal)
    rows = list(perf_form.indicators.all())
    found = form_warnings(perf_form, rows)
    errors = [w for w in found if w.is_error]
    if errors:
        raise SubmitBlocked(errors)
    to_status = Status.SUBMITTED if _department_step_needed(perf_form) else Status.DEPT_APPROVED
    event = _transition(perf_form, by=by, action=Action.SUBMIT, to_status=to_status)
    number = perf_form.submissions.count() + 1
    Submission.objects.create(perf_form=perf_form, number=number, event=event, data=snapshot(perf_form, rows, found))
    return perf_form


@transaction.atomic
def withdraw(*, perf_form: PerformanceForm, by) -> PerformanceForm:
    perf_form = lock_form(perf_form)
    if not can_withdraw(by, perf_form):
        raise TransitionError(_("审核人已经处理了这张表，不能再撤回。"))
    _transition(perf_form, by=by, action=Action.WITHDRAW, to_status=Status.DRAFT)
    return perf_form


def check_review(perf_form: PerformanceForm, by) -> None:
    if not can_review(by, perf_form):
        raise TransitionError(
            _("这张表现在的状态是“%(status)s”，不在您的待审核范围内（可能刚被撤回或已由他人处理）。")
            % {"status": perf_form.get_status_display()}
        )


def _needs_scorecard(perf_form: PerformanceForm) -> bool:
    from ..reviews.models import ReviewTemplate

    return ReviewTemplate.objects.filter(year_id=perf_form.year_id, form_kind=perf_form.kind).exists()


@transaction.atomic
def approve(*, perf_form: PerformanceForm, by, comment: str = "") -> PerformanceForm:
    """Approve without a scorecard: only where the year has no 审核评分模板 for the form's kind."""
    _check_comment_length(comment, _("通过意见"))
    perf_form = lock_form(perf_form)
    check_review(perf_form, by)
    if _needs_scorecard(perf_form):
        raise TransitionError(_("本年度这类表按审核评分表审核：请先为各评分项打分，再作出审核结论。"))
    _approve(perf_form, by=by, comment=comment)
    return perf_form


def _approve(perf_form: PerformanceForm, *, by, comment: str) -> FormEvent:
    if perf_form.status == Status.SUBMITTED:
        return _transition(perf_form, by=by, action=Action.DEPT_APPROVE, to_status=Status.DEPT_APPROVED, reason=comment)
    return _transition(perf_form, by=by, action=Action.APPROVE, to_status=Status.APPROVED, reason=comment)


def _clean_return(reason: str, row_comments: dict[int, str] | None) -> tuple[str, dict[int, str]]:
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise TransitionError(
            _("退回必须写明理由（至少 %(n)s 个字），告诉填报单位要改什么。") % {"n": MIN_REASON_LENGTH}
        )
    _check_comment_length(reason, _("退回理由"))
    comments = {pk: text.strip() for pk, text in (row_comments or {}).items() if text and text.strip()}
    for text in comments.values():
        _check_comment_length(text, _("指标意见"))
    return reason, comments


def _write_row_comments(perf_form: PerformanceForm, event: FormEvent, comments: dict[int, str]) -> None:
    if not comments:
        return
    # Only this form's rows, matched in Python: a forged id never reaches the database.
    rows = [row for row in perf_form.indicators.all() if row.pk in comments]
    RowComment.objects.bulk_create(
        RowComment(
            event=event,
            indicator=row,
            row_label=f"{row.level1} / {row.level2} / {row.level3}",
            comment=comments[row.pk],
        )
        for row in rows
    )


@transaction.atomic
def return_form(
    *, perf_form: PerformanceForm, by, reason: str, row_comments: dict[int, str] | None = None
) -> PerformanceForm:
    """Send the form back to its unit with a reason and, optionally, remarks on rows (indicator id → text).

    Allowed with or without a scorecard: a reviewer may send an unfinished form back unscored.
    """
    reason, comments = _clean_return(reason, row_comments)
    perf_form = lock_form(perf_form)
    check_review(perf_form, by)
    event = _transition(perf_form, by=by, action=Action.RETURN, to_status=Status.RETURNED, reason=reason)
    _write_row_comments(perf_form, event, comments)
    return perf_form


def decide(
    *, perf_form: PerformanceForm, by, outcome: str, opinion: str, row_comments: dict[int, str] | None = None
) -> FormEvent:
    """The transition a scorecard's outcome asks for, on a form the caller has locked.

    Called by projects.reviews.services.decide inside its transaction: PASS and PASS_WITH_CHANGES
    approve (the opinion is the event's comment), RETURN returns with the opinion as reason,
    REJECT marks the form 不予通过.
    """
    from ..reviews.choices import Outcome

    check_review(perf_form, by)
    if outcome in (Outcome.PASS, Outcome.PASS_WITH_CHANGES):
        _check_comment_length(opinion, _("修改完善意见"))
        return _approve(perf_form, by=by, comment=opinion)
    reason, comments = _clean_return(opinion, row_comments)
    if outcome == Outcome.RETURN:
        event = _transition(perf_form, by=by, action=Action.RETURN, to_status=Status.RETURNED, reason=reason)
    else:
        event = _transition(perf_form, by=by, action=Action.REJECT, to_status=Status.REJECTED, reason=reason)
    _write_row_comments(perf_form, event, comments)
    return event


@transaction.atomic
def reopen(*, perf_form: PerformanceForm, by, reason: str) -> PerformanceForm:
    """The finance bureau lets a form graded 差 (不予通过) be revised after all: it goes back to the unit."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise TransitionError(_("重新开放必须写明理由（至少 %(n)s 个字）。") % {"n": MIN_REASON_LENGTH})
    _check_comment_length(reason, _("重新开放理由"))
    perf_form = lock_form(perf_form)
    if not can_reopen(by, perf_form):
        raise TransitionError(
            _("只有财政局可以重新开放“不予通过”的表；这张表现在的状态是“%(status)s”。")
            % {"status": perf_form.get_status_display()}
        )
    event = _transition(perf_form, by=by, action=Action.REOPEN, to_status=Status.RETURNED, reason=reason)
    audit.record(
        AuditAction.REOPEN,
        by=by,
        perf_form=perf_form,
        summary=_("重新开放“不予通过”的表：%(reason)s") % {"reason": reason},
        detail={"event": event.pk},
    )
    return perf_form
