"""四性审核: review templates (data, per form kind and year) and the scorecards reviewers give.

Scorecards and their item scores are history: append-only, like the workflow's events.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.choices import FormKind

from ..accounts.models import User
from ..models import REASON_MAX_LENGTH, AppendOnlyModel, FiscalYear, FormEvent, PerformanceForm
from .choices import Dimension, Grade, Outcome, Stage

POINTS = {"max_digits": 5, "decimal_places": 1, "validators": [MinValueValidator(Decimal("0"))]}


class ReviewTemplate(models.Model):
    """A 绩效目标审核评分表: items with points, grade bands and what each grade does."""

    name = models.CharField(_("名称"), max_length=100)
    form_kind = models.CharField(_("适用表类型"), max_length=20, choices=FormKind.choices)
    year = models.ForeignKey(FiscalYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="+")
    # Grade bands on the total: 优 from excellent_min, 良 from good_min, 中 from fair_min, else 差.
    excellent_min = models.DecimalField(_("“优”最低分"), default=Decimal("90"), **POINTS)
    good_min = models.DecimalField(_("“良”最低分"), default=Decimal("80"), **POINTS)
    fair_min = models.DecimalField(_("“中”最低分"), default=Decimal("60"), **POINTS)
    outcome_excellent = models.CharField(_("评为“优”时"), max_length=20, choices=Outcome.choices, default=Outcome.PASS)
    outcome_good = models.CharField(
        _("评为“良”时"), max_length=20, choices=Outcome.choices, default=Outcome.PASS_WITH_CHANGES
    )
    outcome_fair = models.CharField(_("评为“中”时"), max_length=20, choices=Outcome.choices, default=Outcome.RETURN)
    outcome_poor = models.CharField(_("评为“差”时"), max_length=20, choices=Outcome.choices, default=Outcome.REJECT)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("审核评分模板")
        verbose_name_plural = _("审核评分模板")
        ordering = ["-year__year", "form_kind"]
        constraints = [models.UniqueConstraint(fields=["year", "form_kind"], name="unique_review_template_per_kind")]

    def __str__(self):
        return self.name


class ReviewItem(models.Model):
    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="items")
    dimension = models.CharField(_("审核维度"), max_length=20, choices=Dimension.choices)
    point = models.TextField(_("审核要点"), max_length=500)
    max_points = models.DecimalField(_("分值"), **POINTS)
    # Warning codes (indicators.warnings) that bear on this item: its evidence and suggested score.
    evidence_codes = models.JSONField(_("关联的检查规则"), default=list, blank=True)
    # The suggested score is max_points minus this for every piece of evidence, never below 0.
    deduction = models.DecimalField(_("每条依据建议扣分"), default=Decimal("1"), **POINTS)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("审核评分项")
        verbose_name_plural = _("审核评分项")
        ordering = ["template", "position", "pk"]

    def __str__(self):
        return f"{self.get_dimension_display()}：{self.point}"


class Scorecard(AppendOnlyModel):
    """One reviewer's scoring of one form at one stage, with the decision it came with."""

    perf_form = models.ForeignKey(PerformanceForm, on_delete=models.CASCADE, related_name="scorecards")
    stage = models.CharField(_("审核环节"), max_length=20, choices=Stage.choices)
    template = models.ForeignKey(ReviewTemplate, verbose_name=_("评分模板"), on_delete=models.PROTECT, related_name="+")
    event = models.OneToOneField(
        FormEvent, verbose_name=_("审核记录"), on_delete=models.PROTECT, null=True, blank=True, related_name="scorecard"
    )
    reviewer = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    reviewer_name = models.CharField(_("审核人"), max_length=150)
    total = models.DecimalField(_("总分"), **POINTS)
    grade = models.CharField(_("综合评定"), max_length=20, choices=Grade.choices)
    outcome = models.CharField(_("审核结论"), max_length=20, choices=Outcome.choices)
    # 修改完善意见: what the unit is to improve (required for 良 by default).
    opinion = models.TextField(_("修改完善意见"), max_length=REASON_MAX_LENGTH, blank=True)
    # The form as scored (projects.services.workflow.snapshot) and the evidence shown.
    snapshot = models.JSONField(_("表内容"), default=dict)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核评分")
        verbose_name_plural = _("审核评分")
        ordering = ["perf_form", "created_at", "pk"]
        indexes = [models.Index(fields=["perf_form", "stage", "created_at"])]

    def __str__(self):
        return f"{self.perf_form_id} {self.get_stage_display()} {self.total}"


class ItemScore(AppendOnlyModel):
    """The points of one item; the item's text and maximum are copied, as the template may change."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ReviewItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dimension = models.CharField(_("审核维度"), max_length=20, choices=Dimension.choices)
    point = models.TextField(_("审核要点"), max_length=500)
    max_points = models.DecimalField(_("分值"), **POINTS)
    points = models.DecimalField(_("得分"), **POINTS)
    suggested = models.DecimalField(_("建议得分"), null=True, blank=True, **POINTS)
    remark = models.TextField(_("说明"), max_length=REASON_MAX_LENGTH, blank=True)
    # The warnings shown as evidence: [{"code", "message", "row"}].
    evidence = models.JSONField(_("依据"), default=list, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评分项得分")
        verbose_name_plural = _("评分项得分")
        ordering = ["scorecard", "position", "pk"]

    def __str__(self):
        return f"{self.point}: {self.points}"


class ScoreDraft(models.Model):
    """Scores saved but not yet decided on: one per form and stage, replaced on every save.

    Not history (the Scorecard is): the draft is deleted when the decision is made, and it lets
    a reviewer score now and approve later, several forms at once (batch approve).
    """

    perf_form = models.ForeignKey(PerformanceForm, on_delete=models.CASCADE, related_name="score_drafts")
    stage = models.CharField(_("审核环节"), max_length=20, choices=Stage.choices)
    template = models.ForeignKey(ReviewTemplate, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    # {"<item id>": {"points": "8.5", "remark": "..."}}
    scores = models.JSONField(_("各项得分"), default=dict)
    opinion = models.TextField(_("修改完善意见"), max_length=REASON_MAX_LENGTH, blank=True)
    total = models.DecimalField(_("总分"), **POINTS)
    grade = models.CharField(_("综合评定"), max_length=20, choices=Grade.choices)
    outcome = models.CharField(_("审核结论"), max_length=20, choices=Outcome.choices)
    # The form's version when scored: a draft of an earlier submission is not batch-approved.
    form_version = models.PositiveIntegerField(_("评分时的表版本"), default=0)
    updated_at = models.DateTimeField(_("保存时间"), auto_now=True)

    class Meta:
        verbose_name = _("暂存评分")
        verbose_name_plural = _("暂存评分")
        constraints = [models.UniqueConstraint(fields=["perf_form", "stage"], name="unique_score_draft_per_stage")]

    def __str__(self):
        return f"{self.perf_form_id} {self.get_stage_display()} {self.total}"
