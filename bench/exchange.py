"""The 一体化 exchange on the 20,000-form year: export it, then check the files with a full dry-run import.

Both inside one transaction that is rolled back, so the shared benchmark database keeps no
generated codes, audit rows or imported changes. A batch figure each: seconds, rows, megabytes.
"""

import json
import time

from django.db import transaction

from bench import environment
from bench.measure import Target

EXPORT, IMPORT = "exchange_export", "exchange_import_dry_run"
# Batch figures: the whole year in minutes, as a background job.
EXPORT_SECONDS, IMPORT_SECONDS = 120, 600
TARGETS: dict[str, Target] = {}


class _Rollback(Exception):
    pass


def run(fixtures, count: int, only: set[str] | None) -> list[dict]:
    if only is not None and not {EXPORT, IMPORT} & only:
        return []
    from projects.exchange import yitihua
    from projects.services import exchange

    results = []
    try:
        with transaction.atomic():
            started = time.perf_counter()
            files = exchange.export_year(environment.YEAR, by=None)
            seconds = time.perf_counter() - started
            tables = json.loads(files[yitihua.MANIFEST])["tables"]
            rows = {name: table["rows"] for name, table in tables.items()}
            megabytes = sum(len(data) for data in files.values()) / 2**20
            results.append(
                {
                    "name": EXPORT,
                    "summary": f"{rows['PM_PERF_GOAL_INFO.csv'] + rows['BGT_PERF_GOAL_INFO.csv']} forms, "
                    f"{rows['PM_PERF_INDICATOR.csv'] + rows['BGT_PERF_INDICATOR.csv']} rows, "
                    f"{megabytes:.0f} MB in {seconds:.1f} s",
                    "met": seconds <= EXPORT_SECONDS,
                }
            )
            if only is None or IMPORT in only:
                started = time.perf_counter()
                outcome = exchange.import_files(files, by=None, dry_run=True)
                seconds = time.perf_counter() - started
                checked = len(outcome.created) + len(outcome.updated) + len(outcome.untouched)
                results.append(
                    {
                        "name": IMPORT,
                        "summary": f"{checked} forms checked in {seconds:.1f} s",
                        "met": seconds <= IMPORT_SECONDS,
                    }
                )
            raise _Rollback
    except _Rollback:
        pass
    return results
