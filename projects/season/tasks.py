"""The season's background jobs: a large 项目库 import, 催报 to many units, the progress table as xlsx."""

from django.utils.translation import gettext as _
from django_tasks import task

from ..accounts.models import Organization
from ..models import FiscalYear
from ..services import jobs
from . import dashboard, services
from .services import ExpectedRow


def _year(job) -> FiscalYear:
    year = FiscalYear.objects.filter(pk=job.params.get("year")).first()
    if year is None:
        raise jobs.JobFailed(_("这个年度已被删除。"))
    return year


@task()
def import_expected_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        rows = [ExpectedRow(*row) for row in job.params["rows"]]
        jobs.report(job, 0, len(rows))
        result = services.import_expected(by=job.owner, fiscal_year=_year(job), rows=rows)
        jobs.finish(
            job,
            result={
                "lines": [
                    _("新增应填报项目 %(n)s 项") % {"n": result["created"]},
                    _("更新项目代码 %(n)s 项") % {"n": result["updated"]},
                    _("已有、未改动 %(n)s 项") % {"n": result["unchanged"]},
                ]
            },
        )


@task()
def urge_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        units = list(Organization.objects.filter(pk__in=job.params["units"]).select_related("parent"))
        jobs.report(job, 0, len(units))
        try:
            notified = services.urge(by=job.owner, fiscal_year=_year(job), units=units, message=job.params["message"])
        except services.SeasonError as refused:
            raise jobs.JobFailed(str(refused)) from None
        jobs.finish(
            job,
            result={"lines": [_("已向 %(units)s 个单位催报，通知 %(n)s 人。") % {"units": len(units), "n": notified}]},
        )


@task()
def progress_xlsx_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        year = _year(job)
        result = dashboard.progress(year, departments=job.params.get("departments"))
        content = dashboard.progress_xlsx(result)
        jobs.finish(
            job,
            result={"lines": [_("%(year)s填报进度表已生成。") % {"year": year}]},
            file=content,
            file_name=_("%(year)s年填报进度.xlsx") % {"year": year.year},
        )
