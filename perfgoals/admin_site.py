"""The Django admin (系统管理) in Chinese throughout.

Django's zh_Hans catalogue lacks a few admin strings and the task queue and lockout packages ship
none: perfgoals/locale_vendor holds ours. The admin's JavaScript catalogue is built from django.contrib.admin
alone, so this site serves it with the project's own djangojs strings added. Default permissions are
stored with English names ("Can add …") when they are created: their labels are made here, from the
model's Chinese name, wherever the admin lists them.
"""

from django.conf import settings
from django.contrib import admin
from django.forms import ModelMultipleChoiceField
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog

BOOLEAN_ALT = {True: _("是"), False: _("否"), None: _("未知")}
PERMISSION_ACTIONS = {"add": _("新增"), "change": _("修改"), "delete": _("删除"), "view": _("查看")}


class AdminSite(admin.AdminSite):
    site_header = _("财政绩效目标管理 · 系统管理")
    site_title = _("系统管理")
    index_title = _("系统管理")

    def i18n_javascript(self, request, extra_context=None):
        return AdminJavaScriptCatalog.as_view(packages=["django.contrib.admin"])(request)


class AdminJavaScriptCatalog(JavaScriptCatalog):
    """The admin's catalogue with perfgoals/locale_vendor's djangojs strings on top."""

    def get_paths(self, packages):
        return [*super().get_paths(packages), str(settings.BASE_DIR / "perfgoals" / "locale_vendor")]


def permission_label(permission) -> str:
    """`账户与单位 | 用户 | 修改` for a default permission; a custom one keeps its own name."""
    model = permission.content_type.model_class()
    action, _sep, model_name = permission.codename.partition("_")
    if model is None or action not in PERMISSION_ACTIONS or model_name != model._meta.model_name:
        return str(permission)
    return f"{model._meta.app_config.verbose_name} | {model._meta.verbose_name} | {PERMISSION_ACTIONS[action]}"


class PermissionChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return permission_label(obj)


class ChinesePermissionsMixin:
    """For a ModelAdmin with a many-to-many to Permission: its choices labelled in Chinese."""

    permission_fields = ("permissions", "user_permissions")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name in self.permission_fields:
            kwargs["form_class"] = PermissionChoiceField
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def boolean_icon(field_val):
    """Django's yes/no icon with its alt text in Chinese (Django writes True / False / None)."""
    icon = {True: "yes", False: "no", None: "unknown"}[field_val]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), BOOLEAN_ALT[field_val])
