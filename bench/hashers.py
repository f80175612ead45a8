"""CPU per login of the password hashers on this machine: PBKDF2 as Django ships it against Argon2.

A login verifies one hash (and, the first time after a change of hasher, makes a new one), so
on a deadline morning the login's CPU is the verify's. Measured in this process's CPU time
(`time.process_time`, every thread: Argon2 computes its lanes in threads), with wall time beside
it. No database: the hashers are Django's, configured from perfgoals.settings.

Strength is compared through OWASP's Password Storage Cheat Sheet, which gives configurations of
equal protection: PBKDF2-HMAC-SHA256 at 600,000 iterations and Argon2id at 19 MiB, 2 passes,
1 lane (m x t = 38 MiB-passes; its other rows, 46 MiB x 1, 12 MiB x 3, 9 MiB x 4, 7 MiB x 5,
trade memory for passes at about the same product). A candidate is "at least as strong" as
production's PBKDF2 when its memory x passes, over 38, is at least PBKDF2's iterations over
600,000. That is generous to PBKDF2: it costs a GPU attacker only arithmetic, while each Argon2
guess also needs its whole memory (memory-hard), which is what OWASP ranks Argon2id first for.

    python bench/hashers.py [--rounds 9]    # writes bench-results-hashers.json
"""

import argparse
import json
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench-results-hashers.json"
PASSWORD = "perfgoals-demo-Passw0rd"

# OWASP Password Storage Cheat Sheet: configurations it gives as of equal strength.
OWASP_PBKDF2_SHA256_ITERATIONS = 600_000
OWASP_ARGON2_MIB_PASSES = 19 * 2


@dataclass
class Candidate:
    label: str
    hasher: object  # a django.contrib.auth.hashers.BasePasswordHasher

    def strength(self) -> float:
        """Multiples of OWASP's minimum configuration (1.0 = the minimum it recommends)."""
        from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

        if isinstance(self.hasher, PBKDF2PasswordHasher):
            return self.hasher.iterations / OWASP_PBKDF2_SHA256_ITERATIONS
        if isinstance(self.hasher, Argon2PasswordHasher):
            return self.hasher.memory_cost / 1024 * self.hasher.time_cost / OWASP_ARGON2_MIB_PASSES
        raise TypeError(self.hasher)

    def parameters(self) -> str:
        from django.contrib.auth.hashers import PBKDF2PasswordHasher

        h = self.hasher
        if isinstance(h, PBKDF2PasswordHasher):
            return f"{h.algorithm}, {h.iterations:,} iterations"
        return f"argon2id, m={h.memory_cost // 1024} MiB, t={h.time_cost}, p={h.parallelism}"


# Tuned Argon2id at or above PBKDF2's strength, one lane (lanes save wall time on an idle machine,
# not CPU on a busy one): (MiB, passes).
TUNED = [(46, 2), (32, 2), (22, 3), (19, 4)]
# Below OWASP's first configuration's memory, Argon2 gets cheap by fitting in the CPU's cache, and
# cheap for an attacker's GPU as well: memory is what makes it memory-hard.
MIN_MEMORY_MIB = 19
TIE = 0.15


def candidates() -> list[Candidate]:
    from django.contrib.auth.hashers import Argon2PasswordHasher, PBKDF2PasswordHasher

    from perfgoals.hashers import Argon2idHasher

    def tuned(mib: int, passes: int):
        name = f"Argon2id{mib}MiB{passes}"
        return type(name, (Argon2PasswordHasher,), {"memory_cost": mib * 1024, "time_cost": passes, "parallelism": 1})

    return [
        Candidate("PBKDF2 (Django default, production until now)", PBKDF2PasswordHasher()),
        Candidate("Argon2 (Django defaults)", Argon2PasswordHasher()),
        *(Candidate(f"Argon2id {mib} MiB x {passes}, 1 lane", tuned(mib, passes)()) for mib, passes in TUNED),
        Candidate("perfgoals.hashers.Argon2idHasher (production)", Argon2idHasher()),
    ]


def _timed(candidate: Candidate, rounds: int) -> dict[str, list[float]]:
    hasher = candidate.hasher
    encoded = hasher.encode(PASSWORD, hasher.salt())  # warm-up: loads the library, touches the memory
    times = {"hash_cpu": [], "verify_cpu": [], "verify_wall": []}
    for _ in range(rounds):
        cpu_start = time.process_time()
        encoded = hasher.encode(PASSWORD, hasher.salt())
        times["hash_cpu"].append((time.process_time() - cpu_start) * 1000)
        wall_start, cpu_start = time.perf_counter(), time.process_time()
        if not hasher.verify(PASSWORD, encoded):
            raise RuntimeError(f"{candidate.label}: verify failed")
        times["verify_cpu"].append((time.process_time() - cpu_start) * 1000)
        times["verify_wall"].append((time.perf_counter() - wall_start) * 1000)
    return times


def _timed_by_index(index: int, rounds: int) -> dict[str, list[float]]:
    return _timed(candidates()[index], rounds)


def measure(index: int, candidate: Candidate, rounds: int) -> dict:
    """Alone, then one process per core at once: logins on a deadline come together, and share the cache."""
    alone = _timed(candidate, rounds)
    cores = os.cpu_count() or 1
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(cores, mp_context=context) as pool:
        together = list(pool.map(_timed_by_index, [index] * cores, [rounds] * cores))
    busy_verify = [ms for times in together for ms in times["verify_cpu"]]
    h = candidate.hasher
    return {
        "hasher": candidate.label,
        "class": f"{type(h).__module__}.{type(h).__qualname__}",
        "parameters": candidate.parameters(),
        "memory_mib": h.memory_cost / 1024 if hasattr(h, "memory_cost") else None,
        "strength_vs_owasp_minimum": round(candidate.strength(), 2),
        "hash_cpu_ms": round(statistics.median(alone["hash_cpu"]), 1),
        "verify_cpu_ms": round(statistics.median(alone["verify_cpu"]), 1),
        "verify_wall_ms": round(statistics.median(alone["verify_wall"]), 1),
        "verify_cpu_ms_all_cores_busy": round(statistics.median(busy_verify), 1),
    }


def choose(results: list[dict]) -> dict:
    """The cheapest CPU per login, all cores busy, among hashers at least as strong as PBKDF2.

    Figures within TIE of the cheapest are noise on a shared machine: of those, the strongest.
    """
    reference = results[0]
    eligible = [
        r
        for r in results
        if r["strength_vs_owasp_minimum"] >= reference["strength_vs_owasp_minimum"]
        and (r["memory_mib"] is None or r["memory_mib"] >= MIN_MEMORY_MIB)
        and "(production)" not in r["hasher"]
    ]
    cheapest = min(r["verify_cpu_ms_all_cores_busy"] for r in eligible)
    near = [r for r in eligible if r["verify_cpu_ms_all_cores_busy"] <= cheapest * (1 + TIE)]
    return max(near, key=lambda r: r["strength_vs_owasp_minimum"])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="hashes and verifies per hasher (default 9)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perfgoals.settings")
    import django

    django.setup()
    from django.conf import settings

    results = [measure(i, c, args.rounds) for i, c in enumerate(candidates())]
    chosen = choose(results)
    load = os.getloadavg()[0]
    print(f"\n{'hasher':<48} {'strength':>8} {'hash':>6} {'verify':>7} {'wall':>6} {'busy':>6}   CPU ms, median")
    for r in results:
        mark = "  <- chosen" if r is chosen else ""
        print(
            f"{r['hasher']:<48} {r['strength_vs_owasp_minimum']:>7}x {r['hash_cpu_ms']:>6} {r['verify_cpu_ms']:>7} "
            f"{r['verify_wall_ms']:>6} {r['verify_cpu_ms_all_cores_busy']:>6}{mark}"
        )
    print("strength: multiples of OWASP's minimum (PBKDF2-SHA256 600,000 iterations = Argon2id 19 MiB x 2 passes)")
    print("wall: verify alone, wall clock; busy: verify CPU with one process hashing per core at the same time")
    print(
        f"eligible: strength >= PBKDF2's and memory >= {MIN_MEMORY_MIB} MiB; chosen by 'busy', "
        f"the strongest within {TIE:.0%} of the cheapest"
    )
    print(f"load average when measured: {load:.2f} on {os.cpu_count()} cores")
    print(f"production's first hasher (perfgoals.settings): {settings.PASSWORD_HASHERS[0]}")
    RESULTS.write_text(
        json.dumps(
            {"load_average": round(load, 2), "results": results, "cheapest_at_strength": chosen["hasher"]},
            ensure_ascii=False,
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
