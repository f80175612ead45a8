"""Retry or fail bulk exports whose worker died, and delete finished exports past their keep time.

For cron, e.g. every minute: a few queries on a small table when there is nothing to do. The same
clean-up also runs whenever someone starts an export, and the status poll checks its own job.
"""

from django.core.management.base import BaseCommand

from projects.services import exports


class Command(BaseCommand):
    help = "Retry or fail exports whose worker died; delete finished exports older than PERFGOALS_EXPORT_KEEP_HOURS."

    def handle(self, *args, **options):
        recovered = exports.recover_stale()
        purged = exports.purge_expired()
        self.stdout.write(f"{recovered} stale export(s) retried or failed, {purged} expired export(s) deleted")
