"""A form read-only, the review page with its scorecard, and the workflow buttons: submit, withdraw,
approve, return, score and decide, reopen, batch approve."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services
from ..lib.diff import diff_snapshots
from ..lib.text import plain_number
from ..models import REASON_MAX_LENGTH, Status
from ..permissions import (
    can_download_opinion,
    can_edit,
    can_reopen,
    can_review,
    can_submit,
    can_withdraw,
    get_form_or_404,
    require_reviewer,
)
from ..reviews import services as reviews
from ..reviews.choices import Grade, Outcome, Stage
from ..services import carryover, workflow
from .common import _checked_table, _open_return, _timeline
from .lists import QUEUE_QUERY_MAX_LENGTH, next_awaiting
from .review_table import panel_items, review_rows
from .steps import APPROVED_MESSAGES, step_note

# A refused post's input, kept in the session for the page the browser is sent back to (PRG).
STASH = "review-post-%s"
STASH_MAX_ITEMS = 500


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
            "carry_years": carryover.carry_over_years(request.user, [perf_form]).get(perf_form.pk, []),
            "can_reopen": can_reopen(request.user, perf_form),
            "is_rejected": perf_form.status == Status.REJECTED,
            "scorecards": list(reviews.latest_scorecards(perf_form).values()),
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


def _given_scores(post) -> dict[int, reviews.ScoreInput]:
    """`points-<item id>` and `remark-<item id>` fields; the service checks them against the template."""
    given = {}
    for key, points in post.items():
        item_id = key.removeprefix("points-")
        if key.startswith("points-") and item_id.isdigit() and len(item_id) <= 18:
            given[int(item_id)] = reviews.ScoreInput(points[:20], post.get(f"remark-{item_id}", ""))
    return given


def _scorecard_panel(perf_form, stash: dict | None, found: list) -> dict:
    """The scorecard to fill at this step, prefilled from a refused post, else the saved draft."""
    template = reviews.template_for(perf_form)
    if template is None:
        return {}
    rows = list(perf_form.indicators.all())
    sheet = reviews.scoring_sheet(template, found, rows)
    draft = reviews.current_draft(perf_form)
    if stash and stash.get("scores") is not None:
        given = {int(k): reviews.ScoreInput(*v) for k, v in stash["scores"].items()}
        opinion = stash.get("opinion", "")
    elif draft:
        given, opinion = reviews.draft_inputs(draft), draft.opinion
    else:
        given, opinion = {}, ""
    labels = _decide_labels(perf_form)
    outcomes = {
        Grade.EXCELLENT: template.outcome_excellent,
        Grade.GOOD: template.outcome_good,
        Grade.FAIR: template.outcome_fair,
        Grade.POOR: template.outcome_poor,
    }
    first = None
    if reviews.stage_for(perf_form) == Stage.FINANCE:
        first = reviews.latest_scorecards(perf_form).get(Stage.DEPARTMENT)
    return {
        "template": template,
        "panel": panel_items(sheet, given, first),
        "opinion": opinion,
        "draft": draft,
        "first_card": first,
        "max_total": sum((entry.item.max_points for entry in sheet), 0),
        # grade value, its label and the decide button's wording for it: scorecard.js reads these
        "grade_labels": [(grade, Grade(grade).label, labels[outcome]) for grade, outcome in outcomes.items()],
    }


def _queue_query(request) -> str:
    """The queue's filters and sort this review was opened from: carried on by "保存并下一张"."""
    if "queue" in request.GET:
        return request.GET["queue"][:QUEUE_QUERY_MAX_LENGTH]
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.path == reverse("projects:queue") and referer.netloc == request.get_host():
        return referer.query[:QUEUE_QUERY_MAX_LENGTH]
    return ""


def _review_page(request, perf_form):
    """The review page; after a refused post, with what the reviewer typed put back."""
    stash = request.session.pop(STASH % perf_form.pk, None)
    return_draft = stash if stash and stash.get("reason") is not None else None
    checked = _checked_table(perf_form)
    reviewable = can_review(request.user, perf_form)
    comments = {int(k): v for k, v in (stash or {}).get("comments", {}).items()}
    # A form that left this reviewer's step meanwhile is a conflict, as in the editor.
    status = 409 if stash and not reviewable else 200
    panel = _scorecard_panel(perf_form, stash, checked["warnings"]) if reviewable else {}
    return render(
        request,
        "projects/review.html",
        {
            **checked,
            **panel,
            "review_rows": review_rows(checked["table"], comments),
            "perf_form": perf_form,
            "events": _timeline(perf_form),
            "diff": _diff_for(perf_form),
            "has_previous": perf_form.submissions.count() > 1,
            "can_review": reviewable,
            "can_reopen": can_reopen(request.user, perf_form),
            "commentable": reviewable or bool(stash),
            "comment_form": "review-form" if panel else "return-form",
            "queue_query": _queue_query(request),
            "return_draft": return_draft,
            "refused_post": bool(stash) and not reviewable,
            "scorecards": [] if reviewable else list(reviews.latest_scorecards(perf_form).values()),
        },
        status=status,
    )


@login_required
def review(request, pk):
    return _review_page(request, get_form_or_404(request.user, pk))


def _kept(text: str) -> str:
    """What of a refused text the session keeps: enough to show it was too long, never a whole upload."""
    return text[: REASON_MAX_LENGTH + 100]


def _back_to_review(request, perf_form, stash: dict):
    """Post/redirect/get after a refusal: the input waits in the session for the review page."""
    stash["comments"] = {pk: _kept(t) for pk, t in list(stash.get("comments", {}).items())[:STASH_MAX_ITEMS]}
    if "reason" in stash:
        stash["reason"] = _kept(stash["reason"])
    if "opinion" in stash:
        stash["opinion"] = _kept(stash["opinion"])
    if "scores" in stash:
        stash["scores"] = {pk: [p, _kept(r)] for pk, (p, r) in list(stash["scores"].items())[:STASH_MAX_ITEMS]}
    request.session[STASH % perf_form.pk] = stash
    return redirect("projects:review", pk=perf_form.pk)


def _decided_message(scorecard) -> str:
    """What happened, in the words of the step: the finance bureau 批复, the department passes it on."""
    scored = _("%(stage)s %(total)s 分，评为“%(grade)s”") % {
        "stage": scorecard.get_stage_display(),
        "total": plain_number(scorecard.total),
        "grade": scorecard.get_grade_display(),
    }
    if scorecard.outcome in reviews.PASSING:
        done = _("已批复") if scorecard.stage == Stage.FINANCE else _("初审通过，已报财政局复审")
    elif scorecard.outcome == Outcome.RETURN:
        done = _("已退回填报单位修改")
    else:
        done = _("已标记为不予通过")
    return _("%(done)s（%(scored)s）。") % {"done": done, "scored": scored}


def _decide_labels(perf_form) -> dict[str, str]:
    """The decide button's wording for each grade's outcome at this step (scorecard.js switches it)."""
    passing = _("审核通过，报财政局") if perf_form.at_department_step else _("批复通过")
    return {
        Outcome.PASS: passing,
        Outcome.PASS_WITH_CHANGES: passing,
        Outcome.RETURN: _("退回修改"),
        Outcome.REJECT: _("不予通过"),
    }


@require_POST
@login_required
def score(request, pk):
    """Save the scores (intent=save), or decide (intent=decide), or decide and open the next form (intent=next)."""
    perf_form = get_form_or_404(request.user, pk)
    require_reviewer(request.user)
    intent = request.POST.get("intent", "save")
    given, opinion = _given_scores(request.POST), request.POST.get("opinion", "")
    row_comments = _posted_row_comments(request.POST)
    try:
        if intent == "save":
            reviews.save_draft(perf_form=perf_form, by=request.user, scores=given, opinion=opinion)
        else:
            card = reviews.decide(
                perf_form=perf_form, by=request.user, scores=given, opinion=opinion, row_comments=row_comments
            )
    except services.TransitionError as exc:
        for line in getattr(exc, "messages", [str(exc)]):
            messages.error(request, line)
        stash = {
            "scores": {pk: [g.points, g.remark] for pk, g in given.items()},
            "opinion": opinion,
            "comments": row_comments,
        }
        return _back_to_review(request, perf_form, stash)
    if intent == "save":
        messages.success(request, _("评分已暂存，尚未作出审核结论。"))
        return redirect("projects:review", pk=pk)
    messages.success(request, _decided_message(card))
    if intent == "next":
        queue_query = request.POST.get("queue", "")
        following = next_awaiting(request.user, queue_query, exclude=pk)
        if following is None:
            messages.info(request, _("审核队列中没有其他待审核的表了。"))
            return redirect(reverse("projects:queue") + (f"?{queue_query}" if queue_query else ""))
        return redirect(reverse("projects:review", args=[following]) + "?" + urlencode({"queue": queue_query}))
    return redirect("projects:review", pk=pk)


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
        return _back_to_review(request, perf_form, {"reason": reason, "comments": row_comments})
    messages.success(request, _("已退回填报单位。"))
    return redirect("projects:review", pk=pk)


@require_POST
@login_required
def reopen(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    try:
        workflow.reopen(perf_form=perf_form, by=request.user, reason=request.POST.get("reason", ""))
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已重新开放，表格退回填报单位修改。"))
    return redirect(perf_form)


@require_POST
@login_required
def batch_approve(request):
    """Approve the chosen forms from their saved passing scores; each refusal is named."""
    require_reviewer(request.user)
    ids = [int(v) for v in request.POST.getlist("form")[: reviews.BATCH_LIMIT + 1] if v.isdigit() and len(v) <= 18]
    if not ids:
        messages.error(request, _("请先勾选要批量通过的表。"))
        return redirect(reverse("projects:queue") + "#batch-approve")
    try:
        result = reviews.approve_batch(perf_form_ids=ids, by=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("projects:queue") + "#batch-approve")
    if result.approved:
        messages.success(request, _("已批量通过 %(n)s 张表。") % {"n": len(result.approved)})
    for title, reason in result.failures:
        messages.error(request, _("“%(title)s”没有通过：%(reason)s") % {"title": title, "reason": reason})
    return redirect(reverse("projects:queue") + "#batch-approve")
