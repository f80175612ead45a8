"""Rolling the synthetic 20,000-form year over into a fresh year (结转上年), as the background job does it.

The admin screen's path exactly: a BackgroundJob is started and its task (carry_over_task) run in
this process, progress reports and audit entry included, inside one transaction that is rolled
back afterwards, so the bench database keeps its one year. The batches' own transactions become
savepoints there; their commits are the only cost left out.
"""

import time

from django.db import transaction

from bench.measure import Target

NAME = "carry_over_20k"
LIMIT_SECONDS = 60
TARGETS: dict[str, Target] = {}


class _RolledBack(Exception):
    pass


def run(fixtures, count: int, only: set[str] | None) -> list[dict]:
    if only is not None and NAME not in only:
        return []
    from projects.models import BackgroundJob, FiscalYear, Indicator, PerformanceForm
    from projects.services.carryover import carry_over_task, start_carry_over

    source_year = fixtures.year.year
    target_year = max(FiscalYear.objects.values_list("year", flat=True)) + 1
    forms = PerformanceForm.objects.filter(year=fixtures.year).count()
    rows = Indicator.objects.filter(perf_form__year=fixtures.year).count()
    timings, result = [], {}
    # One roll-over writes a whole year: three runs are plenty for a median.
    for _ in range(max(1, min(count, 3))):
        try:
            with transaction.atomic():
                job = start_carry_over(source_year=source_year, target_year=target_year, unit=None, by=fixtures.admin)
                started = time.perf_counter()
                carry_over_task.call(job.pk)
                timings.append(time.perf_counter() - started)
                job = BackgroundJob.objects.get(pk=job.pk)
                if job.status != BackgroundJob.Status.DONE:
                    raise RuntimeError(f"carry-over job ended {job.status}: {job.error}")
                result = job.result
                raise _RolledBack
        except _RolledBack:
            pass
    seconds = sorted(timings)[len(timings) // 2]
    return [
        {
            "name": NAME,
            "summary": (
                f"{seconds:.1f} s median of {len(timings)} (min {min(timings):.1f} s), {result['created']} forms, "
                f"{result['rows']} rows (source year {forms} forms, {rows} rows); limit {LIMIT_SECONDS} s"
            ),
            "met": seconds < LIMIT_SECONDS and result["created"] == forms,
            "seconds": round(seconds, 2),
        }
    ]
