"""The season's Django forms: a new year, a year's window, deadlines, reopening, the 项目库 upload, 催报."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.choices import FormKind
from indicators.models import IndicatorFramework

from ..accounts.models import Organization
from ..models import REASON_MAX_LENGTH, FiscalYear
from .services import FIRST_YEAR, LAST_YEAR, URGE_MESSAGE_MAX_LENGTH

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")
SELECT = {"class": "form-select form-select-sm"}


class NewYearForm(forms.Form):
    year = forms.IntegerField(
        label=_("年度"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )
    project_framework = forms.ModelChoiceField(
        label=_("项目支出指标体系"),
        queryset=IndicatorFramework.objects.filter(form_kind=FormKind.PROJECT),
        widget=forms.Select(attrs=SELECT),
    )
    department_framework = forms.ModelChoiceField(
        label=_("部门整体指标体系"),
        queryset=IndicatorFramework.objects.filter(form_kind=FormKind.DEPARTMENT),
        required=False,
        empty_label=_("（不填报部门整体）"),
        widget=forms.Select(attrs=SELECT),
    )
    filing_opens = forms.DateField(label=_("开始填报日期"), required=False, widget=DATE)
    filing_closes = forms.DateField(label=_("填报截止日期"), required=False, widget=DATE)

    @classmethod
    def with_defaults(cls, years: list[FiscalYear]) -> "NewYearForm":
        """Next year after the latest, with that year's frameworks."""
        latest = years[0] if years else None
        initial = {}
        if latest is not None:
            initial = {
                "year": latest.year + 1,
                "project_framework": latest.project_framework_id,
                "department_framework": latest.department_framework_id,
            }
        return cls(initial=initial)


class YearWindowForm(forms.Form):
    is_open = forms.BooleanField(label=_("开放填报"), required=False)
    filing_opens = forms.DateField(label=_("开始填报日期"), required=False, widget=DATE)
    filing_closes = forms.DateField(label=_("填报截止日期"), required=False, widget=DATE)


class DeadlinesForm(forms.Form):
    """One optional date per 主管部门 (field `d<pk>`); empty means the year's deadline."""

    def __init__(self, *args, departments: list[tuple[int, str]], current: dict[int, object], **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = departments
        for pk, name in departments:
            self.fields[f"d{pk}"] = forms.DateField(label=name, required=False, widget=DATE, initial=current.get(pk))

    def rows(self):
        return [(name, self[f"d{pk}"]) for pk, name in self.departments]

    def deadlines(self) -> dict[int, object]:
        return {pk: self.cleaned_data.get(f"d{pk}") for pk, _name in self.departments}


class UnitField(forms.CharField):
    """A unit by its exact name or 单位代码 (a province has thousands: no select of them all)."""

    def clean(self, value):
        text = super().clean(value).strip()
        unit = (
            Organization.objects.filter(kind__in=[Organization.Kind.UNIT, Organization.Kind.DEPARTMENT])
            .filter(name=text)
            .first()
        ) or Organization.objects.filter(code=text).exclude(code="").first()
        if unit is None:
            raise forms.ValidationError(_("没有名称或单位代码为“%(text)s”的单位。") % {"text": text})
        return unit


class ReopenForm(forms.Form):
    unit = UnitField(
        label=_("单位（名称或单位代码）"),
        max_length=200,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
    )
    until = forms.DateField(label=_("延期至"), widget=DATE)
    reason = forms.CharField(
        label=_("理由"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )


class ExpectedUploadForm(forms.Form):
    file = forms.FileField(label=_("项目库文件（.xlsx）"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class UrgeForm(forms.Form):
    message = forms.CharField(
        label=_("附言（可不填）"),
        required=False,
        max_length=URGE_MESSAGE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
    )
