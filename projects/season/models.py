"""The season: per-主管部门 deadlines, reopenings for late units, and what each unit is expected to file."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.choices import FormKind

from ..accounts.models import Organization, User
from ..models import REASON_MAX_LENGTH, AppendOnlyModel, FiscalYear, PerformanceForm


class DepartmentDeadline(models.Model):
    """A 主管部门's own closing date for its units in a year (else the year's filing_closes)."""

    year = models.ForeignKey(FiscalYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="deadlines")
    department = models.ForeignKey(
        Organization,
        verbose_name=_("主管部门"),
        on_delete=models.CASCADE,
        related_name="deadlines",
        limit_choices_to={"kind": Organization.Kind.DEPARTMENT},
    )
    closes_on = models.DateField(_("截止日期"))

    class Meta:
        verbose_name = _("部门截止日期")
        verbose_name_plural = _("部门截止日期")
        ordering = ["year", "department"]
        constraints = [models.UniqueConstraint(fields=["year", "department"], name="unique_deadline_per_department")]

    def __str__(self):
        return f"{self.department} {self.closes_on}"


class UnitReopen(AppendOnlyModel):
    """The finance bureau lets one late unit submit again until a date, with a reason (history)."""

    year = models.ForeignKey(FiscalYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Organization, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="reopens")
    until = models.DateField(_("延期至"))
    reason = models.TextField(_("理由"), max_length=REASON_MAX_LENGTH)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    by_name = models.CharField(_("操作人"), max_length=150)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("重新开放")
        verbose_name_plural = _("重新开放")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["year", "unit"])]

    def __str__(self):
        return f"{self.unit} → {self.until}"


class ExpectedForm(models.Model):
    """A form a unit is expected to file in a year: carried over from last year or from the 项目库 list."""

    class Source(models.TextChoices):
        CARRY_OVER = "carry_over", _("上年结转")
        PROJECT_LIST = "project_list", _("项目库导入")

    year = models.ForeignKey(FiscalYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="expected")
    unit = models.ForeignKey(Organization, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="expected")
    kind = models.CharField(_("表类型"), max_length=20, choices=FormKind.choices, default=FormKind.PROJECT)
    project_code = models.CharField(_("项目代码"), max_length=40, blank=True)
    project_name = models.CharField(_("项目名称"), max_length=200)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    # The form filed for it, once there is one.
    perf_form = models.ForeignKey(
        PerformanceForm,
        verbose_name=_("绩效目标表"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("应填报项目")
        verbose_name_plural = _("应填报项目")
        ordering = ["year", "unit", "project_name"]
        constraints = [
            models.UniqueConstraint(fields=["year", "unit", "kind", "project_name"], name="unique_expected_form")
        ]

    def __str__(self):
        return f"{self.unit} {self.project_name}"
