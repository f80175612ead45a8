"""A form read-only, and the workflow buttons: submit, withdraw, approve, return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..lib.diff import diff_snapshots
from ..permissions import (
    can_download_opinion,
    can_edit,
    can_review,
    can_submit,
    can_withdraw,
    get_form_or_404,
    require_reviewer,
)
from .common import _checked_table, _open_return, _timeline
from .steps import APPROVED_MESSAGES, step_note


@login_required
def detail(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    events = _timeline(perf_form)
    open_return = _open_return(perf_form, events)
    comments = {c.indicator_id: c.comment for c in open_return.row_comments.all()} if open_return else {}
    checked = _checked_table(perf_form)
    for item in checked["table"]:
        item.comment = comments.get(item.row.pk)
    reviews_now = can_review(request.user, perf_form)
    return render(
        request,
        "projects/detail.html",
        {
            **checked,
            "perf_form": perf_form,
            "events": events,
            "open_return": open_return,
            "can_edit": can_edit(request.user, perf_form),
            "show_filler_hint": can_edit(request.user, perf_form),
            "can_submit": can_submit(request.user, perf_form),
            "can_withdraw": can_withdraw(request.user, perf_form),
            "can_review": reviews_now,
            "step_note": step_note(perf_form, request.user, reviews_now=reviews_now),
            "can_download_opinion": can_download_opinion(request.user, perf_form),
        },
    )


def _diff_for(perf_form):
    """Diff of the latest submission against the one before it (None on a first submission)."""
    latest_two = list(perf_form.submissions.order_by("-number")[:2])
    if len(latest_two) < 2:
        return None
    return diff_snapshots(latest_two[1].data, latest_two[0].data)


def _review_page(request, perf_form, *, return_draft: dict | None = None):
    """The review page; after a refused return, with the reviewer's reason and row comments put back."""
    checked = _checked_table(perf_form)
    reviewable = can_review(request.user, perf_form)
    if return_draft:
        for item in checked["table"]:
            item.draft_comment = return_draft["comments"].get(item.row.pk, "")
    # A form that left this reviewer's step meanwhile is a conflict, as in the editor.
    status = 409 if return_draft and not reviewable else 200
    return render(
        request,
        "projects/review.html",
        {
            **checked,
            "perf_form": perf_form,
            "events": _timeline(perf_form),
            "diff": _diff_for(perf_form),
            "has_previous": perf_form.submissions.count() > 1,
            "can_review": reviewable,
            "commentable": reviewable or bool(return_draft),
            "return_draft": return_draft,
        },
        status=status,
    )


@login_required
def review(request, pk):
    return _review_page(request, get_form_or_404(request.user, pk))


@require_POST
@login_required
def submit(request, pk):
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    try:
        services.submit(perf_form=perf_form, by=request.user)
    except services.SubmitBlocked as exc:
        messages.error(request, str(exc))
        return redirect("projects:edit", pk=pk) if perf_form.is_editable else redirect(perf_form)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交审核。"))
    return redirect(perf_form)


@require_POST
@login_required
def withdraw(request, pk):
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    try:
        services.withdraw(perf_form=perf_form, by=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤回，表格回到草稿状态，可以继续修改。"))
    return redirect(perf_form)


@require_POST
@login_required
def approve(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    require_reviewer(request.user)
    try:
        approved = services.approve(perf_form=perf_form, by=request.user, comment=request.POST.get("comment", ""))
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, APPROVED_MESSAGES[approved.status])
    return redirect("projects:review", pk=pk)


def _posted_row_comments(post) -> dict[int, str]:
    """`comment-<row id>` fields; services.return_form keeps only the form's own rows."""
    comments = {}
    for key, text in post.items():
        row_id = key.removeprefix("comment-")
        # A sane id length: int() of a forged thousands-digit key would raise.
        if key.startswith("comment-") and row_id.isdigit() and len(row_id) <= 18:
            comments[int(row_id)] = text
    return comments


@require_POST
@login_required
def return_view(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    require_reviewer(request.user)
    reason = request.POST.get("reason", "")
    row_comments = _posted_row_comments(request.POST)
    try:
        services.return_form(perf_form=perf_form, by=request.user, reason=reason, row_comments=row_comments)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return _review_page(request, perf_form, return_draft={"reason": reason, "comments": row_comments})
    messages.success(request, _("已退回填报单位。"))
    return redirect("projects:review", pk=pk)
