"""Django forms of the library pages: the search bar, an entry, an upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.choices import FormKind, LibraryScope, Sign, TagKind
from indicators.frameworks import framework_vocabulary
from indicators.models import IndicatorFramework, LibraryEntry

from ..accounts.models import Organization
from ..forms import cap_messages
from ..permissions import can_manage_common_library
from .exchange import MAX_TAGS, TAG_KINDS, TAG_MAX_LENGTH, TAG_SPLIT
from .services import EntryData

SMALL = {"class": "form-control form-control-sm"}
SMALL_SELECT = {"class": "form-select form-select-sm"}
ALL, ACTIVE, RETIRED = "", "active", "retired"


class SearchForm(forms.Form):
    """The list's filters; every one optional and capped, bad values simply filter nothing."""

    q = forms.CharField(label=_("名称或拼音首字母"), required=False, max_length=50, widget=forms.TextInput(SMALL))
    level2 = forms.CharField(label=_("二级指标"), required=False, max_length=100, widget=forms.TextInput(SMALL))
    tag = forms.CharField(label=_("标签"), required=False, max_length=50, widget=forms.TextInput(SMALL))
    form_kind = forms.ChoiceField(
        label=_("适用表类型"),
        required=False,
        choices=[("", _("全部"))] + FormKind.choices,
        widget=forms.Select(SMALL_SELECT),
    )
    scope = forms.ChoiceField(
        label=_("类型"),
        required=False,
        choices=[("", _("全部"))] + LibraryScope.choices,
        widget=forms.Select(SMALL_SELECT),
    )
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[(ALL, _("全部")), (ACTIVE, _("启用")), (RETIRED, _("已停用"))],
        widget=forms.Select(SMALL_SELECT),
    )


def _tags_field(label):
    return forms.CharField(
        label=label,
        required=False,
        max_length=600,
        help_text=_("多个用顿号或逗号分隔"),
        widget=forms.TextInput(SMALL),
    )


class EntryForm(forms.ModelForm):
    """An entry as its maintainer edits it; saved through services, never by ModelForm.save()."""

    tags_industry = _tags_field(TagKind.INDUSTRY.label)
    tags_field = _tags_field(TagKind.FIELD.label)
    tags_function = _tags_field(TagKind.FUNCTION.label)

    class Meta:
        model = LibraryEntry
        fields = [
            "framework", "level1", "level2", "name", "sign", "value", "unit",
            "explanation", "method", "scoring", "scope", "owner",
        ]  # fmt: skip
        widgets = {
            "framework": forms.Select(SMALL_SELECT),
            "level1": forms.TextInput(SMALL),
            "level2": forms.TextInput(SMALL),
            "name": forms.TextInput(SMALL),
            "sign": forms.Select(SMALL_SELECT),
            "value": forms.TextInput(SMALL),
            "unit": forms.TextInput(SMALL),
            "explanation": forms.Textarea({**SMALL, "rows": 2}),
            "method": forms.Textarea({**SMALL, "rows": 2}),
            "scoring": forms.Textarea({**SMALL, "rows": 2}),
            "scope": forms.Select(SMALL_SELECT),
            "owner": forms.Select(SMALL_SELECT),
        }

    def __init__(self, *args, by, **kwargs):
        super().__init__(*args, **kwargs)
        self.by = by
        self.fields["owner"].queryset = Organization.objects.filter(kind=Organization.Kind.DEPARTMENT)
        self.fields["framework"].queryset = IndicatorFramework.objects.order_by("code")
        self.fields["sign"].choices = [("", _("未指定"))] + Sign.choices
        if not can_manage_common_library(by):
            # A department's reviewer keeps 个性 entries of their own department only.
            for name in ("scope", "owner"):
                self.fields[name].disabled = True
            self.fields["scope"].initial = LibraryScope.DEPARTMENT
            self.fields["owner"].initial = by.organization_id
        if self.instance.pk:
            for kind, name in TAG_KINDS.items():
                self.fields[name].initial = "、".join(t.name for t in self.instance.tags.all() if t.kind == kind)
        cap_messages(self)

    def clean(self):
        cleaned = super().clean()
        framework = cleaned.get("framework")
        level1, level2 = cleaned.get("level1"), cleaned.get("level2")
        if framework and level1 and level2:
            tree = framework_vocabulary(framework)
            if level1 not in tree:
                self.add_error("level1", _("“%(name)s”不是该指标体系的一级指标。") % {"name": level1})
            elif level2 not in tree[level1]:
                self.add_error(
                    "level2", _("“%(name)s”不是“%(level1)s”下的二级指标。") % {"name": level2, "level1": level1}
                )
        if not can_manage_common_library(self.by):
            cleaned["scope"], cleaned["owner"] = LibraryScope.DEPARTMENT, self.by.organization
        if cleaned.get("scope") == LibraryScope.DEPARTMENT and not cleaned.get("owner"):
            self.add_error("owner", _("个性指标须选择维护部门。"))
        if cleaned.get("scope") == LibraryScope.COMMON:
            cleaned["owner"] = None
        for name in TAG_KINDS.values():
            names = [n.strip() for n in TAG_SPLIT.split(cleaned.get(name) or "") if n.strip()]
            if len(names) > MAX_TAGS:
                self.add_error(name, _("最多 %(n)s 个标签。") % {"n": MAX_TAGS})
            elif any(len(n) > TAG_MAX_LENGTH for n in names):
                self.add_error(name, _("每个标签最多 %(n)s 个字。") % {"n": TAG_MAX_LENGTH})
            cleaned[name] = names
        return cleaned

    def _post_clean(self):
        # Model validation of the instance is not needed (the service writes); skip Django's
        # construct_instance so the page's values never reach the entry but through the service.
        pass

    def entry_data(self) -> EntryData:
        c = self.cleaned_data
        return EntryData(
            framework=c["framework"],
            form_kind=c["framework"].form_kind,
            level1=c["level1"],
            level2=c["level2"],
            name=c["name"].strip(),
            sign=c["sign"] or "",
            value=c["value"].strip(),
            unit=c["unit"].strip(),
            explanation=c["explanation"],
            method=c["method"],
            scoring=c["scoring"],
            scope=c["scope"],
            owner=c["owner"],
            is_active=self.instance.is_active if self.instance.pk else True,
            tags=[(kind, n) for kind, name in TAG_KINDS.items() for n in c[name]],
        )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Excel 文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
        error_messages={"required": _("请选择要上传的文件。")},
    )
