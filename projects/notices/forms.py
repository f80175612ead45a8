"""The announcement form and the audit log's search form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..choices import AuditAction
from .models import Announcement

SEARCH_MAX_LENGTH = 100


class AnnouncementForm(forms.ModelForm):
    class Meta:
        model = Announcement
        fields = ["title", "body", "show_until"]
        widgets = {
            "body": forms.Textarea(attrs={"rows": 5}),
            "show_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"show_until": _("这一天之后不再展示；不填则一直展示，直到撤回。")}

    def clean_show_until(self):
        show_until = self.cleaned_data["show_until"]
        if show_until is not None and show_until < timezone.localdate():
            raise forms.ValidationError(_("展示截止日期不能早于今天。"))
        return show_until


SMALL_INPUT = {"class": "form-control form-control-sm"}
DATE_INPUT = {**SMALL_INPUT, "type": "date"}


class AuditSearchForm(forms.Form):
    unit = forms.CharField(
        label=_("单位"), max_length=SEARCH_MAX_LENGTH, required=False, widget=forms.TextInput(attrs=SMALL_INPUT)
    )
    user = forms.CharField(
        label=_("操作人"), max_length=SEARCH_MAX_LENGTH, required=False, widget=forms.TextInput(attrs=SMALL_INPUT)
    )
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs=DATE_INPUT))
    action = forms.ChoiceField(
        label=_("操作类型"),
        choices=[("", _("全部"))] + AuditAction.choices,
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("起始日期不能晚于截止日期。"))
        return cleaned
