"""Import the forms of a text dump into the database (the parsing is in textimport).

Each form is written in a transaction of its own through services.import_form,
which writes it as the editor does, so a form that cannot be stored is reported
and the others still import. A form is found again by year, unit, kind and
project name: importing a file twice updates its drafts and never touches a form
that is already in review or approved.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from indicators.frameworks import framework_vocabulary, load_frameworks
from indicators.models import FormKind, IndicatorFramework
from projects.models import Indicator

from .. import schema, services
from ..accounts.models import Organization
from ..lib.dates import DateError, in_order, parse_date
from ..lib.money import MoneyError, parse_yuan
from ..models import FiscalYear, PerformanceForm
from ..suggest import services as suggestions
from ..suggest.choices import Origin
from .textimport import ParsedForm, Vocabulary, default_framework_code, parse_text, shorten

logger = logging.getLogger(__name__)

FINANCE_NAME = "财政局"
# Where a unit goes whose form names no department, until an admin re-parents it.
HOLDING_DEPARTMENT_NAME = "导入单位（待归属）"

CREATED, UPDATED, SKIPPED, UNTOUCHED = "created", "updated", "skipped", "untouched"


class UnreadableFileError(Exception):
    """The file cannot be opened, or is not text in an encoding the dumps use."""


class _Skip(Exception):
    pass


@dataclass
class FormOutcome:
    number: int
    title: str
    action: str  # CREATED | UPDATED | SKIPPED | UNTOUCHED
    reason: str = ""
    form_id: int | None = None


@dataclass
class ImportReport:
    source: str
    dry_run: bool
    forms: list[ParsedForm] = field(default_factory=list)
    outcomes: list[FormOutcome] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for o in self.outcomes if o.action == action)

    @property
    def created(self) -> int:
        return self._count(CREATED)

    @property
    def updated(self) -> int:
        return self._count(UPDATED)

    @property
    def skipped(self) -> list[FormOutcome]:
        return [o for o in self.outcomes if o.action == SKIPPED]

    @property
    def untouched(self) -> list[FormOutcome]:
        return [o for o in self.outcomes if o.action == UNTOUCHED]

    @property
    def indicator_rows(self) -> int:
        return sum(len(f.indicators) for f in self.forms)

    def to_json(self) -> list[dict]:
        """The forms read, each with the reason the import gave when it did not write it."""
        reasons = {o.number: o.reason for o in self.outcomes if o.reason}
        forms = []
        for parsed in self.forms:
            data = parsed.to_json()
            data["skipped_reason"] = data["skipped_reason"] or reasons.get(parsed.number)
            forms.append(data)
        return forms

    def summary_lines(self) -> list[str]:
        lines = [
            _("%(source)s：找到 %(found)s 张表，新导入 %(created)s 张，更新 %(updated)s 张，跳过 %(skipped)s 张，")
            % {
                "source": self.source,
                "found": len(self.forms),
                "created": self.created,
                "updated": self.updated,
                "skipped": len(self.skipped),
            }
            + _("未改动（已不是草稿）%(untouched)s 张；读取指标 %(rows)s 行。")
            % {"untouched": len(self.untouched), "rows": self.indicator_rows}
        ]
        lines += [_("  跳过：%(reason)s") % {"reason": o.reason} for o in self.skipped]
        lines += [_("  未改动：%(reason)s") % {"reason": o.reason} for o in self.untouched]
        if self.dry_run:
            lines.append(_("  （试运行：没有写入数据库）"))
        return lines


# --- Reading files ----------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def decode_text(data: bytes, name: str = "") -> str:
    """The text of a dump: UTF-8 (with or without BOM), else GB18030; binary data is refused."""
    if b"\x00" in data:
        raise UnreadableFileError(_("「%(name)s」不是文本文件（含有二进制数据），无法导入。") % {"name": name})
    for encoding in ("utf-8", "utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # GB18030 decodes nearly any bytes; control characters give binary away.
        if len(_CONTROL.findall(text)) > max(2, len(text) // 1000):
            break
        return text.removeprefix("\ufeff")
    raise UnreadableFileError(
        _("「%(name)s」无法识别为文本（已尝试 UTF-8、GB18030 编码），可能是二进制文件。") % {"name": name}
    )


def read_text_file(path: str | Path) -> str:
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise UnreadableFileError(_("无法打开文件「%(name)s」：%(error)s") % {"name": path, "error": e.strerror}) from e
    return decode_text(data, str(path))


# --- Converting values --------------------------------------------------------------


def _date(label: str, text: str) -> date | None:
    try:
        return parse_date(text)
    except DateError as e:
        raise _Skip(_("%(label)s无法识别：%(text)s") % {"label": label, "text": text}) from e


def _yes_no(label: str, text: str) -> bool | None:
    text = text.strip()
    if not text:
        return None
    if text in ("是", "有"):
        return True
    if text in ("否", "无"):
        return False
    raise _Skip(_("%(label)s应为“是”或“否”：%(text)s") % {"label": label, "text": text})


def _printed(parsed_values: dict, entry: schema.FormField, default=None):
    """What the form printed for a catalogue field, under its label or one of its aliases."""
    return next((parsed_values[label] for label in entry.labels if label in parsed_values), default)


def form_values(parsed: ParsedForm) -> dict:
    """The model fields of the form's kind, set from what the form prints; empty where it prints nothing."""
    values = {}
    for entry in schema.fields(parsed.kind):
        if entry.section == schema.BUDGET:
            values[entry.name] = _printed(parsed.budget, entry)
            continue
        text = _printed(parsed.header, entry, "")
        if entry.kind == schema.DATE:
            values[entry.name] = _date(str(entry.label), text)
        elif entry.kind == schema.BOOL:
            values[entry.name] = _yes_no(str(entry.label), text)
        else:
            values[entry.name] = text
    if not in_order(values.get("planned_start"), values.get("planned_end")):
        raise _Skip(_("计划完成日期早于计划开始日期"))
    return values


def _check_fits(parsed: ParsedForm, values: dict) -> None:
    """Refuse, with a reason, what the columns cannot hold (PostgreSQL would raise an English DataError)."""

    def check_text(model, field_name: str, text: str, label: str = "") -> None:
        field = model._meta.get_field(field_name)
        if field.max_length is not None and len(text) > field.max_length:
            raise _Skip(
                _("%(label)s超过%(limit)s个字：%(text)s")
                % {"label": label or field.verbose_name, "limit": field.max_length, "text": shorten(text)}
            )

    for name, value in values.items():
        if isinstance(value, str):
            check_text(PerformanceForm, name, value)
        elif name in schema.MONEY_FIELDS and value is not None:
            try:
                parse_yuan(value)  # the parser read it in 元 without the column's limit
            except MoneyError as e:
                label = PerformanceForm._meta.get_field(name).verbose_name
                raise _Skip(_("%(label)s金额过大：%(amount)s") % {"label": label, "amount": value}) from e
    for name in (parsed.unit, parsed.department):
        check_text(Organization, "name", name or "", _("单位名称"))
    for number, row in enumerate(parsed.indicators, 1):
        for field_name in ("level1", "level2", "level3", "value", "level2_label"):
            label = _("第%(number)s行指标的%(field)s") % {
                "number": number,
                "field": Indicator._meta.get_field(field_name).verbose_name,
            }
            check_text(Indicator, field_name, row[field_name], label)


# --- Database side ------------------------------------------------------------------


def _framework(code: str) -> IndicatorFramework:
    if not IndicatorFramework.objects.filter(code=code).exists():
        load_frameworks()
    return IndicatorFramework.objects.get(code=code)


def _year_framework(kind: str, year: int | None) -> IndicatorFramework:
    fiscal_year = FiscalYear.objects.filter(year=year).first() if year else None
    framework = fiscal_year.framework_for(kind) if fiscal_year else None
    return framework or _framework(default_framework_code(kind, year))


def _vocabulary_lookup():
    """vocabulary_for(kind, year) for the parser: the framework the form will be stored under."""
    cache: dict[tuple[str, int | None], Vocabulary] = {}

    def vocabulary_for(kind: str, year: int | None) -> Vocabulary:
        if (kind, year) not in cache:
            framework = _year_framework(kind, year)
            aliases = {node.name: node.alias_list() for node in framework.nodes.all()}
            cache[kind, year] = Vocabulary(framework_vocabulary(framework), aliases)
        return cache[kind, year]

    return vocabulary_for


def fiscal_year_for(year: int) -> FiscalYear:
    """The year, created with the frameworks a new year gets when missing."""
    fiscal_year = FiscalYear.objects.filter(year=year).select_related("project_framework").first()
    if fiscal_year is None:
        fiscal_year = FiscalYear.objects.create(
            year=year,
            project_framework=_framework(default_framework_code(FormKind.PROJECT, year)),
            department_framework=_framework(default_framework_code(FormKind.DEPARTMENT, year)),
        )
    return fiscal_year


def _finance() -> Organization:
    finance = Organization.objects.filter(kind=Organization.Kind.FINANCE).order_by("pk").first()
    return finance or Organization.objects.create(name=FINANCE_NAME, kind=Organization.Kind.FINANCE)


def _department(name: str) -> Organization:
    department = Organization.objects.filter(name=name).first()
    if department is None:
        department = Organization.objects.create(name=name, kind=Organization.Kind.DEPARTMENT, parent=_finance())
    if department.kind != Organization.Kind.DEPARTMENT:
        raise _Skip(
            _("「%(name)s」已登记为%(kind)s，不是主管部门") % {"name": name, "kind": department.get_kind_display()}
        )
    return department


def _unit(parsed: ParsedForm) -> Organization:
    if parsed.kind == FormKind.DEPARTMENT:
        return _department(parsed.unit)
    unit = Organization.objects.filter(name=parsed.unit).first()
    if unit is None:
        parent = _department(parsed.department or HOLDING_DEPARTMENT_NAME)
        unit = Organization.objects.create(name=parsed.unit, kind=Organization.Kind.UNIT, parent=parent)
    return unit


def _title(parsed: ParsedForm) -> str:
    if parsed.kind == FormKind.DEPARTMENT:
        return _("%(unit)s 部门整体支出绩效目标表") % {"unit": parsed.unit}
    return parsed.project or ""


def _store(parsed: ParsedForm) -> FormOutcome:
    values = form_values(parsed)
    values["project_name"] = parsed.project or ""
    _check_fits(parsed, values)
    title = _title(parsed)
    try:
        imported = services.import_form(
            year=fiscal_year_for(parsed.year),
            unit=_unit(parsed),
            kind=parsed.kind,
            values=values,
            rows=[services.RowInput(**row) for row in parsed.indicators],
        )
    except services.NotEditableError as e:
        reason = _("第%(number)s张表: 「%(title)s」状态为“%(status)s”，没有改动") % {
            "number": parsed.number,
            "title": title,
            "status": e.perf_form.get_status_display(),
        }
        return FormOutcome(parsed.number, title, UNTOUCHED, reason, e.perf_form.pk)
    # A published form lends its rows, as published, to other units' suggestions (projects.suggest).
    suggestions.record(imported.perf_form, Origin.IMPORTED)
    action = CREATED if imported.created else UPDATED
    return FormOutcome(parsed.number, title, action, form_id=imported.perf_form.pk)


def _import_form(parsed: ParsedForm) -> FormOutcome:
    title = _title(parsed)
    if parsed.skipped_reason:
        return FormOutcome(parsed.number, title, SKIPPED, parsed.skipped_reason)
    try:
        with transaction.atomic():
            outcome = _store(parsed)
    except (_Skip, services.CannotCreateError, services.DuplicateFormError) as e:
        message = str(e)
    except ValidationError as e:
        message = "；".join(e.messages)
    except DatabaseError as e:
        message = _("无法保存：%(error)s") % {"error": e}
    except Exception as e:
        # A form no rule foresaw: it is reported and the other forms still import.
        logger.exception("form %s could not be imported", parsed.number)
        message = _("导入时出错（%(error)s），已跳过") % {"error": str(e) or type(e).__name__}
    else:
        return outcome
    reason = _("第%(number)s张表: %(reason)s") % {"number": parsed.number, "reason": message}
    return FormOutcome(parsed.number, title, SKIPPED, reason)


class _DryRunRollback(Exception):
    pass


def import_text(text: str, *, year: int | None = None, dry_run: bool = False, source: str = "") -> ImportReport:
    """Import every form of a text dump; with dry_run, report what would happen and write nothing."""
    report = ImportReport(source=source, dry_run=dry_run)
    if not dry_run:
        report.forms = parse_text(text, _vocabulary_lookup(), year=year)
        report.outcomes = [_import_form(parsed) for parsed in report.forms]
        return report
    # A dry run does the whole import and rolls it back, so its report is the real one.
    try:
        with transaction.atomic():
            report.forms = parse_text(text, _vocabulary_lookup(), year=year)
            report.outcomes = [_import_form(parsed) for parsed in report.forms]
            raise _DryRunRollback
    except _DryRunRollback:
        pass
    return report


def import_text_file(path: str | Path, *, year: int | None = None, dry_run: bool = False) -> ImportReport:
    """import_text on a file; raises UnreadableFileError when it cannot be read as text."""
    return import_text(read_text_file(path), year=year, dry_run=dry_run, source=str(path))
