"""Carry-over (引用上年): a new draft based on an earlier form, and a whole year rolled over.

What is carried: the header as it was (项目代码 only when the target year has no form with it),
the rows with every field of the catalogue and their 年度/总体 scope, each row remembering its
source row and that row's target as 上年值. The budget moves back a year: a project form's
当年预算 becomes the 同名项目上年预算额 and the new 当年预算 and 上年预算执行数 stay empty for the
filler to give (项目总预算 is the project's, kept). A department overall form has no 上年
columns, and its amounts are the year's own: they stay empty, since last year's figures copied
would add up and pass every check while being wrong.

A year's roll-over (`carry_over_year`) writes a batch of forms per transaction with a few bulk
statements each, so 20,000 forms fit well within a minute (bench/carryover.py). A batch that
fails rolls back alone; a second run creates only what the first did not (forms are matched by
unit, kind and name), so a failed run is finished by running it again.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from indicators.choices import Severity
from indicators.frameworks import framework_vocabulary
from indicators.models import FormKind
from indicators.warnings import FORM_RULES, FormData, RowData, check_form, check_form_rules, counts, counts_by_code

from .. import schema
from ..accounts.models import Organization, User
from ..choices import AuditAction, JobKind, JobStatus
from ..lib.carry import unchanged_rows
from ..library import services as library_services
from ..models import (
    BackgroundJob,
    FiscalYear,
    FormWarningCount,
    Indicator,
    PerformanceForm,
    Status,
    department_form_title,
    project_code_taken,
)
from ..permissions import can_carry_over, can_carry_over_year, is_filler
from ..reviews.seed import seed_templates
from ..season.models import ExpectedForm
from . import audit, jobs
from .content import (
    BUDGET_FIELDS,
    HEADER_FIELDS,
    ROW_DATA_FIELDS,
    TARGET_FIELDS,
    _save_unique,
    form_warnings,
    warning_count_rows,
)
from .errors import CannotCreateError

# Forms written per transaction in a year's roll-over, and rows per INSERT statement.
FORM_BATCH = 500
ROW_BATCH = 2000
# How many created and skipped forms a preview and a job's result list by name.
LISTED = 50
# Everything of a row that is carried: the catalogue's fields, the order, the parsed target
# (the same value parses the same way, so it is copied rather than parsed again), the library link.
CARRIED_ROW_FIELDS = (*ROW_DATA_FIELDS, "position", *TARGET_FIELDS, "library_entry_id", "library_modified")


class CarryOverRefused(CannotCreateError):
    """A carry-over that cannot be done; `existing` is the target year's form of the same name, if that is why."""

    def __init__(self, message: str, *, existing: PerformanceForm | None = None):
        self.existing = existing
        super().__init__(message)


def carried_values(source: PerformanceForm) -> dict:
    """The new draft's header and budget: the header as it was, the budget a year on (see the module)."""
    values = {name: getattr(source, name) for name in schema.names(source.kind, schema.HEADER)}
    if source.kind == FormKind.PROJECT:
        values.update(
            total_budget=source.total_budget,
            current_budget=None,
            prev_budget=source.current_budget,
            prev_executed=None,
        )
    return values


def _carried_row(source_row: Indicator) -> Indicator:
    row = Indicator(**{name: getattr(source_row, name) for name in CARRIED_ROW_FIELDS})
    row.source_row_id = source_row.pk
    row.prev_value = source_row.value
    return row


def _carried_form(source: PerformanceForm, year: FiscalYear, *, keep_code: bool) -> PerformanceForm:
    perf_form = PerformanceForm(
        kind=source.kind,
        unit_id=source.unit_id,
        year=year,
        framework=year.framework_for(source.kind),
        source_form_id=source.pk,
        status=Status.DRAFT,
        **carried_values(source),
    )
    if not keep_code:
        perf_form.project_code = ""
    return perf_form


def _count_warnings(perf_form: PerformanceForm, rows: list[Indicator], vocabularies: dict) -> dict:
    """Set the draft's error and warning counts; returns its counts per rule (counts_by_code)."""
    found = form_warnings(perf_form, rows, vocabularies)
    perf_form.error_count, perf_form.warning_count = counts(found)
    return counts_by_code(found)


def _record_expected(year: FiscalYear, perf_forms: list[PerformanceForm]) -> None:
    """One ExpectedForm(CARRY_OVER) per new draft; one the 项目库 import listed already gets the draft."""
    listed = {
        (e.unit_id, e.kind, e.project_name): e
        for e in ExpectedForm.objects.filter(year=year, unit_id__in={f.unit_id for f in perf_forms})
    }
    create, link = [], []
    for perf_form in perf_forms:
        expected = listed.get((perf_form.unit_id, perf_form.kind, perf_form.project_name))
        if expected is None:
            create.append(
                ExpectedForm(
                    year=year,
                    unit_id=perf_form.unit_id,
                    kind=perf_form.kind,
                    project_code=perf_form.project_code,
                    project_name=perf_form.project_name,
                    source=ExpectedForm.Source.CARRY_OVER,
                    perf_form=perf_form,
                )
            )
        elif expected.perf_form_id is None:
            expected.perf_form = perf_form
            link.append(expected)
    ExpectedForm.objects.bulk_create(create)
    if link:
        ExpectedForm.objects.bulk_update(link, ["perf_form"])


def _same_name(source: PerformanceForm, year: FiscalYear) -> PerformanceForm | None:
    return PerformanceForm.objects.filter(
        year=year, unit_id=source.unit_id, kind=source.kind, project_name=source.project_name
    ).first()


def _refuse_target(source_year: int, year: FiscalYear) -> None:
    if not year.is_open:
        raise CarryOverRefused(_("%(year)s年度已停止填报，不能在该年度新建。") % {"year": year.year})
    if year.year <= source_year:
        raise CarryOverRefused(
            _("只能以更早年度的表为基础新建：%(source)s年度的表不能引用到%(year)s年度。")
            % {"source": source_year, "year": year.year}
        )


def _duplicate(existing: PerformanceForm) -> CarryOverRefused:
    return CarryOverRefused(
        _("本单位%(year)s年度已有“%(title)s”（%(status)s），不能再新建同名的表，请打开原表修改。")
        % {"year": existing.year.year, "title": existing.title, "status": existing.get_status_display()},
        existing=existing,
    )


@transaction.atomic
def carry_over_form(*, source: PerformanceForm, year: FiscalYear, by: User) -> PerformanceForm:
    """以此为基础新建: a draft in the open `year` based on `source`, an earlier form of `by`'s unit."""
    if not can_carry_over(by, source):
        raise CarryOverRefused(_("只能以本单位的绩效目标表为基础新建。"))
    # As it is now, and locked: an admin may have closed it since the page was shown, and a
    # roll-over of the year running meanwhile must not create the same form (carry_over_year).
    year = (
        FiscalYear.objects.select_for_update(of=("self",))
        .select_related("project_framework", "department_framework")
        .get(pk=year.pk)
    )
    source = PerformanceForm.objects.select_related("year", "unit").get(pk=source.pk)
    _refuse_target(source.year.year, year)
    if year.framework_for(source.kind) is None:
        raise CarryOverRefused(
            _("%(year)s年度没有设置%(kind)s指标体系") % {"year": year.year, "kind": FormKind(source.kind).label}
        )
    existing = _same_name(source, year)
    if existing is not None:
        raise _duplicate(existing)
    perf_form = _carried_form(source, year, keep_code=True)
    if project_code_taken(perf_form, perf_form.project_code):
        perf_form.project_code = ""
    rows = [_carried_row(row) for row in source.indicators.all()]
    by_code = _count_warnings(perf_form, rows, {})
    _save_unique(perf_form)
    for row in rows:
        row.perf_form = perf_form
    Indicator.objects.bulk_create(rows, batch_size=ROW_BATCH)
    FormWarningCount.objects.bulk_create(warning_count_rows(perf_form.pk, by_code))
    # The copies are uses of their library entries too.
    library_services.recount_usage({row.library_entry_id for row in rows if row.library_entry_id} or ())
    _record_expected(year, [perf_form])
    audit.record(
        AuditAction.CARRY_OVER,
        by=by,
        perf_form=perf_form,
        summary=_("以%(source)s年度的“%(title)s”为基础新建") % {"source": source.year.year, "title": source.title},
        detail={"source_id": source.pk, "form_id": perf_form.pk, "rows": len(rows)},
    )
    return perf_form


@dataclass(frozen=True)
class CarryOverItem:
    """One source form of a roll-over: created as `form_id` (None on a dry run), or skipped for `reason`."""

    unit: str
    project: str
    source_id: int
    form_id: int | None = None
    reason: str = ""


@dataclass
class CarryOverReport:
    source_year: int
    target_year: int
    unit: str | None
    dry_run: bool
    year_created: bool = False
    created: list[CarryOverItem] = field(default_factory=list)
    skipped: list[CarryOverItem] = field(default_factory=list)
    rows: int = 0  # rows written (or, on a dry run, that would be)

    def as_json(self) -> dict:
        return {
            "created": [
                {"unit": i.unit, "project": i.project, "source_id": i.source_id, "form_id": i.form_id}
                for i in self.created
            ],
            "skipped": [
                {"unit": i.unit, "project": i.project, "source_id": i.source_id, "reason": i.reason}
                for i in self.skipped
            ],
        }

    @property
    def summary(self) -> str:
        values = {
            "source": self.source_year,
            "target": self.target_year,
            "created": len(self.created),
            "rows": self.rows,
            "skipped": len(self.skipped),
        }
        if self.dry_run:
            text = _(
                "%(source)s年度 → %(target)s年度：将新建 %(created)s 张草稿（%(rows)s 条指标），跳过 %(skipped)s 张。"
            )
        else:
            text = _(
                "%(source)s年度 → %(target)s年度：新建 %(created)s 张草稿（%(rows)s 条指标），跳过 %(skipped)s 张。"
            )
        text %= values
        if self.unit:
            text = _("（仅%(unit)s）") % {"unit": self.unit} + text
        if self.year_created:
            year = (
                _("将新建%(target)s年度（开放填报，沿用%(source)s年度的指标体系）。")
                if self.dry_run
                else _("已新建%(target)s年度（开放填报，沿用%(source)s年度的指标体系）。")
            )
            text += year % values
        return text

    def lines(self, limit: int = LISTED) -> list[str]:
        """What the job's status page shows: the summary, then the first `limit` of each list."""
        lines = [self.summary]
        lines += [
            _("新建：%(unit)s「%(project)s」") % {"unit": i.unit, "project": i.project} for i in self.created[:limit]
        ]
        if len(self.created) > limit:
            lines.append(_("……另有 %(n)s 张新建") % {"n": len(self.created) - limit})
        lines += [
            _("跳过：%(unit)s「%(project)s」：%(reason)s") % {"unit": i.unit, "project": i.project, "reason": i.reason}
            for i in self.skipped[:limit]
        ]
        if len(self.skipped) > limit:
            lines.append(_("……另有 %(n)s 张跳过") % {"n": len(self.skipped) - limit})
        return lines


@dataclass(frozen=True)
class _Planned:
    source_id: int
    unit_id: int
    unit: str
    kind: str
    project_name: str
    project_code: str

    @property
    def key(self) -> tuple[int, str, str]:
        return (self.unit_id, self.kind, self.project_name)

    @property
    def title(self) -> str:
        return department_form_title(self.unit) if self.kind == FormKind.DEPARTMENT else self.project_name


def _year(year: int) -> FiscalYear | None:
    return FiscalYear.objects.select_related("project_framework", "department_framework").filter(year=year).first()


def _existing_keys(year: FiscalYear | None, unit_ids) -> dict[tuple[int, str, str], int]:
    if year is None:
        return {}
    found = PerformanceForm.objects.filter(year=year)
    if unit_ids is not None:
        found = found.filter(unit_id__in=unit_ids)
    return {(u, k, n): pk for u, k, n, pk in found.values_list("unit_id", "kind", "project_name", "pk")}


def _taken_codes(year: FiscalYear | None, codes) -> set[str]:
    if year is None or not codes:
        return set()
    return set(
        PerformanceForm.objects.filter(year=year, project_code__in=list(codes)).values_list("project_code", flat=True)
    )


def carry_over_year(
    *,
    source_year: int,
    target_year: int,
    unit: Organization | None = None,
    dry_run: bool = False,
    by: User | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CarryOverReport:
    """结转上年: one draft in `target_year` per form of `source_year` (of `unit`) that has none there yet.

    Idempotent: a form is skipped when the target year has one of its unit, kind and name. The
    target year is created (open, with the source year's frameworks) when missing. A dry run
    reports the same and writes nothing. `progress(done, total)` is called after each batch.
    """
    source = _year(source_year)
    if source is None:
        raise CarryOverRefused(_("没有%(year)s年度，请核对要结转的年度。") % {"year": source_year})
    target = _year(target_year)
    report = CarryOverReport(
        source_year, target_year, unit.name if unit else None, dry_run, year_created=target is None
    )
    if target is not None:
        _refuse_target(source_year, target)
    elif target_year <= source_year:
        raise CarryOverRefused(
            _("只能结转到更晚的年度：%(source)s年度不能结转到%(target)s年度。")
            % {"source": source_year, "target": target_year}
        )
    forms = PerformanceForm.objects.filter(year=source)
    if unit is not None:
        forms = forms.filter(unit=unit)
    planned = [
        _Planned(*values)
        for values in forms.order_by("unit__name", "kind", "project_name", "pk").values_list(
            "pk", "unit_id", "unit__name", "kind", "project_name", "project_code"
        )
    ]
    existing = _existing_keys(target, [unit.pk] if unit else None)
    # A year created here gets the source year's frameworks.
    frameworks = target or source
    to_create = []
    for item in planned:
        if item.key in existing:
            report.skipped.append(
                CarryOverItem(item.unit, item.title, item.source_id, reason=_("目标年度已有同名的表"))
            )
        elif frameworks.framework_for(item.kind) is None:
            reason = _("目标年度没有设置%(kind)s指标体系") % {"kind": FormKind(item.kind).label}
            report.skipped.append(CarryOverItem(item.unit, item.title, item.source_id, reason=reason))
        else:
            to_create.append(item)
    if dry_run:
        report.created = [CarryOverItem(i.unit, i.title, i.source_id) for i in to_create]
        report.rows = Indicator.objects.filter(perf_form_id__in=[i.source_id for i in to_create]).count()
        return report
    if target is None:
        target = _create_year(source, target_year)
    done = 0
    for start in range(0, len(to_create), FORM_BATCH):
        batch = to_create[start : start + FORM_BATCH]
        _write_batch(report, source, target, batch)
        done += len(batch)
        if progress is not None:
            progress(done, len(to_create))
    audit.record(
        AuditAction.CARRY_OVER,
        by=by,
        unit=unit,
        year=target_year,
        summary=report.summary,
        detail={
            "source_year": source_year,
            "target_year": target_year,
            "unit": report.unit,
            "created": len(report.created),
            "skipped": len(report.skipped),
            "rows": report.rows,
            "year_created": report.year_created,
        },
    )
    return report


def _create_year(source: FiscalYear, target_year: int) -> FiscalYear:
    year, _created = FiscalYear.objects.get_or_create(
        year=target_year,
        defaults={
            "is_open": True,
            "project_framework": source.project_framework,
            "department_framework": source.department_framework,
        },
    )
    if _created:
        seed_templates([year])
    return _year(year.year)


def _write_batch(report: CarryOverReport, source: FiscalYear, target: FiscalYear, batch: list[_Planned]) -> None:
    """One transaction: the batch's drafts, their rows and their ExpectedForm rows.

    Checked again under the year's lock, so that a concurrent roll-over or 以此为基础新建 is
    skipped, not duplicated; a form created meanwhile by other means (a blank form of the same
    name) makes the insert fail, and the batch is tried once more.
    """
    for attempt in range(2):
        try:
            with transaction.atomic():
                created, skipped, rows = _insert_batch(target, batch)
        except IntegrityError:
            if attempt:
                raise
        else:
            report.created += created
            report.skipped += skipped
            report.rows += rows
            return


def _insert_batch(target: FiscalYear, batch: list[_Planned]) -> tuple[list[CarryOverItem], list[CarryOverItem], int]:
    FiscalYear.objects.select_for_update().filter(pk=target.pk).exists()
    existing = _existing_keys(target, {item.unit_id for item in batch})
    taken = _taken_codes(target, {item.project_code for item in batch if item.project_code})
    fresh = [item for item in batch if item.key not in existing]
    skipped = [
        CarryOverItem(item.unit, item.title, item.source_id, reason=_("目标年度已有同名的表"))
        for item in batch
        if item.key in existing
    ]
    sources = PerformanceForm.objects.select_related("year", "framework").in_bulk([i.source_id for i in fresh])
    rows: dict[int, list[RowData]] = {}
    value_at = ROW_DATA_FIELDS.index("value")
    listed = Indicator.objects.filter(perf_form_id__in=list(sources)).order_by("perf_form_id", "position", "pk")
    for perf_form_id, *values in listed.values_list("perf_form_id", *ROW_DATA_FIELDS):
        rows.setdefault(perf_form_id, []).append(
            RowData(**dict(zip(ROW_DATA_FIELDS, values, strict=True)), prev_value=values[value_at])
        )
    vocabularies: dict = {}
    perf_forms, counted = [], []
    for item in fresh:
        source = sources[item.source_id]
        perf_form = _carried_form(source, target, keep_code=item.project_code not in taken)
        counted.append(_count_carried(perf_form, source, rows.get(item.source_id, []), vocabularies))
        perf_forms.append(perf_form)
    PerformanceForm.objects.bulk_create(perf_forms)
    new_rows = _copy_rows([perf_form.pk for perf_form in perf_forms])
    _copy_warning_counts([f.pk for f, (_by_code, same) in zip(perf_forms, counted, strict=True) if same])
    FormWarningCount.objects.bulk_create(
        [
            row
            for perf_form, (by_code, _same) in zip(perf_forms, counted, strict=True)
            for row in warning_count_rows(perf_form.pk, by_code)
        ],
        batch_size=ROW_BATCH,
    )
    picked = Indicator.objects.filter(perf_form__in=perf_forms, library_entry__isnull=False)
    library_services.recount_usage(set(picked.values_list("library_entry_id", flat=True)) or ())
    _record_expected(target, perf_forms)
    created = [
        CarryOverItem(item.unit, item.title, item.source_id, perf_form.pk)
        for item, perf_form in zip(fresh, perf_forms, strict=True)
    ]
    return created, skipped, new_rows


# Form rules that read only what a carry-over copies unchanged (the header, the rows, the
# framework), so they find the same in the draft as in its source and are not run for the
# difference. A rule that reads the budget or the year must not be listed; one not listed is
# always run, so a new rule is counted right without editing this.
SAME_AFTER_CARRY_OVER = frozenset(
    {"level1_missing", "weights_sum", "scope_set_missing", "output_quantity_missing", "text_missing", "date_order"}
)
# Nor the hints, which neither count includes.
NOT_RUN_FOR_COUNTS = SAME_AFTER_CARRY_OVER | {rule.code for rule in FORM_RULES if rule.severity == Severity.HINT}
# The form rules that are run again for a draft: its per-rule counts of these are its own, the
# others' are copied from the source (_copy_warning_counts).
RUN_AGAIN = tuple(sorted({rule.code for rule in FORM_RULES} - NOT_RUN_FOR_COUNTS))


def _count_carried(
    perf_form: PerformanceForm, source: PerformanceForm, rows: list[RowData], vocabularies
) -> tuple[dict, bool]:
    """The new draft's error and warning counts, without running every row rule again.

    Under the same framework the row rules find in the draft what they found in its source (they
    read the rows, the framework and the settings alone, and the rows are the same), so only the
    form rules (header, budget, year) are run, on both, and the source's stored counts moved by
    the difference. They are as fresh as the source's: `manage.py refresh_warning_counts` brings
    both up to date after a rules change. Under another framework every rule runs.

    Returns the draft's per-rule counts of the rules run, and whether the source's stored
    per-rule counts of the others are to be copied (under the same framework).
    """
    after = _plain(perf_form, rows, vocabularies)
    if perf_form.framework_id != source.framework_id:
        found = check_form(after)
        perf_form.error_count, perf_form.warning_count = counts(found)
        return counts_by_code(found), False
    found = check_form_rules(after, skip=NOT_RUN_FOR_COUNTS)
    now = counts(found)
    before = counts(check_form_rules(_plain(source, rows, vocabularies), skip=NOT_RUN_FOR_COUNTS))
    perf_form.error_count = max(0, source.error_count + now[0] - before[0])
    perf_form.warning_count = max(0, source.warning_count + now[1] - before[1])
    return counts_by_code(found), True


def _plain(perf_form: PerformanceForm, rows: list[RowData], cache: dict) -> FormData:
    """content.form_data with these plain rows, its framework tree and field labels looked up once per batch."""
    key = ("fields", perf_form.kind)
    if key not in cache:
        cache[key] = schema.rule_fields(perf_form.kind)
    if perf_form.framework_id not in cache:
        cache[perf_form.framework_id] = framework_vocabulary(perf_form.framework)
    return FormData(
        kind=perf_form.kind,
        year=perf_form.year.year,
        header={name: getattr(perf_form, name) for name in HEADER_FIELDS},
        budget={name: getattr(perf_form, name) for name in BUDGET_FIELDS},
        rows=rows,
        framework=cache[perf_form.framework_id],
        weights_enabled=perf_form.framework.weights_enabled,
        fields=cache[key],
    )


def _copy_rows(form_ids: list[int]) -> int:
    """Copy the source rows of the new drafts `form_ids` in the database, in one INSERT … SELECT; returns the count.

    Every column of a row is copied as it is, except the form (the new draft), the source row (the
    row copied) and 上年值 (its value): building 400,000 row objects in Python cost most of a
    year's roll-over. Each draft's source appears once in a batch, so the join is one to one.
    """
    if not form_ids:
        return 0
    quote = connection.ops.quote_name
    rows_table, forms_table = quote(Indicator._meta.db_table), quote(PerformanceForm._meta.db_table)
    special = {"perf_form": "f.id", "source_row": "i.id", "prev_value": "i." + quote("value")}
    fields = [f for f in Indicator._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(quote(f.column) for f in fields)
    selected = ", ".join(special.get(f.name, "i." + quote(f.column)) for f in fields)
    placeholders = ", ".join(["%s"] * len(form_ids))
    sql = (
        f"INSERT INTO {rows_table} ({columns}) SELECT {selected} FROM {rows_table} i "
        f"INNER JOIN {forms_table} f ON f.{quote('source_form_id')} = i.{quote('perf_form_id')} "
        f"WHERE f.id IN ({placeholders}) ORDER BY f.id, i.{quote('position')}, i.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, form_ids)
        return cursor.rowcount


def _copy_warning_counts(form_ids: list[int]) -> None:
    """Copy to the drafts `form_ids` their sources' per-rule counts of the rules not run again: one INSERT … SELECT."""
    if not form_ids:
        return
    quote = connection.ops.quote_name
    table, forms_table = quote(FormWarningCount._meta.db_table), quote(PerformanceForm._meta.db_table)
    code, severity, count = (quote(name) for name in ("code", "severity", "count"))
    form_places = ", ".join(["%s"] * len(form_ids))
    code_places = ", ".join(["%s"] * len(RUN_AGAIN))
    skip = f" AND w.{code} NOT IN ({code_places})" if RUN_AGAIN else ""
    sql = (
        f"INSERT INTO {table} ({quote('perf_form_id')}, {code}, {severity}, {count}) "
        f"SELECT f.id, w.{code}, w.{severity}, w.{count} FROM {table} w "
        f"INNER JOIN {forms_table} f ON f.{quote('source_form_id')} = w.{quote('perf_form_id')} "
        f"WHERE f.id IN ({form_places}){skip}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*form_ids, *RUN_AGAIN])


def unchanged_row_ids(perf_form: PerformanceForm) -> set[int]:
    """The form's rows still as their source row had them (沿用上年), in one query: for the review page."""
    rows = list(perf_form.indicators.filter(source_row__isnull=False).select_related("source_row"))
    return unchanged_rows(rows, {row.source_row_id: row.source_row for row in rows})


def carry_over_years(user: User, perf_forms, years: list[FiscalYear] | None = None) -> dict[int, list[FiscalYear]]:
    """For each of `perf_forms` the user may base a new draft on: the open years after its own where
    the unit has no form of its name yet (oldest first). One query for the names, and one for the open
    years unless the caller has every year loaded already (`years`)."""
    if not is_filler(user) or user.organization_id is None:
        return {}
    candidates = [f for f in perf_forms if can_carry_over(user, f)]
    if not candidates:
        return {}
    if years is None:
        years = FiscalYear.objects.filter(is_open=True)
    open_years = sorted((y for y in years if y.is_open), key=lambda y: y.year)
    taken = set(
        PerformanceForm.objects.filter(unit_id=user.organization_id, year__in=open_years).values_list(
            "year_id", "kind", "project_name"
        )
    )
    offered = {}
    for perf_form in candidates:
        years = [
            y
            for y in open_years
            if y.year > perf_form.year.year and (y.pk, perf_form.kind, perf_form.project_name) not in taken
        ]
        if years:
            offered[perf_form.pk] = years
    return offered


# At most this many roll-overs queued or running at once: each writes a whole year.
MAX_ACTIVE_JOBS = 1


def start_carry_over(*, source_year: int, target_year: int, unit: Organization | None, by: User) -> BackgroundJob:
    """Queue the roll-over as one background job (carry_over_task); refused for non-admins and when one runs."""
    if not can_carry_over_year(by):
        raise CarryOverRefused(_("只有管理员可以结转年度。"))
    active = BackgroundJob.objects.filter(
        kind=JobKind.CARRY_OVER, status__in=(JobStatus.PENDING, JobStatus.RUNNING)
    ).count()
    if active >= MAX_ACTIVE_JOBS:
        raise CarryOverRefused(_("已有一个结转任务正在进行，请等它完成后再开始新的结转。"))
    params = {"source_year": source_year, "target_year": target_year, "unit_id": unit.pk if unit else None}
    return jobs.start(JobKind.CARRY_OVER, by=by, params=params, task=carry_over_task)


@task()
def carry_over_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        params = job.params
        unit = None
        if params.get("unit_id") is not None:
            unit = Organization.objects.filter(pk=params["unit_id"]).first()
            if unit is None:
                raise jobs.JobFailed(_("要结转的单位已不存在。"))
        try:
            report = carry_over_year(
                source_year=params["source_year"],
                target_year=params["target_year"],
                unit=unit,
                by=job.owner,
                progress=lambda done, total: jobs.report(job, done, total),
            )
        except CarryOverRefused as refused:
            raise jobs.JobFailed(str(refused)) from refused
        jobs.finish(
            job,
            result={
                "lines": report.lines(),
                "created": len(report.created),
                "skipped": len(report.skipped),
                "rows": report.rows,
            },
        )
