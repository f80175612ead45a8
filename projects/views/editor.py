"""The editor: a new form and a draft's header, budget and indicator rows."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from indicators.choices import FormKind

from .. import schema, services
from ..forms import IndicatorFormSet, NewFormMetaForm, header_form_class
from ..models import FiscalYear, PerformanceForm
from ..permissions import (
    can_create,
    get_form_or_404,
)
from .common import _department_form_years, _open_return, _summary, _timeline, _warnings_by_field, _warnings_by_row
from .editor_rows import rows_context, rows_from_formset, rows_from_initial

FORMSET_PREFIX = "ind"


def _initial_rows(stored: list) -> list[dict]:
    return [
        {
            "id": r.pk,
            **{entry.name: getattr(r, entry.name) for entry in schema.ROW_FIELDS},
            "position": i,
            "library_entry": r.library_entry_id,
        }
        for i, r in enumerate(stored)
    ]


def _as_typed(post):
    """The editor's post with line breaks as the text was stored.

    Browsers send every textarea's line breaks as CRLF: taken as posted, saving a form
    unchanged would rewrite each multi-line narrative.
    """
    data = post.copy()
    for key, values in data.lists():
        data.setlist(key, [value.replace("\r\n", "\n").replace("\r", "\n") for value in values])
    return data


def _editor_context(perf_form, framework, header_form, formset, *, stored: list | None = None, **extra):
    """The editor page: the stored rows (GET), or what a post held with its errors.

    `stored`: the form's rows when the caller has read them already.
    """
    if stored is None:
        stored = list(perf_form.indicators.all()) if perf_form.pk else []
    rows = rows_from_formset(formset) if formset.is_bound else rows_from_initial(formset.initial or [], formset.prefix)
    found = services.form_warnings(perf_form, stored) if perf_form.pk else []
    warnings_by_id = {stored[i].pk: items for i, items in _warnings_by_row(found).items() if i < len(stored)}
    open_return = _open_return(perf_form, _timeline(perf_form)) if perf_form.pk else None
    comments = {c.indicator_id: c.comment for c in open_return.row_comments.all()} if open_return else {}
    prev_values = {r.pk: r.prev_value for r in stored if r.source_row_id is not None}
    for row in rows:
        row.warnings = warnings_by_id.get(row.row_id, [])
        row.comment = comments.get(row.row_id)
        row.prev_value = prev_values.get(row.row_id)
    return {
        "open_return": open_return,
        "perf_form": perf_form,
        "header_form": header_form,
        # Not looked up on the formset in the template: the template engine tries
        # formset["management_form"] first, which builds every row form to index them.
        "management_form": formset.management_form,
        "formset_errors": formset.non_form_errors() if formset.is_bound else "",
        **rows_context(perf_form, framework, rows, formset.prefix),
        "framework": framework,
        "warnings": found,
        "summary": _summary(found),
        "field_warnings": _warnings_by_field(found),
        # The editor is the filler's page: the hint about saving with errors is for them.
        "show_filler_hint": perf_form.is_editable,
        **extra,
    }


def _row_inputs(formset) -> list[services.RowInput]:
    return [
        services.RowInput(
            id=form.cleaned_data.get("id"), library_entry_id=form.cleaned_data.get("library_entry"), **form.row_values()
        )
        for form in formset.rows()
    ]


def _default_year(years, chosen: str) -> FiscalYear | None:
    """The year asked for (the list the filler came from), else the filler's current year, else the latest."""
    if chosen.isdigit() and (year := years.filter(pk=chosen).first()):
        return year
    current = FiscalYear.current()
    if current is not None and years.filter(pk=current.pk).exists():
        return current
    return years.first()


def _kept_for_another_year(kind: str, perf_form, posted):
    """The post's header and rows shown again, unchecked and unsaved: only the year changed."""
    form_class = header_form_class(kind)
    initial = {name: posted.get(name) for name in form_class.base_fields if name in posted}
    header_form = form_class(instance=perf_form, initial=initial)
    formset = IndicatorFormSet(posted, prefix=FORMSET_PREFIX)
    if formset.is_valid():
        formset = IndicatorFormSet(initial=[form.cleaned_data for form in formset.rows()], prefix=FORMSET_PREFIX)
    return header_form, formset


@login_required
def create_form(request):
    kind = request.GET.get("kind", FormKind.PROJECT)
    if kind not in FormKind.values or not can_create(request.user, kind):
        raise PermissionDenied(_("您不能新建这类绩效目标表。"))
    filed = _department_form_years(request.user.organization) if kind == FormKind.DEPARTMENT else {}
    chosen = request.GET.get("year", "")
    if request.method != "POST" and chosen.isdigit() and int(chosen) in filed:
        messages.info(request, _("本部门这一年度的部门整体支出绩效目标表已经建立，请打开原表修改。"))
        return redirect("projects:detail", pk=filed[int(chosen)])
    years = FiscalYear.objects.filter(is_open=True)
    if request.method != "POST":
        # A department files its overall form once a year: the years it has one for are not offered.
        # A post is checked against every open year, so that one racing another tab keeps its text
        # and is told the form exists (the service's duplicate check).
        years = years.exclude(pk__in=filed)
    default_year = _default_year(years, chosen)
    if default_year is None and filed and request.method != "POST":
        messages.info(request, _("本部门每个开放填报年度的部门整体支出绩效目标表都已建立，请打开原表修改。"))
        return redirect("projects:my_forms")
    # The year select posts the page back for another year: shown again, nothing saved.
    switching = request.method == "POST" and bool(request.POST.get("switch_year"))
    meta_form = NewFormMetaForm(request.POST or None, initial={"year": default_year}, years=years)
    year = meta_form.cleaned_data["year"] if meta_form.is_bound and meta_form.is_valid() else default_year
    framework = year.framework_for(kind) if year else None
    if framework is None:
        messages.error(request, _("当前没有开放填报的年度（或该年度未配置指标体系），请联系管理员。"))
        return redirect("projects:my_forms")
    perf_form = PerformanceForm(kind=kind, unit=request.user.organization, year=year, framework=framework)
    posted = _as_typed(request.POST) if request.method == "POST" else None
    if switching:
        header_form, formset = _kept_for_another_year(kind, perf_form, posted)
        messages.info(request, _("已按%(year)s的指标体系重新显示，填写的内容都还在，尚未保存。") % {"year": year})
    else:
        header_form = header_form_class(kind)(posted, instance=perf_form)
        formset = IndicatorFormSet(posted, prefix=FORMSET_PREFIX)
    if (
        request.method == "POST"
        and not switching
        and meta_form.is_valid()
        and header_form.is_valid()
        and formset.is_valid()
    ):
        try:
            created = services.create_form(
                by=request.user, year=year, kind=kind, values=header_form.cleaned_data, rows=_row_inputs(formset)
            )
        except services.DuplicateFormError as exc:
            messages.error(request, str(exc))
            if "project_name" in header_form.fields:
                header_form.add_error("project_name", str(exc))
        except services.CannotCreateError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已保存草稿。"))
            return redirect("projects:edit", pk=created.pk)
    elif request.method == "POST" and not switching:
        messages.error(request, _("有内容未能保存，请按红色提示修改后再保存。您填写的内容都还在。"))
    context = _editor_context(perf_form, framework, header_form, formset, meta_form=meta_form)
    return render(request, "projects/edit.html", context)


def _submit_after_save(request, perf_form):
    try:
        services.submit(perf_form=perf_form, by=request.user)
    except services.TransitionError as exc:
        messages.warning(request, _("草稿已保存，但没有提交：%(reason)s") % {"reason": exc})
        return redirect("projects:edit", pk=perf_form.pk)
    messages.success(request, _("已保存并提交审核。"))
    return redirect(perf_form)


@login_required
def edit_form(request, pk):
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    if request.method != "POST":
        if not perf_form.is_editable:
            messages.error(
                request, _("这张表当前的状态（%(status)s）不允许修改。") % {"status": perf_form.get_status_display()}
            )
            return redirect(perf_form)
        header_form = header_form_class(perf_form.kind)(instance=perf_form)
        stored = list(perf_form.indicators.all())
        formset = IndicatorFormSet(initial=_initial_rows(stored), prefix=FORMSET_PREFIX)
        context = _editor_context(
            perf_form, perf_form.framework, header_form, formset, stored=stored, version=perf_form.version
        )
        return render(request, "projects/edit.html", context)

    posted = _as_typed(request.POST)
    header_form = header_form_class(perf_form.kind)(posted, instance=perf_form)
    formset = IndicatorFormSet(posted, prefix=FORMSET_PREFIX)
    posted_version = request.POST.get("version", "")
    expected = request.POST.get("version_override") or posted_version
    extra = {"version": int(posted_version) if posted_version.isdigit() else perf_form.version}
    status = 200
    if not perf_form.is_editable:
        # Typically another filler of the unit submitted it meanwhile: the page keeps this user's text.
        extra["not_editable"], status = True, 409
    elif not (header_form.is_valid() and formset.is_valid()):
        messages.error(request, _("有内容未能保存，请按红色提示修改后再保存。您填写的内容都还在。"))
    elif not expected.isdigit():
        messages.error(
            request,
            _("页面缺少版本号，无法确认期间是否有人修改过这张表，本次没有保存。您填写的内容都还在，核对后请再保存。"),
        )
    else:
        try:
            services.save_form(
                perf_form=perf_form,
                by=request.user,
                values=header_form.cleaned_data,
                rows=_row_inputs(formset),
                expected_version=int(expected),
            )
        except services.ConcurrentEditError as exc:
            extra["conflict_version"] = exc.current_version
            messages.error(request, str(exc))
        except services.DuplicateFormError as exc:
            messages.error(request, str(exc))
            if "project_name" in header_form.fields:
                header_form.add_error("project_name", str(exc))
        except services.NotEditableError:
            perf_form.refresh_from_db(fields=["status"])
            extra["not_editable"], status = True, 409
        else:
            if request.POST.get("and_submit"):
                return _submit_after_save(request, perf_form)
            messages.success(request, _("已保存草稿。"))
            return redirect("projects:edit", pk=perf_form.pk)
    context = _editor_context(perf_form, perf_form.framework, header_form, formset, **extra)
    return render(request, "projects/edit.html", context, status=status)
