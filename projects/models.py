from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from indicators.choices import Severity, Sign, TargetScope
from indicators.models import FormKind, IndicatorFramework
from indicators.targets import QUANTITATIVE, parse_target

from . import schema
from .accounts.choices import Role
from .accounts.models import Organization, User
from .choices import AuditAction, JobKind, JobStatus, Status
from .lib.money import DECIMAL_PLACES, MAX_DIGITS
from .querysets import PerformanceFormQuerySet


class FiscalYear(models.Model):
    year = models.PositiveIntegerField(_("年度"), unique=True)
    is_open = models.BooleanField(_("开放填报"), default=True)
    # The filing window (projects.season): before it opens and after it closes units cannot
    # submit, unless a 主管部门's own deadline or a reopening for the unit says otherwise.
    filing_opens = models.DateField(_("开始填报日期"), null=True, blank=True)
    filing_closes = models.DateField(_("填报截止日期"), null=True, blank=True)
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

# 项目代码 is unique in a year where given (the services turn a clash into a message).
UNIQUE_PROJECT_CODE_CONSTRAINT = "unique_project_code_per_year"
PROJECT_CODE_TAKEN_MESSAGE = _("本年度已有另一张绩效目标表使用这个项目代码，请核对项目代码。")

# From the field catalogue (projects/schema.py), which every consumer reads.
DEPARTMENT_MONEY_FIELDS = tuple(schema.WAN_FIELDS)

# Caps on what one person can type: the form's own in the field catalogue; a reviewer's reason here.
NARRATIVE_MAX_LENGTH = schema.NARRATIVE_MAX_LENGTH
LEVEL3_MAX_LENGTH = schema.LEVEL3_MAX_LENGTH
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


def catalogue_field(name: str) -> models.Field:
    """The column of a field catalogue entry: label, kind and cap come from projects/schema.py.

    Money of a 元 form is labelled with its unit (项目总预算（元）); a 万元 form's is stored in 元
    but shown in 万元, so its column carries the bare label.
    """
    entry = schema.get(name)
    label = format_lazy("{}（{}）", entry.label, entry.unit) if entry.unit == schema.YUAN else entry.label
    if entry.kind == schema.MONEY:
        return models.DecimalField(label, **MONEY)
    if entry.kind == schema.DATE:
        return models.DateField(label, null=True, blank=True)
    if entry.kind == schema.BOOL:
        return models.BooleanField(label, null=True, blank=True)
    if entry.kind == schema.NARRATIVE:
        return models.TextField(label, blank=True, max_length=entry.max_length)
    return models.CharField(label, max_length=entry.max_length, blank=True)


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
    # The earlier form this one was carried over from (引用上年), if any.
    source_form = models.ForeignKey(
        "self",
        verbose_name=_("引用的上年表"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_to",
    )
    # Written only by projects.services; see the workflow there.
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Optimistic lock: every content save bumps it and refuses a stale one.
    version = models.PositiveIntegerField(_("版本"), default=1)

    # Header of the project form (财政项目支出绩效目标表).
    project_name = catalogue_field("project_name")
    project_code = catalogue_field("project_code")
    category = catalogue_field("category")
    planned_start = catalogue_field("planned_start")
    planned_end = catalogue_field("planned_end")
    gov_purchase = catalogue_field("gov_purchase")
    performance_type = catalogue_field("performance_type")
    overview = catalogue_field("overview")
    basis = catalogue_field("basis")
    necessity = catalogue_field("necessity")
    safeguards = catalogue_field("safeguards")
    implementation_plan = catalogue_field("implementation_plan")
    goals = catalogue_field("goals")

    # Budget block of the project form, in 元. Empty, not zero, when unknown
    # (a new project has no last-year figures).
    total_budget = catalogue_field("total_budget")
    current_budget = catalogue_field("current_budget")
    prev_budget = catalogue_field("prev_budget")
    prev_executed = catalogue_field("prev_executed")

    # Department overall form (部门整体支出绩效目标表), in 元 (shown in 万元).
    duties = catalogue_field("duties")
    overall_goal = catalogue_field("overall_goal")
    fund_total = catalogue_field("fund_total")
    fund_general = catalogue_field("fund_general")
    fund_gov_fund = catalogue_field("fund_gov_fund")
    fund_special_nontax = catalogue_field("fund_special_nontax")
    fund_other = catalogue_field("fund_other")
    expense_basic = catalogue_field("expense_basic")
    expense_project = catalogue_field("expense_project")

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
            models.UniqueConstraint(
                fields=["year", "project_code"],
                condition=~Q(project_code=""),
                name=UNIQUE_PROJECT_CODE_CONSTRAINT,
                violation_error_message=PROJECT_CODE_TAKEN_MESSAGE,
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


def row_field(name: str) -> models.Field:
    """The column of a row field of the catalogue: label, kind, cap and choices from projects/schema.py."""
    entry = schema.get(name)
    if entry.kind == schema.CHOICE:
        return models.CharField(entry.label, max_length=entry.max_length, choices=entry.choices.choices, blank=True)
    if entry.kind == schema.DECIMAL:
        return models.DecimalField(
            entry.label,
            max_digits=schema.WEIGHT_MAX_DIGITS,
            decimal_places=schema.WEIGHT_DECIMAL_PLACES,
            null=True,
            blank=True,
            validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        )
    if entry.kind == schema.NARRATIVE:
        return models.TextField(entry.label, max_length=entry.max_length, blank=True)
    return models.CharField(entry.label, max_length=entry.max_length, blank=True)


def project_code_taken(perf_form: PerformanceForm, code: str) -> bool:
    """Another form of `perf_form`'s year has this 项目代码 (the unique constraint's question, asked first)."""
    return bool(code) and (
        PerformanceForm.objects.filter(year_id=perf_form.year_id, project_code=code).exclude(pk=perf_form.pk).exists()
    )


class Indicator(models.Model):
    """One 三级 indicator row of a performance form."""

    perf_form = models.ForeignKey(PerformanceForm, on_delete=models.CASCADE, related_name="indicators")
    # Labels and caps from the field catalogue; a 三级 name may run long, hence a TextField.
    level1 = models.CharField(schema.get("level1").label, max_length=schema.get("level1").max_length)
    level2 = models.CharField(schema.get("level2").label, max_length=schema.get("level2").max_length)
    level3 = models.TextField(schema.get("level3").label, max_length=schema.get("level3").max_length)
    # Exactly as typed (`=50家`, `>=95%`, `健全`): 指标值 and 度量单位 are parsed from it below.
    value = models.CharField(schema.get("value").label, max_length=schema.get("value").max_length, blank=True)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    # The row as the national rules define it; every one optional (bulk_create needs the defaults).
    scope = models.CharField(
        schema.get("scope").label,
        max_length=schema.get("scope").max_length,
        choices=TargetScope.choices,
        default=TargetScope.ANNUAL,
    )
    # The user's choice, else what parse_target(value) states when it is sure (projects.services).
    sign = row_field("sign")
    value_note = row_field("value_note")
    standard = row_field("standard")
    standard_note = row_field("standard_note")
    scoring = row_field("scoring")
    explanation = row_field("explanation")
    weight = row_field("weight")
    remark = row_field("remark")
    level2_label = row_field("level2_label")

    # Carry-over (引用上年): the row this one was copied from and its target then (上年值), kept as
    # text so it survives the earlier form's later edits.
    source_row = models.ForeignKey(
        "self", verbose_name=_("上年指标"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    prev_value = models.CharField(_("上年值"), max_length=schema.get("value").max_length, blank=True)
    # The library entry (指标库) the row was picked from, and whether the filler changed it since.
    library_entry = models.ForeignKey(
        "indicators.LibraryEntry",
        verbose_name=_("指标库条目"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rows",
    )
    library_modified = models.BooleanField(_("改动过指标库条目"), default=False)

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

    @property
    def _states_number(self) -> bool:
        """指标值 is a number with its unit: a single parsed amount, not stated 定性 / 定量（其他） / 不适用."""
        return (
            self.target_kind == QUANTITATIVE
            and self.target_op != "range"
            and self.sign not in (Sign.QUALITATIVE, Sign.OTHER, Sign.NA)
        )

    @property
    def indicator_value(self) -> Decimal | str:
        """指标值: the number for a quantitative row (`>=95%` -> 95), else the text as typed (`健全`, `1~2%`)."""
        return self.target_low if self._states_number else self.value

    @property
    def measure_unit(self) -> str:
        """度量单位: the unit after the number (`%`, `家`); "" where 指标值 is text."""
        return self.target_unit if self._states_number else ""

    @property
    def origin_label(self) -> str:
        """Where the row came from, for reviewers: 来自指标库 (with 已修改 when changed since picking) or 自拟."""
        if not self.library_entry_id:
            return str(_("自拟"))
        return str(_("来自指标库（已修改）") if self.library_modified else _("来自指标库"))

    @property
    def level2_shown(self) -> str:
        """The 二级 name as the form wrote it: the published label, else the framework's."""
        return self.level2_label or self.level2

    @property
    def printed_value(self) -> str:
        """The value as printed: `≥95%` for `>=95%`, `＝50家` for `=50家`; the text as typed otherwise.

        Normalised only when the sign is a comparison and the value is one amount whose written
        comparison (if any) agrees with it, so a contradiction is printed as the user wrote it.
        """
        if self.sign not in Sign.comparisons():
            return self.value
        target = parse_target(self.value)
        if target.kind != QUANTITATIVE or target.op == "range":
            return self.value
        if target.op_written and Sign.of_target(target) != self.sign:
            return self.value
        return f"{Sign(self.sign).label}{target.low}{target.unit}"


class FormWarningCount(models.Model):
    """How many errors or warnings of one rule a form has, stored with its error_count / warning_count.

    The dashboard's "by rule" chart counts forms per rule from these in one GROUP BY; hints are
    not stored, as the two counts leave them out. Written by the content services on every save,
    by the carry-over and by `manage.py refresh_warning_counts`.
    """

    perf_form = models.ForeignKey(
        PerformanceForm, on_delete=models.CASCADE, related_name="warning_counts", verbose_name=_("绩效目标表")
    )
    code = models.CharField(_("检查规则"), max_length=60)
    severity = models.CharField(_("严重程度"), max_length=10, choices=Severity.choices)
    count = models.PositiveIntegerField(_("次数"))

    class Meta:
        verbose_name = _("检查规则计数")
        verbose_name_plural = _("检查规则计数")
        constraints = [models.UniqueConstraint(fields=["perf_form", "code"], name="unique_warning_count_per_form_code")]
        indexes = [models.Index(fields=["code"])]

    def __str__(self):
        return f"{self.code}: {self.count}"


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
    # Graded 差: not in this year's budget; the finance bureau may reopen it.
    REJECT = "reject", _("不予通过")
    REOPEN = "reopen", _("重新开放")


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
    """A bulk Excel export built in the background (projects.services.exports runs it as a task).

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


class AuditEntry(AppendOnlyModel):
    """One administrative act for the audit view: who did what to which unit or form, and when.

    Written by projects.services.audit.record only; transitions are here too (besides their
    FormEvent), so one table answers "what happened to this unit".
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    actor_name = models.CharField(_("操作人"), max_length=150, blank=True)
    # AuditAction values; no database choices, so that a new kind of act needs no migration.
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    unit = models.ForeignKey(
        Organization, verbose_name=_("单位"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit_name = models.CharField(_("单位名称"), max_length=200, blank=True)
    perf_form = models.ForeignKey(
        PerformanceForm,
        verbose_name=_("绩效目标表"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    year = models.PositiveIntegerField(_("年度"), null=True, blank=True)
    summary = models.TextField(_("摘要"), max_length=2000, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("操作日志")
        verbose_name_plural = _("操作日志")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["unit", "created_at"]), models.Index(fields=["actor", "created_at"])]

    def __str__(self):
        return f"{self.actor_name} {self.action_label}"

    @property
    def action_label(self) -> str:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


class BackgroundJob(models.Model):
    """A long piece of work run on the task queue (carry-over, 一体化 exchange, imports, reports).

    The row is what the person who started it sees: progress, outcome (`result`, plain JSON with
    "lines" to show) and, for an export, the file. projects.services.jobs is its one writer;
    projects.views.jobs its status page, progress JSON and download.
    """

    Status = JobStatus

    kind = models.CharField(_("任务类型"), max_length=40)  # JobKind values
    owner = models.ForeignKey(User, verbose_name=_("发起人"), on_delete=models.CASCADE, related_name="jobs")
    params = models.JSONField(_("参数"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=JobStatus.choices, default=JobStatus.PENDING)
    progress = models.PositiveIntegerField(_("已处理"), default=0)
    total = models.PositiveIntegerField(_("总数"), default=0)
    result = models.JSONField(_("结果"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), max_length=2000, blank=True)
    file = models.BinaryField(_("文件"), null=True, blank=True)
    file_name = models.CharField(_("文件名"), max_length=200, blank=True)
    task_id = models.CharField(_("后台任务编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["kind", "status"])]

    def __str__(self):
        return f"{self.kind_label} #{self.pk}"

    @property
    def kind_label(self) -> str:
        try:
            return JobKind(self.kind).label
        except ValueError:
            return self.kind

    @property
    def is_active(self) -> bool:
        return self.status in (JobStatus.PENDING, JobStatus.RUNNING)
