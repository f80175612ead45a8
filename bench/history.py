"""`make bench-history`: the screens everyone uses, on one synthetic year and on five, side by side.

A finance bureau keeps ten years of forms; a screen whose cost follows the years kept gets slower
every year. Each screen is measured on the one-year database of `make bench` (2031) and on a
five-year one (2027-2031, 100,000 forms) in the same run, request by request in turn, so that
whatever else the machine does weighs on both alike; the table gives both and the growth ratio
(five years over one, p50 time and bytes), against the target of at most 1.2x.

Each database is served by a child process of its own (Django configures one database per
process), driven over a pipe: the parent asks a child for one request at a time, and the child
times it in-process with Django's test Client (server time only, as `make bench`) and counts
its queries on the warm-up request.

The five-year database starts as a copy of the one-year one (same 2031, same benchmark forms)
with four years generated into it, once: a second run reuses both.

    python bench/run.py --history [--requests 20] [--budget 60] [--only landing_reviewer,search]
"""

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment  # noqa: E402

RESULTS = environment.ROOT / "bench-results-history.json"
TARGET_RATIO = 1.2
MIN_SAMPLES = 3
# A fragment of project names found in every year (the generator's "施工现场扬尘在线监测"), long enough
# for a trigram index to be used.
SEARCH = "扬尘在线"

SCREENS = {
    "landing_reviewer": "landing page of syn_fin_all (every department), after login: / and its redirect",
    "landing_filler": "landing page of a unit filler: / and its redirect",
    "queue_default": "review queue, no parameters",
    "queue_year": "review queue, one year, pages 1-5",
    "search": f"review queue, text search ?q={SEARCH}",
    "editor_40": "editor of a 40-indicator form (GET)",
    "review_40": "review page of a 40-indicator form",
    "save_40": "save a 40-indicator form (one value changed)",
}


def percentile(samples: list[float], share: float) -> float:
    from bench.measure import percentile as nearest_rank

    return nearest_rank(samples, share)


# --- The child: one database, one request at a time -------------------------------------------


def _screens(fixtures) -> dict:
    from urllib.parse import quote

    from django.test import Client

    from bench.run import save_request

    def client_of(user):
        client = Client()
        client.force_login(user)
        return client

    reviewer = client_of(fixtures.finance)
    filler = client_of(fixtures.filler)
    saver = client_of(fixtures.bench_filler)
    year = fixtures.year
    edit_url = f"/forms/{fixtures.save_form.pk}/edit/"
    review_url = f"/forms/{fixtures.review_form.pk}/review/"
    save = save_request(saver, fixtures.save_form, year)
    return {
        "landing_reviewer": (lambda i: reviewer.get("/", follow=True), 200),
        "landing_filler": (lambda i: filler.get("/", follow=True), 200),
        "queue_default": (lambda i: reviewer.get("/forms/queue/"), 200),
        "queue_year": (lambda i: reviewer.get(f"/forms/queue/?year={year.pk}&page={1 + i % 5}"), 200),
        "search": (lambda i: reviewer.get(f"/forms/queue/?q={quote(SEARCH)}"), 200),
        "editor_40": (lambda i: saver.get(edit_url), 200),
        "review_40": (lambda i: reviewer.get(review_url), 200),
        "save_40": (save, 302),
    }


def _database_summary() -> dict:
    from django.db import connection

    from projects.models import Indicator, PerformanceForm

    summary = {
        "database": connection.settings_dict["NAME"],
        "years": sorted(PerformanceForm.objects.order_by().values_list("year__year", flat=True).distinct()),
        "forms": PerformanceForm.objects.count(),
        "indicators": Indicator.objects.count(),
    }
    return summary


def child_prepare(five_years: bool) -> None:
    environment.configure()
    seconds = environment.prepare(years=environment.HISTORY_YEARS if five_years else None)
    from bench.fixtures import bench_fixtures

    bench_fixtures(environment.YEAR)
    print(json.dumps({**_database_summary(), "generated_seconds": seconds}), flush=True)


def child_serve() -> None:
    """Answer one JSON line per request line: {"op": "warm"|"time", "name": ..., "i": ...}."""
    # Our answers go on the original stdout; anything Django or a library prints goes to stderr.
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    environment.configure()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bench.fixtures import bench_fixtures

    screens = _screens(bench_fixtures(environment.YEAR))
    answers.write(json.dumps({"ready": True, **_database_summary()}) + "\n")
    answers.flush()
    for line in sys.stdin:
        ask = json.loads(line)
        if ask["op"] == "quit":
            break
        request, expect = screens[ask["name"]]
        answer: dict = {}
        if ask["op"] == "warm":
            with CaptureQueriesContext(connection) as captured:
                response = request(-1)
            answer["queries"] = len(captured.captured_queries)
            chain = getattr(response, "redirect_chain", [])
            answer["final_path"] = chain[-1][0] if chain else None
        else:
            started = time.perf_counter()
            response = request(ask["i"])
            answer["ms"] = (time.perf_counter() - started) * 1000
        answer["status"] = response.status_code
        answer["bytes"] = len(response.content)
        answer["rows"] = response.content.count(b'class="queue-row"')
        if response.status_code != expect:
            answer["error"] = f"HTTP {response.status_code}, expected {expect}"
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


# --- The parent ----------------------------------------------------------------------------------


def _child_env(url: str) -> dict:
    return {**os.environ, "DATABASE_URL": url}


def prepare_databases() -> dict[str, dict]:
    """Both databases migrated, with their years and benchmark forms; the five-year one made once.

    Runs in child processes, so the caller may configure Django on either database afterwards.
    """
    one_url, five_url = environment.database_url(), environment.history_database_url()
    summaries = {}
    for key, url, five in (("one_year", one_url, False), ("five_years", five_url, True)):
        if five:
            environment.ensure_database(five_url, template_url=one_url)
        output = subprocess.run(
            [sys.executable, __file__, "--prepare", "five" if five else "one"],
            env=_child_env(url),
            cwd=environment.ROOT,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout
        summaries[key] = json.loads(output.strip().splitlines()[-1])
        print(
            f"{key}: {summaries[key]['database']}, years {summaries[key]['years']}, "
            f"{summaries[key]['forms']:,} forms, {summaries[key]['indicators']:,} indicators"
            + (
                f" (generated now: {summaries[key]['generated_seconds']:.0f} s)"
                if summaries[key]["generated_seconds"]
                else ""
            ),
            flush=True,
        )
    return summaries


class Child:
    def __init__(self, url: str):
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve"],
            env=_child_env(url),
            cwd=environment.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ready = self._read()

    def _read(self) -> dict:
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"a benchmark child exited (code {self.process.wait()}); see its output above")
        return json.loads(line)

    def ask(self, op: str, name: str, i: int = 0) -> dict:
        self.process.stdin.write(json.dumps({"op": op, "name": name, "i": i}) + "\n")
        self.process.stdin.flush()
        answer = self._read()
        if "error" in answer:
            raise RuntimeError(f"{name} on {self.ready['database']}: {answer['error']}")
        return answer

    def close(self) -> None:
        if self.process.poll() is None:
            try:
                self.process.stdin.write(json.dumps({"op": "quit"}) + "\n")
                self.process.stdin.close()
                self.process.wait(timeout=30)
            except (BrokenPipeError, subprocess.TimeoutExpired):
                self.process.kill()
                self.process.wait()


def _figures(samples: list[float], warm: dict) -> dict:
    return {
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "bytes": warm["bytes"],
        "queries": warm["queries"],
        "requests": len(samples),
        "queue_rows": warm["rows"],
        "lands_on": warm.get("final_path"),
    }


def measure(children: dict[str, Child], name: str, count: int, budget: float) -> dict:
    """Warm each database up once (queries, bytes), then time them in turn until count or budget."""
    warm = {key: child.ask("warm", name) for key, child in children.items()}
    samples: dict[str, list[float]] = {key: [] for key in children}
    started = time.monotonic()
    i = 0
    while i < count and (i < MIN_SAMPLES or time.monotonic() - started < 2 * budget):
        for key, child in children.items():
            samples[key].append(child.ask("time", name, i)["ms"])
        i += 1
    one = _figures(samples["one_year"], warm["one_year"])
    five = _figures(samples["five_years"], warm["five_years"])
    time_ratio = round(five["p50_ms"] / one["p50_ms"], 2) if one["p50_ms"] else None
    # A redirect (the save) has no body to compare.
    bytes_ratio = round(five["bytes"] / one["bytes"], 2) if one["bytes"] else None
    met = time_ratio is not None and time_ratio <= TARGET_RATIO
    met = met and (bytes_ratio is None or bytes_ratio <= TARGET_RATIO)
    return {
        "name": name,
        "screen": SCREENS[name],
        "one_year": one,
        "five_years": five,
        "time_ratio": time_ratio,
        "bytes_ratio": bytes_ratio,
        "target": f"time and bytes <= {TARGET_RATIO}x",
        "met": met,
    }


def _kb(n: int) -> str:
    return f"{n / 1024:,.0f}" if n >= 10240 else f"{n / 1024:.1f}"


def print_table(results: list[dict]) -> None:
    print()
    print(
        f"{'screen':<17} {'1y p50':>8} {'1y p95':>8} {'5y p50':>8} {'5y p95':>8} {'time x':>7} "
        f"{'1y KB':>7} {'5y KB':>7} {'bytes x':>7} {'q 1y':>5} {'q 5y':>5}  target <= {TARGET_RATIO}x"
    )
    for r in results:
        one, five = r["one_year"], r["five_years"]
        print(
            f"{r['name']:<17} {one['p50_ms']:>8} {one['p95_ms']:>8} {five['p50_ms']:>8} {five['p95_ms']:>8} "
            f"{r['time_ratio']!s:>7} {_kb(one['bytes']):>7} {_kb(five['bytes']):>7} {r['bytes_ratio'] or '—'!s:>7} "
            f"{one['queries']:>5} {five['queries']:>5}  {'ok' if r['met'] else 'MISSED'}"
        )
    landed = {r["name"]: r["five_years"]["lands_on"] for r in results if r["five_years"]["lands_on"]}
    for name, path in landed.items():
        print(f"  {name} lands on {path}")


def run(count: int, budget: float, only: set[str] | None) -> int:
    load_before = os.getloadavg()
    summaries = prepare_databases()
    children = {}
    try:
        children["one_year"] = Child(environment.database_url())
        children["five_years"] = Child(environment.history_database_url())
        results = []
        for name in SCREENS:
            if only is None or name in only:
                print(f"  {name} ...", flush=True)
                results.append(measure(children, name, count, budget))
    finally:
        for child in children.values():
            child.close()
    load_after = os.getloadavg()
    print_table(results)
    load = f"load average {load_before[0]:.2f} before, {load_after[0]:.2f} after, on {os.cpu_count()} cores"
    print(f"\n{load} (anything else running shows in the figures; the ratios are measured in turn)")
    RESULTS.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "load_average": {"before": round(load_before[0], 2), "after": round(load_after[0], 2)},
                "databases": summaries,
                "results": results,
            },
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(environment.ROOT)}")
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        child_serve()
    elif sys.argv[1:2] == ["--prepare"]:
        child_prepare(sys.argv[2] == "five")
    else:
        sys.exit("run through bench/run.py --history")
