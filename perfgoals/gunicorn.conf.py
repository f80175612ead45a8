"""gunicorn settings for production: `gunicorn -c perfgoals/gunicorn.conf.py perfgoals.wsgi`.

gunicorn's own GUNICORN_CMD_ARGS overrides any of these without editing the file
(e.g. GUNICORN_CMD_ARGS="--bind 127.0.0.1:8765 --workers 2").
"""

import multiprocessing

# Loopback only: nginx on the same host is the only client (see README, Production).
bind = "127.0.0.1:8000"

# Threaded workers, cores + 1 processes x 4 threads, chosen by `make load-deadline` (load/run.py) on
# this 2-core box: five synthetic years, 200 people ramping in over 60 s, each run on a fresh copy of
# the database (2026-12-01; README, Benchmarks and load). At the deadline's pace (44 requests/s)
# gthread 3 x 4 and sync 5 served pages alike (p95 123 and 122 ms) and logins not (p95 126 and 227 ms:
# Argon2 releases the GIL, so a worker's other threads go on). Saturated (think time halved) both
# served ~69 requests/s, gthread at a lower page median (442 against 599 ms), sync at a lower p95
# (0.9 against 1.2 s); sync 9 did worse than sync 5 (59 against 64 requests/s, one earlier pair).
# Threads also keep a slow request (an Excel upload at its caps) to one thread, not a whole process.
# Each thread keeps a PostgreSQL connection (CONN_MAX_AGE): 12 on this box.
worker_class = "gthread"
workers = multiprocessing.cpu_count() + 1
threads = 4

# The slowest request is an Excel upload at its caps (5 MB, 2,000 rows): seconds, not a minute.
timeout = 60
graceful_timeout = 30

# Django decides whether a request is https (TRUST_X_FORWARDED_PROTO in settings). gunicorn's default
# would also trust X-Forwarded-Proto from loopback peers on its own, whatever that variable says.
secure_scheme_headers = {}

# Access and error logs to stdout/stderr, for journald.
accesslog = "-"
errorlog = "-"
