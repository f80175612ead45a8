"""四性审核: evidence and suggested scores from the warnings, scoring, the decision, drafts, batch approve.

The rule for a suggested score: an item's maximum minus its `deduction` for every warning of the
form whose code is among the item's evidence_codes, never below 0 (an item without evidence codes
is suggested at its maximum: it is the reviewer's judgement alone). A score that differs from the
suggestion, above or below, needs a remark saying why.

Every write of a Scorecard, ItemScore or ScoreDraft is here (tests/test_architecture.py); the
transition itself is projects.services.workflow.decide, the one writer of a form's status.
"""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from indicators.warnings import FormWarning

from ..choices import AuditAction
from ..lib.text import plain_number
from ..models import REASON_MAX_LENGTH, Indicator, PerformanceForm, Status
from ..services import audit, workflow
from ..services.content import form_warnings, lock_form
from ..services.errors import TransitionError
from .choices import Grade, Outcome, Stage
from .models import ItemScore, ReviewItem, ReviewTemplate, Scorecard, ScoreDraft

STAGE_BY_STATUS = {Status.SUBMITTED: Stage.DEPARTMENT, Status.DEPT_APPROVED: Stage.FINANCE}
# Outcomes that approve the form: what batch approve may apply.
PASSING = (Outcome.PASS, Outcome.PASS_WITH_CHANGES)
# Outcomes that cannot be decided without an opinion (the unit is told what to change).
NEEDS_OPINION = (Outcome.PASS_WITH_CHANGES, Outcome.RETURN, Outcome.REJECT)
BATCH_LIMIT = 50
HALF = Decimal("0.5")


class ScoreInvalid(TransitionError):
    """The scores or the opinion cannot be accepted; `messages` names every problem."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


@dataclass(frozen=True)
class ScoreInput:
    points: str  # as typed; Decimal text, .5 steps
    remark: str = ""


@dataclass
class SheetItem:
    """One item as the reviewer sees it: its evidence and suggested score."""

    item: ReviewItem
    evidence: list[FormWarning]
    suggested: Decimal
    evidence_rows: list[str] = field(default_factory=list)  # the 三级 each piece is about ("" for the form)

    @property
    def evidence_pairs(self) -> list[tuple[FormWarning, str]]:
        return list(zip(self.evidence, self.evidence_rows, strict=True))


@dataclass(frozen=True)
class Evaluation:
    total: Decimal
    grade: str  # Grade
    outcome: str  # Outcome
    points: dict[int, Decimal]  # item id → points
    remarks: dict[int, str]


def stage_for(perf_form: PerformanceForm) -> str | None:
    """初审 while the form awaits its 主管部门, 复审 while it awaits the finance bureau."""
    return STAGE_BY_STATUS.get(perf_form.status)


def template_for(perf_form: PerformanceForm) -> ReviewTemplate | None:
    return ReviewTemplate.objects.filter(year_id=perf_form.year_id, form_kind=perf_form.kind).first()


def suggested_points(item: ReviewItem, pieces: int) -> Decimal:
    return max(Decimal(0), item.max_points - item.deduction * pieces)


def scoring_sheet(template: ReviewTemplate, found: list[FormWarning], rows: list[Indicator]) -> list[SheetItem]:
    sheet = []
    for item in template.items.all():
        codes = set(item.evidence_codes or [])
        evidence = [w for w in found if w.code in codes]
        sheet.append(
            SheetItem(
                item=item,
                evidence=evidence,
                suggested=suggested_points(item, len(evidence)),
                evidence_rows=[rows[w.row].level3 if w.row is not None and w.row < len(rows) else "" for w in evidence],
            )
        )
    return sheet


def grade_for(template: ReviewTemplate, total: Decimal) -> str:
    if total >= template.excellent_min:
        return Grade.EXCELLENT
    if total >= template.good_min:
        return Grade.GOOD
    if total >= template.fair_min:
        return Grade.FAIR
    return Grade.POOR


def outcome_for(template: ReviewTemplate, grade: str) -> str:
    return {
        Grade.EXCELLENT: template.outcome_excellent,
        Grade.GOOD: template.outcome_good,
        Grade.FAIR: template.outcome_fair,
        Grade.POOR: template.outcome_poor,
    }[grade]


def _parse_points(text: str, item: ReviewItem) -> tuple[Decimal | None, str | None]:
    """(points, None) or (None, the Chinese reason naming the item)."""
    name = item.point
    text = (text or "").strip()
    if not text:
        return None, _("「%(item)s」还没有打分。") % {"item": name}
    try:
        points = Decimal(text[:12])
    except InvalidOperation:
        return None, _("「%(item)s」的得分“%(text)s”不是数字。") % {"item": name, "text": text[:12]}
    if not points.is_finite() or points < 0 or points > item.max_points:
        return None, _("「%(item)s」的得分须在 0 到 %(max)s 分之间（现在是 %(text)s）。") % {
            "item": name,
            "max": plain_number(item.max_points),
            "text": text[:12],
        }
    if (points / HALF) % 1 != 0:
        return None, _("「%(item)s」的得分只能是整数或 .5（现在是 %(text)s）。") % {"item": name, "text": text[:12]}
    return points, None


def evaluate(
    template: ReviewTemplate, sheet: list[SheetItem], scores: dict[int, ScoreInput], opinion: str
) -> Evaluation:
    """Check every score and the opinion; the total, grade and outcome. Raises ScoreInvalid with every problem."""
    problems, points, remarks = [], {}, {}
    for entry in sheet:
        item = entry.item
        given = scores.get(item.pk, ScoreInput(""))
        value, problem = _parse_points(given.points, item)
        remark = (given.remark or "").strip()
        if problem:
            problems.append(problem)
        elif value != entry.suggested and not remark:
            problems.append(
                _("「%(item)s」的得分（%(points)s）与建议得分（%(suggested)s）不同，请在说明中写明理由。")
                % {"item": item.point, "points": plain_number(value), "suggested": plain_number(entry.suggested)}
            )
        if len(remark) > REASON_MAX_LENGTH:
            problems.append(_("「%(item)s」的说明最多 %(n)s 个字。") % {"item": item.point, "n": REASON_MAX_LENGTH})
        if value is not None:
            points[item.pk] = value
        remarks[item.pk] = remark
    opinion = (opinion or "").strip()
    if len(opinion) > REASON_MAX_LENGTH:
        problems.append(
            _("修改完善意见最多 %(n)s 个字（现在 %(count)s 个字）。") % {"n": REASON_MAX_LENGTH, "count": len(opinion)}
        )
    if problems:
        raise ScoreInvalid(problems)
    total = sum(points.values(), Decimal(0))
    grade = grade_for(template, total)
    outcome = outcome_for(template, grade)
    if outcome in NEEDS_OPINION and len(opinion) < workflow.MIN_REASON_LENGTH:
        raise ScoreInvalid(
            [
                _(
                    "总分 %(total)s 分，评为“%(grade)s”（%(outcome)s）："
                    "须写明修改完善意见（至少 %(n)s 个字），填报单位将看到。"
                )
                % {
                    "total": plain_number(total),
                    "grade": Grade(grade).label,
                    "outcome": Outcome(outcome).label,
                    "n": workflow.MIN_REASON_LENGTH,
                }
            ]
        )
    return Evaluation(total=total, grade=grade, outcome=outcome, points=points, remarks=remarks)


def _prepare(perf_form: PerformanceForm, by) -> tuple[PerformanceForm, str, ReviewTemplate, list, list, list]:
    """Lock the form, check it awaits `by`, and build its sheet (inside the caller's transaction)."""
    perf_form = lock_form(perf_form)
    workflow.check_review(perf_form, by)
    stage = stage_for(perf_form)
    template = template_for(perf_form)
    if template is None:
        raise TransitionError(
            _("%(year)s年度还没有%(kind)s的审核评分模板，请联系系统管理员。")
            % {"year": perf_form.year.year, "kind": perf_form.get_kind_display()}
        )
    rows = list(perf_form.indicators.all())
    found = form_warnings(perf_form, rows)
    return perf_form, stage, template, rows, found, scoring_sheet(template, found, rows)


def _evidence_json(entry: SheetItem) -> list[dict]:
    return [
        {"code": w.code, "severity": w.severity, "message": str(w.message), "row": w.row, "level3": label}
        for w, label in zip(entry.evidence, entry.evidence_rows, strict=True)
    ]


@transaction.atomic
def decide(
    *,
    perf_form: PerformanceForm,
    by,
    scores: dict[int, ScoreInput],
    opinion: str,
    row_comments: dict[int, str] | None = None,
) -> Scorecard:
    """Score the form, decide what its grade asks for, and keep the scorecard with its event and evidence."""
    perf_form, stage, template, rows, found, sheet = _prepare(perf_form, by)
    evaluation = evaluate(template, sheet, scores, opinion)
    opinion = (opinion or "").strip()
    event = workflow.decide(
        perf_form=perf_form, by=by, outcome=evaluation.outcome, opinion=opinion, row_comments=row_comments
    )
    scorecard = Scorecard.objects.create(
        perf_form=perf_form,
        stage=stage,
        template=template,
        event=event,
        reviewer=by,
        reviewer_name=by.display_name(),
        total=evaluation.total,
        grade=evaluation.grade,
        outcome=evaluation.outcome,
        opinion=opinion,
        snapshot=workflow.snapshot(perf_form, rows, found),
    )
    ItemScore.objects.bulk_create(
        ItemScore(
            scorecard=scorecard,
            item=entry.item,
            dimension=entry.item.dimension,
            point=entry.item.point,
            max_points=entry.item.max_points,
            points=evaluation.points[entry.item.pk],
            suggested=entry.suggested,
            remark=evaluation.remarks[entry.item.pk],
            evidence=_evidence_json(entry),
            position=position,
        )
        for position, entry in enumerate(sheet)
    )
    ScoreDraft.objects.filter(perf_form=perf_form, stage=stage).delete()
    audit.record(
        AuditAction.SCORECARD,
        by=by,
        perf_form=perf_form,
        summary=_("%(stage)s评分 %(total)s 分，评为“%(grade)s”：%(outcome)s")
        % {
            "stage": Stage(stage).label,
            "total": plain_number(evaluation.total),
            "grade": Grade(evaluation.grade).label,
            "outcome": Outcome(evaluation.outcome).label,
        },
        detail={"scorecard": scorecard.pk, "event": event.pk, "stage": stage, "grade": evaluation.grade},
    )
    return scorecard


@transaction.atomic
def save_draft(*, perf_form: PerformanceForm, by, scores: dict[int, ScoreInput], opinion: str) -> ScoreDraft:
    """Keep the scores without deciding (checked as a decision would be), replacing this stage's draft."""
    perf_form, stage, template, _rows, _found, sheet = _prepare(perf_form, by)
    evaluation = evaluate(template, sheet, scores, opinion)
    draft, _created = ScoreDraft.objects.update_or_create(
        perf_form=perf_form,
        stage=stage,
        defaults={
            "template": template,
            "reviewer": by,
            "scores": {
                str(pk): {"points": str(points), "remark": evaluation.remarks[pk]}
                for pk, points in evaluation.points.items()
            },
            "opinion": (opinion or "").strip(),
            "total": evaluation.total,
            "grade": evaluation.grade,
            "outcome": evaluation.outcome,
            "form_version": perf_form.version,
        },
    )
    return draft


def draft_inputs(draft: ScoreDraft) -> dict[int, ScoreInput]:
    return {int(pk): ScoreInput(v.get("points", ""), v.get("remark", "")) for pk, v in (draft.scores or {}).items()}


def current_draft(perf_form: PerformanceForm) -> ScoreDraft | None:
    stage = stage_for(perf_form)
    return ScoreDraft.objects.filter(perf_form=perf_form, stage=stage).first() if stage else None


def batch_candidates(user):
    """The user's own saved drafts whose outcome approves, of forms still at the stage they were scored for.

    A reviewer batch-approves what they scored: their drafts, not their colleagues'. Scope needs no
    check here (a draft is only saved on a form in the reviewer's queue, and approve_batch checks
    every form again); the stage and version do, as the form may have moved on since.
    """
    mine = ScoreDraft.objects.filter(reviewer_id=user.pk, outcome__in=PASSING)
    # Most queue pages are a reviewer's with no saved scores: one tiny query answers them.
    if not mine.values_list("pk", flat=True)[:1]:
        return []
    drafts = mine.select_related("perf_form__unit").order_by("perf_form__unit__name", "perf_form__project_name", "pk")
    fresh = [d for d in drafts[: BATCH_LIMIT * 2] if d.form_version == d.perf_form.version]
    return [d for d in fresh if stage_for(d.perf_form) == d.stage][:BATCH_LIMIT]


@dataclass
class BatchResult:
    approved: list[PerformanceForm] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (form title or id, reason)


def approve_batch(*, perf_form_ids: list[int], by) -> BatchResult:
    """Decide each chosen form from its saved scores, one transaction each; every refusal is reported."""
    if len(perf_form_ids) > BATCH_LIMIT:
        raise TransitionError(_("一次最多批量通过 %(n)s 张表，请分批操作。") % {"n": BATCH_LIMIT})
    result = BatchResult()
    forms = PerformanceForm.objects.visible_to(by).select_related("unit", "year").in_bulk(perf_form_ids)
    for pk in perf_form_ids:
        perf_form = forms.get(pk)
        if perf_form is None:
            result.failures.append((str(pk), _("没有找到这张表，或您无权查看。")))
            continue
        draft = current_draft(perf_form)
        try:
            if draft is None:
                raise TransitionError(_("还没有暂存的评分，请先打开这张表评分。"))
            if draft.outcome not in PASSING:
                raise TransitionError(
                    _("暂存的评分为“%(grade)s”（%(outcome)s），不能批量通过。")
                    % {"grade": draft.get_grade_display(), "outcome": draft.get_outcome_display()}
                )
            if draft.form_version != perf_form.version:
                raise TransitionError(_("评分暂存之后这张表有了变化（重新提交或退回），请打开重新评分。"))
            decide(perf_form=perf_form, by=by, scores=draft_inputs(draft), opinion=draft.opinion)
        except TransitionError as exc:
            result.failures.append((perf_form.title, str(exc)))
        else:
            result.approved.append(perf_form)
    return result


def latest_scorecards(perf_form: PerformanceForm) -> dict[str, Scorecard]:
    """The latest scorecard of each stage, with its scores: what the unit and the 复审 see."""
    latest: dict[str, Scorecard] = {}
    for card in perf_form.scorecards.prefetch_related("scores").order_by("created_at", "pk"):
        latest[card.stage] = card
    return latest
