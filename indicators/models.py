from django.db import models
from django.utils.translation import gettext_lazy as _

from .choices import FormKind, LibraryScope, Sign, TagKind


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


class LibraryTag(models.Model):
    """A tag of library entries (行业 / 领域 / 功能分类): free to add, listed for picking."""

    kind = models.CharField(_("类别"), max_length=20, choices=TagKind.choices)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("指标库标签")
        verbose_name_plural = _("指标库标签")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="unique_library_tag")]

    def __str__(self):
        return self.name


class LibraryEntry(models.Model):
    """An indicator of the library (指标库): what a row is filled from when a filler picks it."""

    form_kind = models.CharField(_("适用表类型"), max_length=20, choices=FormKind.choices, default=FormKind.PROJECT)
    framework = models.ForeignKey(
        IndicatorFramework, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="library_entries"
    )
    level1 = models.CharField(_("一级指标"), max_length=100)
    level2 = models.CharField(_("二级指标"), max_length=100)
    name = models.CharField(_("三级指标"), max_length=500)
    sign = models.CharField(_("计算符号"), max_length=20, choices=Sign.choices, blank=True)
    value = models.CharField(_("建议指标值"), max_length=200, blank=True)
    unit = models.CharField(_("计量单位"), max_length=50, blank=True)
    explanation = models.TextField(_("指标解释"), max_length=2000, blank=True)
    method = models.TextField(_("取值方法/数据来源"), max_length=2000, blank=True)
    scoring = models.TextField(_("评（扣）分标准"), max_length=2000, blank=True)
    # Values seen on published forms, most frequent first (seeded from fixtures/seeds).
    seen_values = models.JSONField(_("历年取值"), default=list, blank=True)
    tags = models.ManyToManyField(LibraryTag, verbose_name=_("标签"), blank=True, related_name="entries")
    scope = models.CharField(_("类型"), max_length=20, choices=LibraryScope.choices, default=LibraryScope.COMMON)
    # The 主管部门 maintaining a 个性 entry (empty for 共性).
    owner = models.ForeignKey(
        "accounts.Organization",
        verbose_name=_("维护部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_entries",
    )
    is_active = models.BooleanField(_("启用"), default=True)
    # For the typeahead: the name folded (indicators.targets.normalize) and its pinyin initials.
    search_name = models.CharField(max_length=500, blank=True, db_index=True)
    initials = models.CharField(max_length=500, blank=True, db_index=True)
    # How many rows were filled from it (kept up to date by the library service).
    usage_count = models.PositiveIntegerField(_("使用次数"), default=0)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User", verbose_name=_("更新人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_by_name = models.CharField(_("更新人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("指标库条目")
        verbose_name_plural = _("指标库")
        ordering = ["level1", "level2", "name", "pk"]
        indexes = [models.Index(fields=["form_kind", "is_active", "level2"])]

    def __str__(self):
        return f"{self.level2} / {self.name}"
