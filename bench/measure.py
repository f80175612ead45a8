"""What every benchmark shares: the timing loop, its figures and the targets they are held to.

Each benchmark module (bench/run.py's screens, and the modules in run.PLUGINS) measures with
`measure` and returns rows of the same shape, so one table prints them all. A row that is not a
request timing (a background job, a batch) sets "summary" to its own line and "met" to whether
it reached its target.
"""

import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

WARMUP = 3


@dataclass(frozen=True)
class Target:
    queries: int | None = None
    p50_ms: float | None = None
    ratio: float | None = None  # p50 against the peer measured in turn with it (the "ratio" column)
    x_sql: float | None = None  # the request's time over its SQL time (issue #12: the queue within 2x)


def percentile(samples: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Bench:
    name: str
    request: Callable  # request(i) -> response; i < 0 for warm-up calls
    expect: tuple[int, ...] = (200,)
    check: Callable | None = None


class SqlClock:
    """Sums the time of every statement executed on the connection (connection.execute_wrapper)."""

    def __init__(self):
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started


def measure(benches: list[Bench], count: int) -> list[dict]:
    """Time each bench `count` times after WARMUP untimed calls that also count its queries.

    Benches measured together take turns request by request, so a peer comparison is not
    skewed by whatever else the machine does meanwhile. Each timed request's SQL is timed too.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries: dict[str, list[int]] = {b.name: [] for b in benches}
    samples: dict[str, list[float]] = {b.name: [] for b in benches}
    sql_samples: dict[str, list[float]] = {b.name: [] for b in benches}
    clock = SqlClock()

    def call(bench: Bench, i: int):
        response = bench.request(i)
        if response.status_code not in bench.expect:
            raise RuntimeError(f"{bench.name}: HTTP {response.status_code} on request {i}")
        return response

    for i in range(WARMUP):
        for bench in benches:
            with CaptureQueriesContext(connection) as captured:
                response = call(bench, -1 - i)
            queries[bench.name].append(len(captured.captured_queries))
            if bench.check:
                bench.check(response)
    with connection.execute_wrapper(clock):
        for i in range(count):
            for bench in benches:
                clock.seconds = 0.0
                started = time.perf_counter()
                call(bench, i)
                samples[bench.name].append((time.perf_counter() - started) * 1000)
                sql_samples[bench.name].append(clock.seconds * 1000)
    return [_figures(b.name, samples[b.name], sql_samples[b.name], queries[b.name]) for b in benches]


def _figures(name: str, samples: list[float], sql_samples: list[float], queries: list[int]) -> dict:
    multiples = [total / sql for total, sql in zip(samples, sql_samples, strict=True) if sql]
    return {
        "name": name,
        "p50_ms": round(statistics.median(samples), 1),
        "p95_ms": round(percentile(samples, 0.95), 1),
        "queries": max(queries),
        "sql_p50_ms": round(statistics.median(sql_samples), 1),
        "x_sql": round(statistics.median(multiples), 2) if len(multiples) == len(samples) else None,
        "ratio": None,
    }
