"""Run queued background tasks the way production does: django-tasks-db's own `db_worker`.

In this process and thread, so that a test's uncommitted rows are visible to it; `--batch` makes
the worker process everything queued, then return instead of waiting for more.
"""

import signal
from unittest import mock

from django.core.management import call_command

WORKER_ARGS = ["--batch", "--no-reload", "--no-startup-delay", "--interval=0"]


def run_worker() -> None:
    # The worker installs its own SIGINT/SIGTERM handlers for a graceful stop; give pytest its own back.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    saved = {number: signal.getsignal(number) for number in signals}
    # Between tasks the worker drops connections that are not in autocommit mode, as a request does;
    # inside a test's transaction that would close it (on PostgreSQL). Django's test client
    # disconnects the same call from its request signals for the same reason.
    no_close = mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)
    try:
        with no_close:
            call_command("db_worker", *WORKER_ARGS, verbosity=0)
    finally:
        for number, handler in saved.items():
            signal.signal(number, handler)
