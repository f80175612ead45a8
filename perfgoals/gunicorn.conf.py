"""gunicorn settings for production: `gunicorn -c perfgoals/gunicorn.conf.py perfgoals.wsgi`.

gunicorn's own GUNICORN_CMD_ARGS overrides any of these without editing the file
(e.g. GUNICORN_CMD_ARGS="--bind 127.0.0.1:8765 --workers 2").
"""

import multiprocessing

# Loopback only: nginx on the same host is the only client (see README, Production).
bind = "127.0.0.1:8000"

# Sync workers, 2 x cores + 1: gunicorn's rule of thumb, not yet measured for this app. Requests are
# short (page p50 ~35 ms) except the login POST, which is CPU-bound hashing; the bulk export runs in
# the background worker, not in a request.
worker_class = "sync"
workers = 2 * multiprocessing.cpu_count() + 1

# The slowest request is an Excel upload at its caps (5 MB, 2,000 rows): seconds, not a minute.
timeout = 60
graceful_timeout = 30

# Django decides whether a request is https (TRUST_X_FORWARDED_PROTO in settings). gunicorn's default
# would also trust X-Forwarded-Proto from loopback peers on its own, whatever that variable says.
secure_scheme_headers = {}

# Access and error logs to stdout/stderr, for journald.
accesslog = "-"
errorlog = "-"
