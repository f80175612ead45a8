"""The 推荐指标 endpoint against ten synthetic years (10 × 20,000 forms), on PostgreSQL.

Runs in a process of its own (bench/run.py's plugin starts it) on a database of its own,
perfgoals_bench10 (SUGGEST_DATABASE_URL to change), created and generated on first use: ten
years of bench/environment.py's generator, one seed per year, then `manage.py suggest_index`
for the references of the approved forms the generator wrote in bulk. Measures the cold start
(the first request builds the process's index) with the process's RSS before and after, then
p50/p95 of the endpoint through Django's test Client, as the editor's panel posts it.

    python bench/suggest.py [--requests 30]
    python bench/suggest.py --worst-case 20000   # the index alone over N distinct texts (no database)

The synthetic years repeat a few dozen project names and the seed narratives, so their 50,000
references fold to ~120 distinct texts; --worst-case builds the index over N distinct texts cut
from those narratives (sharing most of their bigrams, the slowest kind of query) and times
queries against it in this process.
"""

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import environment  # noqa: E402

DATABASE_URL = os.environ.get("SUGGEST_DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/perfgoals_bench10"
YEARS = {year: environment.YEAR - year + 1 for year in range(environment.YEAR - 9, environment.YEAR + 1)}
P95_MS = 150
NAMES = ("suggest_endpoint", "suggest_cold_start")
TARGETS: dict = {}


def _create_database(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    connection = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}", file=sys.stderr)
    finally:
        connection.close()


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_endpoint(count: int) -> list[dict]:
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from bench.fixtures import bench_fixtures
    from bench.measure import Bench, measure
    from projects.devdata.synthetic import EXTRA_PROJECT_STEMS, load_seeds
    from projects.models import PerformanceForm
    from projects.suggest import engine
    from projects.suggest.models import Reference

    call_command("suggest_index", verbosity=0)
    fixtures = bench_fixtures(environment.YEAR)
    client = Client()
    client.force_login(fixtures.bench_filler)
    seeds = load_seeds()
    names = list(dict.fromkeys(seeds.project_names + EXTRA_PROJECT_STEMS))
    headers = seeds.headers
    url = reverse("projects:suggest")

    def post(i: int):
        header = headers[i % len(headers)]
        return client.post(
            url,
            {
                "form": fixtures.save_form.pk,
                "project_name": names[i % len(names)] + "项目",
                "overview": header.get("overview", ""),
                "basis": header.get("basis", ""),
            },
        )

    engine.forget_indexes()
    rss_before = _rss_mb()
    started = time.perf_counter()
    first = post(0)
    cold = time.perf_counter() - started
    if first.status_code != 200 or not first.json()["groups"]:
        raise RuntimeError(f"suggest: HTTP {first.status_code}, {first.content[:200]!r}")
    rss_after = _rss_mb()
    index = engine.reference_index("project")
    forms = PerformanceForm.objects.count()
    references = Reference.objects.count()
    [row] = measure([Bench("suggest_endpoint", post)], count)
    row["summary"] = (
        f"p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms, {row['queries']} queries "
        f"({count} requests; target p95 ≤ {P95_MS} ms)"
    )
    row["met"] = row["p95_ms"] <= P95_MS
    cold_row = {
        "name": "suggest_cold_start",
        "summary": (
            f"first request {cold:.1f} s builds the index: {forms} forms, {references} references, "
            f"{index.entries} distinct texts; RSS {rss_before:.0f} → {rss_after:.0f} MB"
        ),
        "met": True,
        "seconds": round(cold, 2),
        "rss_before_mb": round(rss_before),
        "rss_after_mb": round(rss_after),
        "forms": forms,
        "references": references,
        "texts": index.entries,
    }
    return [row, cold_row]


def worst_case(texts: int, count: int) -> dict:
    import random
    import statistics

    from bench.measure import percentile
    from projects.devdata.synthetic import EXTRA_PROJECT_STEMS, load_seeds
    from projects.suggest.index import Member, SimilarityIndex
    from projects.suggest.text import document

    seeds = load_seeds()
    narratives = "".join(h.get(n, "") for h in seeds.headers for n in ("overview", "basis", "necessity", "goals"))
    names = list(dict.fromkeys(seeds.project_names + EXTRA_PROJECT_STEMS))
    rng = random.Random(1)

    def text() -> str:
        a, b = rng.randrange(len(narratives) - 700), rng.randrange(len(narratives) - 300)
        name = rng.choice(names) + rng.choice(["", "（二期）", "专项", "运行维护"]) + narratives[a : a + 6]
        return document(name, narratives[a : a + 500], narratives[b : b + 250])

    documents = [(Member(i, 2022 + i % 10), text()) for i in range(texts)]
    rss_before = _rss_mb()
    started = time.perf_counter()
    index = SimilarityIndex(documents)
    built = time.perf_counter() - started
    del documents
    samples = []
    for query in [text() for _ in range(count)]:
        started = time.perf_counter()
        index.search(query, limit=20)
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = statistics.median(samples), percentile(samples, 0.95)
    return {
        "name": "suggest_worst_case",
        "summary": (
            f"{index.entries} distinct texts: build {built:.0f} s, RSS {rss_before:.0f} → {_rss_mb():.0f} MB; "
            f"query p50 {p50:.1f} ms, p95 {p95:.1f} ms (index alone)"
        ),
        "met": p95 <= P95_MS,
    }


def run(fixtures, count: int, only: set[str] | None) -> list[dict]:
    """bench/run.py's plugin: this module in a process of its own, on its own database."""
    import subprocess

    if only is not None and not only & set(NAMES):
        return []
    output = subprocess.run(
        [sys.executable, __file__, "--requests", str(count)], check=True, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--worst-case", type=int, metavar="TEXTS", help="time the index alone over TEXTS texts")
    args = parser.parse_args(argv)
    if args.worst_case:
        environment.configure(DATABASE_URL)
        row = worst_case(args.worst_case, args.requests)
        print(f"{row['name']:<22} {row['summary']}", file=sys.stderr)
        print(json.dumps([row], ensure_ascii=False))
        return 0
    _create_database(DATABASE_URL)
    environment.configure(DATABASE_URL)
    environment.prepare(years=YEARS)
    rows = measure_endpoint(args.requests)
    for row in rows:
        print(f"{row['name']:<22} {row['summary']}", file=sys.stderr)
    print(json.dumps(rows, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
