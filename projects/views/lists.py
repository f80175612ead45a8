"""The lists: the landing redirect, a filler's forms, the review queue and its unit typeahead."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from indicators.choices import FormKind

from ..accounts.models import Organization
from ..forms import QueueFilterForm
from ..models import LONG_TEXT_FIELDS, Action, FiscalYear, FormEvent, PerformanceForm, Status
from ..permissions import (
    can_create,
    can_edit,
    is_reviewer,
    shows_department_column,
)
from ..querysets import awaiting_statuses
from ..reviews.services import batch_candidates
from ..season.deadlines import attach_countdowns
from ..services import carryover
from .common import _department_form_years
from .queue_rows import queue_page_forms, queue_rows_html

LIST_PAGE_SIZE = 50
ALL_YEARS = "all"
# What the unit does next, by status, under each form in "我的绩效目标表".
NEXT_STEPS = {
    Status.DRAFT: gettext_lazy("下一步：填写完整后提交审核"),
    Status.RETURNED: gettext_lazy("下一步：按退回理由修改后重新提交"),
    Status.SUBMITTED: gettext_lazy("等待主管部门审核（可撤回）"),
    Status.DEPT_APPROVED: gettext_lazy("等待财政局批复"),
    Status.APPROVED: gettext_lazy("已批复，无需操作"),
    Status.REJECTED: gettext_lazy("本年度不予通过；如需重新申报，请联系财政局重新开放"),
}
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
QUEUE_QUERY_MAX_LENGTH = 2000
UNIT_CHOICES_LIMIT = 20


@login_required
def home(request):
    """Reviewers and admins land on their queue, fillers on this year's forms."""
    return redirect("projects:queue" if is_reviewer(request.user) else "projects:my_forms")


def _return_reasons(perf_forms) -> dict[int, str]:
    """The latest return (or 不予通过) reason of each returned or rejected form on a page, in one query."""
    returned = [f.pk for f in perf_forms if f.status in (Status.RETURNED, Status.REJECTED)]
    if not returned:
        return {}
    events = FormEvent.objects.filter(perf_form_id__in=returned, action__in=(Action.RETURN, Action.REJECT)).order_by(
        "created_at", "pk"
    )
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
    create_year = next((y for y in years if str(y.year) == selected and y.is_open), None)
    reasons = _return_reasons(page)
    carry_years = carryover.carry_over_years(request.user, page, years)
    for perf_form in page:
        perf_form.carry_years = carry_years.get(perf_form.pk, [])
        perf_form.return_reason = reasons.get(perf_form.pk)
        perf_form.next_step = NEXT_STEPS[perf_form.status]
        perf_form.can_edit = can_edit(request.user, perf_form)
    attach_countdowns(page.object_list)
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
            "create_url": _create_url(create_year),
            "create_department_url": _create_department_url(request.user, years, create_year),
        },
    )


def _create_url(year: FiscalYear | None, **query) -> str:
    """The editor for a new form, in the year the list shows when it is open for filing."""
    if year is not None:
        query["year"] = year.pk
    return reverse("projects:create") + ("?" + urlencode(query) if query else "")


def _create_department_url(user, years: list[FiscalYear], create_year: FiscalYear | None) -> str | None:
    """Where "新建部门整体支出绩效目标表" leads; None when the department has one for the year shown
    (or, on a list of every year, for each open year): that form is opened, not a blank one."""
    if not can_create(user, FormKind.DEPARTMENT):
        return None
    filed = _department_form_years(user.organization)
    if create_year is not None:
        free = create_year.pk not in filed
    else:
        free = any(y.is_open and y.pk not in filed for y in years)
    return _create_url(create_year, kind=FormKind.DEPARTMENT) if free else None


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
    paginator = Paginator(forms_qs.values_list("pk", flat=True), QUEUE_PAGE_SIZE)
    awaiting_count = None
    if awaiting:
        # "待我审核 N 张" among the forms listed, counted with them in the paginator's one COUNT:
        # a count of the whole scope apart scanned the wide rows of every year (+15 ms SQL).
        counts = forms_qs.aggregate(total=Count("pk"), awaiting=Count("pk", filter=Q(status__in=awaiting)))
        paginator.count, awaiting_count = counts["total"], counts["awaiting"]
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = queue_page_forms(in_scope, list(page))
    # The column headers set their own sort: their links carry the filters only.
    filter_query = filters.effective_query()
    show_department = shows_department_column(user)
    return render(
        request,
        "projects/queue.html",
        {
            "filters": filters,
            "page": page,
            "rows": queue_rows_html(page.object_list, show_department=show_department),
            "show_department": show_department,
            "column_count": len(QUEUE_COLUMNS) - (0 if show_department else 1),
            "awaiting_count": awaiting_count,
            "sorts": _sort_headers(sort if sort in QUEUE_SORTS else "-submitted", filter_query),
            "sort": sort,
            "query": "&".join(part for part in (filter_query, urlencode({"sort": sort}) if sort else "") if part),
            "filter_query": filter_query,
            "batch": batch_candidates(user),
        },
    )


def next_awaiting(user, queue_query: str, *, exclude: int) -> int | None:
    """The next form awaiting `user` in their queue as `queue_query` filters and sorts it, other than `exclude`."""
    query = QueryDict(queue_query[:QUEUE_QUERY_MAX_LENGTH])
    filters = QueueFilterForm(query, user=user)
    order = QUEUE_SORTS.get(query.get("sort", ""), QUEUE_SORTS["-submitted"])
    awaiting = PerformanceForm.objects.awaiting(user).exclude(pk=exclude)
    return filters.apply(awaiting).order_by(*order).values_list("pk", flat=True).first()


# The queue's columns, in order; "department" is left out for a department reviewer.
QUEUE_COLUMNS = (
    "awaiting",
    "year",
    "department",
    "unit",
    "project",
    "kind",
    "status",
    "submitted",
    "budget",
    "warnings",
)
SORT_ARROWS = {"ascending": "▲", "descending": "▼"}


def _sort_headers(sort: str, filter_query: str) -> dict[str, dict]:
    """Per sortable column: the link its header carries and, on the sorted one, aria-sort and its arrow.

    A click on the sorted column reverses it; on another column it sorts that one descending.
    """
    headers = {}
    for key in ("submitted", "budget", "warnings"):
        direction = "ascending" if sort == key else "descending" if sort == f"-{key}" else None
        target = key if direction == "descending" else f"-{key}"
        headers[key] = {
            "key": key,
            "href": "?" + "&".join(part for part in (filter_query, urlencode({"sort": target})) if part),
            "aria_sort": direction,
            "arrow": SORT_ARROWS.get(direction, ""),
        }
    return headers


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
