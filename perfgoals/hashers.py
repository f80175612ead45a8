"""The password hasher production puts first (settings.PASSWORD_HASHERS).

Argon2id, memory-hard, tuned to be at least as strong as the PBKDF2 it replaces at a fraction of
its CPU: a deadline morning is hundreds of logins within minutes on two cores. `make bench-hashers`
(bench/hashers.py) measures it against PBKDF2 and Django's own Argon2 defaults; README, Benchmarks
and load, gives the figures.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idHasher(Argon2PasswordHasher):
    """OWASP's first Argon2id configuration (19 MiB, 2 passes, 1 lane) with the passes doubled.

    That is 2.0x OWASP's minimum, against 1.67x for Django's PBKDF2 (10^6 iterations over OWASP's
    600,000). Django's own Argon2 defaults (100 MiB, 2 passes, 8 lanes) cost as much CPU as PBKDF2
    here. The algorithm name stays "argon2", so hashes made here are plain Argon2 hashes that
    Django's stock hasher verifies too; a hash with other parameters is re-made at its next login
    (`must_update`), like a PBKDF2 hash.
    """

    memory_cost = 19 * 1024  # KiB
    time_cost = 4
    parallelism = 1
