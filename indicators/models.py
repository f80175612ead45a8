from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FormKind


class IndicatorFramework(models.Model):
    """A named tree of 一级 → 二级 categories; data, chosen per year and form kind."""

    code = models.SlugField(_("代码"), max_length=50, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    form_kind = models.CharField(_("适用表类型"), max_length=20, choices=FormKind.choices)
    # With weights on, every row carries a 权重 and a form's weights of a scope sum to 100.
    weights_enabled = models.BooleanField(_("启用权重"), default=False)

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

    def alias_list(self) -> list[str]:
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]
