from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from indicators.models import FormKind, IndicatorFramework

from . import schema
from .accounts.choices import Role
from .accounts.models import Organization, User
from .choices import Status
from .lib.money import DECIMAL_PLACES, MAX_DIGITS
from .querysets import PerformanceFormQuerySet


class FiscalYear(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    is_open = models.BooleanField(_("开放填报"), default=True)
    project_framework = models.ForeignKey(
        IndicatorFramework,
        verbose_name=_("项目支出指标体系"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"form_kind": FormKind.PROJECT},
    )
    department_framework = models.ForeignKey(
        IndicatorFramework,
        verbose_name=_("部门整体指标体系"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        limit_choices_to={"form_kind": FormKind.DEPARTMENT},
    )

    class Meta:
        verbose_name = _("预算年度")
        verbose_name_plural = _("预算年度")
        ordering = ["-year"]

    def __str__(self):
        return _("%(year)s年度") % {"year": self.year}

    @classmethod
    def current(cls) -> "FiscalYear | None":
        """The year lists open on: the latest one open for filing, else the latest one."""
        return cls.objects.order_by("-is_open", "-year").first()

    def framework_for(self, kind: str) -> IndicatorFramework | None:
        return self.project_framework if kind == FormKind.PROJECT else self.department_framework


def department_form_title(unit_name: str) -> str:
    """What a department overall form is called where a project form shows its 项目名称."""
    return _("%(unit)s 部门整体支出绩效目标表") % {"unit": unit_name}


EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)

# From the field catalogue (projects/schema.py), which every consumer reads.
DEPARTMENT_MONEY_FIELDS = tuple(schema.WAN_FIELDS)

# Caps on what one person can type. The longest narrative in all published forms we hold is
# 1,840 characters; past these a form is refused with a message, never slowed to a stall
# (the Excel layout, the diff and every page grow with the text).
NARRATIVE_MAX_LENGTH = 5000
REASON_MAX_LENGTH = 2000

# The long texts of both kinds: lists leave them in the database.
LONG_TEXT_FIELDS = tuple(schema.NARRATIVE_FIELDS)

# The columns' limits are the money library's, which every parser checks against.
MONEY = {
    "max_digits": MAX_DIGITS,
    "decimal_places": DECIMAL_PLACES,
    "null": True,
    "blank": True,
    "validators": [MinValueValidator(Decimal("0"))],
}


class PerformanceForm(models.Model):
    """A 绩效目标表: header, budget block and (through Indicator) the indicator tree."""

    kind = models.CharField(_("表类型"), max_length=20, choices=FormKind.choices, default=FormKind.PROJECT)
    unit = models.ForeignKey(
        Organization, verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="perf_forms"
    )
    year = models.ForeignKey(FiscalYear, verbose_name=_("年度"), on_delete=models.PROTECT, related_name="perf_forms")
    framework = models.ForeignKey(
        IndicatorFramework, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="perf_forms"
    )
    # Written only by projects.services; see the workflow there.
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Optimistic lock: every content save bumps it and refuses a stale one.
    version = models.PositiveIntegerField(_("版本"), default=1)

    # Header of the project form (财政项目支出绩效目标表).
    project_name = models.CharField(_("项目名称"), max_length=200, blank=True)
    category = models.CharField(_("项目类别"), max_length=100, blank=True)
    planned_start = models.DateField(_("计划开始日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划完成日期"), null=True, blank=True)
    gov_purchase = models.BooleanField(_("是否含有政府购买服务"), null=True, blank=True)
    performance_type = models.CharField(_("绩效类型"), max_length=100, blank=True)
    overview = models.TextField(_("项目概况"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    basis = models.TextField(_("立项依据"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    necessity = models.TextField(_("项目设立的必要性"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    safeguards = models.TextField(_("保证项目实施的制度、措施"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    implementation_plan = models.TextField(_("项目实施计划"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    goals = models.TextField(_("总目标及阶段性目标"), blank=True, max_length=NARRATIVE_MAX_LENGTH)

    # Budget block of the project form, in 元. Empty, not zero, when unknown
    # (a new project has no last-year figures).
    total_budget = models.DecimalField(_("项目总预算（元）"), **MONEY)
    current_budget = models.DecimalField(_("项目当年预算（元）"), **MONEY)
    prev_budget = models.DecimalField(_("同名项目上年预算额（元）"), **MONEY)
    prev_executed = models.DecimalField(_("同名项目上年预算执行数（元）"), **MONEY)

    # Department overall form (部门整体支出绩效目标表), in 元 (shown in 万元).
    duties = models.TextField(_("部门职能职责概述"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    overall_goal = models.TextField(_("整体绩效目标"), blank=True, max_length=NARRATIVE_MAX_LENGTH)
    fund_total = models.DecimalField(_("资金总额"), **MONEY)
    fund_general = models.DecimalField(_("一般公共预算"), **MONEY)
    fund_gov_fund = models.DecimalField(_("政府性基金拨款"), **MONEY)
    fund_special_nontax = models.DecimalField(_("纳入专户管理的非税收入拨款"), **MONEY)
    fund_other = models.DecimalField(_("其他资金"), **MONEY)
    expense_basic = models.DecimalField(_("基本支出"), **MONEY)
    expense_project = models.DecimalField(_("项目支出"), **MONEY)

    # Stored on save so lists never run the rules row by row.
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    warning_count = models.PositiveIntegerField(_("警告数"), default=0)

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    objects = PerformanceFormQuerySet.as_manager()

    class Meta:
        verbose_name = _("绩效目标表")
        verbose_name_plural = _("绩效目标表")
        ordering = ["-year__year", "unit__name", "project_name"]
        indexes = [
            models.Index(fields=["status", "year"]),
            # Every column the review queue filters, sorts and counts on, so PostgreSQL counts and
            # orders a year's forms from this index alone instead of scanning the wide rows
            # (their narratives make the table some 30x larger than the index).
            models.Index(
                fields=[
                    "year",
                    "kind",
                    "status",
                    "unit",
                    "error_count",
                    "warning_count",
                    "submitted_at",
                    "current_budget",
                    "fund_total",
                    "id",
                ],
                name="perf_form_queue_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "unit", "kind", "project_name"], name="unique_form_per_year_unit_project"
            ),
            models.CheckConstraint(
                condition=Q(planned_start__isnull=True)
                | Q(planned_end__isnull=True)
                | Q(planned_end__gte=F("planned_start")),
                name="planned_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(total_budget__isnull=True) | Q(total_budget__gte=0), name="total_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(current_budget__isnull=True) | Q(current_budget__gte=0),
                name="current_budget_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(prev_budget__isnull=True) | Q(prev_budget__gte=0), name="prev_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(prev_executed__isnull=True) | Q(prev_executed__gte=0),
                name="prev_executed_not_negative",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}), name=f"{name}_not_negative"
                )
                for name in DEPARTMENT_MONEY_FIELDS
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:detail", args=[self.pk])

    @property
    def title(self) -> str:
        if self.is_department:
            return department_form_title(self.unit.name)
        return self.project_name or _("（未命名项目）")

    # What templates ask of a form, so that none of them spells a kind or a status.

    @property
    def is_department(self) -> bool:
        """A 部门整体支出绩效目标表 rather than a project form."""
        return self.kind == FormKind.DEPARTMENT

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def at_department_step(self) -> bool:
        """Submitted and awaiting the 主管部门; after that step it awaits the finance bureau."""
        return self.status == Status.SUBMITTED

    @property
    def is_approved(self) -> bool:
        return self.status == Status.APPROVED


# The longest 三级 name in the published forms we hold is a few hundred characters.
LEVEL3_MAX_LENGTH = 500


class Indicator(models.Model):
    """One 三级 indicator row of a performance form."""

    perf_form = models.ForeignKey(PerformanceForm, on_delete=models.CASCADE, related_name="indicators")
    level1 = models.CharField(_("一级指标"), max_length=100)
    level2 = models.CharField(_("二级指标"), max_length=100)
    level3 = models.TextField(_("三级指标"), max_length=LEVEL3_MAX_LENGTH)
    value = models.CharField(_("指标目标值"), max_length=500, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    # Parsed from `value` on every save (indicators.targets.parse_target),
    # so lists and exports need not parse again.
    target_kind = models.CharField(max_length=20, blank=True)
    target_op = models.CharField(max_length=10, blank=True)
    target_low = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    target_high = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    target_unit = models.CharField(max_length=50, blank=True)
    target_op_written = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("绩效指标")
        verbose_name_plural = _("绩效指标")
        ordering = ["perf_form", "position", "pk"]

    def __str__(self):
        return f"{self.level1} / {self.level2} / {self.level3}: {self.value}"


class AppendOnlyModel(models.Model):
    """Rows written once and never changed: history must not be rewritten."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise ValueError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{type(self).__name__} is append-only")


class Action(models.TextChoices):
    SUBMIT = "submit", _("提交")
    WITHDRAW = "withdraw", _("撤回")
    DEPT_APPROVE = "dept_approve", _("主管部门审核通过")
    APPROVE = "approve", _("财政局批复")
    RETURN = "return", _("退回")


class FormEvent(AppendOnlyModel):
    """One workflow transition; keeps the actor's name and role in case the user goes."""

    perf_form = models.ForeignKey(PerformanceForm, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150)
    actor_role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.choices)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("意见/理由"), blank=True, max_length=REASON_MAX_LENGTH)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["perf_form", "created_at"])]

    def __str__(self):
        return f"{self.actor_name} {self.get_action_display()}"


class Submission(AppendOnlyModel):
    """An immutable snapshot of the whole form as it was submitted."""

    perf_form = models.ForeignKey(PerformanceForm, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveIntegerField(_("第几次提交"))
    event = models.OneToOneField(FormEvent, on_delete=models.PROTECT, related_name="submission")
    data = models.JSONField(_("表内容"))
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("提交快照")
        verbose_name_plural = _("提交快照")
        ordering = ["perf_form", "number"]
        constraints = [models.UniqueConstraint(fields=["perf_form", "number"], name="unique_submission_number")]

    def __str__(self):
        return f"{self.perf_form_id} #{self.number}"


class RowComment(AppendOnlyModel):
    """A reviewer's remark on one indicator row, made when returning the form."""

    event = models.ForeignKey(FormEvent, on_delete=models.CASCADE, related_name="row_comments")
    indicator = models.ForeignKey(Indicator, on_delete=models.SET_NULL, null=True, blank=True, related_name="comments")
    # The row as the reviewer saw it, kept when the row is later edited or removed.
    row_label = models.TextField(_("指标"), max_length=1000)
    comment = models.TextField(_("意见"), max_length=REASON_MAX_LENGTH)

    class Meta:
        verbose_name = _("指标意见")
        verbose_name_plural = _("指标意见")
        ordering = ["event", "pk"]

    def __str__(self):
        return f"{self.row_label}: {self.comment}"


class ExportJob(models.Model):
    """A bulk Excel export built in the background (projects.exports runs it as a task).

    Progress, heartbeat and the finished file all live here, so any app process
    can answer the status poll and serve the download.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    owner = models.ForeignKey(User, verbose_name=_("导出人"), on_delete=models.CASCADE, related_name="export_jobs")
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.PENDING)
    progress = models.PositiveIntegerField(_("已写行数"), default=0)
    total = models.PositiveIntegerField(_("总行数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    # The heartbeat: touched with every progress report, and every few seconds while running.
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # How many times the job was queued: a retry after its worker died makes it 2. The task
    # (django-tasks) of the latest attempt has `task_id`.
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    file = models.BinaryField(_("文件"), null=True, blank=True)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)

    class Meta:
        verbose_name = _("Excel 导出")
        verbose_name_plural = _("Excel 导出")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.owner_id} #{self.pk} {self.status}"
