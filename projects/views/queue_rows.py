"""The review queue's rows: loaded with the columns they show, written as HTML in Python.

Fifty rows through the template engine cost more than the page's queries (issue #12: the queue
at 2.5 times its SQL time); the markup is what the template wrote, every value escaped. What a
row needs is looked up once per page, not once per row: the review link, the labels of kinds and
statuses (get_FOO_display hashes every choice's lazy label on each call) and the time zone. The
unit, its department and the year come as columns of the form's row, as the Excel export reads
them, rather than as three model instances a row.
"""

from html import escape

from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from .. import schema
from ..accounts.models import Organization
from ..models import PerformanceForm, department_form_title

# The form's own columns a row shows, so that loading a page does not convert the budget, date
# and bookkeeping columns no row prints.
COLUMNS = ("kind", "status", "project_name", "project_code", "submitted_at", "error_count", "warning_count")
RELATED = {
    "year_number": F("year__year"),
    "unit_name": F("unit__name"),
    "unit_kind": F("unit__kind"),
    "parent_name": F("unit__parent__name"),
}

# Between two rows, as the template's loop wrote it.
ROW_SEPARATOR = "\n  "

# The load client (load/run.py) and the browser tests find rows by these, never by wording or class.
AWAITING_HOOK = ' data-awaiting="1"'


def queue_page_forms(in_scope, ids: list[int]) -> list[PerformanceForm]:
    """The forms of `ids` in that order, read through `in_scope`; one gone meanwhile is left out.

    Whatever related rows and columns `in_scope` asks for, a row loads what it shows.
    """
    forms = in_scope.select_related(None).only(*COLUMNS).annotate(**RELATED).in_bulk(ids)
    return [forms[pk] for pk in ids if pk in forms]


# The budget a row shows, in the unit its form kind is typed and printed in (万元 for a
# department's form): the field the queue's `budget` annotation reads first for that kind.
BUDGET_FIELDS = {
    schema.PROJECT: schema.get("current_budget"),
    schema.DEPARTMENT: schema.get("fund_total"),
}


def _budget_cell(perf_form) -> str:
    if perf_form.budget is None:
        return ""
    entry = BUDGET_FIELDS.get(perf_form.kind, BUDGET_FIELDS[schema.PROJECT])
    return f'{escape(entry.format_money(perf_form.budget))} <small class="text-muted">{escape(entry.unit)}</small>'


def queue_rows_html(perf_forms, *, show_department: bool = True) -> SafeString:
    """Every row of the page, one <tr class="queue-row"> each; without the 主管部门 cell when
    every row would repeat it (permissions.shows_department_column)."""
    # reverse() once for the page rather than once a row: it was the dearest call a row made.
    review = reverse("projects:review", args=[0]).removesuffix("0/review/")
    awaiting = f'<span class="badge text-bg-primary">{escape(_("待我审核"))}</span>'
    kinds = _labels("kind")
    statuses = _labels("status")
    zone = timezone.get_current_timezone()
    code_label = escape(f"{schema.get('project_code').label}：")
    return mark_safe(  # noqa: S308 - every interpolated value is escaped
        ROW_SEPARATOR.join(
            _row(perf_form, review, awaiting, kinds, statuses, zone, code_label, show_department)
            for perf_form in perf_forms
        )
    )


def _labels(field_name: str) -> dict[str, str]:
    """What get_FOO_display() shows for each stored value, in the active language, escaped."""
    return {value: escape(str(label)) for value, label in PerformanceForm._meta.get_field(field_name).flatchoices}


def _row(
    perf_form, review: str, awaiting: str, kinds: dict, statuses: dict, zone, code_label: str, show_department: bool
) -> str:
    unit_name = perf_form.unit_name
    # Organization.department: a department's own form goes through itself, a unit's through its parent.
    department = unit_name if perf_form.unit_kind == Organization.Kind.DEPARTMENT else perf_form.parent_name
    department_cell = f"<td>{escape(department) if department else ''}</td>" if show_department else ""
    title = department_form_title(unit_name) if perf_form.is_department else perf_form.title
    submitted = perf_form.submitted_at.astimezone(zone).strftime("%Y-%m-%d %H:%M") if perf_form.submitted_at else ""
    errors_class = "text-danger fw-bold" if perf_form.error_count else ""
    code = (
        f'<div class="small text-muted" data-project-code>{code_label}{escape(perf_form.project_code)}</div>'
        if perf_form.project_code
        else ""
    )
    status = perf_form.status
    return (
        f'<tr class="queue-row" data-form-id="{perf_form.pk}"{AWAITING_HOOK if perf_form.awaiting_me else ""}>'
        f"<td>{awaiting if perf_form.awaiting_me else ''}</td>"
        f"<td>{perf_form.year_number}</td>"
        f"{department_cell}"
        f"<td>{escape(unit_name)}</td>"
        f'<td><a href="{review}{perf_form.pk}/review/" data-action="review">{escape(str(title))}</a>{code}</td>'
        f"<td>{kinds.get(perf_form.kind) or escape(perf_form.kind)}</td>"
        f'<td><span class="badge status-{escape(status)}">{statuses.get(status) or escape(status)}</span></td>'
        f"<td>{submitted}</td>"
        f'<td class="text-end text-nowrap">{_budget_cell(perf_form)}</td>'
        f'<td class="text-end"><span class="{errors_class}">{perf_form.error_count}</span>'
        f" / {perf_form.warning_count}</td></tr>"
    )
