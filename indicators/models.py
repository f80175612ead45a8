from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FormKind


class IndicatorFramework(models.Model):
    """A named tree of 一级 → 二级 categories; data, chosen per year and form kind."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    form_kind = models.CharField(_("适用表类型"), max_length=20, choices=FormKind.choices)

    class Meta:
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def tree(self) -> list[tuple["FrameworkNode", list["FrameworkNode"]]]:
        """[(level1, [level2, ...]), ...] in framework order, in one query."""
        nodes = list(self.nodes.order_by("position", "pk"))
        children: dict[int, list[FrameworkNode]] = {}
        for node in nodes:
            if node.parent_id:
                children.setdefault(node.parent_id, []).append(node)
        return [(node, children.get(node.pk, [])) for node in nodes if node.parent_id is None]


class FrameworkNode(models.Model):
    framework = models.ForeignKey(IndicatorFramework, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    name = models.CharField(_("名称"), max_length=100)
    # Other spellings met on published forms (e.g. 环境效益 for 生态效益), one per line.
    aliases = models.TextField(_("别名"), blank=True, max_length=2000)
    position = models.PositiveIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("指标类别")
        verbose_name_plural = _("指标类别")
        ordering = ["framework", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "parent", "name"], name="unique_node_name_per_parent"),
        ]

    def __str__(self):
        return self.name

    @property
    def level(self) -> int:
        return 1 if self.parent_id is None else 2

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]


# The longest 三级 name in the published forms we hold is a few hundred characters.
LEVEL3_MAX_LENGTH = 500


class Indicator(models.Model):
    """One 三级 indicator row of a performance form."""

    perf_form = models.ForeignKey("projects.PerformanceForm", on_delete=models.CASCADE, related_name="indicators")
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
