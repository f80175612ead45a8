from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import FiscalYear, Indicator, PerformanceForm


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "is_open", "project_framework", "department_framework"]


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["position", "level1", "level2", "level3", "value"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(PerformanceForm)
class PerformanceFormAdmin(admin.ModelAdmin):
    """Read-only here: content changes go through the entry screens and services."""

    list_display = ["display_title", "unit", "year", "kind", "status", "error_count", "warning_count"]
    list_filter = ["year", "kind", "status"]
    search_fields = ["project_name", "unit__name"]
    list_select_related = ["unit", "year"]
    inlines = [IndicatorInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("项目名称"), ordering="project_name")
    def display_title(self, perf_form):
        """A department form's title where a project form shows its name (its project_name is empty)."""
        return perf_form.title
