"""gunicorn settings for production: `gunicorn -c perfgoals/gunicorn.conf.py perfgoals.wsgi`.

gunicorn's own GUNICORN_CMD_ARGS overrides any of these without editing the file
(e.g. GUNICORN_CMD_ARGS="--bind 127.0.0.1:8765 --workers 2").
"""

import multiprocessing

# Loopback only: nginx on the same host is the only client (see README, Production).
bind = "127.0.0.1:8000"

# Threaded workers, cores + 1 processes x 4 threads, chosen by `make load-deadline` (load/run.py) on
# this 2-core box, five synthetic years, 200 people ramping in over 60 s (2026-12-01; README,
# Benchmarks and load). Below saturation (44 requests/s) gthread 3 x 4 and sync 5 were alike: page p95
# 95-194 ms against 88 ms. Saturated (think time halved, the box at 2.0 cores busy): gthread 3 x 4
# served 68 requests/s at page p50 432 ms / p95 1.3 s; sync 5, 64/s at 825 ms / 1.3 s; sync 9, 59/s at
# 861 ms / 1.8 s. Threads let a worker overlap its database waits and the login's Argon2 (which releases
# the GIL), and a slow request (an Excel upload) holds one thread, not a whole process; more processes
# than cores only added switching. Each thread holds one PostgreSQL connection (CONN_MAX_AGE): 12 here.
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
