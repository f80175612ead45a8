"""引用上年: a new draft based on an earlier form, and the admin's roll-over of a whole year (结转上年)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..accounts.models import Organization
from ..models import FiscalYear
from ..permissions import can_carry_over_year, get_form_or_404
from ..services import carryover

UNIT_NAME_MAX_LENGTH = Organization._meta.get_field("name").max_length


@require_POST
@login_required
def carry_over(request, pk):
    """以此为基础新建: POST the open year (the button offers the ones it may go to)."""
    source = get_form_or_404(request.user, pk)
    chosen = request.POST.get("year", "")
    year = FiscalYear.objects.filter(pk=chosen).first() if chosen.isdigit() else None
    if year is None:
        messages.error(request, _("请选择要新建到的年度。"))
        return redirect(source)
    try:
        draft = carryover.carry_over_form(source=source, year=year, by=request.user)
    except carryover.CarryOverRefused as refused:
        if refused.existing is not None:
            url = refused.existing.get_absolute_url()
            link = format_html('<a href="{}" data-existing-form>{}</a>', url, _("打开该表"))
            messages.error(request, format_html("{} {}", str(refused), link))
        else:
            messages.error(request, str(refused))
        return redirect(source)
    messages.success(
        request,
        _("已以%(source)s年度的表为基础新建%(year)s年度的草稿：预算已移到“上年”一栏，请填写当年预算并逐项核对指标。")
        % {"source": source.year.year, "year": year.year},
    )
    return redirect("projects:edit", pk=draft.pk)


class CarryOverYearForm(forms.Form):
    source_year = forms.TypedChoiceField(label=gettext_lazy("从年度"), coerce=int)
    target_year = forms.IntegerField(label=gettext_lazy("结转到年度"), min_value=2000, max_value=2100)
    unit = forms.CharField(
        label=gettext_lazy("只结转一个单位（可不填）"),
        required=False,
        max_length=UNIT_NAME_MAX_LENGTH,
        help_text=gettext_lazy("填写单位的完整名称；不填则结转全部单位。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = FiscalYear.objects.order_by("-year").values_list("year", flat=True)
        self.fields["source_year"].choices = [(y, _("%(year)s年度") % {"year": y}) for y in years]

    def clean_unit(self) -> Organization | None:
        name = self.cleaned_data["unit"].strip()
        if not name:
            return None
        unit = Organization.objects.filter(name=name).first()
        if unit is None:
            raise forms.ValidationError(_("没有名为“%(name)s”的单位，请核对单位名称。") % {"name": name})
        return unit

    def clean(self):
        data = super().clean()
        if "source_year" in data and "target_year" in data and data["target_year"] <= data["source_year"]:
            self.add_error("target_year", _("结转到的年度须晚于原年度。"))
        return data


@login_required
def carry_over_year(request):
    """The admin's roll-over: choose, preview (nothing written), confirm, and it runs as a background job."""
    if not can_carry_over_year(request.user):
        raise PermissionDenied(_("只有管理员可以结转年度。"))
    data = request.POST if request.method == "POST" else (request.GET if "source_year" in request.GET else None)
    year_form = CarryOverYearForm(data)
    report = None
    if year_form.is_bound and year_form.is_valid():
        params = {
            "source_year": year_form.cleaned_data["source_year"],
            "target_year": year_form.cleaned_data["target_year"],
            "unit": year_form.cleaned_data["unit"],
        }
        try:
            if request.method == "POST":
                job = carryover.start_carry_over(**params, by=request.user)
                return redirect("projects:job_status", job_pk=job.pk)
            report = carryover.carry_over_year(**params, dry_run=True)
        except carryover.CarryOverRefused as refused:
            messages.error(request, str(refused))
    return render(
        request,
        "projects/carry_over_year.html",
        {"year_form": year_form, "report": report, "listed": carryover.LISTED, "listed_slice": f":{carryover.LISTED}"},
    )
