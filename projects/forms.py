import re
import unicodedata
from decimal import Decimal
from html import escape

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formsets
from django.forms.utils import flatatt
from django.urls import reverse_lazy
from django.utils.choices import BaseChoiceIterator
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from indicators.choices import TargetScope
from indicators.models import FormKind

from . import schema
from .accounts.models import Organization
from .lib.dates import in_order
from .lib.money import MoneyError, format_wan, format_yuan, parse_wan, parse_yuan
from .models import PROJECT_CODE_TAKEN_MESSAGE, FiscalYear, PerformanceForm, Status, project_code_taken
from .reviews.choices import Stage

TOO_LONG_MESSAGE = _("最多 %(limit_value)d 个字（现在 %(show_value)d 个字），请精简后再保存。")


def cap_messages(form: forms.BaseForm) -> None:
    """One Chinese message, with both counts, for every field that has a length cap."""
    for field in form.fields.values():
        if getattr(field, "max_length", None):
            field.error_messages["max_length"] = TOO_LONG_MESSAGE


class MoneyField(forms.Field):
    """Money in 元 as people type it (`1,530,000`, `1 530 000.50`, full-width digits), cleaned to 元.

    Read and shown by projects.lib.money; the error messages are keyed by its MoneyError codes.
    """

    default_error_messages = {
        "invalid": _("请输入金额数字（单位：元），例如 1,530,000 或 1530000.50。"),
        "negative": _("金额不能为负数。"),
        "too_precise": _("金额最多保留两位小数（分）。"),
        "too_large": _("金额过大，请核对单位是否为元。"),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        # No number input: the browser would reject the thousands separators users paste.
        kwargs.setdefault(
            "widget",
            # data-money: static/js/money.js adds the thousands separators as one types.
            forms.TextInput(
                attrs={"inputmode": "decimal", "class": "text-end", "autocomplete": "off", "data-money": ""}
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value) -> Decimal | None:
        try:
            return self.parse_amount(value)
        except MoneyError as exc:
            raise ValidationError(self.error_messages[exc.code], code=exc.code) from exc

    def prepare_value(self, value):
        # Bound data arrives as the typed text and is shown back as typed; stored 元 is formatted.
        return self.format_amount(value) if isinstance(value, Decimal) else value

    def parse_amount(self, value) -> Decimal | None:
        return parse_yuan(value)

    def format_amount(self, yuan: Decimal) -> str:
        # With separators, as typed: 1,530,000 comes back as 1,530,000.00, not 1530000.00.
        return format_yuan(yuan)


class YesNoField(forms.TypedChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[("", _("请选择")), ("yes", _("是")), ("no", _("否"))],
            coerce=lambda v: v == "yes",
            empty_value=None,
            required=False,
            **kwargs,
        )

    def prepare_value(self, value):
        if value is True:
            return "yes"
        if value is False:
            return "no"
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class NewFormMetaForm(forms.Form):
    """The year a new form is filed for, among `years` (the open ones it may still be created in)."""

    year = forms.ModelChoiceField(
        label=_("年度"),
        queryset=FiscalYear.objects.filter(is_open=True),
        empty_label=None,
        error_messages={"invalid_choice": _("该年度不存在或已停止填报。"), "required": _("请选择年度。")},
        help_text=_("换年度会按该年度的指标体系重新显示本页，已填写的内容保留（尚未保存）。"),
        # static/js/new_form.js posts the page back for the chosen year, keeping what was typed.
        widget=forms.Select(attrs={"data-switch-year": "1"}),
    )

    def __init__(self, *args, years=None, **kwargs):
        super().__init__(*args, **kwargs)
        if years is not None:
            self.fields["year"].queryset = years


class WeightField(forms.DecimalField):
    """权重: 0 to 100 with two decimals; `12.5%` and full-width digits are read as typed."""

    default_error_messages = {
        "invalid": _("权重请填写 0 到 100 之间的数字，如 10 或 12.5。"),
        "min_value": _("权重不能为负数。"),
        "max_value": _("权重最大为 100。"),
        "max_digits": _("权重最大为 100。"),
        "max_decimal_places": _("权重最多保留两位小数。"),
        "max_whole_digits": _("权重最大为 100。"),
    }

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=schema.WEIGHT_MAX_DIGITS,
            decimal_places=schema.WEIGHT_DECIMAL_PLACES,
            min_value=Decimal("0"),
            max_value=Decimal("100"),
            required=False,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = unicodedata.normalize("NFKC", value).strip().removesuffix("%").strip()
        return super().to_python(value)


def _row_field(name: str) -> forms.Field:
    """The form field of a row detail field of the catalogue; every one optional, so an older
    post without the key reads as blank."""
    entry = schema.get(name)
    if entry.kind == schema.CHOICE:
        return forms.ChoiceField(
            label=entry.label,
            choices=[("", "—"), *entry.choices.choices],
            required=False,
            error_messages={"invalid_choice": _("请从列表中选择%(label)s。") % {"label": entry.label}},
        )
    if entry.kind == schema.DECIMAL:
        return WeightField(label=entry.label)
    widget = forms.Textarea(attrs={"rows": 2}) if entry.kind == schema.NARRATIVE else None
    return forms.CharField(label=entry.label, max_length=entry.max_length, required=False, widget=widget)


# The row's texts: any of them filled makes the row one to keep, and then it needs a 三级 name.
ROW_TEXTS = ("value", *(name for name in schema.ROW_DETAIL_FIELDS if schema.get(name).kind == schema.NARRATIVE))


class IndicatorRowForm(forms.Form):
    """One indicator row; its labels and caps come from the field catalogue (schema.ROW_FIELDS)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    level1 = forms.CharField(
        label=schema.get("level1").label, max_length=schema.get("level1").max_length, widget=forms.HiddenInput
    )
    level2 = forms.CharField(
        label=schema.get("level2").label, max_length=schema.get("level2").max_length, widget=forms.HiddenInput
    )
    level3 = forms.CharField(
        label=schema.get("level3").label,
        max_length=schema.get("level3").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm level3"}),
    )
    value = forms.CharField(
        label=schema.get("value").label,
        max_length=schema.get("value").max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm value"}),
    )
    position = forms.IntegerField(required=False, widget=forms.HiddenInput(attrs={"class": "position"}))
    scope = _row_field("scope")
    sign = _row_field("sign")
    value_note = _row_field("value_note")
    standard = _row_field("standard")
    standard_note = _row_field("standard_note")
    scoring = _row_field("scoring")
    explanation = _row_field("explanation")
    weight = _row_field("weight")
    remark = _row_field("remark")
    level2_label = _row_field("level2_label")
    # The library entry the row was picked from (static/js/library_pick.js sets it); not a catalogue field.
    library_entry = forms.IntegerField(required=False, min_value=1, max_value=2**62, widget=forms.HiddenInput)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("level3") or "").strip() and not any((data.get(name) or "").strip() for name in ROW_TEXTS)

    def clean(self):
        cleaned = super().clean()
        level3 = (cleaned.get("level3") or "").strip()
        value = (cleaned.get("value") or "").strip()
        cleaned["level3"], cleaned["value"] = level3, value
        # A row without a scope is this year's: older posts carry none.
        cleaned["scope"] = cleaned.get("scope") or TargetScope.ANNUAL
        typed = any((cleaned.get(name) or "").strip() for name in ROW_TEXTS)
        if typed and not level3 and not cleaned.get("DELETE"):
            self.add_error("level3", _("请填写三级指标名称。"))
        return cleaned

    def row_values(self) -> dict:
        """The catalogue's row fields as cleaned, for services.RowInput."""
        return {entry.name: self.cleaned_data.get(entry.name) for entry in schema.ROW_FIELDS}


class _SharedFields(dict):
    """Field objects every instance shares: Django deep-copies each field for each form, and a
    40-row save built some 700 of them (a third of its time). Safe because nothing changes a
    row form's fields after the class is made; each instance still gets its own dict, to which
    the formset adds DELETE."""

    def __deepcopy__(self, memo):
        return dict(self)


for _field in IndicatorRowForm.base_fields.values():
    if getattr(_field, "max_length", None):
        _field.error_messages["max_length"] = TOO_LONG_MESSAGE
IndicatorRowForm.base_fields = _SharedFields(IndicatorRowForm.base_fields)


TAMPERED_ROWS_MESSAGE = _(
    "页面上的指标行数据不完整或被改动过，本次没有保存任何内容。请刷新页面后重新填写；已保存的内容没有变化。"
)


class BaseIndicatorFormSet(forms.BaseFormSet):
    default_error_messages = {"missing_management_form": TAMPERED_ROWS_MESSAGE}

    def clean(self):
        # A negative or too small TOTAL_FORMS makes Django read fewer rows than were posted
        # (TOTAL_FORMS=-1 reads none): the save would then delete every row it did not see.
        counts = self.management_form.cleaned_data
        total, initial = counts[formsets.TOTAL_FORM_COUNT], counts[formsets.INITIAL_FORM_COUNT]
        pattern = re.compile(rf"{re.escape(self.prefix)}-(\d+)-")
        posted = {int(match.group(1)) for key in self.data if (match := pattern.match(key))}
        if total < 0 or initial < 0 or initial > total or any(index >= total for index in posted):
            raise ValidationError(TAMPERED_ROWS_MESSAGE, code="tampered")

    def rows(self):
        """The kept rows in the order the editor showed them."""
        kept = [form for form in self.forms if not self._should_delete_form(form) and not form.is_blank()]
        return sorted(
            kept,
            key=lambda f: (f.cleaned_data.get("position") is None, f.cleaned_data.get("position") or 0),
        )


IndicatorFormSet = forms.formset_factory(
    IndicatorRowForm,
    formset=BaseIndicatorFormSet,
    extra=0,
    can_delete=True,
    max_num=settings.MAX_INDICATOR_ROWS,
    absolute_max=settings.MAX_INDICATOR_ROWS,
    validate_max=True,
)


class PlainSelect(forms.Select):
    """A flat <select> rendered in Python; its labels are text (names, translations), never markup.

    Django renders each option through a template; for the queue's unit list (hundreds of
    units) that took longer than all of the page's queries together.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(str(choice))}"{" selected" if str(choice) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for choice, label in self.choices
        )
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>{options}</select>')  # noqa: S308 - escaped


class Options(BaseChoiceIterator):
    """A select's options: the empty choice, then the (value, label) pairs `read()` returns.

    Read only when listed: a select asks for its first option alone (is it empty?) before it
    renders, and an export's filters are never rendered. Instead of Django's model choice
    iterator, which reads through a server-side cursor on PostgreSQL (a round trip each to
    declare, fetch and close it) and makes an instance per option.
    """

    def __init__(self, empty_label, read):
        self.empty_label = empty_label
        self.read = read

    def __iter__(self):
        yield "", self.empty_label
        yield from self.read()


class YearField(forms.ModelChoiceField):
    """A fiscal year among `years`, the handful its form read once for the options, the default
    year and the chosen one (three queries were one each)."""

    years: list[FiscalYear] = []

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, FiscalYear):
            value = value.pk
        for year in self.years:
            if str(year.pk) == str(value):
                return year
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})


def current_year(years: list[FiscalYear]) -> FiscalYear | None:
    """FiscalYear.current() among `years`, newest first: the latest one open for filing, else the latest."""
    return next((year for year in years if year.is_open), years[0] if years else None)


SMALL_SELECT = {"class": "form-select form-select-sm"}


class QueueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("搜索"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("项目名称、项目代码或单位")}),
    )
    year = YearField(
        label=_("年度"),
        queryset=FiscalYear.objects.all(),
        required=False,
        empty_label=_("全部年度"),
        widget=PlainSelect(attrs=SMALL_SELECT),
    )
    department = forms.ModelChoiceField(
        label=_("主管部门"),
        queryset=Organization.objects.filter(kind=Organization.Kind.DEPARTMENT),
        required=False,
        empty_label=_("全部"),
        widget=PlainSelect(attrs=SMALL_SELECT),
    )
    unit = forms.ModelChoiceField(
        label=_("申报单位"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("全部"),
        # A province has thousands of units: the page carries only the chosen one and the
        # browser asks for the others as the reviewer types (unit_choices).
        widget=PlainSelect(attrs={**SMALL_SELECT, "data-typeahead": reverse_lazy("projects:units")}),
    )
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部"))] + Status.choices,
        required=False,
        widget=PlainSelect(attrs=SMALL_SELECT),
    )
    kind = forms.ChoiceField(
        label=_("表类型"),
        choices=[("", _("全部"))] + FormKind.choices,
        required=False,
        widget=PlainSelect(attrs=SMALL_SELECT),
    )
    flags = forms.ChoiceField(
        label=_("检查结果"),
        choices=[("", _("全部")), ("errors", _("有错误")), ("warnings", _("有警告")), ("clean", _("无错误无警告"))],
        required=False,
        widget=PlainSelect(attrs=SMALL_SELECT),
    )

    def __init__(self, data, *, user, **kwargs):
        """`data`: the query string; without a `year` the current year is meant (`year=` is every year)."""
        data = data.copy()
        years = list(FiscalYear.objects.all())  # newest first, the model's ordering
        if "year" not in data and (current := current_year(years)):
            data["year"] = str(current.pk)
        super().__init__(data, **kwargs)
        self.fields["q"].widget.attrs["class"] = "form-control form-control-sm"
        # From the organization tree, not the forms: a scan of every form in scope cost more than the page.
        in_scope = Organization.objects.in_scope_of(user)
        departments = in_scope.filter(kind=Organization.Kind.DEPARTMENT)
        year, department, unit = self.fields["year"], self.fields["department"], self.fields["unit"]
        unit.queryset = in_scope
        department.queryset = departments
        year.years = years
        year.choices = [("", year.empty_label), *((y.pk, str(y)) for y in years)]
        department.choices = Options(department.empty_label, lambda: departments.values_list("pk", "name"))
        chosen = data.get("unit", "")
        unit.choices = [("", unit.empty_label)] + (
            list(in_scope.filter(pk=chosen).values_list("pk", "name")) if str(chosen).isdigit() else []
        )

    def effective_query(self) -> str:
        """The filters as a query string, the default year spelled out (links and the export agree)."""
        return urlencode({name: self.data[name] for name in self.fields if name in self.data})

    def apply(self, queryset):
        """Each filter that is valid; one that is not (a tampered link) is left out, not fatal."""
        self.is_valid()
        data = self.cleaned_data
        if data.get("q"):
            units = Organization.objects.filter(name__icontains=data["q"]).values("pk")
            queryset = queryset.filter(
                Q(project_name__icontains=data["q"]) | Q(project_code__icontains=data["q"]) | Q(unit__in=units)
            )
        if data.get("year"):
            queryset = queryset.filter(year=data["year"])
        if data.get("department"):
            queryset = queryset.filter(Q(unit__parent=data["department"]) | Q(unit=data["department"]))
        if data.get("unit"):
            queryset = queryset.filter(unit=data["unit"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        flags = data.get("flags")
        if flags == "errors":
            queryset = queryset.filter(error_count__gt=0)
        elif flags == "warnings":
            queryset = queryset.filter(warning_count__gt=0)
        elif flags == "clean":
            queryset = queryset.filter(error_count=0, warning_count=0)
        return queryset


class WanYuanField(MoneyField):
    """Typed and shown in 万元 as on the paper form, stored exactly in 元."""

    default_error_messages = {
        "invalid": _("请输入金额数字（单位：万元），例如 560.61。"),
        "too_precise": _("以万元填写时最多保留六位小数（即精确到分）。"),
        "too_large": _("金额过大，请核对单位是否为万元。"),
    }

    def parse_amount(self, value) -> Decimal | None:
        return parse_wan(value)

    def format_amount(self, yuan: Decimal) -> str:
        return format_wan(yuan, separators=True)


class ListedChoiceField(forms.ChoiceField):
    """A text field chosen from a settings list; the value the form holds already stays a choice.

    Forms typed before the list existed, or imported, keep their text: saving them unchanged
    must not blank it, nor force a new choice.
    """

    def __init__(self, *, setting: str, **kwargs):
        # Read when a form is made, so that a changed setting (or a test's override) applies.
        super().__init__(choices=lambda: _listed(setting), required=False, **kwargs)

    def keep(self, current: str) -> None:
        """Offer `current` (the stored value) too when the list does not have it."""
        if current and current not in dict(self.choices):
            self.choices = [*self.choices, (current, current)]


def _listed(setting: str) -> list[tuple[str, str]]:
    return [("", _("请选择")), *((value, value) for value in getattr(settings, setting))]


# Header texts chosen from a list: {field name: the setting that lists the choices}.
LISTED_FIELDS = {"category": "PERFGOALS_PROJECT_CATEGORIES", "performance_type": "PERFGOALS_PERFORMANCE_TYPES"}


class HeaderForm(forms.ModelForm):
    """Header and budget of a form kind: the fields, labels and units come from the field catalogue."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in LISTED_FIELDS:
            if name in self.fields:
                self.fields[name].keep(getattr(self.instance, name, "") or "")
        if "project_name" in self.fields:
            self.fields["project_name"].required = True
            self.fields["project_name"].error_messages["required"] = _("请填写项目名称。")
        cap_messages(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_project_code(self):
        code = self.cleaned_data["project_code"].strip()
        if code and project_code_taken(self.instance, code):
            raise ValidationError(PROJECT_CODE_TAKEN_MESSAGE, code="unique")
        return code

    def clean(self):
        cleaned = super().clean()
        if not in_order(cleaned.get("planned_start"), cleaned.get("planned_end")):
            self.add_error("planned_end", _("计划完成日期不能早于计划开始日期。"))
        return cleaned

    def _post_clean(self):
        # Uniqueness and model checks are the service's business: it knows the
        # unit and year this form is created under, which the fields do not hold.
        pass


# How each kind of catalogue field is typed; the catalogue says which fields a form kind has.
HELP_TEXTS = {"prev_budget": _("新项目没有上年数，请留空，不要填 0。")}
NARRATIVE_ROWS = {"duties": 6, "overall_goal": 4}
DATE_ERRORS = {"invalid": _("请输入有效日期，格式为 2020-01-01。")}


def _form_field(entry: schema.FormField) -> forms.Field | None:
    """A declared form field for catalogue entries the model's own form field would get wrong."""
    if entry.kind == schema.MONEY:
        field_class = WanYuanField if entry.unit == schema.WAN else MoneyField
        return field_class(label=entry.display_label, help_text=HELP_TEXTS.get(entry.name, ""))
    if entry.kind == schema.BOOL:
        return YesNoField(label=entry.label)
    if entry.name in LISTED_FIELDS:
        return ListedChoiceField(label=entry.label, setting=LISTED_FIELDS[entry.name])
    return None


def _widget(entry: schema.FormField) -> forms.Widget | None:
    if entry.kind == schema.DATE:
        return DateInput()
    if entry.kind == schema.NARRATIVE:
        return forms.Textarea(attrs={"rows": NARRATIVE_ROWS.get(entry.name, 3)})
    return None


def _header_form(kind: str, name: str) -> type[HeaderForm]:
    entries = schema.fields(kind)
    declared = {e.name: field for e in entries if (field := _form_field(e)) is not None}
    meta = type(
        "Meta",
        (),
        {
            "model": PerformanceForm,
            "fields": [e.name for e in entries],
            "labels": {e.name: e.label for e in entries},
            "widgets": {e.name: widget for e in entries if (widget := _widget(e)) is not None},
            "error_messages": {e.name: DATE_ERRORS for e in entries if e.kind == schema.DATE},
        },
    )
    return forms.models.ModelFormMetaclass(name, (HeaderForm,), {"Meta": meta, "__module__": __name__, **declared})


ProjectHeaderForm = _header_form(FormKind.PROJECT, "ProjectHeaderForm")
DepartmentHeaderForm = _header_form(FormKind.DEPARTMENT, "DepartmentHeaderForm")


def header_form_class(kind: str) -> type[forms.ModelForm]:
    return DepartmentHeaderForm if kind == FormKind.DEPARTMENT else ProjectHeaderForm


class ReviewStatsForm(forms.Form):
    """The review statistics' year (default: the current one) and which scorecards count."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, widget=PlainSelect(attrs=SMALL_SELECT))
    stage = forms.ChoiceField(
        label=_("计入的评分"),
        choices=[
            ("", _("每张表最近一次评分")),
            *((v, format_lazy(_("仅{stage}"), stage=label)) for v, label in Stage.choices),
        ],
        required=False,
        widget=PlainSelect(attrs=SMALL_SELECT),
    )

    def __init__(self, data, **kwargs):
        data = data.copy()
        years = list(FiscalYear.objects.all())
        if not data.get("year") and (current := current_year(years)):
            data["year"] = str(current.year)
        super().__init__(data, **kwargs)
        self.fields["year"].choices = [(y.year, str(y)) for y in years]
