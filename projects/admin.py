from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import FiscalYear, Indicator, PerformanceForm


@admin.register(FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    """Read-only here: a year is opened and changed in 年度设置 (projects.season.services), which records
    it in the audit log and gives the new year its review templates."""

    list_display = ["year", "is_open", "filing_opens", "filing_closes", "project_framework", "department_framework"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
