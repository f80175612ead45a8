"""The 一体化 exchange on the database side: a year out as the exchange files, the files back in.

projects.exchange.yitihua describes the tables and reads and writes them as plain data; this
module gathers a year's forms for it, records the codes an export has to invent (a form without
项目代码, an organization without 单位代码) and imports through the content services, all in one
transaction that writes nothing when any file, row or form is refused.
"""

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_tasks import task

from indicators.frameworks import framework_vocabulary, load_frameworks
from indicators.models import FormKind, IndicatorFramework

from .. import schema
from ..accounts.models import Organization, User
from ..choices import AuditAction, JobKind
from ..exchange import yitihua
from ..exchange.yitihua import Agency, ExchangeError, ExportForm
from ..models import FiscalYear, PerformanceForm
from . import audit, jobs
from .content import RowInput, import_form
from .errors import CannotCreateError, DuplicateFormError, NotEditableError

ROW_FIELDS = tuple(entry.name for entry in schema.ROW_FIELDS)
KIND_ORDER = {Organization.Kind.FINANCE: 0, Organization.Kind.DEPARTMENT: 1, Organization.Kind.UNIT: 2}


# --- Generated codes ------------------------------------------------------------------


def generated_organization_code(name: str, taken: set[str]) -> str:
    """A stable 单位代码 for an organization the budget system gave none: from its name."""
    return _unique(f"ZZ{yitihua.short_hash(name, 10)}", taken)


def generated_project_code(year: int, unit_code: str, project_name: str, taken: set[str]) -> str:
    """A stable 项目代码 (at most 21 characters): the year and a hash of the unit and the project."""
    return _unique(f"XM{year}{yitihua.short_hash(f'{unit_code}/{project_name}', 12)}", taken)


def _unique(code: str, taken: set[str]) -> str:
    candidate, n = code, 1
    while candidate in taken:
        candidate, n = f"{code[:18]}{n:03d}", n + 1
    taken.add(candidate)
    return candidate


def _organizations_of(perf_forms: list[PerformanceForm]) -> list[Organization]:
    """The filing organizations and everything above them, each once."""
    found: dict[int, Organization] = {}
    pending = {f.unit_id for f in perf_forms}
    while pending:
        batch = [o for o in Organization.objects.filter(pk__in=pending) if o.pk not in found]
        found.update((o.pk, o) for o in batch)
        pending = {o.parent_id for o in batch if o.parent_id and o.parent_id not in found}
    return sorted(found.values(), key=lambda o: (KIND_ORDER[o.kind], o.name))


@transaction.atomic
def assign_codes(year: FiscalYear, *, by: User | None) -> dict[str, int]:
    """Give every organization and project form the year exports a code where it has none, recorded."""
    perf_forms = list(PerformanceForm.objects.filter(year=year).select_related("unit").order_by("pk"))
    organizations = _organizations_of(perf_forms)
    taken = set(Organization.objects.exclude(code="").values_list("code", flat=True))
    new_units = 0
    for organization in organizations:
        if not organization.code:
            organization.code = generated_organization_code(organization.name, taken)
            organization.save(update_fields=["code"])
            audit.record(
                AuditAction.EXCHANGE_EXPORT,
                by=by,
                unit=organization,
                year=year.year,
                summary=_("一体化导出：为单位生成单位代码 %(code)s") % {"code": organization.code},
                detail={"organization_code": organization.code},
            )
            new_units += 1
    codes = {o.pk: o.code for o in organizations}
    taken_projects = {f.project_code for f in perf_forms if f.project_code}
    new_projects = 0
    for perf_form in sorted(perf_forms, key=lambda f: (codes[f.unit_id], f.project_name)):
        if perf_form.kind != FormKind.PROJECT or perf_form.project_code:
            continue
        code = generated_project_code(year.year, codes[perf_form.unit_id], perf_form.project_name, taken_projects)
        # Not a content save: version and updated_at stay, so nobody's open editor turns stale.
        # An editor that posts the empty code back is harmless: the next export makes the same one.
        PerformanceForm.objects.filter(pk=perf_form.pk, project_code="").update(project_code=code)
        perf_form.project_code = code
        audit.record(
            AuditAction.EXCHANGE_EXPORT,
            by=by,
            perf_form=perf_form,
            summary=_("一体化导出：为项目生成项目代码 %(code)s") % {"code": code},
            detail={"project_code": code},
        )
        new_projects += 1
    return {"organizations": new_units, "projects": new_projects}


# --- Export ---------------------------------------------------------------------------


def _frameworks(year: FiscalYear) -> dict[str, dict]:
    specs = {}
    for kind in FormKind.values:
        framework = year.framework_for(kind)
        if framework is not None:
            specs[kind] = {"code": framework.code, "vocabulary": framework_vocabulary(framework)}
    return specs


def _export_row(row) -> dict:
    data = {name: getattr(row, name) for name in ROW_FIELDS}
    # 指标值 and 计量单位 as the standard has them: the number and its unit, or the text of a 定性 row.
    value = row.indicator_value
    data["indicator_value"] = yitihua.number_text(value) if isinstance(value, Decimal) else value
    data["measure_unit"] = row.measure_unit
    return data


def export_year(year_number: int, *, by: User | None, progress=None) -> dict[str, bytes]:
    """{file name: bytes} of a year's exchange files; codes missing on forms or units are made first."""
    year = FiscalYear.objects.select_related("project_framework", "department_framework").filter(year=year_number)
    year = year.first()
    if year is None:
        raise ExchangeError([_("没有 %(year)s 年度。") % {"year": year_number}])
    created = assign_codes(year, by=by)
    query = PerformanceForm.objects.filter(year=year).select_related("unit").prefetch_related("indicators")
    total = query.count()
    if progress:
        progress(0, total)
    forms, organizations = [], {}
    for done, perf_form in enumerate(query.order_by("pk").iterator(chunk_size=500), start=1):
        values = {entry.name: getattr(perf_form, entry.name) for entry in schema.fields(perf_form.kind)}
        rows = [_export_row(row) for row in perf_form.indicators.all()]
        forms.append(ExportForm(perf_form.kind, perf_form.unit.code, values, rows))
        if progress and done % 1000 == 0:
            progress(done, total)
    for organization in _organizations_of(list(PerformanceForm.objects.filter(year=year).only("unit_id"))):
        organizations[organization.pk] = organization
    parents = {o.pk: o.code for o in organizations.values()}
    agencies = [Agency(o.code, o.name, o.kind, parents.get(o.parent_id, "")) for o in organizations.values()]
    files = yitihua.export_tables(
        year=year.year,
        mof_div_code=settings.PERFGOALS_MOF_DIV_CODE,
        agencies=agencies,
        forms=forms,
        frameworks=_frameworks(year),
    )
    audit.record(
        AuditAction.EXCHANGE_EXPORT,
        by=by,
        year=year.year,
        summary=_("导出 %(year)s 年度一体化交换文件：%(forms)s 张表") % {"year": year.year, "forms": len(forms)},
        detail={"forms": len(forms), "generated_codes": created},
    )
    return files


# --- Import ---------------------------------------------------------------------------


@dataclass
class ImportOutcome:
    year: int
    dry_run: bool
    created_units: list[str] = field(default_factory=list)
    created: list[dict] = field(default_factory=list)
    updated: list[dict] = field(default_factory=list)
    untouched: list[dict] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "year": self.year,
            "dry_run": self.dry_run,
            "created_units": self.created_units,
            "created": self.created,
            "updated": self.updated,
            "untouched": self.untouched,
        }

    def lines(self) -> list[str]:
        lines = [
            _("%(year)s 年度：新建单位 %(units)s 个，新导入表 %(created)s 张，更新草稿 %(updated)s 张，")
            % {
                "year": self.year,
                "units": len(self.created_units),
                "created": len(self.created),
                "updated": len(self.updated),
            }
            + _("已不是草稿而未改动 %(untouched)s 张。") % {"untouched": len(self.untouched)}
        ]
        lines += [_("未改动：%(title)s（%(status)s）") % item for item in self.untouched[:50]]
        if self.dry_run:
            lines.append(_("（试运行：检查通过，没有写入数据库）"))
        return lines


class _DryRun(Exception):
    pass


def read_directory(path: str | Path) -> dict[str, bytes]:
    """The exchange files of a directory, each within the size cap; raises ExchangeError."""
    directory = Path(path)
    if not directory.is_dir():
        raise ExchangeError([_("找不到目录「%(path)s」。") % {"path": path}])
    limit = settings.PERFGOALS_EXCHANGE_MAX_FILE_BYTES
    files, problems = {}, []
    for name in yitihua.FILE_NAMES:
        file = directory / name
        if not file.is_file():
            problems.append(_("缺少文件：%(name)s。") % {"name": name})
        elif file.stat().st_size > limit:
            problems.append(_("文件「%(name)s」超过上限 %(limit)s MB。") % {"name": name, "limit": limit // 2**20})
        else:
            files[name] = file.read_bytes()
    if problems:
        raise ExchangeError(problems)
    return files


def read_upload(data: bytes) -> dict[str, bytes]:
    return yitihua.read_zip(
        data,
        max_total_bytes=settings.PERFGOALS_EXCHANGE_MAX_UNZIPPED_BYTES,
        max_file_bytes=settings.PERFGOALS_EXCHANGE_MAX_FILE_BYTES,
    )


def _fiscal_year(year: int, frameworks: dict[str, str], problems: list[str]) -> FiscalYear | None:
    fiscal_year = FiscalYear.objects.filter(year=year).first()
    if fiscal_year is not None:
        return fiscal_year
    if any(not IndicatorFramework.objects.filter(code=code).exists() for code in frameworks.values()):
        load_frameworks()
    found = {kind: IndicatorFramework.objects.filter(code=code).first() for kind, code in frameworks.items()}
    for kind, code in frameworks.items():
        if found[kind] is None:
            problems.append(_("文件「manifest.json」：没有代码为 %(code)s 的指标体系。") % {"code": code})
    if problems:
        return None
    if found.get(FormKind.PROJECT) is None:
        problems.append(_("文件「manifest.json」：%(year)s 年度还不存在，需要列出项目支出指标体系。") % {"year": year})
        return None
    return FiscalYear.objects.create(
        year=year, project_framework=found[FormKind.PROJECT], department_framework=found.get(FormKind.DEPARTMENT)
    )


def _where(agency: Agency) -> str:
    return _("文件「%(file)s」第 %(row)s 行") % {"file": f"{yitihua.AGENCY}.csv", "row": agency.row}


def _organizations(agencies: list[Agency], problems: list[str], outcome: ImportOutcome) -> dict[str, Organization]:
    """Each agency's organization: found by code (else by name, given the code), or created."""
    by_code = {o.code: o for o in Organization.objects.filter(code__in=[a.code for a in agencies])}
    by_name = {o.name: o for o in Organization.objects.filter(name__in=[a.name for a in agencies])}
    resolved: dict[str, Organization] = {}
    for agency in sorted(agencies, key=lambda a: KIND_ORDER[a.kind]):
        organization = by_code.get(agency.code) or by_name.get(agency.name)
        if organization is None:
            organization = Organization.objects.create(
                name=agency.name, code=agency.code, kind=agency.kind, parent=resolved.get(agency.parent_code)
            )
            outcome.created_units.append(agency.name)
        elif organization.kind != agency.kind:
            problems.append(
                _("%(where)s：单位「%(name)s」已登记为%(kind)s，与文件中的类型不一致。")
                % {"where": _where(agency), "name": organization.name, "kind": organization.get_kind_display()}
            )
        elif organization.code and organization.code != agency.code:
            problems.append(
                _("%(where)s：单位「%(name)s」已登记的单位代码是 %(code)s，与文件中的 %(file_code)s 不一致。")
                % {
                    "where": _where(agency),
                    "name": organization.name,
                    "code": organization.code,
                    "file_code": agency.code,
                }
            )
        elif not organization.code:
            organization.code = agency.code
            organization.save(update_fields=["code"])
        resolved[agency.code] = organization
    return resolved


def _import_forms(read, year, units, problems, outcome, progress) -> None:
    for done, form in enumerate(read.forms, start=1):
        where = _("文件「%(file)s」第 %(row)s 行") % {"file": f"{yitihua.GOAL_TABLE[form.kind]}.csv", "row": form.where}
        title = form.values.get("project_name") or units[form.agency_code].name
        try:
            imported = import_form(
                year=year,
                unit=units[form.agency_code],
                kind=form.kind,
                values=form.values,
                rows=[RowInput(**row) for row in form.rows],
            )
        except NotEditableError as exc:
            item = {"title": title, "status": exc.perf_form.get_status_display(), "form_id": exc.perf_form.pk}
            outcome.untouched.append(item)
            continue
        except (CannotCreateError, DuplicateFormError) as exc:
            problems.append(_("%(where)s：%(reason)s") % {"where": where, "reason": exc})
            continue
        item = {"title": title, "form_id": imported.perf_form.pk}
        (outcome.created if imported.created else outcome.updated).append(item)
        if progress and done % 200 == 0:
            progress(done, len(read.forms))


def import_files(files: dict[str, bytes], *, by: User | None, dry_run: bool = False, progress=None) -> ImportOutcome:
    """Import the exchange files in one transaction; ExchangeError names every problem, and nothing is written.

    Organizations are found by code (or name) and created when missing; forms are found by year,
    unit, kind and project name and created, or updated while still drafts (services.import_form);
    a form already in review or approved is left as it is and reported. A dry run does all of it
    and rolls back, so its report is the real one.
    """
    read = yitihua.read_tables(files, max_rows=settings.PERFGOALS_EXCHANGE_MAX_ROWS)
    outcome = ImportOutcome(year=read.year, dry_run=dry_run)
    try:
        with transaction.atomic():
            problems: list[str] = []
            year = _fiscal_year(read.year, read.frameworks, problems)
            units = _organizations(read.agencies, problems, outcome) if year else {}
            if not problems:
                _import_forms(read, year, units, problems, outcome, progress)
            if problems:
                raise ExchangeError(problems[:100])
            audit.record(
                AuditAction.EXCHANGE_IMPORT,
                by=by,
                year=read.year,
                summary="；".join(outcome.lines()[:1]),
                detail={k: len(v) for k, v in outcome.to_json().items() if isinstance(v, list)},
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return outcome


# --- Background jobs (the admin screens) ----------------------------------------------


@task()
def export_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        year = job.params["year"]
        try:
            files = export_year(year, by=job.owner, progress=lambda done, total: jobs.report(job, done, total))
        except ExchangeError as exc:
            raise jobs.JobFailed(str(exc)) from exc
        tables = json.loads(files[yitihua.MANIFEST])["tables"]
        lines = [_("%(name)s：%(rows)s 行") % {"name": name, "rows": table["rows"]} for name, table in tables.items()]
        jobs.finish(job, result={"lines": lines}, file=yitihua.zip_bytes(files), file_name=f"yitihua-{year}.zip")


@task()
def import_task(job_pk: int) -> None:
    """Check (dry run) or import the zip kept on the check job: the check job holds the upload."""
    with jobs.running(job_pk) as job:
        source = job if job.params.get("dry_run") else job.__class__.objects.get(pk=job.params["check_job"])
        try:
            files = read_upload(bytes(source.file))
            outcome = import_files(
                files,
                by=job.owner,
                dry_run=job.params.get("dry_run", False),
                progress=lambda done, total: jobs.report(job, done, total),
            )
        except ExchangeError as exc:
            refused = _("没有通过检查，没有写入任何数据。请修正以下问题后重新上传：")
            jobs.finish(job, result={"ok": False, "lines": [refused, *exc.messages]})
            return
        jobs.finish(job, result={"ok": True, "lines": outcome.lines(), "outcome": outcome.to_json()})


def start_export(*, by: User, year: int):
    return jobs.start(JobKind.EXCHANGE_EXPORT, by=by, params={"year": year}, task=export_task)


def start_check(*, by: User, data: bytes, file_name: str):
    """Queue the dry run of an uploaded zip; the job keeps the file for the import that may follow."""
    return jobs.start(
        JobKind.EXCHANGE_IMPORT, by=by, params={"dry_run": True}, task=import_task, file=data, file_name=file_name
    )


def start_import(*, by: User, check_job):
    return jobs.start(
        JobKind.EXCHANGE_IMPORT, by=by, params={"dry_run": False, "check_job": check_job.pk}, task=import_task
    )
