"""The content of a form: creating, saving and importing header, budget and indicator rows."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from indicators.choices import LibraryScope, TargetScope
from indicators.frameworks import framework_vocabulary
from indicators.models import FormKind, LibraryEntry
from indicators.targets import parse_target, value_sign
from indicators.warnings import FormData, FormWarning, RowData, check_form, counts, counts_by_code

from .. import schema
from ..accounts.models import Organization
from ..library import services as library_services
from ..library import values as library_values
from ..models import (
    PROJECT_CODE_TAKEN_MESSAGE,
    UNIQUE_PROJECT_CODE_CONSTRAINT,
    FiscalYear,
    FormWarningCount,
    Indicator,
    PerformanceForm,
    project_code_taken,
)
from ..permissions import can_create, can_edit
from .errors import CannotCreateError, ConcurrentEditError, DuplicateFormError, NotEditableError

# Every header and budget field of either kind, from the field catalogue.
HEADER_FIELDS = schema.HEADER_FIELDS
BUDGET_FIELDS = schema.BUDGET_FIELDS
CONTENT_FIELDS = HEADER_FIELDS + BUDGET_FIELDS


def _not_editable(perf_form: PerformanceForm) -> NotEditableError:
    return NotEditableError(
        _("这张表当前的状态（%(status)s）不允许修改。") % {"status": perf_form.get_status_display()},
        perf_form=perf_form,
    )


UNIQUE_FORM_CONSTRAINT = "unique_form_per_year_unit_project"


def _check_unique(perf_form: PerformanceForm, project_name: str) -> None:
    clash = PerformanceForm.objects.filter(
        year_id=perf_form.year_id, unit_id=perf_form.unit_id, kind=perf_form.kind, project_name=project_name
    ).exclude(pk=perf_form.pk)
    if clash.exists():
        raise _duplicate(perf_form, project_name)


def _check_code(perf_form: PerformanceForm, project_code: str) -> None:
    """项目代码 is unique in a year where given; the header form asks first, this is the authority."""
    if project_code_taken(perf_form, project_code):
        raise DuplicateFormError(PROJECT_CODE_TAKEN_MESSAGE)


def _duplicate(perf_form: PerformanceForm, project_name: str) -> DuplicateFormError:
    if perf_form.kind == FormKind.DEPARTMENT:
        return DuplicateFormError(
            _("本部门%(year)s年度已有部门整体支出绩效目标表，请打开原表修改。") % {"year": perf_form.year.year}
        )
    return DuplicateFormError(
        _("本单位%(year)s年度已有名为“%(name)s”的绩效目标表，请换一个项目名称或打开原表修改。")
        % {"year": perf_form.year.year, "name": project_name}
    )


def _save_unique(perf_form: PerformanceForm, **kwargs) -> None:
    """Save, turning the unique constraint into the duplicate message.

    The exists() check above loses a race: a double-click on 保存 sends two saves that both
    pass it, and the second insert or rename hits the constraint.
    """
    try:
        with transaction.atomic():
            perf_form.save(**kwargs)
    except IntegrityError as exc:
        if UNIQUE_PROJECT_CODE_CONSTRAINT in str(exc) or "project_code" in str(exc):
            raise DuplicateFormError(PROJECT_CODE_TAKEN_MESSAGE) from exc
        if UNIQUE_FORM_CONSTRAINT not in str(exc) and "project_name" not in str(exc):
            raise
        raise _duplicate(perf_form, perf_form.project_name) from exc


@dataclass
class RowInput:
    """One indicator row as the editor or an importer hands it over.

    The fields after `id` are the row's details (projects.schema.ROW_DETAIL_FIELDS), all
    optional: an importer that knows none of them hands over a 年度 row with none stated, and
    an unstated `sign` is derived from `value` on save.
    """

    level1: str
    level2: str
    level3: str
    value: str
    id: int | None = None
    scope: str = TargetScope.ANNUAL
    sign: str = ""
    value_note: str = ""
    standard: str = ""
    standard_note: str = ""
    scoring: str = ""
    explanation: str = ""
    weight: Decimal | None = None
    remark: str = ""
    level2_label: str = ""
    # Not a catalogue field: the library entry (指标库) the editor says the row was picked from.
    library_entry_id: int | None = None


def form_data(
    perf_form: PerformanceForm, rows: list[Indicator] | None = None, vocabularies: dict | None = None
) -> FormData:
    """The plain data the warning rules read.

    `vocabularies` caches framework trees by id when checking many forms.
    """
    if rows is None:
        rows = list(perf_form.indicators.all())
    if vocabularies is None:
        vocabularies = {}
    if perf_form.framework_id not in vocabularies:
        vocabularies[perf_form.framework_id] = framework_vocabulary(perf_form.framework)
    return FormData(
        kind=perf_form.kind,
        year=perf_form.year.year,
        header={name: getattr(perf_form, name) for name in HEADER_FIELDS},
        budget={name: getattr(perf_form, name) for name in BUDGET_FIELDS},
        rows=[row_data(r) for r in rows],
        framework=vocabularies[perf_form.framework_id],
        weights_enabled=perf_form.framework.weights_enabled,
        fields=schema.rule_fields(perf_form.kind),
    )


def row_data(row: Indicator) -> RowData:
    """A stored row as the warning rules read it: every catalogue row field, plain, and its 上年值 if carried over."""
    prev_value = row.prev_value if row.source_row_id is not None else None
    return RowData(**{name: getattr(row, name) for name in ROW_DATA_FIELDS}, prev_value=prev_value)


ROW_DATA_FIELDS = tuple(entry.name for entry in schema.ROW_FIELDS)


def form_warnings(
    perf_form: PerformanceForm, rows: list[Indicator] | None = None, vocabularies: dict | None = None
) -> list[FormWarning]:
    return check_form(form_data(perf_form, rows, vocabularies))


TARGET_DIGITS = Indicator._meta.get_field("target_low")


def fit_number(number: Decimal | None) -> Decimal | None:
    """A parsed number as the column can hold it: six decimals at most; absurdly large ones dropped."""
    if number is None:
        return None
    # adjusted() is the exponent of the leading digit: it counts the whole digits
    # without converting to int, which Python refuses beyond 4300 digits. Checked
    # before quantize too, which raises when the result exceeds Decimal's precision.
    whole_digits = TARGET_DIGITS.max_digits - TARGET_DIGITS.decimal_places
    if number.adjusted() >= whole_digits:
        return None
    places = Decimal(1).scaleb(-TARGET_DIGITS.decimal_places)
    fitted = number.quantize(places, rounding=ROUND_HALF_UP) if number.as_tuple().exponent < -6 else number
    # Rounding may carry into one more digit (999…9.9999999).
    return fitted if fitted.adjusted() < whole_digits else None


def apply_target(row: Indicator) -> None:
    target = parse_target(row.value)
    row.target_kind = target.kind
    row.target_op = target.op
    row.target_low = fit_number(target.low)
    row.target_high = fit_number(target.high)
    row.target_unit = target.unit
    row.target_op_written = target.op_written


# Where the row came from in the library and whether it still says what the entry says.
LIBRARY_FIELDS = ["library_entry_id", "library_modified"]
TARGET_FIELDS = ["target_kind", "target_op", "target_low", "target_high", "target_unit", "target_op_written"]
# Every stored column of a row a save may change: the catalogue's fields, the order, the parsed target.
ROW_FIELDS = [*(entry.name for entry in schema.ROW_FIELDS), "position", *TARGET_FIELDS, *LIBRARY_FIELDS]


def stored_sign(data: RowInput, before: Indicator | None) -> str:
    """The sign to store: the user's choice, else what the value states when the parser is sure.

    A sign the parser derived follows the value: the editor posts the stored sign back, so
    when the value changes and the posted sign is the one derived from the old value, the
    sign is derived again (`>=95%` edited to `<=5%` becomes ≤, not a contradiction; edited to
    `95%`, unstated). A sign that differs from what the old value stated was chosen, and stays.
    """
    derived = value_sign(data.value)
    if not data.sign:
        return derived
    followed_old_value = before is not None and before.sign == value_sign(before.value)
    if followed_old_value and data.value != before.value and data.sign == before.sign:
        return derived
    return data.sign


def _library_entries(existing: dict, rows: list[RowInput]) -> dict:
    """{pk: entry} of the library entries the rows name or hold; one query, none when no row has one."""
    ids = {data.library_entry_id for data in rows if data.library_entry_id}
    ids.update(row.library_entry_id for row in existing.values() if row.library_entry_id)
    return LibraryEntry.objects.in_bulk(ids) if ids else {}


def _may_pick(perf_form: PerformanceForm, entry) -> bool:
    """A newly picked entry must be one the form's unit is offered: active, 共性 or its department's 个性."""
    if not entry.is_active:
        return False
    if entry.scope == LibraryScope.COMMON:
        return True
    department = perf_form.unit.department
    return department is not None and entry.owner_id == department.pk


def _apply_library(perf_form: PerformanceForm, row: Indicator, data: RowInput, entries: dict, before: dict) -> None:
    """Set the row's library entry and recompute library_modified when the row or its entry changed.

    No entry given keeps the row's own (importers and Excel uploads know none, and the editor never
    unlinks: a changed row stays linked and is flagged). A save that changes neither the row nor its
    entry keeps the stored flag, so an entry edited in the library since does not flip rows nobody
    touched. An entry the page names but the unit may not pick is ignored.
    """
    stored = before["library_entry_id"]
    entry = entries.get(data.library_entry_id) if data.library_entry_id else None
    if entry is not None and entry.pk != stored and not _may_pick(perf_form, entry):
        entry = None
    if entry is None:
        entry = entries.get(stored)
    row.library_entry_id = entry.pk if entry is not None else None
    if entry is None:
        row.library_modified = False
        return
    content = (row.level3, row.value, row.sign)
    if entry.pk == stored and content == (before["level3"], before["value"], before["sign"]):
        return
    row.library_modified = library_values.differs(level3=row.level3, value=row.value, sign=row.sign, entry=entry)


def _sync_rows(perf_form: PerformanceForm, rows: list[RowInput]) -> list[Indicator]:
    """Make the form's indicators exactly `rows`, in order, keeping the ids of rows that stay."""
    existing = {row.pk: row for row in perf_form.indicators.all()}
    entries = _library_entries(existing, rows)
    used: set[int] = set()  # entries whose usage count may have moved
    keep, changed, create = [], [], []
    for position, data in enumerate(rows):
        row = existing.pop(data.id, None) if data.id else None
        if row is None:
            row = Indicator(perf_form=perf_form)
            create.append(row)
        else:
            keep.append(row)
        before = {name: getattr(row, name) for name in ROW_FIELDS}
        sign = stored_sign(data, row if row.pk else None)
        for name in ROW_DATA_FIELDS:
            setattr(row, name, getattr(data, name))
        row.scope = data.scope or TargetScope.ANNUAL
        row.sign = sign
        row.position = position
        apply_target(row)
        _apply_library(perf_form, row, data, entries, before)
        if row.library_entry_id != before["library_entry_id"]:
            used.update((row.library_entry_id, before["library_entry_id"]))
        if row.pk and [getattr(row, name) for name in ROW_FIELDS] != list(before.values()):
            changed.append(row)
    used.update(row.library_entry_id for row in existing.values())
    if existing:
        Indicator.objects.filter(pk__in=list(existing)).delete()
    # Only the rows that changed: bulk_update builds a CASE per field and row, and on a
    # 40-row form that cost more than the rest of the save when a user fixed one value.
    if changed:
        Indicator.objects.bulk_update(changed, ROW_FIELDS)
    if create:
        Indicator.objects.bulk_create(create)
    used.discard(None)
    if used:
        library_services.recount_usage(used)
    return sorted(keep + create, key=lambda r: r.position)


def write_content(perf_form: PerformanceForm, values: dict, rows: list[RowInput]) -> list[FormWarning]:
    """Store header, budget and rows and refresh the stored warning counts.

    Callers hold the transaction and have checked access and state.
    """
    for name in CONTENT_FIELDS:
        if name in values:
            setattr(perf_form, name, values[name])
    saved_rows = _sync_rows(perf_form, rows)
    found = form_warnings(perf_form, saved_rows)
    perf_form.error_count, perf_form.warning_count = counts(found)
    _save_unique(perf_form)
    by_code = counts_by_code(found)
    if by_code != stored_by_code(perf_form):
        replace_warning_counts([perf_form.pk], {perf_form.pk: by_code})
    return found


def stored_by_code(perf_form: PerformanceForm) -> dict[str, tuple[str, int]]:
    """The form's stored FormWarningCount rows as counts_by_code gives them (prefetched ones are used)."""
    return {row.code: (row.severity, row.count) for row in perf_form.warning_counts.all()}


def warning_count_rows(perf_form_id: int, by_code: dict[str, tuple[str, int]]) -> list[FormWarningCount]:
    """The FormWarningCount rows of one form, unsaved, from counts_by_code."""
    return [
        FormWarningCount(perf_form_id=perf_form_id, code=code, severity=severity, count=n)
        for code, (severity, n) in by_code.items()
    ]


def replace_warning_counts(form_ids: list[int], by_form: dict[int, dict[str, tuple[str, int]]]) -> None:
    """Make the FormWarningCount rows of `form_ids` exactly `by_form`'s, in two statements."""
    FormWarningCount.objects.filter(perf_form_id__in=form_ids).delete()
    FormWarningCount.objects.bulk_create(
        [row for pk in form_ids for row in warning_count_rows(pk, by_form.get(pk, {}))], batch_size=2000
    )


# Forms whose per-rule counts refresh_counts replaces per statement.
REFRESH_BATCH = 500


@transaction.atomic
def refresh_counts(forms) -> int:
    """Store each form's error and warning counts, in total and per rule, as the rules count them now.

    Returns how many forms changed. The counts are stored on save; after an upgrade that changes
    the rules (a warning becoming a hint, a new rule) the stored ones are stale until the next
    save, and lists filter on them. Forms saved before the per-rule counts existed get theirs here.
    """
    vocabularies: dict = {}
    changed = 0
    replace: dict[int, dict[str, tuple[str, int]]] = {}
    listed = forms.select_related("year", "framework", "unit").prefetch_related("indicators", "warning_counts")
    for perf_form in listed:
        found = form_warnings(perf_form, list(perf_form.indicators.all()), vocabularies)
        errors, warnings = counts(found)
        by_code = counts_by_code(found)
        stale_totals = (errors, warnings) != (perf_form.error_count, perf_form.warning_count)
        stale_rules = by_code != stored_by_code(perf_form)
        if not (stale_totals or stale_rules):
            continue
        changed += 1
        if stale_totals:
            # Not a content change: updated_at and version stay, so no open editor is made stale.
            PerformanceForm.objects.filter(pk=perf_form.pk).update(error_count=errors, warning_count=warnings)
        if stale_rules:
            replace[perf_form.pk] = by_code
        if len(replace) >= REFRESH_BATCH:
            replace_warning_counts(list(replace), replace)
            replace = {}
    if replace:
        replace_warning_counts(list(replace), replace)
    return changed


def match_rows(perf_form: PerformanceForm | None, rows: Iterable[RowInput]) -> list[RowInput]:
    """`rows`, each given the id of an unclaimed row of `perf_form` with the same 一级/二级/三级.

    An importer knows rows by their names only; matching them keeps the ids, and with them the
    reviewers' row comments, of the rows that stay. A 年度 and a 总体 row may share their names:
    each matches a row of its own scope.
    """
    unused: dict[tuple[str, str, str, str], list[int]] = {}
    if perf_form is not None:
        for row in perf_form.indicators.all():
            unused.setdefault((row.scope, row.level1, row.level2, row.level3), []).append(row.pk)
    matched = []
    for row in rows:
        ids = unused.get((row.scope or TargetScope.ANNUAL, row.level1, row.level2, row.level3))
        matched.append(replace(row, id=ids.pop(0) if ids else None))
    return matched


def _framework_for(year: FiscalYear, kind: str):
    framework = year.framework_for(kind)
    if framework is None:
        raise CannotCreateError(
            _("%(year)s年度没有设置%(kind)s指标体系") % {"year": year.year, "kind": FormKind(kind).label}
        )
    return framework


def _insert(perf_form: PerformanceForm, values: dict, rows: list[RowInput]) -> PerformanceForm:
    _check_unique(perf_form, values.get("project_name", ""))
    _check_code(perf_form, values.get("project_code", ""))
    for name in CONTENT_FIELDS:
        if name in values:
            setattr(perf_form, name, values[name])
    _save_unique(perf_form)
    write_content(perf_form, {}, rows)
    return perf_form


@transaction.atomic
def create_form(*, by, year: FiscalYear, kind: str, values: dict, rows: list[RowInput]) -> PerformanceForm:
    """A new draft of `by`'s unit; refused (CannotCreateError) unless they may file this kind in an open year."""
    if kind not in FormKind.values or not can_create(by, kind):
        raise CannotCreateError(_("您不能新建这类绩效目标表。"))
    # As it is now: an admin may have closed the year since the page was shown.
    year = FiscalYear.objects.select_related("project_framework", "department_framework").get(pk=year.pk)
    if not year.is_open:
        raise CannotCreateError(_("%(year)s年度已停止填报，不能新建。") % {"year": year.year})
    framework = _framework_for(year, kind)
    perf_form = PerformanceForm(kind=kind, unit_id=by.organization_id, year=year, framework=framework)
    return _insert(perf_form, values, rows)


@dataclass
class Imported:
    perf_form: PerformanceForm
    created: bool


@transaction.atomic
def import_form(*, year: FiscalYear, unit: Organization, kind: str, values: dict, rows: list[RowInput]) -> Imported:
    """Create the form an importer read, or update it while it is still a draft (or returned).

    The form is found by year, unit, kind and project name. No user acts: imports are an
    administrator's command (manage.py import_text), for any year, open or not. Rows are
    matched by name (`match_rows`), so their ids stay. Updating counts as a save and bumps the
    version, so someone with the draft open is told rather than overwritten. Raises
    NotEditableError (with the form) for a form in review or approved, CannotCreateError when
    the year has no framework for the kind, DuplicateFormError when a concurrent import
    created the form first.
    """
    framework = _framework_for(year, kind)
    project_name = values.get("project_name", "")
    existing = (
        PerformanceForm.objects.select_for_update(of=("self",))
        .filter(year=year, unit=unit, kind=kind, project_name=project_name)
        .order_by("pk")
        .first()
    )
    if existing is None:
        perf_form = PerformanceForm(kind=kind, unit=unit, year=year, framework=framework)
        return Imported(_insert(perf_form, values, match_rows(None, rows)), created=True)
    if not existing.is_editable:
        raise _not_editable(existing)
    existing.version = F("version") + 1
    write_content(existing, values, match_rows(existing, rows))
    existing.refresh_from_db(fields=["version"])
    return Imported(existing, created=False)


def lock_form(perf_form: PerformanceForm) -> PerformanceForm:
    """The form as it is now, locked until the transaction ends."""
    return (
        PerformanceForm.objects.select_for_update(of=("self",))
        .select_related("unit", "year", "framework")
        .get(pk=perf_form.pk)
    )


@transaction.atomic
def save_form(
    *, perf_form: PerformanceForm, by, values: dict, rows: list[RowInput], expected_version: int
) -> PerformanceForm:
    """Save a draft: header, budget and every row in one transaction, refused when stale."""
    locked = lock_form(perf_form)
    if not can_edit(by, locked):
        raise _not_editable(locked)
    if locked.version != expected_version:
        raise ConcurrentEditError(locked.version)
    if "project_name" in values:
        _check_unique(locked, values["project_name"])
    if "project_code" in values:
        _check_code(locked, values["project_code"])
    locked.version = F("version") + 1
    write_content(locked, values, rows)
    locked.refresh_from_db(fields=["version"])
    return locked
