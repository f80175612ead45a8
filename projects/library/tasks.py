"""The library import as a background task, for files past the inline cap (views.INLINE_IMPORT_MAX)."""

from django.utils.translation import gettext as _
from django_tasks import task

from ..accounts.models import User
from ..services import jobs
from . import services
from .exchange import from_plain


@task()
def import_library_task(job_pk: int) -> None:
    with jobs.running(job_pk) as job:
        rows = from_plain(job.params["rows"])
        jobs.report(job, 0, len(rows))
        by = User.objects.get(pk=job.owner_id)
        result = services.import_entries(by=by, rows=rows)
        lines = [
            _("新增 %(n)s 条") % {"n": len(result.created)},
            _("更新 %(n)s 条") % {"n": len(result.updated)},
            _("未变 %(n)s 条") % {"n": result.unchanged},
        ]
        jobs.finish(job, result={"lines": lines})
