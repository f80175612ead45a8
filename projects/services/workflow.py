"""The workflow of a form: submit, withdraw, approve and return, each with its event row."""

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
from ..permissions import can_review, can_submit, can_withdraw
from ..season.deadlines import filing_refusal
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
    # The deadline holds for a first filing; a returned form may be resubmitted after it (the
    # reviewer asked for the changes). A late unit submits again once the bureau reopens it.
    if perf_form.status == Status.DRAFT and (refusal := filing_refusal(perf_form.unit, perf_form.year)):
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


def _check_review(perf_form: PerformanceForm, by) -> None:
    if not can_review(by, perf_form):
        raise TransitionError(
            _("这张表现在的状态是“%(status)s”，不在您的待审核范围内（可能刚被撤回或已由他人处理）。")
            % {"status": perf_form.get_status_display()}
        )


@transaction.atomic
def approve(*, perf_form: PerformanceForm, by, comment: str = "") -> PerformanceForm:
    _check_comment_length(comment, _("通过意见"))
    perf_form = lock_form(perf_form)
    _check_review(perf_form, by)
    if perf_form.status == Status.SUBMITTED:
        _transition(perf_form, by=by, action=Action.DEPT_APPROVE, to_status=Status.DEPT_APPROVED, reason=comment)
    else:
        _transition(perf_form, by=by, action=Action.APPROVE, to_status=Status.APPROVED, reason=comment)
    return perf_form


@transaction.atomic
def return_form(
    *, perf_form: PerformanceForm, by, reason: str, row_comments: dict[int, str] | None = None
) -> PerformanceForm:
    """Send the form back to its unit with a reason and, optionally, remarks on rows (indicator id → text)."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise TransitionError(
            _("退回必须写明理由（至少 %(n)s 个字），告诉填报单位要改什么。") % {"n": MIN_REASON_LENGTH}
        )
    _check_comment_length(reason, _("退回理由"))
    comments = {pk: text.strip() for pk, text in (row_comments or {}).items() if text and text.strip()}
    for text in comments.values():
        _check_comment_length(text, _("指标意见"))
    perf_form = lock_form(perf_form)
    _check_review(perf_form, by)
    event = _transition(perf_form, by=by, action=Action.RETURN, to_status=Status.RETURNED, reason=reason)
    if comments:
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
    return perf_form
