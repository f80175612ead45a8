"""`make bench`: server-side time and SQL queries of the busiest screens, on a 20,000-form year.

In-process, with Django's test Client (no network, no browser: the server's own time, every
middleware included) and CaptureQueriesContext for query counts, on PostgreSQL (see
bench/environment.py). Each screen is requested a few times to warm up, then timed REQUESTS
times; the table gives median and p95, the queries of one request, and the request's time as a
multiple of its own SQL (each statement's execute timed, summed per request; the median of
the per-request multiples). Writes bench-results.json in the project root.

    python bench/run.py [--requests 30] [--only queue,review]
    python bench/run.py --history [--requests 30] [--budget 60]   # one year against five: bench/history.py
"""

import argparse
import importlib
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment  # noqa: E402
from bench.measure import Bench, Target, measure  # noqa: E402

RESULTS = environment.ROOT / "bench-results.json"
EXPORT_BENCH = Path(__file__).resolve().parent / "bench_export.py"


TARGETS = {
    "queue_default": Target(12, 50, ratio=1.0, x_sql=2.0),
    "queue_filtered": Target(12, 50, ratio=1.0, x_sql=2.0),
    "queue_year": Target(12, 50, ratio=1.0, x_sql=2.0),
    # The editor's GET against the review page of a form of the same 40 rows (issue #12: within 1.5x).
    "editor_40": Target(12, 50, ratio=1.5),
    "review_40": Target(12, 50),
    "my_forms": Target(p50_ms=50),
    "save_40": Target(15, 50),
    "excel_at_caps": Target(p50_ms=1000),
}

# Benchmark modules beside the screens: each has run(fixtures, count, only) -> rows and TARGETS.
PLUGINS: list[str] = ["bench.season", "bench.library", "bench.carryover", "bench.suggest", "bench.exchange"]


def fifty_rows(response) -> None:
    found = response.content.decode().count('class="queue-row"')
    if found != 50:
        raise RuntimeError(f"expected 50 rows, the queue shows {found}")


def bench_screens(fixtures, count: int, only: set[str] | None) -> list[dict]:
    from django.test import Client

    year = fixtures.year
    results = []

    def wanted(name):
        return only is None or name in only

    reviewer = Client()
    reviewer.force_login(fixtures.finance)
    admin = Client()
    admin.force_login(fixtures.admin)
    filler = Client()
    filler.force_login(fixtures.filler)
    saver = Client()
    saver.force_login(fixtures.bench_filler)

    if wanted("queue_default") or wanted("queue_filtered") or wanted("queue_year"):
        admin_url = f"/admin/projects/performanceform/?year__id__exact={year.pk}"
        pages = 5
        filtered_url = f"/forms/queue/?year={year.pk}&kind=project&flags=warnings&sort=-warnings&page="
        year_url = f"/forms/queue/?year={year.pk}&page="
        # The navigation link: the current year, first page.
        *queues, admin_result = measure(
            [
                Bench("queue_default", lambda i: reviewer.get("/forms/queue/"), check=fifty_rows),
                Bench("queue_filtered", lambda i: reviewer.get(filtered_url + str(1 + i % pages)), check=fifty_rows),
                Bench("queue_year", lambda i: reviewer.get(year_url + str(1 + i % pages)), check=fifty_rows),
                Bench("admin_changelist", lambda i: admin.get(admin_url)),
            ],
            count,
        )
        for result in queues:
            result["ratio"] = round(result["p50_ms"] / admin_result["p50_ms"], 2)
        results += [*queues, admin_result]

    if wanted("editor_40") or wanted("review_40"):
        # The same 40 rows (bench/fixtures.py), the editor's GET in turn with the review page.
        edit_url = f"/forms/{fixtures.save_form.pk}/edit/"
        review_url = f"/forms/{fixtures.review_form.pk}/review/"
        editor, review = measure(
            [Bench("editor_40", lambda i: saver.get(edit_url)), Bench("review_40", lambda i: reviewer.get(review_url))],
            count,
        )
        editor["ratio"] = round(editor["p50_ms"] / review["p50_ms"], 2)
        results += [editor, review]

    if wanted("my_forms"):
        results += measure([Bench("my_forms", lambda i: filler.get("/forms/"))], count)

    if wanted("save_40"):
        results += measure([Bench("save_40", save_request(saver, fixtures.save_form, year), expect=(302,))], count)
    return results


def save_request(saver, perf_form, year) -> Callable:
    """save(i): the editor's post of `perf_form` with its first value changed to a number of i."""
    from bench import fixtures as bench_fixtures_module
    from projects.devdata.editor_post import post_data

    url = f"/forms/{perf_form.pk}/edit/"
    header = {
        key: ("yes" if value else "no") if isinstance(value, bool) else str(value)
        for key, value in bench_fixtures_module.header_values(year.year, perf_form.project_name).items()
    }

    def save(i):
        perf_form.refresh_from_db(fields=["version"])
        rows = [
            {"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": f"={i % 97 + 1}家"}
            if r.position == 0
            else {"id": r.pk, "level1": r.level1, "level2": r.level2, "level3": r.level3, "value": r.value}
            for r in perf_form.indicators.all()
        ]
        data = post_data(rows, header=header, version=perf_form.version, initial_forms=len(rows))
        # Urlencoded, as the editor's form posts (the test client's default, multipart, cost ~8 ms more).
        return saver.post(url, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")

    return save


def bench_import(count: int) -> dict:
    """The seed files through import_text with dry_run: the whole import, rolled back."""
    from projects.exchange.importing import import_text, read_text_file

    seeds = sorted((environment.ROOT / "fixtures" / "seeds").glob("*.txt"))
    texts = [(str(path), read_text_file(path)) for path in seeds]

    class Done:
        status_code = 200

    def run(i):
        for source, text in texts:
            report = import_text(text, dry_run=True, source=source)
            if report.skipped:
                raise RuntimeError(f"{source}: {[o.reason for o in report.skipped]}")
        return Done

    return measure([Bench("import_seeds_dry_run", run)], count)[0]


def bench_excel_at_caps(count: int) -> dict:
    """One form at every cap (each narrative, 200 rows of the longest 三级 and value) to official xlsx.

    The layout used to grow with the square of the text; the caps bound what one user can make it cost.
    """
    from decimal import Decimal

    from django.conf import settings

    from projects.exchange.layout import budget_fields, header_fields
    from projects.exchange.sheet import SheetForm, SheetRow
    from projects.exchange.writer import official_xlsx
    from projects.models import LEVEL3_MAX_LENGTH, NARRATIVE_MAX_LENGTH, Indicator, PerformanceForm

    def capped(name: str, n: int, i: int = 0) -> str:
        return (f"{i}{name}建设内容，保障工程质量安全。\n" * n)[:n]

    header = {}
    for name in header_fields("project"):
        model_field = PerformanceForm._meta.get_field(name)
        if model_field.get_internal_type() in ("TextField", "CharField"):
            header[name] = capped(name, model_field.max_length or NARRATIVE_MAX_LENGTH)
        else:
            header[name] = None
    value_cap = Indicator._meta.get_field("value").max_length
    rows = [
        SheetRow("产出目标", "数量", capped("指标", LEVEL3_MAX_LENGTH, i), capped("=", value_cap, i))
        for i in range(settings.MAX_INDICATOR_ROWS)
    ]
    sheet = SheetForm(
        kind="project",
        year=2020,
        unit_name="甲" * 200,
        header=header,
        budget={name: Decimal("123456789.01") for name in budget_fields("project")},
        rows=rows,
    )

    class Done:
        status_code = 200

    def run(i):
        official_xlsx(sheet)
        return Done

    return measure([Bench("excel_at_caps", run)], count)[0]


def bench_export(year: int) -> dict:
    """The Excel bulk export against the plain writer: bench/bench_export.py, read from its table.

    Run as a script so that each writer is measured in a fresh process (its peak RSS is its own).
    """
    output = subprocess.run(
        [sys.executable, str(EXPORT_BENCH), "--year", str(year)],
        check=True,
        capture_output=True,
        text=True,
        cwd=environment.ROOT,
    ).stdout
    result = _export_output(output)
    return {
        "name": "export_xlsx",
        "seconds": _rounded(result.get("seconds")),
        "peak_mb": _rounded(result.get("peak_mb")),
        "ratio": _rounded(result.get("ratio")),
    }


def _rounded(value):
    return round(float(value), 2) if value is not None else None


def _export_output(output: str) -> dict:
    """Figures from bench_export.py's table: "export  <rows>  <seconds>  <peak MB> ..." and the ratio line."""
    result = {}
    for line in output.splitlines():
        if match := re.match(r"export\s+\d+\s+([\d.]+)\s+([\d.]+)", line):
            result["seconds"], result["peak_mb"] = match.groups()
        if match := re.search(r"export / plain: ([\d.]+)x", line):
            result["ratio"] = match.group(1)
    if "seconds" not in result:
        raise RuntimeError(f"bench/bench_export.py printed no figures bench/run.py can read:\n{output[-1000:]}")
    return result


def _met(value, limit) -> str:
    return "ok" if value is not None and value <= limit else "MISSED"


def print_table(results: list[dict], generate_seconds: float | None) -> None:
    print()
    print(
        f"{'benchmark':<22} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'SQL ms':>7} {'× SQL':>6} {'ratio':>6}  target"
    )
    for r in results:
        if "summary" in r:
            print(f"{r['name']:<22} {r['summary']}  {'ok' if r.get('met') else 'MISSED'}")
            continue
        if r["name"] == "export_xlsx":
            print(f"{'export_xlsx':<22} {r['seconds']!s:>8} s, peak {r['peak_mb']} MB, ratio {r['ratio']}")
            continue
        goal = TARGETS.get(r["name"], Target())
        target = []
        if goal.queries is not None:
            target.append(f"≤{goal.queries} q {_met(r['queries'], goal.queries)}")
        if goal.p50_ms is not None:
            target.append(f"p50 ≤{goal.p50_ms} ms {_met(r['p50_ms'], goal.p50_ms)}")
        if goal.x_sql is not None:
            target.append(f"≤{goal.x_sql} × SQL {_met(r['x_sql'], goal.x_sql)}")
        if goal.ratio is not None:
            target.append(f"ratio ≤{goal.ratio} {_met(r['ratio'], goal.ratio)}")
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        x_sql = "" if r["x_sql"] is None else f"{r['x_sql']:.2f}"
        print(
            f"{r['name']:<22} {r['p50_ms']:>8} {r['p95_ms']:>8} {r['queries']:>8} {r['sql_p50_ms']:>7} {x_sql:>6} "
            f"{ratio:>6}  {'; '.join(target)}"
        )
    if generate_seconds is not None:
        print(f"\n(generated the synthetic year first: {generate_seconds:.1f} s)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per screen (default 30)")
    parser.add_argument("--only", help="comma-separated benchmark names")
    parser.add_argument(
        "--history",
        action="store_true",
        help="the screens on one synthetic year and on five, with the growth ratio (bench/history.py)",
    )
    parser.add_argument(
        "--budget",
        type=float,
        default=60,
        help="with --history: seconds of timed requests per screen and database, past 3 requests (default 60)",
    )
    args = parser.parse_args(argv)
    only = set(args.only.split(",")) if args.only else None
    if args.history:
        from bench import history

        return history.run(args.requests, args.budget, only)

    environment.configure()
    generate_seconds = environment.prepare()
    from bench.fixtures import bench_fixtures

    fixtures = bench_fixtures(environment.YEAR)
    results = bench_screens(fixtures, args.requests, only)
    if only is None or "import_seeds_dry_run" in only:
        results.append(bench_import(args.requests))
    if only is None or "excel_at_caps" in only:
        results.append(bench_excel_at_caps(min(args.requests, 10)))
    if only is None or "export_xlsx" in only:
        results.append(bench_export(environment.YEAR))
    for name in PLUGINS:
        module = importlib.import_module(name)
        TARGETS.update(getattr(module, "TARGETS", {}))
        results += module.run(fixtures, args.requests, only)
    print_table(results, generate_seconds)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwrote {RESULTS.relative_to(environment.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
