"""The dashboard's unit rows written as HTML in Python, as the review queue's are (views/queue_rows.py).

A department of 150 units is some 2,000 cells; through the template engine (an include per row
for the cells, one for the countdown) they cost more than the page's queries. The markup is what
the templates season/_cells.html and season/_countdown.html write, every value escaped.
"""

from html import escape

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ..models import FiscalYear, Status
from . import dashboard
from .deadlines import Countdown

STATUSES = frozenset(dashboard.STATUSES)


def countdown_html(countdown: Countdown | None) -> str:
    if countdown is None:
        return ""
    if countdown.overdue:
        colour = "text-bg-danger"
    elif countdown.urgent:
        colour = "text-bg-warning"
    else:
        colour = "text-bg-light border"
    return (
        f'<span class="badge countdown {colour}" data-countdown="{countdown.days}" '
        f'title="{countdown.deadline.isoformat()}">{escape(str(countdown))}</span>'
    )


def cells_html(cells: list[tuple[str, int, str]]) -> str:
    parts = []
    for key, n, link in cells:
        late = " text-danger fw-semibold" if key == dashboard.OVERDUE and n else ""
        inner = f'<a href="{escape(link)}" data-count="{key}">{n}</a>' if n else '<span class="text-muted">0</span>'
        parts.append(f'<td class="num{late}" data-key="{key}">{inner}</td>')
    return "".join(parts)


def unit_cells(
    unit: dashboard.UnitProgress, year: FiscalYear, *, drafts_in_queue: bool = True
) -> list[tuple[str, int, str]]:
    """A unit's numbers, each linked to its list: the queue for a status, its expected forms otherwise.

    A reviewer's queue never holds a draft no one submitted yet (only an admin's does): for them the
    草稿 count leads to the unit's expected forms, which list their drafts, rather than to an empty queue.
    """
    queue = f"{reverse('projects:queue')}?year={year.pk}&unit={unit.pk}&status="
    expected = f"{reverse('season:expected_list', args=[unit.pk])}?year={year.year}"
    in_queue = STATUSES if drafts_in_queue else tuple(s for s in STATUSES if s != Status.DRAFT)
    return [(key, unit.counts.get(key), f"{queue}{key}" if key in in_queue else expected) for key in dashboard.KEYS]


def unit_rows_html(
    units: list[dashboard.UnitProgress], year: FiscalYear, *, selectable: bool, drafts_in_queue: bool = True
) -> SafeString:
    own = escape(_("本部门"))
    rows = []
    for unit in units:
        counts = unit.counts
        pending = " data-not-started" if counts.not_started else ""
        box = (
            f'<td><input class="form-check-input" type="checkbox" name="unit" value="{unit.pk}" '
            f'id="unit-{unit.pk}" aria-label="{escape(unit.name)}"></td>'
            if selectable
            else ""
        )
        badge = f' <span class="badge text-bg-light border">{own}</span>' if unit.is_department else ""
        rows.append(
            f'<tr data-unit="{unit.pk}"{pending}>{box}'
            f'<th scope="row"><label for="unit-{unit.pk}">{escape(unit.name)}</label>{badge}</th>'
            f'<td class="text-nowrap">{countdown_html(unit.countdown)}</td>'
            f"{cells_html(unit_cells(unit, year, drafts_in_queue=drafts_in_queue))}"
            f'<td class="num">{dashboard.percent(counts.completion, digits=0)}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every value above is escaped or a number
