"""系统管理 for the 审核评分模板: items inline; every change is recorded in the audit log."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from indicators.warnings import FORM_RULES, ROW_RULES

from ..choices import AuditAction
from ..services import audit
from .models import ReviewItem, ReviewTemplate


class ReviewItemForm(forms.ModelForm):
    """The evidence codes typed as a line of rule codes, each checked against the warning registry."""

    evidence_codes = forms.CharField(
        label=_("关联的检查规则"),
        required=False,
        max_length=1000,
        widget=forms.TextInput(attrs={"size": 40}),
        help_text=_("检查规则的代码，用空格分隔；这些规则的提示就是本项的依据。"),
    )

    class Meta:
        model = ReviewItem
        fields = ("position", "dimension", "point", "max_points", "deduction", "evidence_codes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["evidence_codes"] = " ".join(self.instance.evidence_codes or [])

    def clean_evidence_codes(self) -> list[str]:
        codes = list(dict.fromkeys(self.cleaned_data["evidence_codes"].split()))
        registered = {rule.code for rule in FORM_RULES + ROW_RULES}
        unknown = [code for code in codes if code not in registered]
        if unknown:
            raise forms.ValidationError(_("没有这些检查规则：%(codes)s") % {"codes": "、".join(unknown)})
        return codes


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    form = ReviewItemForm
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
