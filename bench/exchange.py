"""The 一体化 exchange on the 20,000-form year: export it, then read and check the files back.

The export runs inside a transaction that is rolled back, so the shared benchmark database keeps
no generated codes or audit rows. The check is yitihua.read_tables on the exported files (every
cell parsed and checked, as an import does before it touches the database); the database part of
an import is services.import_form per form, which `import_seeds_dry_run` measures. Batch figures.
"""

import json
import sys
import time

from django.db import transaction

from bench import environment
from bench.measure import Target

EXPORT, CHECK = "exchange_export", "exchange_check"
# The whole year as a background job: within a few minutes each.
EXPORT_SECONDS, CHECK_SECONDS = 300, 120
TARGETS: dict[str, Target] = {}


class _Rollback(Exception):
    pass


def _row(name: str, summary: str, met: bool) -> dict:
    print(f"{name}: {summary}", file=sys.stderr, flush=True)
    return {"name": name, "summary": summary, "met": met}


def run(fixtures, count: int, only: set[str] | None) -> list[dict]:
    if only is not None and not {EXPORT, CHECK} & only:
        return []
    from django.conf import settings

    from projects.exchange import yitihua
    from projects.services import exchange

    results = []
    try:
        with transaction.atomic():
            started = time.perf_counter()
            files = exchange.export_year(environment.YEAR, by=None)
            seconds = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    tables = json.loads(files[yitihua.MANIFEST])["tables"]
    forms = tables["PM_PERF_GOAL_INFO.csv"]["rows"] + tables["BGT_PERF_GOAL_INFO.csv"]["rows"]
    rows = tables["PM_PERF_INDICATOR.csv"]["rows"] + tables["BGT_PERF_INDICATOR.csv"]["rows"]
    megabytes = sum(len(data) for data in files.values()) / 2**20
    summary = f"{forms} forms, {rows} rows, {megabytes:.0f} MB in {seconds:.1f} s"
    results.append(_row(EXPORT, summary, seconds <= EXPORT_SECONDS))
    if only is None or CHECK in only:
        started = time.perf_counter()
        read = yitihua.read_tables(files, max_rows=settings.PERFGOALS_EXCHANGE_MAX_ROWS)
        seconds = time.perf_counter() - started
        checked = sum(len(form.rows) for form in read.forms)
        summary = f"{len(read.forms)} forms, {checked} rows read and checked in {seconds:.1f} s"
        results.append(_row(CHECK, summary, seconds <= CHECK_SECONDS))
    return results
