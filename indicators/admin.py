"""The indicator frameworks in the admin, edited as the tree they are: 一级 on the framework's page,
each 一级's 二级 on its own page, both in framework order, and the whole tree shown read-only above."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .models import FrameworkNode, IndicatorFramework

NODE_WIDGETS = {
    "name": forms.TextInput(attrs={"size": 24}),
    "aliases": forms.Textarea(attrs={"rows": 2, "cols": 24}),
}


class Level1Inline(admin.TabularInline):
    """The framework's 一级 categories; their 二级 are edited from each one's own page."""

    model = FrameworkNode
    fields = ["position", "name", "aliases", "level2_link"]
    readonly_fields = ["level2_link"]
    extra = 0
    verbose_name = _("一级指标")
    verbose_name_plural = _("一级指标（按顺序）")
    ordering = ["position", "pk"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True).order_by("position", "pk")

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = NODE_WIDGETS
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description=_("二级指标"))
    def level2_link(self, node):
        if node.pk is None:
            return _("保存后可添加二级指标")
        names = "、".join(child.name for child in node.children.order_by("position", "pk")) or _("（无）")
        url = reverse("admin:indicators_frameworknode_change", args=[node.pk])
        return format_html('{} <a href="{}">{}</a>', names, url, _("编辑二级指标"))


class Level2Inline(admin.TabularInline):
    model = FrameworkNode
    fk_name = "parent"
    fields = ["position", "name", "aliases"]
    extra = 1
    verbose_name = _("二级指标")
    verbose_name_plural = _("二级指标（按顺序）")
    ordering = ["position", "pk"]

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["widgets"] = NODE_WIDGETS
        return super().get_formset(request, obj, **kwargs)


@admin.register(IndicatorFramework)
class IndicatorFrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "form_kind", "weights_enabled"]
    readonly_fields = ["tree"]
    fields = ["name", "code", "form_kind", "weights_enabled", "tree"]
    inlines = [Level1Inline]

    @admin.display(description=_("指标类别树"))
    def tree(self, framework):
        if framework.pk is None:
            return _("保存后显示")
        branches = format_html_join(
            "",
            "<li><strong>{}</strong>：{}</li>",
            (
                (level1.name, "、".join(c.name for c in children) or _("（无二级指标）"))
                for level1, children in framework.tree()
            ),
        )
        return format_html("<ol>{}</ol>", branches)


@admin.register(FrameworkNode)
class FrameworkNodeAdmin(admin.ModelAdmin):
    """A 一级 category with its 二级 below it (reached from the framework's page)."""

    fields = ["framework_name", "name", "aliases", "position"]
    readonly_fields = ["framework_name"]
    inlines = [Level2Inline]

    @admin.display(description=_("指标体系"))
    def framework_name(self, node):
        return node.framework.name

    def get_queryset(self, request):
        return super().get_queryset(request).filter(parent__isnull=True)

    def has_add_permission(self, request):
        return False

    def get_model_perms(self, request):
        # Not on the admin index: a category is reached through its framework.
        return {}

    def save_formset(self, request, form, formset, change):
        # A new 二级 belongs to its 一级's framework (the inline has no framework field).
        for child in formset.save(commit=False):
            child.framework_id = form.instance.framework_id
            child.save()
        for child in formset.deleted_objects:
            child.delete()

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if "_continue" not in request.POST and "_addanother" not in request.POST:
            response["Location"] = reverse("admin:indicators_indicatorframework_change", args=[obj.framework_id])
        return response
