"""Time the bulk Excel export against a plain XlsxWriter loop over the same rows.

    DATABASE_URL=postgres://... python bench/bench_export.py [--year 2020] [--repeat 3]

Each measurement runs in a fresh subprocess, so its peak RSS (ru_maxrss) is its
own. "export" is `projects.exchange.bulk.export_forms` over every form (what
`manage.py export_xlsx` and the background job run); "plain" writes the same
values_list rows straight with XlsxWriter constant_memory and no formats. Files
go to a temporary directory and are removed; nothing is written to the repo.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _setup():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfgoals.settings")
    import django

    django.setup()


def _forms(year):
    from projects.models import PerformanceForm

    forms = PerformanceForm.objects.all()
    return forms.filter(year__year=year) if year else forms


def measure_export(out: Path, year) -> int:
    from projects.exchange import bulk

    return bulk.export_forms(_forms(year), out)


def measure_plain(out: Path, year) -> int:
    import xlsxwriter

    from projects.exchange import bulk
    from projects.models import Indicator

    forms = _forms(year)
    workbook = xlsxwriter.Workbook(str(out), bulk.WORKBOOK_OPTIONS)
    written = 0
    for name, queryset in (
        ("项目", forms.order_by(*bulk.EXPORT_ORDER).values_list(*bulk.FORM_FIELDS)),
        (
            "指标",
            Indicator.objects.filter(perf_form__in=forms.values("pk"))
            .order_by(*bulk.INDICATOR_ORDER)
            .values_list(*bulk.INDICATOR_FIELDS),
        ),
    ):
        ws = workbook.add_worksheet(name)
        for row_number, row in enumerate(queryset.iterator(chunk_size=bulk.CHUNK_SIZE), start=1):
            for col, value in enumerate(row):
                if isinstance(value, str):
                    ws.write_string(row_number, col, value)
                elif value is not None:
                    ws.write(row_number, col, value)
            written += 1
    workbook.close()
    return written


def child(kind: str, out: Path, year) -> None:
    _setup()
    started = time.perf_counter()
    rows = {"export": measure_export, "plain": measure_plain}[kind](out, year)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_kb / 1024, "bytes": out.stat().st_size}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--year", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--child", choices=["export", "plain"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, Path(args.out), args.year)
        return

    _setup()
    from django.db import connection

    from projects.models import Indicator

    forms = _forms(args.year)
    print(
        f"database: {connection.vendor}; forms: {forms.count()}; "
        f"indicators: {Indicator.objects.filter(perf_form__in=forms.values('pk')).count()}"
    )
    results: dict[str, list[dict]] = {"export": [], "plain": []}
    with tempfile.TemporaryDirectory(prefix="bench-export-") as folder:
        for _ in range(args.repeat):
            for kind in results:
                command = [sys.executable, __file__, "--child", kind, "--out", f"{folder}/{kind}.xlsx"]
                if args.year:
                    command += ["--year", str(args.year)]
                output = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
                results[kind].append(json.loads(output.strip().splitlines()[-1]))
    print(f"{'writer':<8}{'rows':>10}{'seconds':>10}{'peak MB':>10}{'file MB':>10}")
    best = {}
    for kind, runs in results.items():
        best[kind] = min(runs, key=lambda r: r["seconds"])
        peak = max(r["peak_mb"] for r in runs)
        run = best[kind]
        print(f"{kind:<8}{run['rows']:>10}{run['seconds']:>10.2f}{peak:>10.1f}{run['bytes'] / 2**20:>10.1f}")
    ratio = best["export"]["seconds"] / best["plain"]["seconds"] if best["plain"]["seconds"] else float("nan")
    print(f"export / plain: {ratio:.2f}x wall time (best of {args.repeat})")


if __name__ == "__main__":
    main()
