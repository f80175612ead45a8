"""系统管理 for the 审核评分模板: items inline; every change is recorded in the audit log."""

from django.contrib import admin

from ..choices import AuditAction
from ..services import audit
from .models import ReviewItem, ReviewTemplate


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    fields = ("position", "dimension", "point", "max_points", "deduction", "evidence_codes")


@admin.register(ReviewTemplate)
class ReviewTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "form_kind", "excellent_min", "good_min", "fair_min", "updated_at")
    list_filter = ("year", "form_kind")
    inlines = [ReviewItemInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        template = form.instance
        audit.record(
            AuditAction.REVIEW_TEMPLATE,
            by=request.user,
            year=template.year.year,
            summary=f"{template.name}（{template.items.count()} 项）",
            detail={"template": template.pk, "changed": change},
        )
