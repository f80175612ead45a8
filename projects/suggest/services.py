"""The one writer of suggestion references: forms become one when approved or imported.

Called from the workflow's transition (approval, and leaving APPROVED by a reopening) and from
the published-form importer; `sync_approved` catches up with forms written in bulk
(manage.py generate_forms, or forms approved before this app existed).
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.choices import FormKind
from projects.choices import Status
from projects.models import Indicator, PerformanceForm

from .choices import Origin
from .models import Reference
from .text import document

BATCH = 1000
FIELDS = ("origin", "kind", "year", "unit_name", "project_name", "text", "rows", "is_active")


def texts_of(perf_form: PerformanceForm) -> tuple[str, str, str]:
    """Name, 概况 and 立项依据, or what stands for them on a department form (职能, 总体目标)."""
    if perf_form.kind == FormKind.DEPARTMENT:
        return perf_form.title, perf_form.duties, perf_form.overall_goal
    return perf_form.project_name, perf_form.overview, perf_form.basis


def _reference(perf_form: PerformanceForm, origin: str, rows: list[Indicator]) -> Reference:
    name, overview, basis = texts_of(perf_form)
    return Reference(
        perf_form=perf_form,
        origin=origin,
        kind=perf_form.kind,
        year=perf_form.year.year,
        unit_name=perf_form.unit.name,
        project_name=name[:200],
        text=document(name, overview, basis),
        rows=[[r.level1, r.level2, r.level3, r.value] for r in rows],
    )


@transaction.atomic
def record(perf_form: PerformanceForm, origin: str) -> Reference:
    """Make (or refresh) the form's reference from its content now."""
    fresh = _reference(perf_form, origin, list(perf_form.indicators.all()))
    values = {f: getattr(fresh, f) for f in FIELDS}
    reference, _created = Reference.objects.update_or_create(perf_form=perf_form, defaults=values)
    return reference


def status_changed(perf_form: PerformanceForm, from_status: str, to_status: str) -> None:
    """Approval makes a reference; leaving APPROVED withdraws one that approval made."""
    if to_status == Status.APPROVED:
        record(perf_form, Origin.APPROVED)
    elif from_status == Status.APPROVED:
        Reference.objects.filter(perf_form=perf_form, origin=Origin.APPROVED).update(
            is_active=False, updated_at=timezone.now()
        )


def sync_approved(progress=None) -> tuple[int, int]:
    """References for every approved form without an active one; approval references of forms no
    longer approved withdrawn. Returns (added, withdrawn)."""
    withdrawn = (
        Reference.objects.filter(origin=Origin.APPROVED, is_active=True)
        .exclude(perf_form__status=Status.APPROVED)
        .update(is_active=False, updated_at=timezone.now())
    )
    missing = (
        PerformanceForm.objects.filter(status=Status.APPROVED)
        .filter(Q(suggest_reference__isnull=True) | Q(suggest_reference__is_active=False))
        .select_related("unit", "year")
        .order_by("pk")
    )
    added = 0
    last = 0
    while True:
        batch = list(missing.filter(pk__gt=last)[:BATCH])
        if not batch:
            return added, withdrawn
        rows: dict[int, list[Indicator]] = {}
        for row in (
            Indicator.objects.filter(perf_form__in=batch)
            .only("perf_form_id", "level1", "level2", "level3", "value")
            .order_by("perf_form", "position", "pk")
        ):
            rows.setdefault(row.perf_form_id, []).append(row)
        with transaction.atomic():
            Reference.objects.bulk_create(
                [_reference(f, Origin.APPROVED, rows.get(f.pk, [])) for f in batch],
                update_conflicts=True,
                unique_fields=["perf_form"],
                update_fields=[*FIELDS, "updated_at"],
            )
        added += len(batch)
        last = batch[-1].pk
        if progress:
            progress(added)
