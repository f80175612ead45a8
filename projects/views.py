from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Value, When
from django.db.models.functions import Coalesce
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from indicators.frameworks import framework_vocabulary
from indicators.models import FormKind

from . import services
from .diff import diff_snapshots
from .editor_rows import EditorRow, empty_row, row_html, rows_from_formset, rows_from_initial
from .forms import IndicatorFormSet, NewFormMetaForm, QueueFilterForm, header_form_class
from .models import LONG_TEXT_FIELDS, Action, FiscalYear, FormEvent, Organization, PerformanceForm, Status
from .permissions import (
    can_create,
    can_edit,
    can_review,
    can_submit,
    can_withdraw,
    get_form_or_404,
    is_reviewer,
    require_reviewer,
)
from .querysets import awaiting_statuses
from .queue_rows import queue_page_forms, queue_rows_html
from .tables import indicator_table

FORMSET_PREFIX = "ind"


def _warnings_by_row(found) -> dict[int, list]:
    by_row: dict[int, list] = {}
    for warning in found:
        if warning.row is not None:
            by_row.setdefault(warning.row, []).append(warning)
    return by_row


def _summary(found) -> dict[str, int]:
    return {severity: sum(1 for w in found if w.severity == severity) for severity in ("error", "warning", "info")}


def _checked_table(perf_form: PerformanceForm) -> dict:
    """The official table with each row's warnings, and the summary: what both read-only pages show."""
    rows = list(perf_form.indicators.all())
    found = services.form_warnings(perf_form, rows)
    return {"table": indicator_table(rows, _warnings_by_row(found)), "warnings": found, "summary": _summary(found)}


def _initial_rows(stored: list) -> list[dict]:
    return [
        {"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": r.value, "position": i}
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


def _merge_order(present: list[str], reference: list[str]) -> list[str]:
    """`present` in its own order, with each missing `reference` name placed after its predecessor there."""
    merged = list(present)
    previous = None
    for name in reference:
        if name not in merged:
            merged.insert(merged.index(previous) + 1 if previous is not None else 0, name)
        previous = name
    return merged


def _editor_sections(framework, rows: list[EditorRow]) -> list[dict]:
    """Rows grouped as on paper: 一级 sections, 二级 groups, rows by position.

    Groups with rows keep the form's own order: the page posts rows back in the order it
    shows them, so showing them in framework order would reorder an imported form on its
    first save. Every 二级 of the framework gets a group (after its framework predecessor),
    so an empty one still offers "add a row"; unknown names get groups of their own.
    """
    found: dict[str, dict[str, list]] = {}
    for row in sorted(rows, key=lambda r: r.position):
        found.setdefault(row.values["level1"], {}).setdefault(row.values["level2"], []).append(row_html(row))
    tree = framework_vocabulary(framework)
    return [
        {
            "level1": level1,
            "groups": [
                {"level2": level2, "rows": found.get(level1, {}).get(level2, [])}
                for level2 in _merge_order(list(found.get(level1, {})), tree.get(level1, []))
            ],
        }
        for level1 in _merge_order(list(found), list(tree))
    ]


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
    for row in rows:
        row.warnings = warnings_by_id.get(row.row_id, [])
        row.comment = comments.get(row.row_id)
    return {
        "open_return": open_return,
        "perf_form": perf_form,
        "header_form": header_form,
        # Not looked up on the formset in the template: the template engine tries
        # formset["management_form"] first, which builds every row form to index them.
        "management_form": formset.management_form,
        "formset_errors": formset.non_form_errors() if formset.is_bound else "",
        "sections": _editor_sections(framework, rows),
        "empty_row": row_html(empty_row(formset.prefix)),
        "framework": framework,
        "warnings": found,
        "summary": _summary(found),
        **extra,
    }


def _row_inputs(formset) -> list[services.RowInput]:
    return [
        services.RowInput(
            id=form.cleaned_data.get("id"),
            level1=form.cleaned_data["level1"],
            level2=form.cleaned_data["level2"],
            level3=form.cleaned_data["level3"],
            value=form.cleaned_data["value"],
        )
        for form in formset.rows()
    ]


@login_required
def home(request):
    """Reviewers and admins land on their queue, fillers on this year's forms."""
    return redirect("projects:queue" if is_reviewer(request.user) else "projects:my_forms")


LIST_PAGE_SIZE = 50
ALL_YEARS = "all"
# What the unit does next, by status, under each form in "我的绩效目标表".
NEXT_STEPS = {
    Status.DRAFT: gettext_lazy("下一步：填写完整后提交审核"),
    Status.RETURNED: gettext_lazy("下一步：按退回理由修改后重新提交"),
    Status.SUBMITTED: gettext_lazy("等待主管部门审核（可撤回）"),
    Status.DEPT_APPROVED: gettext_lazy("等待财政局批复"),
    Status.APPROVED: gettext_lazy("已批复，无需操作"),
}


def _return_reasons(perf_forms) -> dict[int, str]:
    """The latest return reason of each returned form on a page, in one query."""
    returned = [f.pk for f in perf_forms if f.status == Status.RETURNED]
    if not returned:
        return {}
    events = FormEvent.objects.filter(perf_form_id__in=returned, action=Action.RETURN).order_by("created_at", "pk")
    return dict(events.values_list("perf_form_id", "reason"))


@login_required
def my_forms(request):
    """The unit's forms of one year (the current one unless chosen), a page at a time.

    Every login lands here or on the queue: its cost must not grow with the years kept.
    """
    years = list(FiscalYear.objects.all())
    selected = request.GET.get("year")
    forms_qs = (
        PerformanceForm.objects.visible_to(request.user)
        .select_related("unit", "year")
        .defer(*LONG_TEXT_FIELDS)
        .order_by("-year__year", "unit__name", "project_name", "pk")
    )
    if selected is None:
        current = FiscalYear.current()
        selected = str(current.year) if current else ALL_YEARS
    if selected != ALL_YEARS:
        forms_qs = forms_qs.filter(year__year=int(selected) if selected.isdigit() else -1)
    page = Paginator(forms_qs, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    reasons = _return_reasons(page)
    for perf_form in page:
        perf_form.return_reason = reasons.get(perf_form.pk)
        perf_form.next_step = NEXT_STEPS[perf_form.status]
        perf_form.can_edit = can_edit(request.user, perf_form)
    return render(
        request,
        "projects/my_forms.html",
        {
            "page": page,
            "years": years,
            "selected_year": selected,
            "all_years": ALL_YEARS,
            "query": urlencode({"year": selected}),
            "can_create": can_create(request.user),
            "can_create_department": can_create(request.user, FormKind.DEPARTMENT),
            "create_department_url": reverse("projects:create") + "?" + urlencode({"kind": FormKind.DEPARTMENT}),
        },
    )


@login_required
def create_form(request):
    kind = request.GET.get("kind", FormKind.PROJECT)
    if kind not in FormKind.values or not can_create(request.user, kind):
        raise PermissionDenied(_("您不能新建这类绩效目标表。"))
    open_years = FiscalYear.objects.filter(is_open=True)
    chosen = request.GET.get("year", "")
    default_year = (open_years.filter(pk=chosen).first() if chosen.isdigit() else None) or open_years.first()
    meta_form = NewFormMetaForm(request.POST or None, initial={"year": default_year})
    year = meta_form.cleaned_data["year"] if meta_form.is_bound and meta_form.is_valid() else default_year
    framework = year.framework_for(kind) if year else None
    if framework is None:
        messages.error(request, _("当前没有开放填报的年度（或该年度未配置指标体系），请联系管理员。"))
        return redirect("projects:my_forms")
    perf_form = PerformanceForm(kind=kind, unit=request.user.organization, year=year, framework=framework)
    posted = _as_typed(request.POST) if request.method == "POST" else None
    header_form = header_form_class(kind)(posted, instance=perf_form)
    formset = IndicatorFormSet(posted, prefix=FORMSET_PREFIX)
    if request.method == "POST" and meta_form.is_valid() and header_form.is_valid() and formset.is_valid():
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
    elif request.method == "POST":
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


@login_required
def detail(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    events = _timeline(perf_form)
    open_return = _open_return(perf_form, events)
    comments = {c.indicator_id: c.comment for c in open_return.row_comments.all()} if open_return else {}
    checked = _checked_table(perf_form)
    for item in checked["table"]:
        item.comment = comments.get(item.row.pk)
    return render(
        request,
        "projects/detail.html",
        {
            **checked,
            "perf_form": perf_form,
            "events": events,
            "open_return": open_return,
            "can_edit": can_edit(request.user, perf_form),
            "can_submit": can_submit(request.user, perf_form),
            "can_withdraw": can_withdraw(request.user, perf_form),
            "can_review": can_review(request.user, perf_form),
        },
    )


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


# Each key and its "-" twin order exactly in reverse, ties included (by pk), except that
# empty dates and budgets come last both ways, on SQLite as on PostgreSQL.
QUEUE_SORTS = {
    "submitted": (F("submitted_at").asc(nulls_last=True), "pk"),
    "-submitted": (F("submitted_at").desc(nulls_last=True), "-pk"),
    "budget": (F("budget").asc(nulls_last=True), "pk"),
    "-budget": (F("budget").desc(nulls_last=True), "-pk"),
    "warnings": ("error_count", "warning_count", "pk"),
    "-warnings": ("-error_count", "-warning_count", "-pk"),
}
QUEUE_PAGE_SIZE = 50


@login_required
def queue(request):
    """The reviewer's queue: what awaits this user first, then everything else in scope."""
    user = request.user
    filters = QueueFilterForm(request.GET, user=user)
    awaiting = awaiting_statuses(user)
    in_scope = (
        PerformanceForm.objects.visible_to(user)
        .select_related("unit__parent", "year")
        .defer(*LONG_TEXT_FIELDS)
        .annotate(
            # Every row here is in the user's scope already, so awaiting is a matter of status.
            awaiting_me=Case(
                When(status__in=awaiting, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            budget=Coalesce("current_budget", "fund_total"),
        )
    )
    sort = request.GET.get("sort", "")
    order = QUEUE_SORTS.get(sort, QUEUE_SORTS["-submitted"])
    # With nothing awaiting (a filler) the CASE folds to a constant, and PostgreSQL refuses
    # ORDER BY false.
    forms_qs = filters.apply(in_scope).order_by(*(("-awaiting_me",) if awaiting else ()), *order)
    # Count and order the ids first (an index-only scan of perf_form_queue_idx), then load
    # the page's rows by id: sorting thousands of whole rows cost more than the rest of the page.
    # The rows are fetched through the scope but not the filters: a form approved or saved
    # between the two queries is still shown as it is now, not lost (nor a KeyError).
    page = Paginator(forms_qs.values_list("pk", flat=True), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queue_page_forms(in_scope, list(page))
    # The column headers set their own sort: their links carry the filters only.
    filter_query = filters.effective_query()
    return render(
        request,
        "projects/queue.html",
        {
            "filters": filters,
            "page": page,
            "rows": queue_rows_html(page.object_list),
            "sort": sort,
            "query": "&".join(part for part in (filter_query, urlencode({"sort": sort}) if sort else "") if part),
            "filter_query": filter_query,
        },
    )


UNIT_CHOICES_LIMIT = 20


@login_required
def unit_choices(request):
    """Units in the user's scope whose name contains `q`: the queue's unit filter asks as one types."""
    q = request.GET.get("q", "").strip()[:100]
    units = Organization.objects.in_scope_of(request.user).order_by("name")
    if q:
        units = units.filter(name__icontains=q)
    return JsonResponse(
        {"results": [{"id": pk, "name": name} for pk, name in units.values_list("pk", "name")[:UNIT_CHOICES_LIMIT]]}
    )


def _timeline(perf_form):
    return list(perf_form.events.prefetch_related("row_comments").order_by("created_at", "pk"))


def _open_return(perf_form, events):
    """The return whose reason and row comments the unit must see (until it resubmits)."""
    if perf_form.status != Status.RETURNED:
        return None
    returns = [e for e in events if e.action == Action.RETURN]
    return returns[-1] if returns else None


def _diff_for(perf_form):
    """Diff of the latest submission against the one before it (None on a first submission)."""
    latest_two = list(perf_form.submissions.order_by("-number")[:2])
    if len(latest_two) < 2:
        return None
    return diff_snapshots(latest_two[1].data, latest_two[0].data)


def _review_page(request, perf_form, *, return_draft: dict | None = None):
    """The review page; after a refused return, with the reviewer's reason and row comments put back."""
    checked = _checked_table(perf_form)
    reviewable = can_review(request.user, perf_form)
    if return_draft:
        for item in checked["table"]:
            item.draft_comment = return_draft["comments"].get(item.row.pk, "")
    # A form that left this reviewer's step meanwhile is a conflict, as in the editor.
    status = 409 if return_draft and not reviewable else 200
    return render(
        request,
        "projects/review.html",
        {
            **checked,
            "perf_form": perf_form,
            "events": _timeline(perf_form),
            "diff": _diff_for(perf_form),
            "has_previous": perf_form.submissions.count() > 1,
            "can_review": reviewable,
            "commentable": reviewable or bool(return_draft),
            "return_draft": return_draft,
        },
        status=status,
    )


@login_required
def review(request, pk):
    return _review_page(request, get_form_or_404(request.user, pk))


@require_POST
@login_required
def submit(request, pk):
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    try:
        services.submit(perf_form=perf_form, by=request.user)
    except services.SubmitBlocked as exc:
        messages.error(request, str(exc))
        return redirect("projects:edit", pk=pk) if perf_form.is_editable else redirect(perf_form)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已提交审核。"))
    return redirect(perf_form)


@require_POST
@login_required
def withdraw(request, pk):
    perf_form = get_form_or_404(request.user, pk, for_edit=True)
    try:
        services.withdraw(perf_form=perf_form, by=request.user)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤回，表格回到草稿状态，可以继续修改。"))
    return redirect(perf_form)


@require_POST
@login_required
def approve(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    require_reviewer(request.user)
    try:
        services.approve(perf_form=perf_form, by=request.user, comment=request.POST.get("comment", ""))
    except services.TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已审核通过。"))
    return redirect("projects:review", pk=pk)


def _posted_row_comments(post) -> dict[int, str]:
    """`comment-<row id>` fields; services.return_form keeps only the form's own rows."""
    comments = {}
    for key, text in post.items():
        row_id = key.removeprefix("comment-")
        # A sane id length: int() of a forged thousands-digit key would raise.
        if key.startswith("comment-") and row_id.isdigit() and len(row_id) <= 18:
            comments[int(row_id)] = text
    return comments


@require_POST
@login_required
def return_view(request, pk):
    perf_form = get_form_or_404(request.user, pk)
    require_reviewer(request.user)
    reason = request.POST.get("reason", "")
    row_comments = _posted_row_comments(request.POST)
    try:
        services.return_form(perf_form=perf_form, by=request.user, reason=reason, row_comments=row_comments)
    except services.TransitionError as exc:
        messages.error(request, str(exc))
        return _review_page(request, perf_form, return_draft={"reason": reason, "comments": row_comments})
    messages.success(request, _("已退回填报单位。"))
    return redirect("projects:review", pk=pk)
