from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.choices import FormKind
from projects.models import PerformanceForm

from .choices import Origin
from .text import DOCUMENT_MAX_LENGTH


class Reference(models.Model):
    """A form whose rows other units may be offered: approved, or imported from a published form.

    Its text and rows are kept as they were when it became a reference, so a unit that goes on
    editing an imported draft never shows its unfinished rows to anybody. Written only by
    projects.suggest.services.
    """

    perf_form = models.OneToOneField(
        PerformanceForm, verbose_name=_("绩效目标表"), on_delete=models.CASCADE, related_name="suggest_reference"
    )
    origin = models.CharField(_("来源"), max_length=20, choices=Origin.choices)
    kind = models.CharField(_("表类型"), max_length=20, choices=FormKind.choices)
    year = models.PositiveIntegerField(_("年度"))
    unit_name = models.CharField(_("单位名称"), max_length=200)
    project_name = models.CharField(_("项目名称"), max_length=200)
    # projects.suggest.text.document(name, overview, basis): what is compared.
    text = models.TextField(_("比对文本"), max_length=DOCUMENT_MAX_LENGTH)
    # [[level1, level2, level3, value], ...] as the form had them.
    rows = models.JSONField(_("指标"), default=list)
    # False once the form left APPROVED: kept (with updated_at bumped) so the cached indexes notice.
    is_active = models.BooleanField(_("有效"), default=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("推荐参考项目")
        verbose_name_plural = _("推荐参考项目")
        ordering = ["-year", "pk"]
        indexes = [models.Index(fields=["kind", "updated_at"])]

    def __str__(self):
        return f"{self.project_name}（{self.year}，{self.unit_name}）"
